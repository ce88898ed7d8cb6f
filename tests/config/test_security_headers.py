"""Security headers on every page: a strict Content-Security-Policy, HSTS over HTTPS, and the
rest of the usual set (issue 10; ASVS 14.4, BIO 13.1). Templates carry no inline code to break.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.domain_fixtures import login

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Letters and e-mails are not served as web pages: the PDF renderer and mail clients read them.
NOT_SERVED = ("letters", "emails", "demo")


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def assert_strict_headers(response):
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'none'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_public_and_login_pages_send_a_strict_csp(client, werkse):
    # ASVS 14.4.3: a CSP without unsafe-inline on every page
    for url in ("/", reverse("public:request_form", args=[werkse.slug]), reverse("login")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_headers(response)


def test_officer_pages_send_a_strict_csp(client, officer, access_case):
    login(client, officer)
    for url in (
        reverse("officer:inbox"),
        reverse("officer:case", args=[access_case.pk]),
        reverse("officer:case_chart", args=[access_case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_headers(response)


def test_hsts_over_https(client, werkse):
    # ASVS 14.4.5: Strict-Transport-Security, a year, with subdomains
    response = client.get("/", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=31536000; includeSubDomains; preload", hsts), hsts
    assert_strict_headers(response)


def test_plain_http_is_redirected_except_the_health_probe(client, settings, werkse):
    # a load balancer probes /healthz over plain HTTP (STACK-FACTS, Security pieces)
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in (200, 503)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 200


def served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] not in NOT_SERVED:
            yield path


def test_served_templates_have_no_inline_script_style_or_handlers():
    # the CSP forbids them; a template that uses one would break silently in the browser
    offenders = []
    for path in served_templates():
        text = path.read_text()
        for pattern in (r"<script", r"<style", r"\sstyle=", r"\son[a-z]+="):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert list(served_templates())
    assert not offenders, offenders
