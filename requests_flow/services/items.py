"""Per-item decisions, their execution in the source systems and the AVG 19 notifications:
what rectification, erasure, restriction, objection and portability share (LEGAL.md 4.2-4.6,
4.9).

An assessment decides every item (granted, or refused with a ground and reasons), names the
systems where a granted decision must be carried out (one execution record, and one flow task
for the system's owners, per system) and the recipients to tell (one notification, and one
task, per recipient).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisations.constants import LegalBasis
from organisations.models import SourceSystem
from requests_flow.constants import (
    ITEM_GROUNDS,
    AuditAction,
    CaseStatus,
    ItemDecision,
    ItemGround,
    NotificationStatus,
    Outcome,
    RefusalGround,
    Right,
)
from requests_flow.models import (
    Case,
    CaseDocument,
    CaseItem,
    DocumentKind,
    ExecutionRecord,
    RecipientNotification,
)
from requests_flow.services._common import ServiceError, _audit, _date, _move, check_case_date
from requests_flow.services.decisions import _finish_draft

# AVG 19 covers rectification, erasure and restriction only.
NOTIFYING_RIGHTS = (Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION)
# Rights whose items are the register's processing activities, decided one by one.
REGISTER_ITEM_RIGHTS = (Right.ERASURE, Right.RESTRICTION, Right.OBJECTION, Right.PORTABILITY)
# Rights whose granted items are carried out in the source systems.
EXECUTING_RIGHTS = (Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION, Right.OBJECTION)


@dataclass(frozen=True)
class ItemInput:
    """What the requester asks, per item (the public form or an officer's registration)."""

    description: str
    current_value: str = ""
    requested_value: str = ""


@dataclass(frozen=True)
class ItemDecisionInput:
    """An officer's decision on one item; `item_id` None adds an item (e.g. a register line)."""

    decision: str
    item_id: int | None = None
    description: str = ""
    activity_id: int | None = None
    legal_ground: str = ""
    reason: str = ""
    current_value: str = ""
    requested_value: str = ""

    @classmethod
    def from_row(cls, row: dict) -> "ItemDecisionInput":
        """From a row of the assessment form (or of `assessment_defaults`, which pre-fills it)."""
        return cls(
            item_id=row.get("item_id"),
            activity_id=row.get("activity_id"),
            description=row["description"],
            current_value=row.get("current_value", ""),
            requested_value=row.get("requested_value", ""),
            decision=row["decision"],
            legal_ground=row.get("legal_ground", ""),
            reason=row.get("reason", ""),
        )


@dataclass
class Assessment:
    decisions: list[ItemDecisionInput]
    systems: list[SourceSystem] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    note: str = ""


@transaction.atomic
def add_case_items(
    *,
    case: Case,
    items: list[ItemInput],
    evidence=(),
    details: str = "",
    ground: str = "",
    actor=None,
) -> list[CaseItem]:
    """Store what the requester asks for this right: the items (rectification: current and
    correct value), the evidence they sent, the 17(1)/18(1) ground and their own words.
    Idempotent for a request submitted twice: a case that has items keeps them."""
    if case.items.exists():
        return list(case.items.all())
    documents = [
        CaseDocument.objects.create(
            case=case,
            kind=DocumentKind.EVIDENCE,
            title=uploaded.name,
            file=uploaded,
            content_type=getattr(uploaded, "content_type", "") or "application/octet-stream",
            size=uploaded.size,
            shared_with_requester=False,
            created_by=actor,
        )
        for uploaded in evidence
    ]
    created = [
        CaseItem.objects.create(
            case=case,
            description=item.description,
            current_value=item.current_value,
            requested_value=item.requested_value,
            evidence=documents[0] if documents else None,
        )
        for item in items
        if item.description.strip() or item.requested_value.strip()
    ]
    case.details = details
    case.ground_asked = ground
    case.save(update_fields=["details", "ground_asked"])
    if documents:
        _audit(
            case.request,
            AuditAction.DOCUMENT_ADDED,
            case=case,
            actor=actor,
            details=", ".join(d.title for d in documents),
        )
    return created


def register_activities(case: Case):
    """The register lines about people with the requester's relation to us (all lines when
    none matches): what an assessment starts from."""
    activities = case.organisation.processing_activities.prefetch_related("source_systems")
    matching = [a for a in activities if a.data_subjects == case.request.relation]
    return matching or list(activities)


def default_decision(case: Case, activity) -> tuple[str, str, str]:
    """The decision, ground and reasons a register line suggests for this right: its retention
    rule for erasure (17(3)), its legal basis for objection (21(1)) and portability (20).

    The reasons go into the letter as the officer leaves them, so the words we write for them
    are in the requester's language (as `access_answer_defaults` does); the register's own
    text (the retention rule) is what the register says."""
    with translation.override(case.request.language):
        basis = _("Our register gives the legal basis of this processing as: %(basis)s.") % {
            "basis": activity.get_legal_basis_display()
        }
    if case.right == Right.ERASURE and activity.erasure_exception:
        return ItemDecision.REFUSED, activity.erasure_exception, activity.retention
    if case.right == Right.OBJECTION and not activity.public_task_or_legitimate_interest:
        return ItemDecision.REFUSED, ItemGround.NOT_E_OR_F, basis
    if case.right == Right.PORTABILITY and not activity.portable:
        if activity.legal_basis == LegalBasis.PUBLIC_TASK:
            return ItemDecision.REFUSED, ItemGround.PUBLIC_TASK_PORTABILITY, basis
        return ItemDecision.REFUSED, ItemGround.NOT_CONSENT_OR_CONTRACT, basis
    return ItemDecision.GRANTED, "", ""


def assessment_defaults(case: Case) -> dict:
    """The assessment form as the register pre-fills it: one row per item the requester named,
    one per register line for the rights decided per processing activity, the systems those
    lines name, (AVG 19) their recipients, and the register lines by id."""
    activities = register_activities(case)
    rows = [
        {
            "item_id": item.pk,
            "activity_id": item.activity_id,
            "description": item.description,
            "current_value": item.current_value,
            "requested_value": item.requested_value,
            "decision": item.decision if item.decision != ItemDecision.PENDING else "",
            "legal_ground": item.legal_ground,
            "reason": item.reason,
        }
        for item in case.items.all()
    ]
    decided_activities = {row.get("activity_id") for row in rows}
    if case.right in REGISTER_ITEM_RIGHTS:
        for activity in activities:
            if activity.pk in decided_activities or case.items.filter(activity=activity).exists():
                continue
            decision, ground, reason = default_decision(case, activity)
            rows.append(
                {
                    "activity_id": activity.pk,
                    "description": f"{activity.name}: {activity.data_categories}"[:300],
                    "decision": decision,
                    "legal_ground": ground,
                    "reason": reason,
                }
            )
    granted_activities = [
        a
        for a in activities
        if case.right not in REGISTER_ITEM_RIGHTS
        or default_decision(case, a)[0] == ItemDecision.GRANTED
    ]
    systems, recipients = [], []
    for activity in granted_activities:
        systems += [s for s in activity.source_systems.all() if s not in systems]
        recipients += [r for r in activity.recipient_names() if r not in recipients]
    return {
        "rows": rows,
        "systems": systems if case.right in EXECUTING_RIGHTS else [],
        "recipients": recipients if case.right in NOTIFYING_RIGHTS else [],
        "activities": {activity.pk: activity for activity in activities},
    }


def _decide_item(case, actor, row: ItemDecisionInput, now) -> CaseItem:
    if row.decision not in (ItemDecision.GRANTED, ItemDecision.REFUSED):
        raise ServiceError(_("Decide every item: granted or refused."))
    if row.decision == ItemDecision.REFUSED:
        allowed = ITEM_GROUNDS.get(case.right, [])
        if row.legal_ground not in allowed:
            raise ServiceError(_("Give the ground for each refused item."))
        if not row.reason.strip():
            # Awb 3:46, LEGAL.md 4.3: reasons per item
            raise ServiceError(_("Give the reasons for each refused item."))
    if row.item_id is not None:
        item = case.items.get(pk=row.item_id)
    else:
        if not row.description.strip():
            raise ServiceError(_("Describe each item."))
        item = CaseItem(case=case, description=row.description, activity_id=row.activity_id)
    if row.current_value or row.requested_value:
        item.current_value = row.current_value or item.current_value
        item.requested_value = row.requested_value or item.requested_value
    item.decision = row.decision
    item.legal_ground = row.legal_ground if row.decision == ItemDecision.REFUSED else ""
    item.reason = row.reason
    item.decided_by = actor
    item.decided_at = now
    item.save()
    return item


def _outcome(items: list[CaseItem]) -> str:
    granted = sum(1 for i in items if i.is_granted)
    if granted == len(items):
        return Outcome.GRANTED
    return Outcome.PARTLY_GRANTED if granted else Outcome.REFUSED


@transaction.atomic
def assess_items(*, case: Case, actor, assessment: Assessment) -> None:
    """Decide each item and plan what the decision needs: one execution record per system where
    a granted item must be carried out, one AVG 19 notification per recipient (rectification,
    erasure, restriction). A case with nothing granted is refused item by item: its decision
    is drafted like any other per-item decision (`draft_items_decision`)."""
    if not assessment.decisions:
        raise ServiceError(_("There is nothing to decide: add the items the request is about."))
    now = timezone.now()
    items = [_decide_item(case, actor, row, now) for row in assessment.decisions]
    case.is_avg_request = True
    case.assessment_note = assessment.note
    case.outcome = _outcome(items)
    case.refusal_ground = RefusalGround.ITEMS_REFUSED if case.outcome == Outcome.REFUSED else ""
    # The letter states each item's ground and reasons itself, the ground's words in the
    # requester's language at letter time; the case's own reasons are only the remarks the
    # officer adds when drafting (`draft_items_decision`).
    case.decision_reasons = ""
    granted = [i for i in items if i.is_granted]
    case.executions.filter(done_on__isnull=True).delete()
    case.notifications.filter(status=NotificationStatus.PENDING).delete()
    if granted and case.right in EXECUTING_RIGHTS:
        if not assessment.systems:
            raise ServiceError(_("Choose the systems where the decision must be carried out."))
        instruction = "\n".join(_instruction(case, i) for i in granted)
        for system in assessment.systems:
            if system.organisation_id != case.organisation_id:
                raise ServiceError(_("Choose systems of your own organisation."))
            ExecutionRecord.objects.update_or_create(
                case=case, system=system, defaults={"instruction": instruction}
            )
    if granted and case.right in NOTIFYING_RIGHTS:
        for recipient in dict.fromkeys(r.strip() for r in assessment.recipients if r.strip()):
            RecipientNotification.objects.create(case=case, recipient=recipient)
    target = (
        CaseStatus.EXECUTION
        if granted and case.right in EXECUTING_RIGHTS
        else (CaseStatus.DRAFTING)
    )
    details = ", ".join(f"{i.description[:40]}: {i.get_decision_display()}" for i in items)
    _move(case, target, AuditAction.ASSESSED, actor=actor, details=details)


def _instruction(case: Case, item: CaseItem) -> str:
    if case.right == Right.RECTIFICATION:
        return _("Correct %(what)s: %(current)s → %(requested)s") % {
            "what": item.description,
            "current": item.current_value or "—",
            "requested": item.requested_value,
        }
    verb = {
        Right.ERASURE: _("Erase"),
        Right.RESTRICTION: _("Flag as restricted (use only to store)"),
        Right.OBJECTION: _("Stop processing"),
    }[case.right]
    return f"{verb}: {item.description}"


def execution_items(activation) -> list[dict]:
    """The execution tasks the flow creates: one per system still to do (`task.data`)."""
    case = Case.objects.get(pk=activation.process.case_id)
    return [
        {"execution_id": r.pk, "system_id": r.system_id}
        for r in case.executions.filter(done_on__isnull=True)
    ]


def notification_items(activation) -> list[dict]:
    """The AVG 19 tasks the flow creates: one per recipient still to notify (`task.data`)."""
    case = Case.objects.get(pk=activation.process.case_id)
    return [
        {"notification_id": n.pk}
        for n in case.notifications.filter(status=NotificationStatus.PENDING)
    ]


@transaction.atomic
def confirm_execution(*, record: ExecutionRecord, actor, done_on, note: str = "") -> None:
    """A system owner confirms the change was carried out: the date and who did it."""
    record = ExecutionRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_done:
        raise ServiceError(_("This change has already been confirmed."))
    check_case_date(done_on, record.case)
    if not record.system.owners.filter(pk=actor.pk).exists() and record.system.owners.exists():
        raise ServiceError(_("Only an owner of this system can confirm the change."))
    record.done_on = done_on
    record.done_by = actor
    record.note = note
    record.save(update_fields=["done_on", "done_by", "note"])
    case = record.case
    if case.right == Right.RESTRICTION:
        from requests_flow.services.restriction import record_restriction

        record_restriction(case=case, record=record)
    if not case.executions.filter(done_on__isnull=True).exists():
        target = CaseStatus.DRAFTING
    else:
        target = case.status
    _move(
        case,
        target,
        AuditAction.EXECUTION_CONFIRMED,
        actor=actor,
        details=f"{record.system.name}, {_date(done_on)}",
    )


@transaction.atomic
def record_notification(
    *, notification: RecipientNotification, actor, sent: bool, sent_on=None, reason: str = ""
) -> None:
    """AVG 19: the recipient was told of the change (with the date), or is not told because
    that is impossible or disproportionate, for the reason recorded here."""
    notification = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != NotificationStatus.PENDING:
        raise ServiceError(_("This notification has already been recorded."))
    if sent:
        if sent_on is None:
            raise ServiceError(_("Give the date the recipient was notified."))
        check_case_date(sent_on, notification.case)
        notification.status = NotificationStatus.SENT
        notification.sent_on = sent_on
        notification.reason = ""
        action = AuditAction.RECIPIENT_NOTIFIED
        details = f"{notification.recipient}, {_date(sent_on)}"
    else:
        if not reason.strip():
            raise ServiceError(_("Say why this recipient is not notified."))
        notification.status = NotificationStatus.SKIPPED
        notification.reason = reason
        action = AuditAction.RECIPIENT_SKIPPED
        details = f"{notification.recipient}: {reason}"
    notification.recorded_by = actor
    notification.save(update_fields=["status", "sent_on", "reason", "recorded_by"])
    _audit(notification.case.request, action, case=notification.case, actor=actor, details=details)


@transaction.atomic
def draft_items_decision(*, case: Case, actor, remarks: str = "") -> None:
    """The decision on a request decided per item, ready for approval: the letter states each
    item's decision, ground and reasons (Awb 3:46), with the officer's remarks."""
    items = list(case.items.all())
    if not items or any(i.decision == ItemDecision.PENDING for i in items):
        raise ServiceError(_("Decide every item first."))
    if case.executions.filter(done_on__isnull=True).exists():
        raise ServiceError(_("Not every system has carried out the decision yet."))
    if case.notifications.filter(status=NotificationStatus.PENDING).exists():
        raise ServiceError(_("Not every recipient has been dealt with yet (AVG 19)."))
    case.outcome = _outcome(items)
    # the letter gives each item's ground and reasons itself; these are the remarks with them
    case.decision_reasons = remarks.strip()
    if case.right == Right.PORTABILITY and any(i.is_granted for i in items):
        from requests_flow.services.portability import make_portability_export

        make_portability_export(case=case, actor=actor)
    _finish_draft(case, actor)
