"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Each xdist worker starts one browser (pytest-playwright's session-scoped ``browser``) and one live
server (pytest-django's session-scoped ``live_server``, which adds its host to ALLOWED_HOSTS for
the tests that use it); every test gets a fresh browser context and page, with the live server
as its base URL (``page.goto("/path/")``). Pages are checked for console errors, uncaught
exceptions and CSP violations after every test.

Helpers, as fixtures: ``assert_accessible(page)`` runs axe-core in the page and fails on any
violation; ``screenshot(page, name)`` saves ``test-artifacts/<name>.png``.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API keeps its asyncio loop running in the main thread from the first browser
# test to the end of the session, and Django refuses ORM calls while a loop runs. That holds for
# every later test on the same xdist worker too, so this must be process-wide, and it is set only
# where Playwright is used.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR.parents[1] / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
# DESIGN.md (Machines); headless comes from pytest-playwright unless --headed is given.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Chromium logs a console error for each violation of an enforced CSP, but not for a report-only
# policy: this reports those as console errors too, with what was blocked and where.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  if (event.disposition === "report") {
    console.error(
      `CSP violation (report-only): ${event.effectiveDirective} blocked ` +
      `${event.blockedURI || "inline code"} at ${event.sourceFile || event.documentURI}:` +
      `${event.lineNumber}`
    );
  }
});
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: a browser download (`playwright install`) is not possible here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open on the live server: ``page.goto("/some/path/")``.

    Every test with a ``page`` therefore runs with ``transactional_db``, as the live server needs.
    """
    return live_server.url


@pytest.fixture
def browser_errors():
    """What the page reported as broken during the test; a test that expects an error removes it."""
    return []


@pytest.fixture
def page(page, browser_errors):
    """pytest-playwright's page, with its console errors, uncaught exceptions and CSP
    violations collected in ``browser_errors``."""

    def on_console(message):
        url = message.location.get("url") or ""
        # the browser's own favicon request, not something the page asked for
        if message.type == "error" and urlsplit(url).path != "/favicon.ico":
            browser_errors.append(f"console error: {message.text} ({url or '?'})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.append(f"uncaught exception: {error}"))
    page.add_init_script(_REPORT_CSP_VIOLATIONS)
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test, not its teardown, when the browser reported errors."""
    result = yield
    errors = item.funcargs.get("browser_errors")
    if errors:
        pytest.fail("The browser reported errors:\n  " + "\n  ".join(errors), pytrace=False)
    return result


@pytest.fixture(scope="session")
def assert_accessible():
    """``assert_accessible(page, context=None)``: axe-core finds no violation in the page (or
    in the part of it that ``context``, an axe context such as a CSS selector, names)."""
    axe = Axe()

    def check(page, context=None):
        results = axe.run(page, context=context)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, name)``: a full-page PNG in ``test-artifacts/`` (gitignored)."""

    def take(page, name):
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
