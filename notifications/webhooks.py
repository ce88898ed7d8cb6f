"""What anymail's webhooks deliver: incoming e-mail and delivery tracking events.

anymail checks the webhook's authentication (the basic-auth secret in ANYMAIL["WEBHOOK_SECRET"],
which the settings require when DEBUG is off, or the provider's signature) before any of this
runs, and parses each provider's format into the same events. Providers retry a webhook until it
answers 200: the unique Message-ID of an incoming mail and the unique (provider, event id) of a
tracking event make a retry change nothing. An exception here answers 500, so the provider
retries later instead of the mail being lost.
"""

import logging
import re

from anymail.signals import EventType, inbound, tracking
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from notifications.constants import DeliveryStatus, InboundStatus, ProblemReason
from notifications.models import DeliveryEvent, InboundAttachment, InboundEmail, OutboxMessage
from notifications.problems import open_delivery_problem

logger = logging.getLogger(__name__)

# our references, as in requests_flow.references: AVG-<year>-<n>
REFERENCE = re.compile(r"\bAVG-\d{4}-\d{5,}\b")

DELIVERY_STATUS_FOR_EVENT = {
    EventType.DELIVERED: DeliveryStatus.DELIVERED,
    EventType.DEFERRED: DeliveryStatus.DEFERRED,
    EventType.BOUNCED: DeliveryStatus.BOUNCED,
    EventType.REJECTED: DeliveryStatus.REJECTED,
    EventType.FAILED: DeliveryStatus.REJECTED,
    EventType.COMPLAINED: DeliveryStatus.COMPLAINED,
}
UNDELIVERED = {DeliveryStatus.BOUNCED, DeliveryStatus.REJECTED}
# a later "delayed" report does not hide what the provider already concluded
FINAL = {DeliveryStatus.DELIVERED, *UNDELIVERED, DeliveryStatus.COMPLAINED}


