"""Every state change of the records app goes through one function here (DESIGN.md rule 2):
atomic, taking the acting user, one audit entry per case it changes, outgoing messages as outbox
rows in the same transaction.

Remedies and revised decisions (LEGAL.md §0, 5.3), the print-and-dispatch queue (5.7), data
incidents (2.3, AVG 33(5)) and the destruction of dossiers after their retention term (6.2).
"""

import datetime
import io
import logging
import re

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import queue_message
from organisations.constants import Role
from records.constants import (
    PRIVATE_REMEDIES,
    PUBLIC_BODY_REMEDIES,
    DestructionStatus,
    RemedyKind,
    RemedyStatus,
)
from records.models import (
    DestructionCandidate,
    DestructionRecord,
    DestructionRun,
    Incident,
    PostalBatch,
    PostalItem,
    Remedy,
    RevisedDecision,
)
from requests_flow import links
from requests_flow.constants import AuditAction, CaseStatus, Outcome
from requests_flow.models import AuditEntry, Case, CaseDocument, DocumentKind, Request

logger = logging.getLogger(__name__)


class RecordsError(Exception):
    """A change that the rules do not allow; the message is shown to the user."""


def _audit(case, action, *, actor=None, details="", from_status="", to_status=""):
    return AuditEntry.objects.create(
        request=case.request,
        case=case,
        actor=actor,
        action=action,
        details=details,
        from_status=from_status,
        to_status=to_status,
    )


def _date(value: datetime.date) -> str:
    from django.utils import formats

    return formats.date_format(value, "j F Y")


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


def remedy_kinds(organisation) -> tuple[RemedyKind, ...]:
    """The remedies the organisation's legal form knows (LEGAL.md §0)."""
    return PUBLIC_BODY_REMEDIES if organisation.is_public_body else PRIVATE_REMEDIES


# --- remedies and revised decisions ------------------------------------------------------------


@transaction.atomic
def register_remedy(
    *, case: Case, actor, kind: str, received_on: datetime.date, summary: str = ""
) -> Remedy:
    """Register a bezwaarschrift, appeal, court petition or AP complaint against the decision of
    `case`, with its date of receipt. While it is pending it holds the dossier: nothing of it is
    destroyed (LEGAL.md 6.2)."""
    if kind not in remedy_kinds(case.organisation):
        raise RecordsError(
            _("A %(kind)s does not apply to this organisation's legal form.")
            % {"kind": RemedyKind(kind).label}
        )
    if case.is_open or not case.decision_sent_on:
        raise RecordsError(_("A remedy is lodged against a decision: this case has none yet."))
    if received_on > timezone.localdate():
        raise RecordsError(_("The date of receipt cannot lie in the future."))
    if received_on < case.decision_sent_on:
        raise RecordsError(_("A remedy cannot arrive before the decision was made known."))
    remedy = Remedy.objects.create(
        case=case,
        organisation=case.organisation,
        kind=kind,
        received_on=received_on,
        summary=summary,
        registered_by=actor,
    )
    _audit(
        case,
        AuditAction.REMEDY_REGISTERED,
        actor=actor,
        details=_("%(kind)s received %(date)s")
        % {"kind": remedy.get_kind_display(), "date": _date(received_on)},
    )
    return remedy


@transaction.atomic
def start_reconsideration(*, remedy: Remedy, actor) -> Remedy:
    """The decision is looked at again because of the remedy; it ends in a revised decision."""
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.status != RemedyStatus.OPEN:
        raise RecordsError(_("Only a pending remedy can start a reconsideration."))
    remedy.status = RemedyStatus.RECONSIDERING
    remedy.save(update_fields=["status"])
    _audit(
        remedy.case,
        AuditAction.RECONSIDERATION_STARTED,
        actor=actor,
        details=remedy.get_kind_display(),
    )
    return remedy


def _original_decision_letter(case: Case) -> CaseDocument | None:
    """The letter that made the current decision known: the latest decision letter."""
    letters = case.documents.filter(kind=DocumentKind.LETTER).order_by("-created", "-pk")
    for document in letters:
        if is_decision_letter(document):
            return document
    return None


