"""The request (dossier) and its cases, linked to their viewflow processes.

A *request* (verzoek) is what reached us: who asked, when, through which channel. It holds one
*case* per right asked for; each case runs its own flow. Deadlines are stored on the case as
indexed columns that the service functions keep up to date (STACK-FACTS.md, Databases).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from organisations.models import Organisation, ProcessingActivity, SourceSystem
from requests_flow.constants import (
    HANDLED_STATUSES,
    AuditAction,
    AuthorityEvidence,
    AuthorityScope,
    CaseStatus,
    Channel,
    ErasureGround,
    ExtensionReason,
    ForwardScope,
    HeldDataItem,
    IdentityMethod,
    InformationKind,
    InformationStatus,
    ItemDecision,
    ItemGround,
    Language,
    NotificationStatus,
    Outcome,
    RefusalGround,
    Relation,
    RepresentativeRole,
    RestrictionGround,
    Right,
)

# Days before a due date from which the case page shows it as "near".
NEAR_DUE_DAYS = 7


class ReferenceCounter(models.Model):
    """One gap-free reference sequence per year for the whole installation (DESIGN.md)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self):
        return f"{self.year}: {self.last}"


class DecreedDay(models.Model):
    """A day that a Royal Decree under Atw 3(3) declares equal to a public holiday.

    One national table (LEGAL.md 1.2), never per organisation.
    """

    date = models.DateField(_("date"), unique=True)
    reference = models.CharField(_("publication (Staatscourant/Staatsblad)"), max_length=200)

    class Meta:
        verbose_name = _("decreed day")
        verbose_name_plural = _("decreed days")
        ordering = ["date"]

    def __str__(self):
        return self.date.isoformat()