@receiver(tracking, dispatch_uid="avgflow-tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    record_delivery_event(event, esp_name)


@receiver(inbound, dispatch_uid="avgflow-inbound")
def on_inbound(sender, event, esp_name, **kwargs):
    receive_email(event, esp_name)


def _message_for(event) -> OutboxMessage | None:
    outbox_id = (event.metadata or {}).get("outbox_id")
    if outbox_id and str(outbox_id).isdigit():
        message = OutboxMessage.objects.filter(pk=int(outbox_id)).first()
        if message is not None:
            return message
    if event.message_id:
        return OutboxMessage.objects.filter(provider_message_id=str(event.message_id)).first()
    return None


def record_delivery_event(event, esp_name: str) -> DeliveryEvent | None:
    """Record one tracking event on its message; a bounce of a message to a person in a dossier
    opens the officer's task. Returns None for an event seen before (a webhook retry)."""
    # Some providers give delivery events no id of their own (Postmark): derive a stable one
    event_id = event.event_id or ":".join(
        str(part or "")
        for part in (event.event_type, event.message_id, event.timestamp, event.recipient)
    )
    message = _message_for(event)
    status = DELIVERY_STATUS_FOR_EVENT.get(event.event_type, "")
    with transaction.atomic():
        record, created = DeliveryEvent.objects.get_or_create(
            esp_name=esp_name,
            event_id=event_id[:255],
            defaults={
                "message": message,
                "event_type": str(event.event_type),
                "provider_message_id": str(event.message_id or "")[:255],
                "occurred_at": event.timestamp,
                "description": " ".join(
                    str(part) for part in (event.description, event.mta_response) if part
                ),
            },
        )
        if not created:
            return None
        if message is None:
            logger.warning("Delivery event %s of %s for no known message", event_id, esp_name)
            return record
        if status and not (status == DeliveryStatus.DEFERRED and message.delivery_status in FINAL):
            OutboxMessage.objects.filter(pk=message.pk).update(
                delivery_status=status, delivery_updated_at=event.timestamp or timezone.now()
            )
        if status in UNDELIVERED:
            open_delivery_problem(message, ProblemReason.BOUNCED, detail=record.description)
    return record


def _organisation_for(message):
    from organisations.models import Organisation

    addresses = {a.addr_spec.lower() for a in [*message.to, *message.cc] if a.addr_spec}
    if message.envelope_recipient:
        addresses.add(message.envelope_recipient.lower())
    if not addresses:
        return None
    query = Q()
    for address in addresses:
        query |= Q(email__iexact=address)
    return Organisation.objects.filter(query).order_by("pk").first()


def _requester_reply_to(organisation, subject: str, sender: str):
    """The dossier a mail answers: our reference in the subject, sent by its requester or
    representative. Anyone else who quotes a reference starts a new request instead."""
    from requests_flow.models import Request

    found = REFERENCE.search(subject or "")
    if found is None or organisation is None:
        return None
    return (
        Request.objects.filter(organisation=organisation, reference=found.group(0))
        .filter(Q(requester_email__iexact=sender) | Q(representative_email__iexact=sender))
        .first()
    )


def _store_attachments(inbound_email: InboundEmail, message) -> None:
    """Every attachment passes the same checks as an upload (LEGAL.md 2.2): type by content
    (PDF, PNG, JPEG) and size. A refused one is kept as its name and reason, without content."""
    from requests_flow.forms import sniff_content_type

    for attachment in message.attachments:
        filename = (attachment.get_filename() or "attachment").replace("/", "_")[-200:]
        content = attachment.get_content_bytes() or b""
        upload = ContentFile(content, name=filename)
        refused = ""
        content_type = sniff_content_type(upload)
        if len(content) > settings.UPLOAD_MAX_BYTES:
            refused = _("larger than %(max)s MB") % {
                "max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            }
        elif content_type is None:
            refused = _("not a PDF, PNG or JPEG file")
        record = InboundAttachment(
            email=inbound_email,
            filename=filename,
            size=len(content),
            content_type=content_type or "",
            refused_because=refused,
        )
        if not refused:
            record.file.save(filename, upload, save=False)
        record.save()


def receive_email(event, esp_name: str) -> InboundEmail | None:
    """Turn an incoming e-mail into a dossier to be triaged, or a reply on a dossier's timeline.

    Returns None when this Message-ID was received before (the provider retried).
    """
    from requests_flow.services import record_reply, register_email_request

    message = event.message
    message_id = (message.get("Message-ID") or "").strip() or f"{esp_name}:{event.event_id}"
    if InboundEmail.objects.filter(message_id=message_id).exists():
        return None
    sender = message.from_email
    organisation = _organisation_for(message)
    text = message.text or strip_tags(message.html or "")
    try:
        with transaction.atomic():
            inbound_email = InboundEmail.objects.create(
                organisation=organisation,
                message_id=message_id,
                esp_name=esp_name,
                from_email=sender.addr_spec if sender else "",
                from_name=(sender.display_name if sender else "")[:200],
                to=", ".join(str(a) for a in message.to),
                subject=(message.subject or "")[:998],
                text=text,
                # the clock starts on arrival (LEGAL.md 1.1); providers without an event time
                # post the mail as it arrives
                received_at=event.timestamp or timezone.now(),
                status=InboundStatus.UNROUTED,
            )
            _store_attachments(inbound_email, message)
            if organisation is None:
                # kept, never dropped: an administrator routes it (the log names the row only)
                logger.error(
                    "Incoming e-mail %s reached no organisation's address", inbound_email.pk
                )
                return inbound_email
            reply_to = _requester_reply_to(organisation, message.subject, inbound_email.from_email)
            if reply_to is not None:
                record_reply(inbound_email, reply_to)
            else:
                register_email_request(inbound_email)
    except IntegrityError:
        # the same mail, posted twice at once: the other post made the dossier
        if InboundEmail.objects.filter(message_id=message_id).exists():
            return None
        raise
    return inbound_email