@transaction.atomic
def issue_revised_decision(
    *, remedy: Remedy, actor, outcome: str, reasons: str, refusal_ground: str = ""
) -> RevisedDecision:
    """The reconsideration's result: a revised decision that replaces the original one. Its
    letter names the original decision's date and reference; the audit trail shows both. The
    remedy is closed with it, which lifts its hold."""
    from records import letters

    remedy = Remedy.objects.select_for_update().select_related("case__request").get(pk=remedy.pk)
    if remedy.status != RemedyStatus.RECONSIDERING:
        raise RecordsError(_("Start the reconsideration before issuing a revised decision."))
    if outcome not in (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REFUSED):
        raise RecordsError(_("A revised decision grants, partly grants or refuses."))
    if not reasons.strip():
        raise RecordsError(_("A revised decision needs its reasons (Awb 3:46, 7:12)."))
    if outcome == Outcome.REFUSED and not refusal_ground:
        raise RecordsError(_("Give the refusal ground."))
    case = (
        Case.objects.select_for_update()
        .select_related("request", "organisation")
        .get(pk=remedy.case_id)
    )
    request_obj = case.request
    today = timezone.localdate()
    revised = RevisedDecision(
        remedy=remedy,
        case=case,
        original_outcome=case.outcome,
        original_refusal_ground=case.refusal_ground,
        original_reasons=case.decision_reasons,
        original_sent_on=case.decision_sent_on,
        original_letter=_original_decision_letter(case),
        outcome=outcome,
        reasons=reasons,
        sent_on=today,
        decided_by=actor,
    )
    with translation.override(request_obj.language):
        pdf = letters.revised_decision_letter(revised, today)
        title = _("Revised decision %(reference)s") % {"reference": request_obj.reference}
    revised.letter = CaseDocument.objects.create(
        case=case,
        kind=DocumentKind.LETTER,
        title=title,
        file=ContentFile(pdf, name=f"{request_obj.reference}-revised-decision.pdf"),
        content_type="application/pdf",
        size=len(pdf),
        shared_with_requester=True,
        created_by=actor,
    )
    revised.save()
    before = case.outcome
    case.outcome = outcome
    case.refusal_ground = refusal_ground if outcome == Outcome.REFUSED else ""
    case.decision_reasons = reasons
    case.decision_sent_on = today
    case.save(update_fields=["outcome", "refusal_ground", "decision_reasons", "decision_sent_on"])
    remedy.status = RemedyStatus.CLOSED
    remedy.closed_on = today
    remedy.closing_note = _("Revised decision of %(date)s") % {"date": _date(today)}
    remedy.save(update_fields=["status", "closed_on", "closing_note"])
    _audit(
        case,
        AuditAction.REVISED_DECISION_SENT,
        actor=actor,
        from_status=before,
        to_status=outcome,
        details=_(
            "%(outcome)s; replaces the decision of %(original)s (%(reference)s), after the "
            "%(kind)s received %(received)s"
        )
        % {
            "outcome": Outcome(outcome).label,
            "original": _date(revised.original_sent_on) if revised.original_sent_on else "-",
            "reference": request_obj.reference,
            "kind": remedy.get_kind_display(),
            "received": _date(remedy.received_on),
        },
    )
    if request_obj.correspondent_email:
        with translation.override(request_obj.language):
            queue_message(
                template="revised_decision_ready",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "download_url": links.answer_url(case),
                    "valid_until": _date(
                        today + datetime.timedelta(days=settings.DOWNLOAD_LINK_DAYS)
                    ),
                },
            )
    return revised


@transaction.atomic
def close_remedy(*, remedy: Remedy, actor, note: str, closed_on: datetime.date | None = None):
    """The remedy ended without a revised decision (withdrawn, rejected, the AP or the court
    decided): its hold on the dossier is lifted."""
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.status == RemedyStatus.CLOSED:
        raise RecordsError(_("This remedy is already closed."))
    if not note.strip():
        raise RecordsError(_("Say how the remedy ended."))
    remedy.status = RemedyStatus.CLOSED
    remedy.closed_on = closed_on or timezone.localdate()
    remedy.closing_note = note
    remedy.save(update_fields=["status", "closed_on", "closing_note"])
    _audit(
        remedy.case,
        AuditAction.REMEDY_CLOSED,
        actor=actor,
        details=f"{remedy.get_kind_display()}: {note}",
    )
    return remedy


