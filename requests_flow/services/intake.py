"""Receipt: a request comes in, the requester confirms the e-mail address (LEGAL.md 1.1)."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config import compiled_sql
from notifications.services import queue_message
from requests_flow import deadlines, links
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    Channel,
    Right,
)
from requests_flow.models import (
    Case,
    CaseDocument,
    DocumentKind,
    Request,
)
from requests_flow.references import assign_next_reference
from requests_flow.services._common import ServiceError, _audit, _date, _move
from requests_flow.services.items import add_case_items


@dataclass(frozen=True)
class Requester:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    relation: str = "other"


@dataclass(frozen=True)
class Representative:
    """Someone who acts for the requester (LEGAL.md 2.3); answers go to them."""

    role: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""


def submit_request(
    *,
    organisation,
    rights: list[str],
    requester: Requester,
    description: str = "",
    language: str = "nl",
    channel: str = Channel.WEB,
    received_at: datetime.datetime | None = None,
    idempotency_key: uuid.UUID | None = None,
    actor=None,
    confirm_by_email: bool = True,
    representative: Representative | None = None,
    authority_evidence=(),
    details: dict[str, dict] | None = None,
) -> Request:
    """Register a request with one case per right and start each case's flow.

    The clock starts on the date the request reached us in Europe/Amsterdam (LEGAL.md 1.1). A
    second submission with the same idempotency key returns the first request unchanged. A
    request made by a representative records both people and the evidence of authority that
    came with it (checked uploads); every message then goes to the representative (LEGAL.md
    2.3). `details` holds, per right, what the form asked for it (`add_case_items`' arguments:
    items, evidence, ground, details).

    A double submission is caught by the key's unique index, not looked up first: the second
    insert waits for the first transaction and then fails, and the first request is returned.
    """
    from requests_flow.flows import FLOW_FOR_RIGHT

    unknown = [r for r in rights if r not in FLOW_FOR_RIGHT]
    if not rights or unknown:
        raise ServiceError(_("This organisation cannot handle this kind of request online yet."))

    received_at = received_at or timezone.now()
    try:
        with transaction.atomic():
            request_obj = create_dossier(
                organisation=organisation,
                channel=channel,
                requester=requester,
                description=description,
                language=language,
                received_at=received_at,
                idempotency_key=idempotency_key,
                actor=actor,
            )
            if representative is not None:
                _record_representative(request_obj, representative)
            for case in open_cases(request_obj, rights):
                _store_authority_evidence(case, authority_evidence)
                if details and details.get(case.right):
                    add_case_items(case=case, actor=actor, **details[case.right])
            # the counter is locked last, so it is held only for the commit (STACK-FACTS)
            assign_reference(request_obj)
            if request_obj.correspondent_email and confirm_by_email:
                queue_message(
                    template="confirm_email",
                    to=request_obj.correspondent_email,
                    language=language,
                    organisation=organisation,
                    request=request_obj,
                    context={
                        "organisation_name": organisation.name,
                        "requester_name": request_obj.correspondent_name,
                        "reference": request_obj.reference,
                        "confirm_url": links.confirm_email_url(request_obj),
                        "valid_days": str(settings.EMAIL_CONFIRMATION_DAYS),
                    },
                )
    except IntegrityError:
        # a concurrent double submission with the same key won the race: answer with its request
        if idempotency_key is not None:
            existing = Request.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return request_obj


def create_dossier(
    *,
    organisation,
    channel: str,
    requester: Requester,
    description: str,
    language: str,
    received_at: datetime.datetime,
    idempotency_key: uuid.UUID | None = None,
    actor=None,
) -> Request:
    """Write the dossier and its receipt audit entry; no cases yet, no reference yet.

    The clock's day is the receipt's date in Europe/Amsterdam (LEGAL.md 1.1). Callers run it
    inside their transaction, then `open_cases` and, last, `assign_reference`.
    """
    request_obj = compiled_sql.create(
        Request,
        organisation=organisation,
        channel=channel,
        received_at=received_at,
        received_on=timezone.localdate(received_at),
        language=language,
        description=description,
        requester_name=requester.name,
        requester_email=requester.email,
        requester_phone=requester.phone,
        requester_address=requester.address,
        requester_postal_code=requester.postal_code,
        requester_city=requester.city,
        relation=requester.relation,
        idempotency_key=idempotency_key,
    )
    _audit(request_obj, AuditAction.SUBMITTED, actor=actor, details=Channel(channel).label)
    return request_obj


def open_cases(request_obj: Request, rights: list[str]) -> list[Case]:
    """One case per right, with deadlines counted from the request's receipt, each with its flow
    started in the caller's transaction (no case without its process)."""
    from requests_flow.flows import FLOW_FOR_RIGHT

    due = deadlines.compute_deadlines(request_obj.received_on, request_obj.organisation)
    cases = []
    for right in rights:
        case = compiled_sql.create(
            Case,
            request=request_obj,
            organisation=request_obj.organisation,
            right=right,
            internal_due_on=due.internal,
            legal_due_on=due.legal,
        )
        FLOW_FOR_RIGHT[right].start.run(case=case)
        cases.append(case)
    return cases


