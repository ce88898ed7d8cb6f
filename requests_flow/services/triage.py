"""Requests that arrive by e-mail: registered at once, triaged by an officer (LEGAL.md 1.1).

An e-mail to an organisation's address is a request whatever its wording: it becomes a dossier
with its receipt date at once, without cases, "to be triaged". An officer then opens one case
per right it asks for, with the same machinery as the web form (`open_cases`), or records why it
is not a GDPR request; it is never deleted silently. A requester's reply to one of our e-mails
joins its dossier's timeline instead.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.constants import Audience, InboundStatus
from notifications.models import InboundEmail
from notifications.recipients import officers_for_request
from notifications.services import queue_message
from requests_flow.constants import AuditAction, Channel, Right
from requests_flow.models import Case, Request
from requests_flow.services._common import ServiceError, _audit
from requests_flow.services.intake import (
    Requester,
    assign_reference,
    confirm_cases,
    create_dossier,
    open_cases,
)


def triage_rights() -> list[str]:
    """The rights an officer can triage into: those that have a flow."""
    from requests_flow.flows import FLOW_FOR_RIGHT

    return [right for right in Right.values if right in FLOW_FOR_RIGHT]


def register_email_request(inbound: InboundEmail) -> Request:
    """Make an incoming e-mail a dossier to be triaged, in the caller's transaction.

    The clock starts on the mail's arrival, as a date in Europe/Amsterdam (LEGAL.md 1.1).
    """
    request_obj = create_dossier(
        organisation=inbound.organisation,
        channel=Channel.EMAIL,
        requester=Requester(name=inbound.from_name or inbound.from_email, email=inbound.from_email),
        description="\n\n".join(part for part in (inbound.subject, inbound.text) if part),
        language=settings.LANGUAGE_CODE,
        received_at=inbound.received_at,
    )
    assign_reference(request_obj)
    inbound.request = request_obj
    inbound.status = InboundStatus.TO_TRIAGE
    inbound.save(update_fields=["request", "status"])
    return request_obj


def _lock_to_triage(inbound: InboundEmail) -> InboundEmail:
    locked = (
        InboundEmail.objects.select_for_update(of=("self",))
        .select_related("request__organisation")
        .get(pk=inbound.pk)
    )
    if locked.status != InboundStatus.TO_TRIAGE or locked.request is None:
        raise ServiceError(_("This e-mail has already been triaged."))
    return locked


@transaction.atomic
def triage_email_request(
    *,
    inbound: InboundEmail,
    rights: list[str],
    actor,
    requester_name: str = "",
    relation: str = "",
    language: str = "",
) -> list[Case]:
    """Open one case per right for an e-mailed request and start each flow.

    The address came with the request, so each case skips the e-mail confirmation step and goes
    straight to the identity check (a confirmed address alone never proves identity, LEGAL.md
    2.1); the requester gets the acknowledgement. The officer may correct the name, the relation
    and the language read from the mail.
    """
    available = triage_rights()
    if not rights or any(right not in available for right in rights):
        raise ServiceError(_("Choose at least one right that this organisation can handle."))
    inbound = _lock_to_triage(inbound)
    request_obj = inbound.request
    changed = []
    for field, value in (
        ("requester_name", requester_name),
        ("relation", relation),
        ("language", language),
    ):
        if value and getattr(request_obj, field) != value:
            setattr(request_obj, field, value)
            changed.append(field)
    request_obj.email_confirmed_at = timezone.now()
    request_obj.save(update_fields=[*changed, "email_confirmed_at"])

    cases = open_cases(request_obj, list(dict.fromkeys(rights)))
    _audit(
        request_obj,
        AuditAction.REQUEST_TRIAGED,
        actor=actor,
        details=", ".join(str(Right(case.right).label) for case in cases),
    )
    confirm_cases(
        request_obj,
        Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("process", "organisation"),
        actor=actor,
        details=_("The request came by e-mail from %(address)s.")
        % {"address": request_obj.requester_email},
    )
    inbound.status = InboundStatus.TRIAGED
    inbound.handled_by = actor
    inbound.handled_at = timezone.now()
    inbound.save(update_fields=["status", "handled_by", "handled_at"])
    return cases


@transaction.atomic
def mark_not_avg_request(*, inbound: InboundEmail, reason: str, actor) -> None:
    """Record that an e-mail is not a GDPR request, with the reason; the dossier is kept."""
    if not reason.strip():
        raise ServiceError(_("Give the reason why this is not a GDPR request."))
    inbound = _lock_to_triage(inbound)
    inbound.status = InboundStatus.NOT_AVG
    inbound.not_avg_reason = reason.strip()
    inbound.handled_by = actor
    inbound.handled_at = timezone.now()
    inbound.save(update_fields=["status", "not_avg_reason", "handled_by", "handled_at"])
    _audit(inbound.request, AuditAction.NOT_AN_AVG_REQUEST, actor=actor, details=reason.strip())


def record_reply(inbound: InboundEmail, request_obj: Request) -> None:
    """A requester answered one of our e-mails: put the reply on the dossier's timeline and tell
    the officers working on it. Runs in the caller's transaction."""
    open_cases_ = list(request_obj.cases.open())
    case = open_cases_[0] if len(open_cases_) == 1 else None
    inbound.request = request_obj
    inbound.case = case
    inbound.status = InboundStatus.REPLY
    inbound.save(update_fields=["request", "case", "status"])
    _audit(
        request_obj,
        AuditAction.REPLY_RECEIVED,
        case=case,
        details=f"{inbound.from_email}: {inbound.subject}",
    )
    target = case or (open_cases_ or list(request_obj.cases.all()) or [None])[0]
    url = settings.SITE_URL + reverse("officer:case", args=[target.pk]) if target else ""
    for officer in officers_for_request(request_obj):
        queue_message(
            template="reply_received",
            to=officer.email,
            language="nl",
            organisation=request_obj.organisation,
            audience=Audience.OFFICER,
            context={
                "organisation_name": request_obj.organisation.name,
                "reference": request_obj.reference,
                "mail_subject": inbound.subject,
                "case_url": url,
            },
        )
