"""The browser tooling works: Chromium starts, axe-core runs in it, the live server answers."""

from axe_playwright_python.sync_playwright import Axe

SMALL_PAGE = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>avgflow</title></head>
<body><main><h1>Verzoek indienen</h1><p>Een pagina zonder fouten.</p></main></body>
</html>"""


def test_chromium_runs_axe_on_an_accessible_page(page, assert_accessible):
    page.set_content(SMALL_PAGE)

    assert page.locator("h1").inner_text() == "Verzoek indienen"
    assert_accessible(page)


def test_axe_reports_violations(page):
    page.set_content("<html><body><main><img src='data:,'></main></body></html>")

    results = Axe().run(page)

    reported = {violation["id"] for violation in results.response["violations"]}
    assert {"html-has-lang", "image-alt", "document-title"} <= reported


def test_live_server_answers(page):
    # set_language only changes the language on POST; a GET is sent back to the site root
    response = page.request.get("/i18n/setlang/", max_redirects=0)

    assert response.status == 302
    assert response.headers["location"] == "/"
