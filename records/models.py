"""What happens around and after a decision, and what the FG accounts for: remedies (holds on
the dossier) and revised decisions, letters sent by post, data incidents, and the destruction of
dossiers after their retention term (LEGAL.md 5.3, 5.7, 2.3, 6.2)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from records.constants import DestructionStatus, RemedyKind, RemedyStatus
from requests_flow.constants import Outcome, RefusalGround
from requests_flow.models import Case, CaseDocument


class RemedyQuerySet(models.QuerySet):
    def holding(self):
        """Remedies that keep their dossier from destruction: all but the closed ones."""
        return self.exclude(status=RemedyStatus.CLOSED)


class Remedy(models.Model):
    """A bezwaarschrift, appeal, court petition or AP complaint against a case's decision.

    While it is not closed it is a hold: nothing of the dossier is destroyed (LEGAL.md 6.2).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=RemedyKind.choices)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("what it is about"), blank=True)
    status = models.CharField(
        max_length=20, choices=RemedyStatus.choices, default=RemedyStatus.OPEN, db_index=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it ended"), blank=True)

    objects = RemedyQuerySet.as_manager()

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["received_on", "pk"]
        # the records app declares all its named permissions here (organisations/roles.py)
        permissions = [
            ("register_remedy", _("Can register remedies and issue revised decisions")),
            ("record_incident", _("Can record a data incident")),
            ("view_incidents", _("Can see the incident register")),
            ("dispatch_post", _("Can print and post letters")),
            ("view_destruction", _("Can see destruction runs and records")),
            ("approve_destruction", _("Can approve the destruction of dossiers")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.received_on})"

    @property
    def is_hold(self) -> bool:
        return self.status != RemedyStatus.CLOSED


class RevisedDecision(models.Model):
    """The decision taken after reconsideration; it replaces the original one, which it names
    (date, reference and letter) so the letter and the audit trail show both."""

    remedy = models.OneToOneField(Remedy, on_delete=models.CASCADE, related_name="revised")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revised_decisions")
    original_outcome = models.CharField(max_length=20, choices=Outcome.choices)
    original_refusal_ground = models.CharField(
        max_length=20, choices=RefusalGround.choices, blank=True
    )
    original_reasons = models.TextField(blank=True)
    original_sent_on = models.DateField(_("original decision made known on"), null=True)
    original_letter = models.ForeignKey(
        CaseDocument, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("revised outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons for the revised decision"))
    letter = models.ForeignKey(CaseDocument, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(
        _("made known on"), help_text=_("Date of dispatch: the bekendmaking (Awb 3:41).")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"revised decision of {self.sent_on}"


class PostalBatch(models.Model):
    """One day's letters for requesters without an e-mail address, printed as one PDF and
    posted; the dispatch date is the bekendmaking date of the decisions in it (LEGAL.md 5.7)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    dispatched_on = models.DateField(_("posted on"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"postal batch {self.pk}"


class PostalItem(models.Model):
    """A letter in a postal batch."""

    batch = models.ForeignKey(PostalBatch, on_delete=models.CASCADE, related_name="items")
    document = models.OneToOneField(
        CaseDocument, on_delete=models.CASCADE, related_name="postal_item"
    )
    is_decision = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"letter {self.document_id} in batch {self.batch_id}"


class Incident(models.Model):
    """A data incident on a case, for the FG's breach register (AVG 33(5)).

    It outlives the dossier: when the case is destroyed the link goes, the reference stays.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incidents"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    reference = models.CharField(_("case reference"), max_length=32)
    what = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"))
    noticed_on = models.DateField(_("when it was noticed"))
    noticed_by = models.CharField(_("who noticed it"), max_length=200)
    measures = models.TextField(_("measures taken"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data incident")
        verbose_name_plural = _("data incidents")
        ordering = ["-noticed_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "noticed_on"], name="incident_org_day")]

    def __str__(self):
        return f"incident {self.reference} ({self.noticed_on})"


class DestructionRun(models.Model):
    """A batch of dossiers proposed for destruction, approved by an authorised person
    (Archiefwet), then destroyed one dossier at a time with a count for the run's page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_for = models.DateField(_("term passed on or before"))
    status = models.CharField(
        max_length=10, choices=DestructionStatus.choices, default=DestructionStatus.PROPOSED
    )
    category = models.CharField(_("selection-list category"), max_length=200, blank=True)
    total = models.PositiveIntegerField(default=0)
    destroyed = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self):
        return f"destruction run {self.pk}"

    @property
    def percent(self) -> int:
        return round(100 * self.destroyed / self.total) if self.total else 100


class DestructionCandidate(models.Model):
    """A dossier in a run; `request` goes when the dossier is destroyed."""

    run = models.ForeignKey(DestructionRun, on_delete=models.CASCADE, related_name="candidates")
    request = models.ForeignKey(
        "requests_flow.Request", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(max_length=32)
    closed_on = models.DateField()
    retain_until = models.DateField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.reference


class DestructionRecord(models.Model):
    """That a dossier was destroyed: reference, category, dates and who approved. No personal
    data (LEGAL.md 6.2), so it stays for good."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(DestructionRun, on_delete=models.PROTECT, related_name="records")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    category = models.CharField(_("selection-list category"), max_length=200, blank=True)
    rights = models.CharField(_("rights asked for"), max_length=200)
    received_on = models.DateField(_("received on"))
    closed_on = models.DateField(_("closed on"))
    retain_until = models.DateField(_("retention term ended"))
    destroyed_on = models.DateField(_("destroyed on"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("destruction record")
        ordering = ["-destroyed_on", "reference"]

    def __str__(self):
        return self.reference
