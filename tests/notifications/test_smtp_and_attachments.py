"""Django's SMTP backend against a real SMTP server (aiosmtpd on 127.0.0.1), and letters as PDF
attachments for forward targets and AVG 19 recipients only."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.files.base import ContentFile

from notifications.constants import Audience, MessageStatus
from notifications.services import queue_message, send_pending_messages
from requests_flow.models import CaseDocument, DocumentKind

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.7\n% a forwarding letter\n%%EOF\n"


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it (the set-up of
    an organisation that sends through its own mail relay)."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


def _received(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


@pytest.fixture
def letter(access_case):
    document = CaseDocument(
        case=access_case,
        kind=DocumentKind.LETTER,
        title="Doorzendbrief",
        content_type="application/pdf",
        size=len(LETTER),
    )
    document.file.save("doorzendbrief.pdf", ContentFile(LETTER), save=False)
    document.save()
    return document


# Issue 7 acceptance 2: through Django's SMTP backend to a real server, text and HTML parts
def test_smtp_backend_delivers_text_and_html(smtp_server, werkse):
    message = queue_message(
        template="acknowledgement",
        to="anna@example.org",
        context={
            "organisation_name": "Werkse!",
            "requester_name": "Anna & Bert",
            "reference": "AVG-2026-00042",
            "right_label": "Inzage",
            "received_on": "5 maart 2026",
            "internal_due_on": "2 april 2026",
            "legal_due_on": "7 april 2026",
        },
        organisation=werkse,
    )
    assert send_pending_messages() == 1

    (envelope,) = smtp_server.envelopes
    assert _received(envelope)["Subject"] == "Wij hebben uw verzoek ontvangen (AVG-2026-00042)"
    assert envelope.rcpt_tos == ["anna@example.org"]
    parsed = _received(envelope)
    assert parsed["Reply-To"] == "privacy@werkse.example"
    assert parsed["Auto-Submitted"] == "auto-generated"
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "Beste Anna & Bert," in text
    assert "Volgens de wet moeten wij u uiterlijk op 7 april 2026 antwoorden." in text
    assert "Beste Anna &amp; Bert," in html
    assert '<html lang="nl">' in html
    # LEGAL 5.6 and the organisation's branding in the HTML part
    assert "border-top: 6px solid #" in html and ">Werkse!</p>" in html
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


# LEGAL 5.7 / AVG 19: a forward target gets the letter as a PDF attachment, read at send time
def test_forward_target_gets_the_letter_attached(smtp_server, access_case, letter):
    message = queue_message(
        template="letter_attached",
        to="privacy@delft.example",
        context={
            "organisation_name": "Werkse!",
            "reference": access_case.reference,
            "letter_title": "Doorgezonden verzoek",
        },
        organisation=access_case.organisation,
        request=access_case.request,
        case=access_case,
        audience=Audience.FORWARD_TARGET,
        attachments=[letter.pk],
    )
    assert "PDF" not in str(message.context)  # by reference, not bytes in the outbox

    send_pending_messages()

    envelope = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["privacy@delft.example"])
    parsed = _received(envelope)
    attachments = list(parsed.iter_attachments())
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("doorzendbrief.pdf", "application/pdf")
    ]
    assert attachments[0].get_content() == LETTER
    assert "Ons kenmerk" in parsed.get_body(preferencelist=("plain",)).get_content()


# LEGAL 5.7: requesters get secure links, never the letter attached
def test_requester_message_refuses_attachments(access_case, letter):
    with pytest.raises(ValueError, match="secure link"):
        queue_message(
            template="decision_ready",
            to="anna@example.org",
            context={
                "organisation_name": "Werkse!",
                "requester_name": "Anna",
                "reference": access_case.reference,
                "download_url": "https://avg.example/x",
                "valid_until": "7 mei 2026",
            },
            organisation=access_case.organisation,
            request=access_case.request,
            case=access_case,
            attachments=[letter.pk],
        )


# An attachment must be a document of the message's own case
def test_attachment_of_another_case_is_refused(access_case, letter, werkse):
    from tests.domain_fixtures import submit_access_request

    other_case = submit_access_request(werkse, email="bert@example.org").cases.get()
    with pytest.raises(ValueError, match="document of the message's case"):
        queue_message(
            template="letter_attached",
            to="privacy@delft.example",
            context={"organisation_name": "W", "reference": "R", "letter_title": "L"},
            organisation=werkse,
            request=other_case.request,
            case=other_case,
            audience=Audience.AVG19_RECIPIENT,
            attachments=[letter.pk],
        )
