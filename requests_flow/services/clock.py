"""The legal clock of a case: pauses, the extension, notices of default, decreed days and the
deadline timers (LEGAL.md section 1).

Every function that moves a deadline stores the new dates on the case (indexed columns for the
dashboard) and moves the case's pending deadline timers with them in the same transaction:
viewflow computes a timer's moment once, when the timer task is created (STACK-FACTS.md).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from notifications.constants import Audience
from notifications.services import queue_message
from organisations.constants import Role
from requests_flow import deadlines, links
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    InformationStatus,
    Outcome,
    RefusalGround,
)
from requests_flow.models import (
    Case,
    CaseDocument,
    DecreedDay,
    DocumentKind,
    Extension,
    InformationRequest,
    NoticeOfDefault,
)
from requests_flow.services._common import ServiceError, _audit, _date, _move, check_case_date

# The moments the deadline watch of every flow waits for (DeadlineTimer nodes name one).
INTERNAL_REMINDER = "internal_reminder"
INTERNAL_PASSED = "internal_passed"
LEGAL_REMINDER = "legal_reminder"
LEGAL_DAY = "legal_day"
DEADLINE_MOMENTS = (INTERNAL_REMINDER, INTERNAL_PASSED, LEGAL_REMINDER, LEGAL_DAY)

# Far enough to never fire; a paused case's timers wait here until the pause ends.
_NEVER = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def timer_moment(case: Case, moment: str) -> datetime.datetime:
    """When a deadline timer of `case` fires: reminders some days before the internal target
    and D1 (organisation policy), escalation when the internal target has passed (00:00 the day
    after) and on the morning of D1, the last day to answer in time."""
    if case.is_paused:
        return _NEVER
    org = case.organisation
    if moment == INTERNAL_REMINDER:
        day = case.internal_due_on - datetime.timedelta(days=org.reminder_days_before_internal)
        return deadlines.start_of_day(day)
    if moment == INTERNAL_PASSED:
        return deadlines.due_moment(case.internal_due_on)
    if moment == LEGAL_REMINDER:
        day = case.legal_due_on - datetime.timedelta(days=org.reminder_days_before_legal)
        return deadlines.start_of_day(day)
    if moment == LEGAL_DAY:
        return deadlines.start_of_day(case.legal_due_on)
    raise ValueError(f"unknown deadline moment {moment!r}")


def _reschedule_deadline_timers(case: Case) -> int:
    """Move the case's pending deadline timers to its current dates (none fire while paused)."""
    moved = 0
    pending = case.process.task_set.filter(status=STATUS.SCHEDULED, flow_task_type="TIMER")
    for task in pending:
        moment = getattr(task.flow_task, "deadline_moment", None)
        if moment is None:
            continue  # a reply-term timer: its moment is the term, which no deadline moves
        task.scheduled = timer_moment(case, moment)
        task.save(update_fields=["scheduled"])
        moved += 1
    return moved


def refresh_deadlines(case: Case, *, today=None, decreed_days=None) -> deadlines.Deadlines:
    """Recompute and store `case`'s deadlines from its receipt, pauses and extension, and move
    its pending timers. Returns the new deadlines."""
    due = deadlines.case_deadlines(case, today, decreed_days=decreed_days)
    case.internal_due_on, case.legal_due_on = due.internal, due.legal
    case.save(update_fields=["internal_due_on", "legal_due_on", "is_paused"])
    _reschedule_deadline_timers(case)
    return due


def _store_letter(case, pdf: bytes, title: str, filename: str, actor) -> CaseDocument:
    return CaseDocument.objects.create(
        case=case,
        kind=DocumentKind.LETTER,
        title=title,
        file=ContentFile(pdf, name=filename),
        content_type="application/pdf",
        size=len(pdf),
        shared_with_requester=True,
        created_by=actor,
    )


def _open_information_request(case: Case) -> InformationRequest | None:
    return case.information_requests.filter(status=InformationStatus.OPEN).first()


def _check_open(case: Case) -> None:
    """The clock runs only until the decision is made known. A restriction in force is decided
    but not closed (AVG 18(3)), so "closed" would be untrue there."""
    if case.status == CaseStatus.RESTRICTION_IN_FORCE:
        raise ServiceError(
            _(
                "The decision has been sent. The restriction stays in force until it is lifted, "
                "and the requester is told before that (AVG 18(3))."
            )
        )
    if not case.is_open:
        raise ServiceError(_("This case is closed."))


