"""Routing (LEGAL.md section 3): forwarding a case to the body responsible, the target's
confirmation through its link, the reminder when it stays silent, and returning a request to
its sender when no body is responsible.

A forward to another controller ends the case here as "forwarded" (its clock then runs there);
a transfer to a department of the same controller keeps the case open with the clock running
until the answer is reported sent (LEGAL.md 3.2). A forward of part of a case (some data)
leaves the case in its flow for the rest (LEGAL.md 3.1).
"""

import datetime
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS, STATUS

from notifications.constants import Audience
from notifications.services import queue_message
from requests_flow import links
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    ForwardScope,
    Outcome,
    Right,
)
from requests_flow.models import Case, CaseDocument, CaseProcess, DocumentKind, Forwarding
from requests_flow.services._common import ServiceError, _audit, _date, _move
from requests_flow.services.clock import _case_url, _store_letter

# A case can be forwarded or returned while someone still has to decide what it is about:
# before identity is checked (forward without delay, Awb 2:3; the identity check is the
# target's) and in assessment.
ROUTABLE_STATUSES = (CaseStatus.IDENTITY, CaseStatus.ASSESSMENT)

_FINISHED = (STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR)


def forwardable_documents(case: Case):
    """What may go to a target with the request: what the requester sent and extracts, never
    our own letters. (ID documents are never forwarded, LEGAL.md 2.2: they are not case
    documents here.)"""
    return case.documents.exclude(kind=DocumentKind.LETTER).order_by("pk")


def _check_routable(case: Case) -> None:
    if case.status not in ROUTABLE_STATUSES:
        raise ServiceError(
            _("A case can be forwarded or returned only before or during its assessment.")
        )
    if case.is_paused:
        raise ServiceError(
            _("The clock is paused for a request for information: wait for the reply first.")
        )


def _cancel_open_tasks(case: Case, *, human_only: bool = False) -> int:
    """Cancel the case's open viewflow tasks the way viewflow's TerminateEnd does (every task
    that is not finished, timers included), or only its human tasks. Returns how many."""
    tasks = case.process.task_set.exclude(status__in=_FINISHED)
    if human_only:
        tasks = tasks.filter(flow_task_type="HUMAN")
    activations = [task.flow_task.activation_class(task) for task in tasks]
    for activation in activations:
        cancel = getattr(activation, "cancel", None)
        if cancel is None or not cancel.can_proceed():
            raise ServiceError(
                _("The flow of this case cannot be stopped now (%(task)s).")
                % {"task": activation.task}
            )
    for activation in activations:
        activation.cancel()
    return len(activations)


def _end_process(case: Case) -> None:
    """Finish the case's process, cancelling every open task and timer (TerminateEnd)."""
    _cancel_open_tasks(case)
    process = case.process
    process.status = PROCESS.DONE
    process.finished = timezone.now()
    process.save(update_fields=["status", "finished"])


@contextmanager
def _locked(case: Case):
    """The case, read again under the flow's own process lock (the one its tasks take) and a
    row lock: a task completed at the same moment waits, then finds itself cancelled."""
    process = CaseProcess.objects.get(case_id=case.pk)
    with process.flow_class.lock(process.pk):
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to the process
        yield (
            Case.objects.select_for_update(of=("self",))
            .select_related("request", "organisation", "process")
            .get(pk=case.pk)
        )


@transaction.atomic
def forward_case(
    *,
    case: Case,
    actor,
    target,
    scope: str,
    what: str,
    reason: str,
    documents=(),
) -> Forwarding:
    """Forward `case` (whole or in part) to `target` in one step (Awb 2:3; AVG 28(3)(e);
    LEGAL.md 3.1-3.2, 5.5): the forwarding letter as PDF, the notice to the requester naming the
    target and why, the e-mail to the target with the letter and the chosen documents attached,
    the e-mail to the requester with a link to the notice, and the record of target, date and
    what. Whole to another controller: the case closes as "forwarded". Whole to the same
    controller: the case waits, open, for the answer to be reported sent. A part: the case
    continues here for the rest."""
    with _locked(case) as case:
        return _forward(case, actor, target, scope, what, reason, list(documents))