class Request(models.Model):
    """A data-subject request as received: the dossier that holds one case per right."""

    reference = models.CharField(_("reference"), max_length=32, unique=True, null=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(
        _("received on"), help_text=_("The date in Europe/Amsterdam; the clock starts here.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    description = models.TextField(_("description of the request"), blank=True)

    requester_name = models.CharField(_("name"), max_length=200)
    requester_email = models.EmailField(_("e-mail address"), blank=True)
    requester_phone = models.CharField(_("phone"), max_length=40, blank=True)
    requester_address = models.CharField(_("street and number"), max_length=200, blank=True)
    requester_postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    requester_city = models.CharField(_("city"), max_length=100, blank=True)
    relation = models.CharField(
        _("relation to the organisation"), max_length=20, choices=Relation.choices
    )

    representative_role = models.CharField(
        _("acting as"), max_length=20, choices=RepresentativeRole.choices, blank=True
    )
    representative_name = models.CharField(_("representative's name"), max_length=200, blank=True)
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    representative_phone = models.CharField(_("representative's phone"), max_length=40, blank=True)
    representative_address = models.CharField(
        _("representative's street and number"), max_length=200, blank=True
    )
    representative_postal_code = models.CharField(
        _("representative's postal code"), max_length=10, blank=True
    )
    representative_city = models.CharField(_("representative's city"), max_length=100, blank=True)

    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    identity_method = models.CharField(
        _("identity method"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_established = models.BooleanField(_("identity established"), null=True)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # comma-separated HeldDataItem values: which held data matched (LEGAL.md 2.1)
    identity_matched_items = models.CharField(_("data that matched"), max_length=200, blank=True)
    authority_established = models.BooleanField(
        _("representative's authority established"), null=True
    )
    authority_evidence = models.CharField(
        _("authority shown by"), max_length=20, choices=AuthorityEvidence.choices, blank=True
    )
    authority_scope = models.CharField(
        _("scope of the authority"), max_length=20, choices=AuthorityScope.choices, blank=True
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at"]

    def __str__(self):
        return self.reference or f"request #{self.pk}"

    @property
    def correspondent_email(self) -> str:
        """Where answers go: the representative when there is one (LEGAL.md 2.3)."""
        return self.representative_email or self.requester_email

    @property
    def correspondent_name(self) -> str:
        return self.representative_name or self.requester_name

    @property
    def is_represented(self) -> bool:
        return bool(self.representative_role)

    @property
    def matched_item_labels(self) -> list[str]:
        codes = [c for c in self.identity_matched_items.split(",") if c]
        return [str(HeldDataItem(c).label) for c in codes if c in HeldDataItem.values]


# Cases still being handled, their deadlines running: what the deadline dashboard, the reports'
# open cases and the partial indexes on the due dates cover.
OPEN_CASES = ~models.Q(status__in=HANDLED_STATUSES)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that scopes cases to the officer's organisation (DESIGN.md rule 9)."""
        if not user.is_authenticated:
            return self.none()
        membership = getattr(user, "membership", None)
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)

    def open(self):
        """Cases still being handled (see `Case.is_open`)."""
        return self.filter(OPEN_CASES)


class Case(models.Model):
    """One right asked for in a request, with its own flow, deadlines and decision."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="cases")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=CaseStatus.choices,
        default=CaseStatus.AWAITING_CONFIRMATION,
    )
    internal_due_on = models.DateField(_("internal target"))
    legal_due_on = models.DateField(_("legal deadline (D1)"))

    is_avg_request = models.BooleanField(_("a GDPR request for this organisation"), null=True)
    assessment_note = models.TextField(_("assessment notes"), blank=True)

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    refusal_ground = models.CharField(
        _("refusal ground"), max_length=20, choices=RefusalGround.choices, blank=True
    )
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_note = models.TextField(_("approver's note"), blank=True)
    is_paused = models.BooleanField(
        _("clock paused"), default=False, help_text=_("An information request is open.")
    )
    decision_sent_on = models.DateField(
        _("decision made known on"),
        null=True,
        blank=True,
        help_text=_("Date of dispatch: the bekendmaking (Awb 3:41)."),
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    ground_asked = models.CharField(
        _("ground the requester gives (AVG 17(1), 18(1))"), max_length=2, blank=True
    )
    details = models.TextField(
        _("what the requester asks for this right"),
        blank=True,
        help_text=_("What to erase, restrict or port; for an objection the particular situation."),
    )
    linked_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_cases",
        verbose_name=_("started from case"),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["legal_due_on", "pk"]
        permissions = [
            ("verify_identity", _("Can verify a requester's identity")),
            ("assess_request", _("Can assess a request")),
            ("draft_decision", _("Can draft a decision")),
            ("approve_decision", _("Can approve a decision")),
            ("manage_clock", _("Can extend a deadline and record notices of default")),
            ("register_request", _("Can register a request received by post, desk or phone")),
            ("manage_decreed_days", _("Can add days decreed equal to public holidays")),
            ("record_withdrawal", _("Can record a withdrawal received by mail or phone")),
            ("execute_change", _("Can carry out a change in a system they own")),
            ("notify_recipients", _("Can notify recipients of a change (AVG 19)")),
            ("manage_register", _("Can edit the processing register")),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "legal_due_on"],
                name="case_open_legal_due",
                condition=OPEN_CASES,
            ),
            models.Index(
                fields=["organisation", "internal_due_on"],
                name="case_open_internal_due",
                condition=OPEN_CASES,
            ),
        ]

    def __str__(self):
        return f"{self.request.reference} · {self.get_right_display()}"

    @property
    def reference(self) -> str:
        return self.request.reference

    @property
    def ground_asked_label(self) -> str:
        """The AVG 17(1) or 18(1) ground the requester chose, in words: the field keeps its code."""
        by_right = {Right.ERASURE: ErasureGround, Right.RESTRICTION: RestrictionGround}
        grounds = by_right.get(self.right)
        if grounds is None or self.ground_asked not in grounds.values:
            return self.ground_asked
        return str(grounds(self.ground_asked).label)

    @property
    def is_open(self) -> bool:
        """Still being handled: no decision made known yet, so the deadlines run. A restriction
        in force is decided, so not open, and not closed either (AVG 18(3))."""
        return self.status not in HANDLED_STATUSES

    @property
    def is_closed(self) -> bool:
        """Nothing left to do: the retention term runs from here (LEGAL.md 6.2)."""
        return self.status == CaseStatus.CLOSED

    @property
    def needs_approval(self) -> bool:
        """A second person signs off when the policy says so, and always on a refusal as
        manifestly unfounded or excessive (AVG 12(5), LEGAL.md 4.7)."""
        return self.organisation.approval_required or self.refusal_ground in (
            RefusalGround.MANIFESTLY_UNFOUNDED,
            RefusalGround.EXCESSIVE,
        )

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Due on D1 means by the end of that day (LEGAL.md 1.2)."""
        today = today or timezone.localdate()
        return self.is_open and today > self.legal_due_on

    @property
    def state_for_requester(self) -> str:
        """The state in plain words for the requester's status page (B1, LEGAL.md 5.6)."""
        if self.status == CaseStatus.CLOSED:
            return _("We have answered your request. You can download our answer below.")
        if self.status == CaseStatus.RESTRICTION_IN_FORCE:
            # AVG 18(3): the requester hears from us before the restriction is lifted
            return _(
                "We have restricted the use of your data. The restriction stays in force until "
                "we lift it, and we will tell you before we do. You can download our answer below."
            )
        if self.is_paused:
            return _("We are waiting for information from you. See below what we need.")
        return {
            CaseStatus.AWAITING_CONFIRMATION: _(
                "We are waiting for you to confirm your e-mail address with the link we sent you."
            ),
            CaseStatus.IDENTITY: _("We are checking who you are."),
            CaseStatus.ASSESSMENT: _("We are looking up your data."),
            CaseStatus.DRAFTING: _("We are writing our answer."),
            CaseStatus.APPROVAL: _("We are checking our answer before we send it."),
        }.get(self.status, _("We are working on your request."))

    def deadline_band(self, today: datetime.date | None = None) -> str:
        """'overdue', 'near' or 'ok', for colouring the deadline on officer pages."""
        today = today or timezone.localdate()
        if not self.is_open:
            return "ok"
        if today > self.legal_due_on or today > self.internal_due_on:
            return "overdue"
        if (self.internal_due_on - today).days <= NEAR_DUE_DAYS:
            return "near"
        return "ok"

    def expired_information_request(self):
        """The request for information whose reply term ran out unanswered: the reason of a
        decision not to handle the request (Awb 4:5); None when there is none."""
        return (
            self.information_requests.filter(status=InformationStatus.EXPIRED)
            .order_by("-reply_due_on", "-pk")
            .first()
        )


class CaseProcess(Process):
    """The viewflow process of one case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("case process")

    def __str__(self):
        return f"process of case {self.case_id}"


class SourceFinding(models.Model):
    """What an officer found in one source system while collecting data for inzage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="findings")
    system = models.CharField(_("system"), max_length=200)
    found = models.BooleanField(_("personal data found"))
    summary = models.TextField(_("what was found"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.system


class DocumentKind(models.TextChoices):
    EXTRACT = "extract", _("Extract from a system")
    LETTER = "letter", _("Letter")
    REPLY = "reply", _("Sent by the requester")
    AUTHORITY = "authority", _("Evidence of a representative's authority")
    EVIDENCE = "evidence", _("Evidence sent by the requester")
    EXPORT = "export", _("Structured export (AVG 20)")


def _document_path(instance, filename):
    return f"cases/{instance.case_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    shared_with_requester = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class AccessAnswer(models.Model):
    """The AVG 15(1)(a)-(h) sections of an inzage answer, pre-filled from the register."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="access_answer")
    data_processed = models.BooleanField(_("we process personal data of this person"), default=True)
    purposes = models.TextField(_("purposes (15(1)(a))"))
    categories = models.TextField(_("categories of personal data (15(1)(b))"))
    recipients = models.TextField(_("recipients, including third countries (15(1)(c), 15(2))"))
    retention = models.TextField(_("retention period or its criteria (15(1)(d))"))
    rights = models.TextField(
        _("rights to rectification, erasure, restriction and objection (15(1)(e))")
    )
    complaint = models.TextField(_("right to complain to the AP (15(1)(f))"))
    source = models.TextField(_("source of data not obtained from the person (15(1)(g))"))
    automated_decisions = models.TextField(_("automated decision-making (15(1)(h))"))

    def __str__(self):
        return f"answer to case {self.case_id}"

    SECTION_FIELDS = (
        "purposes",
        "categories",
        "recipients",
        "retention",
        "rights",
        "complaint",
        "source",
        "automated_decisions",
    )


class CaseItem(models.Model):
    """One thing a request asks about, decided on its own: a value to correct, a category to
    erase, a processing to restrict or object to, data to port (LEGAL.md 4.2-4.6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("what"), max_length=300)
    current_value = models.TextField(_("current value"), blank=True)
    requested_value = models.TextField(_("requested value"), blank=True)
    activity = models.ForeignKey(
        ProcessingActivity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("processing activity"),
    )
    evidence = models.ForeignKey(
        CaseDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=ItemDecision.choices, default=ItemDecision.PENDING
    )
    legal_ground = models.CharField(
        _("ground for refusal"), max_length=20, choices=ItemGround.choices, blank=True
    )
    reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("item")

    def __str__(self):
        return self.description

    @property
    def is_granted(self) -> bool:
        return self.decision == ItemDecision.GRANTED


class ExecutionRecord(models.Model):
    """The change a decision requires in one source system, confirmed by one of its owners
    with the date and who did it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="executions")
    system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="executions")
    instruction = models.TextField(_("what to do"))
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "system"], name="execution_once_per_system")
        ]

    def __str__(self):
        return f"{self.system} ({self.case_id})"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class RecipientNotification(models.Model):
    """AVG 19: a recipient the data were disclosed to, notified of the change (with the date) or
    skipped with the recorded reason why notifying is impossible or disproportionate."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(_("recipient"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    sent_on = models.DateField(_("notified on"), null=True, blank=True)
    reason = models.TextField(_("why not notified"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.recipient


class Restriction(models.Model):
    """AVG 18: which processing is restricted and where; lifting needs the notice first
    (18(3))."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="restriction")
    restricted_on = models.DateField(_("restricted on"))
    where = models.TextField(_("where the data are flagged restricted"))
    lift_reason = models.TextField(_("why the restriction ends"), blank=True)
    lift_notice_sent_on = models.DateField(_("requester told on (18(3))"), null=True, blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return f"restriction of case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_on is None


class InformationRequest(models.Model):
    """A written request to the requester for information, with a reply term: the only thing
    that pauses the clock (LEGAL.md 1.5, Awb 4:5 and 4:15)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    kind = models.CharField(_("what we ask for"), max_length=20, choices=InformationKind.choices)
    what_is_needed = models.TextField(_("what the requester must send"))
    sent_on = models.DateField(_("letter sent on"))
    reply_due_on = models.DateField(_("reply term ends on"))
    status = models.CharField(
        max_length=10, choices=InformationStatus.choices, default=InformationStatus.OPEN
    )
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_on", "pk"]
        indexes = [
            models.Index(
                fields=["reply_due_on"], name="inforeq_open_due", condition=models.Q(status="open")
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.sent_on})"


def _id_copy_default_name():
    return uuid.uuid4().hex


class IdDocumentCopy(models.Model):
    """A masked copy of an ID document, asked for when nothing lighter worked (LEGAL.md 2.2).

    The file lies encrypted in its own store (requests_flow.identity), with a key of its own that
    only this row holds, and goes with the row when the identity check is recorded. It is not a
    CaseDocument on purpose: nothing that lists, shares or forwards documents can reach it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="id_copies")
    information_request = models.ForeignKey(
        "InformationRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stored_name = models.CharField(max_length=64, unique=True, default=_id_copy_default_name)
    wrapped_key = models.TextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("masked ID copy")
        verbose_name_plural = _("masked ID copies")
        ordering = ["pk"]

    def __str__(self):
        return f"ID copy {self.pk} of case {self.case_id}"


class Extension(models.Model):
    """The one extension of a case (AVG 12(3)): at most two further months, with reasons."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    reason = models.CharField(_("reason"), max_length=20, choices=ExtensionReason.choices)
    explanation = models.TextField(_("explanation for the requester"))
    decided_on = models.DateField(_("notice sent on"))
    legal_due_before = models.DateField()
    legal_due_after = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return f"extension to {self.legal_due_after}"


class NoticeOfDefault(models.Model):
    """A written notice of default (ingebrekestelling, Awb 4:17) against a late decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices_of_default")
    received_on = models.DateField(_("received on"))
    premature = models.BooleanField(
        _("premature"), help_text=_("Received before the decision term expired.")
    )
    penalty_starts_on = models.DateField(_("first day of the penalty"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"notice of default {self.received_on}"


class Forwarding(models.Model):
    """A case, whole or in part, forwarded to the body responsible (Awb 2:3; AVG 28(3)(e);
    LEGAL.md 3.1-3.2): to whom, when, what and why, and what the target reported back through
    its link (receipt, and for a transfer the answer sent)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="forwardings")
    target = models.ForeignKey(
        "organisations.ForwardTarget", on_delete=models.PROTECT, related_name="forwardings"
    )
    # as sent: the target's record may change later
    target_name = models.CharField(_("forwarded to"), max_length=200)
    target_email = models.EmailField(_("sent to"))
    same_controller = models.BooleanField(_("within the same controller"))
    scope = models.CharField(_("what was forwarded"), max_length=10, choices=ForwardScope.choices)
    what = models.TextField(_("the part forwarded"), blank=True, help_text=_("Empty: all of it."))
    reason = models.TextField(_("why the target is responsible"))
    forwarded_on = models.DateField(_("forwarded on"))
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # set in the forwarding's transaction, once the letters (which carry its link) are rendered
    # RESTRICT, not PROTECT: destroying the dossier (LEGAL.md 6.2) deletes the forwarding too
    letter = models.ForeignKey(
        CaseDocument,
        null=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("letter to the target"),
    )
    notice = models.ForeignKey(
        CaseDocument,
        null=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("notice to the requester"),
    )
    documents = models.ManyToManyField(
        CaseDocument, blank=True, related_name="+", verbose_name=_("documents sent along")
    )
    receipt_confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    receipt_confirmed_by = models.CharField(_("receipt confirmed by"), max_length=200, blank=True)
    answer_sent_on = models.DateField(_("answer sent on"), null=True, blank=True)
    answer_reported_by = models.CharField(_("answer reported by"), max_length=200, blank=True)
    target_note = models.TextField(_("note from the target"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["created", "pk"]
        indexes = [
            models.Index(
                fields=["forwarded_on"],
                name="forwarding_unconfirmed",
                condition=models.Q(
                    receipt_confirmed_at__isnull=True, reminder_sent_at__isnull=True
                ),
            )
        ]

    def __str__(self):
        return f"{self.target_name} ({self.forwarded_on})"


class AuditEntry(models.Model):
    """One line of a case's audit trail (AVG 5(2)): who did what, when, from which state."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="audit_entries")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    details = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"


def tasks_visible_to(user):
    """viewflow tasks of the cases `user` may see: the same organisation scope as
    `Case.objects.visible_to`, for the queue, the inbox and the task pages."""
    from viewflow.workflow.models import Task

    if not user.is_authenticated or getattr(user, "membership", None) is None:
        return Task.objects.none()
    return Task.objects.filter(
        process__caseprocess__case__organisation_id=user.membership.organisation_id
    )