@transaction.atomic
def request_information(
    *, case: Case, actor, kind: str, what_is_needed: str, reply_term_days: int
) -> InformationRequest:
    """Ask the requester in writing for information with a reply term: the clock pauses from
    the day after the letter until the reply arrives or the term ends (LEGAL.md 1.5; Awb 4:5
    with 4:15(1)(a); AVG 12(6)). No reply term, no pause."""
    from requests_flow import letters

    _check_open(case)
    if _open_information_request(case) is not None:
        raise ServiceError(_("An information request is already waiting for a reply."))
    if reply_term_days < 1:
        raise ServiceError(_("Give the requester a reply term of at least one day."))
    if not what_is_needed.strip():
        raise ServiceError(_("Say what the requester must send."))
    today = timezone.localdate()
    info = InformationRequest.objects.create(
        case=case,
        kind=kind,
        what_is_needed=what_is_needed,
        sent_on=today,
        reply_due_on=today + datetime.timedelta(days=reply_term_days),
        created_by=actor,
    )
    case.is_paused = True
    refresh_deadlines(case, today=today)
    request_obj = case.request
    with translation.override(request_obj.language):
        pdf = letters.information_request_letter(info, today)
        title = _("Request for information %(reference)s") % {"reference": request_obj.reference}
        _store_letter(case, pdf, title, f"{request_obj.reference}-information-request.pdf", actor)
        if request_obj.correspondent_email:
            queue_message(
                template="information_request",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "what_is_needed": what_is_needed,
                    "reply_due_on": _date(info.reply_due_on),
                    "reply_url": links.reply_url(info),
                    "letter_url": links.answer_url(case),
                    "status_url": links.status_url(request_obj),
                },
            )
    _audit(
        request_obj,
        AuditAction.INFORMATION_REQUESTED,
        case=case,
        actor=actor,
        details=f"{info.get_kind_display()}; {_('reply by')} {_date(info.reply_due_on)}",
    )
    return info


def _run_await_node(case: Case) -> None:
    """Move the flow on from the node that waits for the reply."""
    flow_class = case.process.flow_class
    task = case.process.task_set.filter(
        flow_task__in=[flow_class.await_identity_proof, flow_class.await_clarification],
        status=STATUS.NEW,
    ).first()
    if task is not None:
        task.flow_task.run(task)


@transaction.atomic
def receive_reply(*, info_request: InformationRequest, text: str, files=(), id_copies=()) -> None:
    """The requester answered: the pause ends the day the reply arrives (Awb 4:15), the
    deadlines shift by the paused days and the task that asked continues. `id_copies` are
    masked ID copies: they go to the protected store, never among the documents (LEGAL.md
    2.2)."""
    from requests_flow.services.identity import store_id_copy

    info_request = InformationRequest.objects.select_for_update().get(pk=info_request.pk)
    if info_request.status != InformationStatus.OPEN:
        raise ServiceError(_("This request for information has already been dealt with."))
    today = timezone.localdate()
    if today > info_request.reply_due_on:
        raise ServiceError(_("The reply term has ended."))
    case = info_request.case
    info_request.status = InformationStatus.ANSWERED
    info_request.replied_on = today
    info_request.reply_text = text
    info_request.save(update_fields=["status", "replied_on", "reply_text"])
    for uploaded in files:
        CaseDocument.objects.create(
            case=case,
            kind=DocumentKind.REPLY,
            title=uploaded.name,
            file=uploaded,
            content_type=uploaded.content_type,
            size=uploaded.size,
        )
    for uploaded in id_copies:
        store_id_copy(case=case, uploaded=uploaded, information_request=info_request)
    case.is_paused = False
    due = refresh_deadlines(case, today=today)
    _audit(
        case.request,
        AuditAction.INFORMATION_RECEIVED,
        case=case,
        details=_("new legal deadline %(date)s") % {"date": _date(due.legal)},
    )
    _run_await_node(case)