def _forward(case, actor, target, scope, what, reason, documents) -> Forwarding:
    from requests_flow import letters

    if target.organisation_id != case.organisation_id or not target.active:
        raise ServiceError(_("Choose one of your organisation's forward targets."))
    _check_routable(case)
    if scope not in ForwardScope.values:
        raise ServiceError(_("Say whether the whole request or a part of it is forwarded."))
    if not reason.strip():
        raise ServiceError(_("Say why the target is responsible: the requester is told."))
    if scope == ForwardScope.PART and not what.strip():
        raise ServiceError(_("Say which part of the request is forwarded."))
    allowed = set(forwardable_documents(case).values_list("pk", flat=True))
    if any(document.pk not in allowed for document in documents):
        raise ServiceError(_("Only documents of this case that are not letters can be sent."))
    if scope == ForwardScope.WHOLE:
        what = ""  # the letters say "the whole request" in their own language

    today = timezone.localdate()
    request_obj = case.request
    forwarding = Forwarding.objects.create(
        case=case,
        target=target,
        target_name=target.name,
        target_email=target.email,
        same_controller=target.same_controller,
        scope=scope,
        what=what,
        reason=reason,
        forwarded_on=today,
        forwarded_by=actor,
    )
    forwarding.documents.set(documents)
    try:
        # both letters name the forwarding (its link), so they are rendered after its row
        letter_pdf = letters.forwarding_letter(forwarding, today)
        with translation.override(request_obj.language):
            notice_pdf = letters.forwarding_notice_letter(forwarding, today)
            notice_title = _("Forwarding notice %(reference)s") % {
                "reference": request_obj.reference
            }
    except letters.LetterContainsBSN as exc:
        raise ServiceError(
            _(
                "The letter would contain what looks like a BSN (from the request's text); a "
                "BSN is never printed in a letter. Forward it by other means."
            )
        ) from exc
    reference = request_obj.reference
    letter = _store_letter(
        case,
        letter_pdf,
        _("Forwarding letter %(reference)s to %(target)s")
        % {"reference": reference, "target": target.name},
        f"{reference}-forwarding-letter.pdf",
        actor,
    )
    # it carries the target's link: for the target, not on the requester's answer page
    letter.shared_with_requester = False
    letter.save(update_fields=["shared_with_requester"])
    forwarding.letter = letter
    forwarding.notice = _store_letter(
        case, notice_pdf, notice_title, f"{reference}-forwarding-notice.pdf", actor
    )
    forwarding.save(update_fields=["letter", "notice"])

    part = scope == ForwardScope.PART
    transfer = target.same_controller
    queue_message(
        template="forward_to_target",
        to=target.email,
        language="nl",
        organisation=case.organisation,
        request=request_obj,
        case=case,
        audience=Audience.FORWARD_TARGET,
        attachments=[letter.pk, *(document.pk for document in documents)],
        context={
            "organisation_name": case.organisation.name,
            "reference": reference,
            "received_on": _date(request_obj.received_on),
            "right_label": _right_label(case, "nl"),
            "part": "yes" if part else "",
            "transfer": "yes" if transfer else "",
            "confirm_url": links.forwarding_url(forwarding),
        },
    )
    if request_obj.correspondent_email:
        queue_message(
            template="forwarding_notice",
            to=request_obj.correspondent_email,
            language=request_obj.language,
            organisation=case.organisation,
            request=request_obj,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "requester_name": request_obj.correspondent_name,
                "reference": reference,
                "target_name": target.name,
                "part": "yes" if part else "",
                "letter_url": links.answer_url(case),
            },
        )
    details = f"{target.name} ({ForwardScope(scope).label})" + (f": {what}" if what else "")
    if part:
        _audit(request_obj, AuditAction.FORWARDED, case=case, actor=actor, details=details)
    elif transfer:
        # LEGAL.md 3.2: the clock keeps running; nobody here works on it any more, the deadline
        # watch stays armed
        _cancel_open_tasks(case, human_only=True)
        _move(case, CaseStatus.TRANSFERRED, AuditAction.TRANSFERRED, actor=actor, details=details)
    else:
        _end_process(case)
        case.outcome = Outcome.FORWARDED
        case.closed_at = timezone.now()
        _move(case, CaseStatus.CLOSED, AuditAction.FORWARDED, actor=actor, details=details)
    return forwarding