def assign_reference(request_obj: Request) -> None:
    """Give the dossier its reference; the last statement of the caller's transaction."""
    assign_next_reference(request_obj)


def _record_representative(request_obj: Request, representative: Representative) -> None:
    request_obj.representative_role = representative.role
    request_obj.representative_name = representative.name
    request_obj.representative_email = representative.email
    request_obj.representative_phone = representative.phone
    request_obj.representative_address = representative.address
    request_obj.representative_postal_code = representative.postal_code
    request_obj.representative_city = representative.city
    request_obj.save()


def _store_authority_evidence(case: Case, files) -> None:
    """The representative's evidence of authority, for the officer only: never shared."""
    for uploaded in files:
        uploaded.seek(0)
        CaseDocument.objects.create(
            case=case,
            kind=DocumentKind.AUTHORITY,
            title=uploaded.name,
            file=File(uploaded, name=uploaded.name),
            content_type=uploaded.content_type,
            size=uploaded.size,
            shared_with_requester=False,
        )


@transaction.atomic
def confirm_email(request_obj: Request) -> bool:
    """The requester followed the confirmation link: acknowledge and move every case on.

    Returns False when the address had already been confirmed (a second click changes nothing).
    """
    request_obj = Request.objects.select_for_update().get(pk=request_obj.pk)
    if request_obj.email_confirmed_at is not None:
        return False
    request_obj.email_confirmed_at = timezone.now()
    request_obj.save(update_fields=["email_confirmed_at"])
    confirm_cases(
        request_obj,
        request_obj.cases.select_related("process", "organisation"),
        details=request_obj.requester_email,
    )
    return True


def confirm_cases(
    request_obj: Request,
    cases,
    *,
    details: str,
    actor=None,
    action: str = AuditAction.EMAIL_CONFIRMED,
) -> None:
    """Run each case's e-mail confirmation step, move it to the identity check and queue its
    acknowledgement (LEGAL.md 5.1). Used by the confirmation link, by an officer's registration
    of a request from another channel, and by triage of an e-mailed request (the address came
    with it); identity is still checked in every case."""
    from requests_flow.flows import FLOW_FOR_RIGHT

    for case in cases:
        flow_class = FLOW_FOR_RIGHT[case.right]
        task = case.process.task_set.get(flow_task=flow_class.confirm_email, status="NEW")
        flow_class.confirm_email.run(task)
        _move(case, CaseStatus.IDENTITY, action, actor=actor, details=details)
        queue_acknowledgement(request_obj, case)


def queue_acknowledgement(request_obj: Request, case) -> None:
    """The acknowledgement (LEGAL.md 5.1): reference, receipt date, internal target and D1."""
    if not request_obj.correspondent_email:
        return
    with translation.override(request_obj.language):
        queue_message(
            template="acknowledgement",
            to=request_obj.correspondent_email,
            language=request_obj.language,
            organisation=case.organisation,
            request=request_obj,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "requester_name": request_obj.correspondent_name,
                "reference": request_obj.reference,
                "right_label": str(Right(case.right).label),
                "received_on": _date(request_obj.received_on),
                "internal_due_on": _date(case.internal_due_on),
                "legal_due_on": _date(case.legal_due_on),
                "status_url": links.status_url(request_obj),
                "status_valid_days": str(settings.STATUS_LINK_DAYS),
            },
        )