@transaction.atomic
def expire_information_request(case: Case) -> None:
    """The reply term ended without a reply: the case goes to a "not handled" decision for an
    officer to approve and send (LEGAL.md 1.5, Awb 4:5). The pause includes the term's last
    day."""
    info = _open_information_request(case)
    if info is None:
        raise ServiceError(_("There is no open request for information."))
    info.status = InformationStatus.EXPIRED
    info.save(update_fields=["status"])
    case.is_paused = False
    case.outcome = Outcome.NOT_HANDLED
    case.refusal_ground = RefusalGround.NO_REPLY
    case.drafted_by = None
    case.approved_by = None
    # the letter states what we asked for and the reply term from `info`, in the requester's
    # language when it is rendered: no reasons to write down here
    case.decision_reasons = ""
    refresh_deadlines(case)
    _move(
        case,
        CaseStatus.APPROVAL,
        AuditAction.INFORMATION_EXPIRED,
        details=_date(info.reply_due_on),
    )


@transaction.atomic
def extend_deadline(*, case: Case, actor, reason: str, explanation: str, today=None) -> Extension:
    """Extend once by at most two further months, with a reasoned notice sent now, at the
    latest on D1 (AVG 12(3); EDPB 01/2022 §162-164). Refused from the day after D1."""
    from requests_flow import letters

    today = today or timezone.localdate()
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_open(case)
    if hasattr(case, "extension"):
        raise ServiceError(_("The deadline of this case has already been extended once."))
    if today > case.legal_due_on:
        raise ServiceError(
            _(
                "The legal deadline (%(date)s) has passed: the notice of an extension had to be "
                "sent by then (art. 12(3) GDPR), so the deadline can no longer be extended."
            )
            % {"date": _date(case.legal_due_on)}
        )
    if not explanation.strip():
        raise ServiceError(_("Explain to the requester why you need more time."))
    before = case.legal_due_on
    extension = Extension(
        case=case,
        reason=reason,
        explanation=explanation,
        decided_on=today,
        legal_due_before=before,
        legal_due_after=before,
        decided_by=actor,
    )
    extension.save()
    due = refresh_deadlines(case, today=today)
    extension.legal_due_after = due.legal
    extension.save(update_fields=["legal_due_after"])
    request_obj = case.request
    with translation.override(request_obj.language):
        pdf = letters.extension_notice_letter(extension, today)
        title = _("Extension notice %(reference)s") % {"reference": request_obj.reference}
        _store_letter(case, pdf, title, f"{request_obj.reference}-extension.pdf", actor)
        if request_obj.correspondent_email:
            queue_message(
                template="extension_notice",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "new_due_on": _date(due.legal),
                    "letter_url": links.answer_url(case),
                },
            )
    _audit(
        request_obj,
        AuditAction.EXTENDED,
        case=case,
        actor=actor,
        from_status=before.isoformat(),
        to_status=due.legal.isoformat(),
        details=f"{extension.get_reason_display()}: {explanation}",
    )
    return extension


def penalty_start(legal_due_on: datetime.date, notice_received_on: datetime.date) -> datetime.date:
    """The first penalty day (Awb 4:17(3)): two weeks after both the decision term has expired
    and the notice of default was received."""
    term_expired = legal_due_on + datetime.timedelta(days=1)
    return max(term_expired, notice_received_on) + datetime.timedelta(days=14)