def _right_label(case: Case, language: str) -> str:
    with translation.override(language):
        return str(Right(case.right).label)


def _finish_transfer(case: Case, forwarding: Forwarding, actor, reported_by: str) -> None:
    """The transferred case is answered by the department it went to: it closes here."""
    _end_process(case)
    case.outcome = Outcome.ANSWERED_BY_TRANSFEREE
    case.decision_sent_on = forwarding.answer_sent_on
    case.closed_at = timezone.now()
    _move(
        case,
        CaseStatus.CLOSED,
        AuditAction.FORWARD_ANSWER_REPORTED,
        actor=actor,
        details=_("%(target)s sent the answer on %(date)s (reported by %(who)s)")
        % {
            "target": forwarding.target_name,
            "date": _date(forwarding.answer_sent_on),
            "who": reported_by,
        },
    )


@transaction.atomic
def confirm_forwarding_receipt(*, forwarding: Forwarding, name: str, note: str = "") -> bool:
    """The target confirms receipt through its link (no account). Returns False when receipt
    had already been confirmed (a second click changes nothing)."""
    forwarding = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
    if forwarding.receipt_confirmed_at is not None:
        return False
    if not name.strip():
        raise ServiceError(_("Give your name."))
    forwarding.receipt_confirmed_at = timezone.now()
    forwarding.receipt_confirmed_by = name.strip()
    if note.strip():
        forwarding.target_note = note.strip()
    forwarding.save(update_fields=["receipt_confirmed_at", "receipt_confirmed_by", "target_note"])
    _audit(
        forwarding.case.request,
        AuditAction.FORWARD_RECEIPT_CONFIRMED,
        case=forwarding.case,
        details=f"{forwarding.target_name}: {forwarding.receipt_confirmed_by}",
    )
    return True


@transaction.atomic
def report_forwarding_answer(
    *, forwarding: Forwarding, answer_sent_on: datetime.date, name: str, note: str = "", actor=None
) -> None:
    """The target reports through its link (`actor` None) that it answered the requester, or an
    officer records it (`actor`). For a transfer within the controller this closes the case
    (LEGAL.md 3.2); otherwise it is recorded. A report implies receipt."""
    forwarding = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
    if forwarding.answer_sent_on is not None:
        raise ServiceError(_("The answer has already been reported sent."))
    if answer_sent_on > timezone.localdate():
        raise ServiceError(_("The date cannot lie in the future."))
    if answer_sent_on < forwarding.forwarded_on:
        raise ServiceError(_("The answer cannot have been sent before the request was forwarded."))
    who = name.strip() or (actor.get_full_name() or actor.get_username() if actor else "")
    if not who:
        raise ServiceError(_("Give your name."))
    forwarding.answer_sent_on = answer_sent_on
    forwarding.answer_reported_by = who
    if forwarding.receipt_confirmed_at is None:
        forwarding.receipt_confirmed_at = timezone.now()
        forwarding.receipt_confirmed_by = who
    if note.strip():
        forwarding.target_note = "\n".join(filter(None, [forwarding.target_note, note.strip()]))
    forwarding.save()
    with _locked(forwarding.case) as case:
        if case.status == CaseStatus.TRANSFERRED and forwarding.same_controller:
            _finish_transfer(case, forwarding, actor, who)
        else:
            _audit(
                case.request,
                AuditAction.FORWARD_ANSWER_REPORTED,
                case=case,
                actor=actor,
                details=f"{forwarding.target_name}: {_date(answer_sent_on)} ({who})",
            )


