"""Public surface of the notifications app: queue a message, and send what is due.

House rule (DESIGN.md rule 2): a service function that changes state calls `queue_message` inside
its own transaction; the row commits or rolls back with the change. Sending happens after commit,
by `send_pending_messages` (the sweep) or, in Celery mode, by a task enqueued on commit. Each row
is claimed as `sending` in its own short commit before the provider is called, so two senders
never send it twice; a row left in `sending` (a crash mid-send) may have gone out and is never
resent blindly: `stuck_messages` lists those for an officer to check (STACK-FACTS.md, E-mail).
"""

import datetime
import functools
import json
import logging
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from config import compiled_sql
from notifications.constants import ATTACHMENT_AUDIENCES, Audience, MessageStatus, ProblemReason
from notifications.models import OutboxMessage, SweepRun

logger = logging.getLogger(__name__)

TEMPLATE_PARTS = ("subject.txt", "body.txt", "body.html")
MAX_BACKOFF = datetime.timedelta(hours=6)
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+$")


class UnknownMessageTemplate(ValueError):
    """Raised by `queue_message` for a template name or language without its three files."""


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6)


@functools.cache
def _check_template(template: str, language: str) -> None:
    # cached: after the first call per (template, language) queueing touches no file
    if not _TEMPLATE_NAME.match(template):
        raise UnknownMessageTemplate(f"Invalid message template name {template!r}.")
    if language not in dict(settings.LANGUAGES):
        raise UnknownMessageTemplate(f"Unsupported message language {language!r}.")
    for part in TEMPLATE_PARTS:
        name = f"emails/{template}/{language}/{part}"
        try:
            get_template(name)
        except TemplateDoesNotExist as exc:
            raise UnknownMessageTemplate(
                f"Unknown message template {template!r} for language {language!r}: "
                f"templates/{name} does not exist."
            ) from exc


def queue_message(
    *,
    template: str,
    to: str,
    context: dict,
    language: str = "nl",
    organisation=None,
    request=None,
    case=None,
    audience: str = Audience.REQUESTER,
    attachments: Sequence[int] = (),
) -> OutboxMessage:
    """Write one outgoing message to the outbox, in the caller's transaction.

    Nothing is rendered or sent here: one INSERT, cheap enough for the public intake. The
    template must exist for the language (`UnknownMessageTemplate` otherwise), and the context
    must be JSON-serialisable: pass dates and labels as formatted strings.

    `attachments` are ids of the case's documents (letters as PDF), read when the message is
    sent; only forward targets and AVG 19 recipients get them: requesters get secure links
    (LEGAL.md 5.7), so attaching a document to their message is refused.
    """
    _check_template(template, language)
    if attachments:
        _check_attachments(audience, case, attachments)
    if not to:
        raise ValueError(
            f"Message {template!r} has no address; without one, letters go by post (LEGAL.md 5.7)."
        )
    try:
        json.dumps(context)
    except TypeError as exc:
        raise ValueError(
            f"The context of message {template!r} must hold JSON values only "
            f"(pass formatted strings): {exc}"
        ) from exc
    message = compiled_sql.create(
        OutboxMessage,
        template=template,
        to=to,
        context=context,
        language=language,
        organisation=organisation,
        request=request,
        case=case,
        audience=audience,
    )
    if attachments:
        message.attachments.set(attachments)
    if getattr(settings, "BACKGROUND_MODE", "sweep") == "celery":
        # robust: a broker that is down must not fail a request that already committed; the
        # beat sweep sends the row anyway
        transaction.on_commit(functools.partial(_enqueue_send, message.pk), robust=True)
    return message


def _check_attachments(audience: str, case, attachments: Sequence[int]) -> None:
    from requests_flow.models import CaseDocument

    if audience not in ATTACHMENT_AUDIENCES:
        raise ValueError(
            "Only forward targets and AVG 19 recipients get documents attached; requesters get "
            "a secure link (LEGAL.md 5.7)."
        )
    if case is None:
        raise ValueError("An attachment is a document of the message's case: pass the case.")
    found = CaseDocument.objects.filter(case=case, pk__in=attachments).count()
    if found != len(set(attachments)):
        raise ValueError("Every attachment must be a document of the message's case.")


def _attachment_name(document) -> str:
    # stored as cases/<id>/<timestamp>-<name>: the reader gets <name>
    return re.sub(r"^\d{14}-", "", document.file.name.rsplit("/", 1)[-1])


def _enqueue_send(pk: int) -> None:
    from notifications.tasks import send_message as send_message_task

    send_message_task.delay(pk)


def message_subject(message: OutboxMessage) -> str:
    """The subject as sent, or as it will be for a message not sent yet (for lists)."""
    if message.subject:
        return message.subject
    base = f"emails/{message.template}/{message.language}/"
    with translation.override(message.language):
        return " ".join(render_to_string(base + "subject.txt", message.context).split())