# --- data incidents ------------------------------------------------------------------------------


@transaction.atomic
def record_incident(
    *,
    case: Case,
    actor,
    what: str,
    occurred_on: datetime.date,
    noticed_on: datetime.date,
    noticed_by: str,
    measures: str,
) -> Incident:
    """Record a data incident on `case` (for example a disclosure to the wrong person) for the
    FG's breach register (AVG 33(5)); the FG is alerted at once, because a breach that must be
    reported to the AP has to be reported within 72 hours (AVG 33(1))."""
    today = timezone.localdate()
    if occurred_on > today or noticed_on > today:
        raise RecordsError(_("The dates cannot lie in the future."))
    if noticed_on < occurred_on:
        raise RecordsError(_("An incident cannot be noticed before it happened."))
    if not (what.strip() and measures.strip() and noticed_by.strip()):
        raise RecordsError(_("Say what happened, who noticed it and which measures were taken."))
    incident = Incident.objects.create(
        organisation=case.organisation,
        case=case,
        reference=case.reference,
        what=what,
        occurred_on=occurred_on,
        noticed_on=noticed_on,
        noticed_by=noticed_by,
        measures=measures,
        recorded_by=actor,
    )
    url = f"{settings.SITE_URL}{reverse('records:incidents')}"
    for address in _fg_addresses(case.organisation):
        queue_message(
            template="incident_recorded",
            to=address,
            organisation=case.organisation,
            request=case.request,
            case=case,
            context={
                "organisation_name": case.organisation.name,
                "reference": case.reference,
                "noticed_on": _date(noticed_on),
                "register_url": url,
            },
        )
    _audit(case, AuditAction.INCIDENT_RECORDED, actor=actor, details=_date(noticed_on))
    return incident


# --- post: the print-and-dispatch queue ----------------------------------------------------------

# Decision letters are stored by requests_flow's send_decision as "<reference>-decision.pdf" and by
# issue_revised_decision as "<reference>-revised-decision.pdf" (storage may add a suffix).
_DECISION_LETTER_NAME = re.compile(r"-(?:revised-)?decision(?:_[A-Za-z0-9]+)?\.pdf$")


def is_decision_letter(document: CaseDocument) -> bool:
    return document.kind == DocumentKind.LETTER and bool(
        _DECISION_LETTER_NAME.search(document.file.name)
    )


def postal_queue(organisation):
    """Letters for requesters without an e-mail address (Awb 2:14: electronic only where they
    gave an address for it) that are not in a postal batch yet, oldest first."""
    return (
        CaseDocument.objects.filter(
            case__organisation=organisation,
            kind=DocumentKind.LETTER,
            shared_with_requester=True,
            case__request__requester_email="",
            case__request__representative_email="",
            postal_item__isnull=True,
        )
        .select_related("case__request")
        .order_by("created", "pk")
    )


@transaction.atomic
def create_postal_batch(*, organisation, actor) -> PostalBatch:
    """Put every queued letter into one batch, to print as one PDF and post."""
    documents = list(postal_queue(organisation).select_for_update(of=("self",)))
    if not documents:
        raise RecordsError(_("There are no letters waiting to be posted."))
    batch = PostalBatch.objects.create(organisation=organisation, created_by=actor)
    PostalItem.objects.bulk_create(
        PostalItem(batch=batch, document=d, is_decision=is_decision_letter(d)) for d in documents
    )
    return batch