def remind_unconfirmed_forwardings(today: datetime.date | None = None) -> int:
    """Queue one reminder per forwarding whose target has not confirmed receipt within the
    organisation's number of days, to the officer who forwarded it (once). Returns how many
    forwardings were reminded about. Run by the periodic sweep."""
    today = today or timezone.localdate()
    reminded = 0
    candidates = (
        Forwarding.objects.filter(receipt_confirmed_at__isnull=True, reminder_sent_at__isnull=True)
        .select_related("case__organisation", "case__request", "forwarded_by")
        .order_by("forwarded_on", "pk")
    )
    for forwarding in candidates:
        organisation = forwarding.case.organisation
        due = forwarding.forwarded_on + datetime.timedelta(days=organisation.forward_reminder_days)
        if today < due:
            continue
        with transaction.atomic():
            # claimed in the same transaction as the message: never twice, never lost
            claimed = Forwarding.objects.filter(
                pk=forwarding.pk, reminder_sent_at__isnull=True, receipt_confirmed_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue
            _queue_forward_reminder(forwarding)
        reminded += 1
    return reminded


def _queue_forward_reminder(forwarding: Forwarding) -> None:
    case = forwarding.case
    recipients = [forwarding.forwarded_by.email] if forwarding.forwarded_by.email else []
    if not recipients and case.organisation.email:
        recipients = [case.organisation.email]
    for address in recipients:
        queue_message(
            template="forward_reminder",
            to=address,
            audience=Audience.OFFICER,
            organisation=case.organisation,
            request=case.request,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "reference": case.reference,
                "target_name": forwarding.target_name,
                "target_email": forwarding.target_email,
                "forwarded_on": _date(forwarding.forwarded_on),
                "case_url": _case_url(case),
            },
        )
    _audit(
        case.request,
        AuditAction.FORWARD_REMINDER,
        case=case,
        details=f"{forwarding.target_name}: {', '.join(recipients) or '-'}",
    )


@transaction.atomic
def return_to_sender(*, case: Case, actor, explanation: str) -> CaseDocument:
    """No body is responsible: return the request to its sender with an explanation letter
    (Awb 2:3(2); LEGAL.md 3.3). The case closes as "returned"."""
    with _locked(case) as case:
        return _return(case, actor, explanation)


def _return(case, actor, explanation) -> CaseDocument:
    from requests_flow import letters

    _check_routable(case)
    if not explanation.strip():
        raise ServiceError(_("Explain to the requester why nobody can handle the request."))
    today = timezone.localdate()
    request_obj = case.request
    with translation.override(request_obj.language):
        try:
            pdf = letters.return_letter(case, explanation, today)
        except letters.LetterContainsBSN as exc:
            raise ServiceError(
                _("The letter would contain what looks like a BSN; remove it from the text.")
            ) from exc
        title = _("Request returned %(reference)s") % {"reference": request_obj.reference}
    letter = _store_letter(case, pdf, title, f"{request_obj.reference}-returned.pdf", actor)
    if request_obj.correspondent_email:
        queue_message(
            template="request_returned",
            to=request_obj.correspondent_email,
            language=request_obj.language,
            organisation=case.organisation,
            request=request_obj,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "requester_name": request_obj.correspondent_name,
                "reference": request_obj.reference,
                "letter_url": links.answer_url(case),
            },
        )
    _end_process(case)
    case.outcome = Outcome.RETURNED
    case.decision_reasons = explanation
    case.decision_sent_on = today
    case.closed_at = timezone.now()
    _move(case, CaseStatus.CLOSED, AuditAction.RETURNED_TO_SENDER, actor=actor, details=explanation)
    return letter