def render_message(message: OutboxMessage) -> tuple[str, str, str]:
    """Render a message's subject (one line), plain text and HTML in its own language."""
    base = f"emails/{message.template}/{message.language}/"
    with translation.override(message.language):
        subject = " ".join(render_to_string(base + "subject.txt", message.context).split())
        context = {**message.context, "subject": subject, **_branding(message.organisation)}
        text = render_to_string(base + "body.txt", context)
        html = render_to_string(base + "body.html", context)
    return subject, text, html


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND_COLOUR = "#1f4e79"


def _branding(organisation) -> dict:
    """The organisation's name and colour for the HTML part's header (a colour that is not a
    plain hex value is not put into a style attribute)."""
    if organisation is None:
        return {}
    colour = organisation.brand_colour if _COLOUR.match(organisation.brand_colour or "") else ""
    return {"brand_name": organisation.name, "brand_colour": colour or DEFAULT_BRAND_COLOUR}


def send_message(pk: int) -> bool:
    """Send one message now if it is due and nobody else has claimed it; True if it went out."""
    return _claim(pk) is not None and _deliver(pk)


def send_pending_messages(limit: int = 100) -> int:
    """Send up to `limit` due messages, one claim at a time; returns how many were sent.

    Safe to run in several processes at once: a row is only sent by the sender that claimed it.
    """
    sent = 0
    for _ in range(limit):
        pk = _claim()
        if pk is None:
            break
        if _deliver(pk):
            sent += 1
    return sent


def stuck_messages(older_than: datetime.timedelta = datetime.timedelta(minutes=15)):
    """Messages claimed for sending longer ago than `older_than` and never finished.

    The provider may have sent them, so they are not resent: an officer checks each one.
    """
    return OutboxMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=timezone.now() - older_than
    )


def last_sweep_finished_at() -> datetime.datetime | None:
    """When the periodic work last completed a round (None if it never ran), for /healthz."""
    from notifications.sweeps import PERIODIC

    return SweepRun.objects.filter(name=PERIODIC).values_list("last_finished_at", flat=True).first()


def _claim(pk: int | None = None) -> int | None:
    """Mark one due row `sending` in its own commit and return its pk, or None.

    `select_for_update(skip_locked=True)` keeps PostgreSQL senders off each other's rows;
    SQLite ignores it, so the conditional UPDATE and its row count decide who won there.
    """
    while True:
        now = timezone.now()
        with transaction.atomic(durable=True):
            due = OutboxMessage.objects.filter(
                status=MessageStatus.QUEUED, next_attempt_at__lte=now
            )
            if pk is not None:
                due = due.filter(pk=pk)
            candidate = (
                due.order_by("next_attempt_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            claimed = OutboxMessage.objects.filter(
                pk=candidate, status=MessageStatus.QUEUED
            ).update(status=MessageStatus.SENDING, claimed_at=now)
        if claimed:
            return candidate
        if pk is not None:
            return None
        # another sender took that row between our SELECT and UPDATE (SQLite): try the next one


def _deliver(pk: int) -> bool:
    """Render and send a claimed row, then record the outcome. Never raises for a send error."""
    message = OutboxMessage.objects.select_related("organisation").get(pk=pk)
    subject = ""
    try:
        subject, text, html = render_message(message)
        email = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[message.to],
            reply_to=[message.organisation.email]
            if message.organisation and message.organisation.email
            else None,
            headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no auto-replies, please
        )
        email.attach_alternative(html, "text/html")
        for document in message.attachments.all():
            with document.file.open("rb") as fh:
                email.attach(_attachment_name(document), fh.read(), document.content_type)
        # read by anymail backends only: delivery webhooks carry it back to this row
        email.metadata = {"outbox_id": str(message.pk)}
        if not email.send():
            # Django's backends return the number sent; 0 without an exception is not a success
            raise RuntimeError("The e-mail backend accepted nothing.")
    except Exception as exc:
        _record_failure(message, subject, exc)
        return False

    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    OutboxMessage.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT,
        subject=subject,
        sent_at=timezone.now(),
        provider_message_id="" if provider_id is None else str(provider_id),
        last_error="",
    )
    return True


def _record_failure(message: OutboxMessage, subject: str, exc: Exception) -> None:
    attempts = message.attempts + 1
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    changes = {"attempts": attempts, "last_error": error, "subject": subject}
    final = attempts >= max_attempts()
    # log the row and template, not the address: logs are no place for personal data
    if final:
        changes["status"] = MessageStatus.FAILED
        logger.error(
            "Outbox message %s (%s) failed for good after %s attempts",
            message.pk,
            message.template,
            attempts,
            exc_info=exc,
        )
    else:
        delay = min(datetime.timedelta(minutes=2**attempts), MAX_BACKOFF)
        changes["status"] = MessageStatus.QUEUED
        changes["next_attempt_at"] = now + delay
        logger.warning(
            "Outbox message %s (%s) failed (attempt %s), retrying in %s",
            message.pk,
            message.template,
            attempts,
            delay,
            exc_info=exc,
        )
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            **changes
        )
        if final and updated:
            from notifications.problems import open_delivery_problem

            # the officer's task: send it by post or fix the address
            open_delivery_problem(message, ProblemReason.FAILED, detail=error)