def batch_pdf(batch: PostalBatch) -> bytes:
    """The batch's letters as one PDF, in queue order, each starting on a new sheet."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for item in batch.items.select_related("document").order_by("pk"):
        with item.document.file.open("rb") as handle:
            writer.append(io.BytesIO(handle.read()))
        if len(writer.pages) % 2:
            # double-sided printing: the next letter starts on a fresh sheet
            last = writer.pages[-1]
            writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@transaction.atomic
def record_dispatch(*, batch: PostalBatch, actor, dispatched_on: datetime.date) -> int:
    """The batch went into the post on `dispatched_on`: that is the day each decision in it is
    made known (bekendmaking, Awb 3:41; LEGAL.md 5.3, 5.7), from which the six weeks for a
    remedy run. Returns the number of letters."""
    batch = PostalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.dispatched_on:
        raise RecordsError(_("This batch has already been posted."))
    if dispatched_on > timezone.localdate():
        raise RecordsError(_("The date of dispatch cannot lie in the future."))
    if dispatched_on < batch.created.astimezone(timezone.get_current_timezone()).date():
        raise RecordsError(_("The batch cannot have been posted before it was printed."))
    batch.dispatched_on = dispatched_on
    batch.dispatched_by = actor
    batch.save(update_fields=["dispatched_on", "dispatched_by"])
    items = list(batch.items.select_related("document__case__request"))
    for item in items:
        document = item.document
        case = document.case
        details = f"{document.title}; {_date(dispatched_on)}"
        if item.is_decision:
            Case.objects.filter(pk=case.pk).update(decision_sent_on=dispatched_on)
            RevisedDecision.objects.filter(letter=document).update(sent_on=dispatched_on)
            details += "; " + _("decision made known on this day (Awb 3:41)")
        _audit(case, AuditAction.LETTER_DISPATCHED, actor=actor, details=details)
    return len(items)


# --- retention and destruction -------------------------------------------------------------------


def _closed_dossiers(organisation):
    """Requests of `organisation` whose cases are all closed, with the day the last one closed.
    A restriction in force keeps its dossier: the case closes when it is lifted (AVG 18(3))."""
    open_case = Case.objects.filter(request=OuterRef("pk")).exclude(status=CaseStatus.CLOSED)
    return (
        Request.objects.filter(organisation=organisation)
        .annotate(has_open=Exists(open_case), last_closed=Max("cases__closed_at"))
        .filter(has_open=False, last_closed__isnull=False)
    )


def dossiers_due(organisation, today: datetime.date):
    """Closed dossiers whose retention term has passed and that carry no hold: no pending
    remedy and no candidate in a run that is still waiting or running (LEGAL.md 6.2)."""
    cutoff = today - relativedelta(years=organisation.retention_years)
    # closed_at is a moment: the dossier closed on its Amsterdam date; a day's end is the bound
    cutoff_moment = datetime.datetime.combine(
        cutoff + datetime.timedelta(days=1), datetime.time(), timezone.get_current_timezone()
    )
    hold = Remedy.objects.holding().filter(case__request=OuterRef("pk"))
    in_run = DestructionCandidate.objects.filter(
        request=OuterRef("pk"),
        run__status__in=[DestructionStatus.PROPOSED, DestructionStatus.APPROVED],
    )
    return (
        _closed_dossiers(organisation)
        .filter(last_closed__lt=cutoff_moment)
        .filter(~Exists(hold), ~Exists(in_run))
        .order_by("last_closed", "pk")
    )


@transaction.atomic
def propose_destruction(*, organisation, today: datetime.date | None = None):
    """Propose every dossier of `organisation` that is due for destruction as one run for an
    authorised person to approve. Returns the run, or None when nothing is due."""
    today = today or timezone.localdate()
    due = list(dossiers_due(organisation, today).values_list("pk", "reference", "last_closed"))
    if not due:
        return None
    run = DestructionRun.objects.create(
        organisation=organisation,
        proposed_for=today,
        category=organisation.selection_list_category,
        total=len(due),
    )
    zone = timezone.get_current_timezone()
    candidates = []
    for pk, reference, last_closed in due:
        closed_on = last_closed.astimezone(zone).date()
        candidates.append(
            DestructionCandidate(
                run=run,
                request_id=pk,
                reference=reference or f"#{pk}",
                closed_on=closed_on,
                retain_until=closed_on + relativedelta(years=organisation.retention_years),
            )
        )
    DestructionCandidate.objects.bulk_create(candidates, batch_size=1000)
    return run


def propose_all(today: datetime.date | None = None) -> list[DestructionRun]:
    """The periodic proposal, for every organisation (the management command and Celery beat)."""
    from organisations.models import Organisation

    runs = []
    for organisation in Organisation.objects.order_by("pk"):
        run = propose_destruction(organisation=organisation, today=today)
        if run is not None:
            runs.append(run)
    return runs


@transaction.atomic
def decide_destruction_run(*, run: DestructionRun, actor, approve: bool) -> DestructionRun:
    """An authorised person approves (or rejects) the proposed batch, as the Archiefwet
    requires; an approved run is then destroyed by `destroy_run`."""
    run = DestructionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != DestructionStatus.PROPOSED:
        raise RecordsError(_("This run has already been decided."))
    run.status = DestructionStatus.APPROVED if approve else DestructionStatus.REJECTED
    run.decided_by = actor
    run.decided_at = timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


def _destroy_dossier(candidate: DestructionCandidate, run: DestructionRun) -> bool:
    """Destroy one dossier and keep its destruction record, in one transaction. A dossier that
    gained a hold or a case that is not closed since the proposal is skipped."""
    with transaction.atomic():
        request_obj = (
            Request.objects.select_for_update()
            .filter(pk=candidate.request_id)
            .prefetch_related("cases")
            .first()
        )
        if request_obj is None:
            return False
        cases = list(request_obj.cases.all())
        held = Remedy.objects.holding().filter(case__request=request_obj).exists()
        if held or not all(c.is_closed for c in cases):
            candidate.request = None
            candidate.save(update_fields=["request"])
            return False
        paths = list(
            CaseDocument.objects.filter(case__request=request_obj).values_list("file", flat=True)
        )
        DestructionRecord.objects.create(
            organisation=run.organisation,
            run=run,
            reference=candidate.reference,
            category=run.category,
            rights=",".join(sorted({c.right for c in cases})),
            received_on=request_obj.received_on,
            closed_on=candidate.closed_on,
            retain_until=candidate.retain_until,
            destroyed_on=timezone.localdate(),
            approved_by=run.decided_by,
        )
        # the cascade from the case reaches the process row but not its tasks (Django collects a
        # parent row without its relations), so the processes go first, with their tasks
        from viewflow.workflow.models import Process

        Process.objects.filter(caseprocess__case__request=request_obj).delete()
        request_obj.delete()  # cases, documents, audit trail and outbox messages cascade
        storage = CaseDocument._meta.get_field("file").storage

        def remove_files():
            for name in paths:
                try:
                    storage.delete(name)
                except OSError:
                    logger.exception("Could not delete %s of a destroyed dossier", name)

        transaction.on_commit(remove_files)
    return True


def destroy_run(run: DestructionRun, *, chunk: int = 50) -> DestructionRun:
    """Destroy the dossiers of an approved run, each in its own transaction, counting progress
    on the run so its page can show it. Safe to call again after a crash."""
    run = DestructionRun.objects.select_related("organisation").get(pk=run.pk)
    if run.status != DestructionStatus.APPROVED:
        raise RecordsError(_("Only an approved run is destroyed."))
    pending = run.candidates.filter(request__isnull=False).order_by("pk")
    while True:
        batch = list(pending[:chunk])
        if not batch:
            break
        destroyed = sum(_destroy_dossier(candidate, run) for candidate in batch)
        DestructionRun.objects.filter(pk=run.pk).update(
            destroyed=run.records.count() if destroyed else run.destroyed
        )
        run.refresh_from_db(fields=["destroyed"])
    run.status = DestructionStatus.DONE
    run.finished_at = timezone.now()
    run.destroyed = run.records.count()
    run.save(update_fields=["status", "finished_at", "destroyed"])
    return run


def pending_approved_runs():
    return DestructionRun.objects.filter(status=DestructionStatus.APPROVED)


__all__ = [
    "RecordsError",
    "batch_pdf",
    "close_remedy",
    "create_postal_batch",
    "decide_destruction_run",
    "destroy_run",
    "dossiers_due",
    "is_decision_letter",
    "issue_revised_decision",
    "postal_queue",
    "propose_all",
    "propose_destruction",
    "record_dispatch",
    "record_incident",
    "register_remedy",
    "remedy_kinds",
    "start_reconsideration",
]
