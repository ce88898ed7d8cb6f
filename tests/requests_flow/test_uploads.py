"""Upload checks and intake hardening (issue 5, acceptance 4 and 5; LEGAL.md 2.2: every
attachment passes the same checks): each refused file gets a message and nothing is stored."""

import pytest
from django.urls import reverse
from django.utils import translation

from requests_flow import identity, links
from requests_flow.flows import AccessFlow
from requests_flow.models import CaseDocument, IdDocumentCopy, Request
from requests_flow.uploads import UploadRefused, check_upload
from tests.domain_fixtures import login
from tests.requests_flow.test_access_flow import do_task, public_submit
from tests.upload_samples import (
    PDF_WITH_ESCAPED_JAVASCRIPT,
    PDF_WITH_JAVASCRIPT,
    PLAIN_PDF,
    RENAMED_EXECUTABLE,
    pdf_bomb,
    pdf_with_javascript_in_object_stream,
    png,
    upload,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

REFUSED = {
    "renamed executable": (RENAMED_EXECUTABLE, "brief.pdf", "is a program"),
    "oversized file": (PLAIN_PDF + b"\0" * (2 * 1024 * 1024), "groot.pdf", "larger than"),
    "PDF with JavaScript": (PDF_WITH_JAVASCRIPT, "machtiging.pdf", "active content"),
    "PDF with escaped JavaScript": (PDF_WITH_ESCAPED_JAVASCRIPT, "m.pdf", "active content"),
    "PDF with JavaScript in an object stream": (
        pdf_with_javascript_in_object_stream(),
        "m.pdf",
        "active content",
    ),
    "zip bomb": (zip_bomb(), "documenten.pdf", "compressed archive"),
    "PDF decompression bomb": (pdf_bomb(60 * 1024 * 1024), "bom.pdf", "expands to more than"),
    "image bomb": (png(declared=(50_000, 50_000)), "foto.png", "too large to open"),
}


@pytest.fixture
def small_uploads(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.UPLOAD_MAX_EXPANDED_BYTES = 50 * 1024 * 1024


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are checked in English (the msgids); the pages are Dutch by default."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def nothing_stored(media_root) -> bool:
    """No file written, no document recorded (our own letters aside), no ID copy."""
    files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    documents = CaseDocument.objects.exclude(kind="letter")
    return not files and not documents.exists() and not IdDocumentCopy.objects.exists()


def test_good_files_pass():
    for content, name, expected in (
        (PLAIN_PDF, "brief.pdf", "application/pdf"),
        (png(), "foto.png", "image/png"),
    ):
        assert check_upload(upload_file(content, name)) == expected


def upload_file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("kind", list(REFUSED))
def test_refused_by_the_check(kind, small_uploads):
    content, name, message = REFUSED[kind]
    with pytest.raises(UploadRefused, match=message):
        check_upload(upload_file(content, name))


@pytest.mark.parametrize("kind", list(REFUSED))
def test_public_form_refuses_with_a_message_and_stores_nothing(
    client, werkse, kind, small_uploads, settings, tmp_path
):
    # Acceptance 4 (issue 5): through the public form, as a representative's evidence
    settings.MEDIA_ROOT = tmp_path / "media"
    content, name, message = REFUSED[kind]
    response, _ = public_submit(
        client,
        werkse,
        representative_role="authorised",
        subject_name="Anna de Vries",
        authority_files=[upload(content, name)],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and message in html
    assert Request.objects.count() == 0
    assert nothing_stored(settings.MEDIA_ROOT)


@pytest.mark.parametrize("kind", list(REFUSED))
def test_masked_id_copy_upload_refuses_and_stores_nothing(
    client, access_case, officer, kind, small_uploads, settings, tmp_path
):
    # Acceptance 4 (issue 5): through the reply to a request for a masked ID copy
    login(client, officer)
    do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"established": "ask_id_copy", "reply_term_days": "14"},
    )
    client.logout()
    client.cookies["django_language"] = "en"  # logging out dropped every cookie
    settings.MEDIA_ROOT = tmp_path / "media"
    content, name, message = REFUSED[kind]
    info = access_case.information_requests.get()
    path = "/" + links.status_url(access_case.request).split("://", 1)[1].split("/", 1)[1]
    response = client.post(
        path, {"information_request": info.pk, "message": "", "id_copy": upload(content, name)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert identity.stored_files() == []
    assert nothing_stored(settings.MEDIA_ROOT)
    access_case.refresh_from_db()
    assert access_case.is_paused  # nothing was received


def test_honeypot_filled_creates_nothing(client, werkse):
    # issue 5, intake hardening: robots fill the hidden field; a person is told what to do
    response, _ = public_submit(client, werkse, website="http://spam.example")
    assert response.status_code == 200
    assert 'href="#id_website"' in response.content.decode()
    assert Request.objects.count() == 0


def test_honeypot_is_hidden_from_people_and_keyboards(client, werkse):
    html = client.get(reverse("public:request_form", args=[werkse.slug])).content.decode()
    assert 'class="field hp' in html and 'tabindex="-1"' in html


def test_intake_is_rate_limited_per_client_address(client, werkse, settings):
    # issue 5: per-IP limits instead of a CAPTCHA; the address behind our proxy counts
    settings.RATE_LIMIT_INTAKE = "3/h"
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("public:request_form", args=[werkse.slug])
    for _ in range(3):
        response = client.post(url, {"name": ""}, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert response.status_code == 200
    limited = client.post(url, {"name": ""}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert limited.status_code == 429
    assert limited["Retry-After"]
    # another client behind the same proxy has its own count; a forged entry changes nothing
    other = client.post(url, {"name": ""}, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8")
    assert other.status_code == 200
    forged = client.post(url, {"name": ""}, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert forged.status_code == 429
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_rate_limits_can_be_switched_off_for_a_benchmark(client, werkse, settings):
    # DESIGN.md (Benchmarks): the limiter is set by a documented setting, never by editing code
    settings.RATE_LIMIT_INTAKE = "1/h"
    settings.RATELIMIT_ENABLE = False
    url = reverse("public:request_form", args=[werkse.slug])
    for _ in range(3):
        assert client.post(url, {"name": ""}).status_code == 200


def test_double_submission_with_evidence_creates_one_request(client, werkse):
    # Acceptance 5 (issue 5): two identical POSTs in a row, files included, make one request
    first, data = public_submit(
        client,
        werkse,
        representative_role="curator",
        subject_name="Anna de Vries",
        authority_files=[upload(PLAIN_PDF, "beschikking.pdf")],
    )
    data["authority_files"] = [upload(PLAIN_PDF, "beschikking.pdf")]
    second = client.post(reverse("public:request_form", args=[werkse.slug]), data)
    assert first.status_code == second.status_code == 302
    assert Request.objects.count() == 1
    assert CaseDocument.objects.filter(kind="authority").count() == 1
