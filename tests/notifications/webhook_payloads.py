"""Real Postmark webhook payloads (the formats Postmark documents), and a poster for them.

Postmark authenticates its webhooks with HTTP basic auth only, which is what anymail checks
against ANYMAIL["WEBHOOK_SECRET"].
"""

import base64
import json

from django.conf import settings

INBOUND_URL = "/webhooks/anymail/postmark/inbound/"
TRACKING_URL = "/webhooks/anymail/postmark/tracking/"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 not a document"


def _attachment(name, content_type, content):
    return {
        "Name": name,
        "Content": base64.b64encode(content).decode(),
        "ContentType": content_type,
        "ContentLength": len(content),
    }


def postmark_inbound(
    *,
    message_id="<CAF=abc123@mail.example.org>",
    sender="anna@example.org",
    sender_name="Anna de Vries",
    to="privacy@werkse.example",
    subject="Inzageverzoek",
    text="Beste Werkse!,\n\nIk wil graag weten welke gegevens u van mij heeft.\n\nAnna",
    attachments=(("machtiging.pdf", "application/pdf", PDF),),
):
    return {
        "FromName": sender_name,
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": sender_name, "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Thu, 5 Mar 2026 23:30:00 +0000",
        "TextBody": text,
        "HtmlBody": "<html><body><p>" + text.replace("\n", "<br>") + "</p></body></html>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{sender}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "Message-ID", "Value": message_id},
        ],
        "Attachments": [_attachment(*a) for a in attachments],
    }


def postmark_delivery(*, outbox_id, message_id="pm-0001", recipient="anna@example.org"):
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": recipient,
        "Tag": "",
        "DeliveredAt": "2026-03-06T08:00:00Z",
        "Details": "Test delivery webhook details",
        "Metadata": {"outbox_id": str(outbox_id)},
    }


def postmark_bounce(*, outbox_id, message_id="pm-0001", recipient="anna@example.org", id=42):
    return {
        "RecordType": "Bounce",
        "ID": id,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": message_id,
        "Metadata": {"outbox_id": str(outbox_id)},
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": recipient,
        "From": "noreply@avgflow.localhost",
        "BouncedAt": "2026-03-06T08:00:00Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Wij hebben uw verzoek ontvangen",
    }


def auth_header(secret=None):
    secret = secret if secret is not None else settings.ANYMAIL["WEBHOOK_SECRET"]
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, url, payload, *, secret=None, authenticated=True):
    headers = auth_header(secret) if authenticated else {}
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)