def _fg_addresses(organisation) -> list[str]:
    addresses = list(
        get_user_model()
        .objects.filter(
            membership__organisation=organisation, groups__name=str(Role.FG), is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if organisation.fg_email and organisation.fg_email not in addresses:
        addresses.append(organisation.fg_email)
    return addresses


def _case_url(case) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{reverse('officer:case', args=[case.pk])}"


@transaction.atomic
def record_notice_of_default(*, case: Case, actor, received_on: datetime.date) -> NoticeOfDefault:
    """Record a written notice of default (Awb 4:17) and alert the FG at once. Public bodies
    only: a private organisation owes no penalty (LEGAL.md 1.6)."""
    if not case.organisation.is_public_body:
        raise ServiceError(_("A notice of default applies only to public bodies (Awb 4:17)."))
    check_case_date(received_on, case)
    premature = received_on <= case.legal_due_on
    notice = NoticeOfDefault.objects.create(
        case=case,
        received_on=received_on,
        premature=premature,
        penalty_starts_on=penalty_start(case.legal_due_on, received_on),
        recorded_by=actor,
    )
    for address in _fg_addresses(case.organisation):
        queue_message(
            template="notice_of_default",
            to=address,
            audience=Audience.OFFICER,
            organisation=case.organisation,
            request=case.request,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "reference": case.reference,
                "received_on": _date(received_on),
                "penalty_starts_on": _date(notice.penalty_starts_on),
                "premature": "yes" if premature else "",
                "case_url": _case_url(case),
            },
        )
    _audit(
        case.request,
        AuditAction.NOTICE_OF_DEFAULT,
        case=case,
        actor=actor,
        details=_("received %(received)s; penalty from %(start)s%(premature)s")
        % {
            "received": _date(received_on),
            "start": _date(notice.penalty_starts_on),
            "premature": _(" (premature)") if premature else "",
        },
    )
    return notice


@transaction.atomic
def add_decreed_day(*, actor, date: datetime.date, reference: str) -> DecreedDay:
    """Add a day decreed equal to a public holiday (Atw 3(3)) and re-compute the due dates and
    pending timers of every open case, of every organisation: it is one national table."""
    if DecreedDay.objects.filter(date=date).exists():
        raise ServiceError(_("This day is already in the table."))
    if not reference.strip():
        raise ServiceError(_("Give the publication (Staatscourant or Staatsblad)."))
    day = DecreedDay.objects.create(date=date, reference=reference)
    decreed = set(DecreedDay.objects.values_list("date", flat=True))
    open_cases = (
        Case.objects.open()
        .select_related("request", "organisation", "process", "extension")
        .prefetch_related("information_requests")
    )
    for case in open_cases:
        before = (case.internal_due_on, case.legal_due_on)
        due = refresh_deadlines(case, decreed_days=decreed)
        if (due.internal, due.legal) != before:
            _audit(
                case.request,
                AuditAction.DEADLINES_RECOMPUTED,
                case=case,
                actor=actor,
                from_status=before[1].isoformat(),
                to_status=due.legal.isoformat(),
                details=_("decreed day %(date)s (%(reference)s)")
                % {"date": _date(date), "reference": reference},
            )
    return day


def _reminder_recipients(case: Case) -> list[str]:
    """The officers who hold the case's open tasks, or, for an unassigned task, everyone of the
    organisation who may take it."""
    from django.contrib.auth.models import Permission

    addresses: list[str] = []
    users = get_user_model().objects.filter(
        membership__organisation=case.organisation, is_active=True
    )
    for task in case.process.task_set.filter(
        flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).select_related("owner"):
        if task.owner is not None:
            candidates = [task.owner.email]
        else:
            app_label, codename = task.owner_permission.split(".")
            perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            candidates = users.filter(groups__permissions=perm).values_list("email", flat=True)
        addresses += [a for a in candidates if a and a not in addresses]
    return addresses


def send_deadline_reminder(case: Case, moment: str) -> int:
    """A reminder to the people working on `case` that a deadline is near. Returns how many
    messages were queued."""
    due = case.internal_due_on if moment == INTERNAL_REMINDER else case.legal_due_on
    recipients = _reminder_recipients(case)
    for address in recipients:
        queue_message(
            template="deadline_reminder",
            to=address,
            audience=Audience.OFFICER,
            organisation=case.organisation,
            request=case.request,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "reference": case.reference,
                "which": "internal" if moment == INTERNAL_REMINDER else "legal",
                "due_on": _date(due),
                "case_url": _case_url(case),
            },
        )
    _audit(
        case.request,
        AuditAction.REMINDER_SENT,
        case=case,
        details=f"{moment}: {', '.join(recipients) or '-'}",
    )
    return len(recipients)


def escalate_deadline(case: Case, moment: str) -> int:
    """Escalate to the FG: the internal target has passed, or D1 has come."""
    recipients = _fg_addresses(case.organisation)
    for address in recipients:
        queue_message(
            template="deadline_escalation",
            to=address,
            audience=Audience.OFFICER,
            organisation=case.organisation,
            request=case.request,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "reference": case.reference,
                "which": "internal" if moment == INTERNAL_PASSED else "legal",
                "internal_due_on": _date(case.internal_due_on),
                "legal_due_on": _date(case.legal_due_on),
                "case_url": _case_url(case),
            },
        )
    _audit(
        case.request, AuditAction.ESCALATED, case=case, details=f"{moment}: {', '.join(recipients)}"
    )
    return len(recipients)
