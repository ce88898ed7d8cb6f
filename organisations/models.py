"""Organisations, their policies, their staff, their forward targets and their processing
register (AVG 30)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.constants import (
    ALL_RIGHTS,
    DataSubject,
    ErasureException,
    LegalBasis,
    LegalForm,
    PolicyChange,
    ProcessingRole,
)
from requests_flow.constants import IdentityMethod, Right


def _all_rights():
    return list(ALL_RIGHTS)


def _logo_path(instance, filename):
    return f"organisations/{instance.slug}/logo-{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Organisation(models.Model):
    """One organisation served by this installation, with the policy its procedure follows."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in the public form's URL."))
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    on_behalf_of = models.CharField(
        _("signs on behalf of"),
        max_length=300,
        blank=True,
        help_text=_("For a public body: the body its decisions are taken for (LEGAL.md §0)."),
    )
    objection_body = models.CharField(
        _("body that handles a bezwaarschrift"), max_length=300, blank=True
    )
    objection_address = models.TextField(_("address for a bezwaarschrift"), blank=True)
    parent_name = models.CharField(_("part of"), max_length=200, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("privacy e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fg_name = models.CharField(_("FG name"), max_length=200, blank=True)
    fg_email = models.EmailField(_("FG e-mail"), blank=True)
    brand_colour = models.CharField(_("brand colour"), max_length=7, default="#1f4e79")
    signatory = models.CharField(_("signatory line"), max_length=300, blank=True)
    internal_target_weeks = models.PositiveSmallIntegerField(
        _("internal target (weeks)"), default=4, help_text=_("LEGAL.md 1.3: default four weeks.")
    )
    extension_margin_days = models.PositiveSmallIntegerField(
        _("margin before an extended deadline (days)"), default=5
    )
    reminder_days_before_internal = models.PositiveSmallIntegerField(
        _("reminder before the internal target (days)"), default=5
    )
    reminder_days_before_legal = models.PositiveSmallIntegerField(
        _("reminder before the legal deadline (days)"), default=3
    )
    default_reply_term_days = models.PositiveSmallIntegerField(
        _("default reply term for information requests (days)"), default=14
    )
    approval_required = models.BooleanField(
        _("decisions need a second person's approval"), default=True
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention term of closed dossiers (years)"),
        default=5,
        help_text=_("LEGAL.md 6.2: from the selection list; five years until the FG sets it."),
    )
    selection_list_category = models.CharField(
        _("selection-list category"),
        max_length=200,
        blank=True,
        help_text=_("The Archiefwet selection-list category for closed request dossiers."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=_logo_path,
        blank=True,
        help_text=_("PNG or SVG, for the letterhead and the public pages."),
    )
    # a policy list, not request data: which rights the public form offers (the form shows the
    # ones that also have a flow)
    offered_rights = models.JSONField(_("rights offered on the public form"), default=_all_rights)
    forward_reminder_days = models.PositiveSmallIntegerField(
        _("remind the officer when a forward target has not confirmed receipt after (days)"),
        default=5,
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_public_body(self) -> bool:
        return self.legal_form == LegalForm.PUBLIC_BODY

    def identity_methods_for(self, right: str) -> set[str]:
        """The identity methods that suffice for `right` under this organisation's policy: its
        own rows for that right, or else the default of LEGAL.md 2.1."""
        configured = {p.method for p in self.identity_policies.all() if p.right == right}
        return configured or default_identity_methods(right)


def default_identity_methods(right: str) -> set[str]:
    """LEGAL.md 2.1: a confirmed e-mail address proves only control of that address, so on its
    own it suffices only where the answer discloses nothing (an objection, AVG 21)."""
    methods = set(IdentityMethod.values)
    if right != Right.OBJECTION:
        methods.discard(IdentityMethod.EMAIL_CONFIRMED)
    return methods


class IdentityPolicy(models.Model):
    """One identity method that suffices for one right at one organisation (LEGAL.md 2.1,
    configurable). An organisation without rows for a right follows the default; with rows,
    exactly the listed methods suffice (stricter for inzage, say: no held-data match)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identity_policies"
    )
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    method = models.CharField(_("sufficient method"), max_length=20, choices=IdentityMethod.choices)

    class Meta:
        verbose_name = _("identity policy")
        verbose_name_plural = _("identity policies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "right", "method"], name="identity_policy_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.right} ← {self.method}"


class StaffMembership(models.Model):
    """A staff user belongs to exactly one organisation; officers only see its cases."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        permissions = [
            ("view_login_log", _("Can see the login attempts and lockouts of the staff")),
            ("manage_policy", _("Can change the organisation's policy and forward targets")),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class SourceSystem(models.Model):
    """A system where personal data are kept, named in the register; its owners carry out the
    changes that rectification, erasure, restriction and objection require."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="source_systems"
    )
    name = models.CharField(_("name"), max_length=200)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="owned_systems",
        verbose_name=_("system owners"),
    )

    class Meta:
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="system_unique_name")
        ]

    def __str__(self):
        return self.name


class ProcessingActivity(models.Model):
    """A line of the verwerkingsregister (AVG 30); inzage answers, assessments, execution tasks
    and AVG 19 notifications are generated from it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="processing_activities"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=20, choices=ProcessingRole.choices, default=ProcessingRole.CONTROLLER
    )
    controller_name = models.CharField(
        _("controller (when we are processor)"), max_length=200, blank=True
    )
    data_subjects = models.CharField(
        _("whose data"),
        max_length=20,
        choices=DataSubject.choices,
        default=DataSubject.CLIENT,
    )
    purposes = models.TextField(_("purposes"))
    legal_basis = models.CharField(_("legal basis"), max_length=10, choices=LegalBasis.choices)
    data_categories = models.TextField(_("categories of personal data"))
    systems = models.TextField(_("systems where the data are kept"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    third_countries = models.TextField(_("transfers to third countries"), blank=True)
    retention = models.TextField(_("retention period or criteria"))
    erasure_exception = models.CharField(
        _("retention rests on (AVG 17(3))"),
        max_length=20,
        choices=ErasureException.choices,
        blank=True,
        help_text=_("Pre-fills the erasure assessment: the exception that keeps these data."),
    )
    source = models.TextField(_("source of the data"), blank=True)
    automated_decisions = models.TextField(_("automated decision-making, profiling"), blank=True)
    source_systems = models.ManyToManyField(
        SourceSystem, blank=True, related_name="activities", editable=False
    )

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing register")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name

    def system_names(self) -> list[str]:
        return [line.strip() for line in self.systems.splitlines() if line.strip()]

    def recipient_names(self) -> list[str]:
        """Recipients, one per line or separated by commas outside brackets."""
        names = []
        for line in self.recipients.splitlines():
            depth, part = 0, ""
            for char in line:
                depth += {"(": 1, ")": -1}.get(char, 0)
                if char == "," and depth == 0:
                    names.append(part)
                    part = ""
                else:
                    part += char
            names.append(part)
        return [n.strip().rstrip(".") for n in names if n.strip().rstrip(".")]

    @property
    def public_task_or_legitimate_interest(self) -> bool:
        """AVG 21 applies only to processing based on 6(1)(e) or (f)."""
        return self.legal_basis in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST)

    @property
    def portable(self) -> bool:
        """AVG 20(1)(a): consent or contract (and automated means), never a public task."""
        return self.legal_basis in (LegalBasis.CONSENT, LegalBasis.CONTRACT)


class RegisterChange(models.Model):
    """Who changed the processing register, and what (AVG 5(2), 30)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_changes"
    )
    activity = models.ForeignKey(
        ProcessingActivity, null=True, on_delete=models.SET_NULL, related_name="changes"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10)
    details = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.action} {self.activity_id}"


class ForwardTarget(models.Model):
    """A body requests can be forwarded to (Awb 2:3, AVG 28(3)(e); LEGAL.md 3.1-3.2).

    `same_controller` marks a department of the same controller (Werkse! and the gemeente
    Delft's privacy desk): forwarding there is a transfer, the case stays open here and the
    clock keeps running. For a processor, a target is the controller that commissioned the
    processing activity it is linked to.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="forward_targets"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    address = models.TextField(_("postal address"), blank=True)
    same_controller = models.BooleanField(
        _("part of the same controller"),
        default=False,
        help_text=_(
            "A transfer within one controller: the case stays open here and the deadline keeps "
            "running until the answer is reported sent (LEGAL.md 3.2)."
        ),
    )
    processing_activity = models.ForeignKey(
        "ProcessingActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forward_targets",
        verbose_name=_("commissioned processing (when we are its processor)"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("forward target")
        verbose_name_plural = _("forward targets")
        ordering = ["organisation", "-active", "name"]

    def __str__(self):
        return self.name

    @property
    def as_processor(self) -> bool:
        """We process this controller's data as its processor (AVG 28(3)(e))."""
        activity = self.processing_activity
        return activity is not None and activity.role == ProcessingRole.PROCESSOR


class PolicyAuditEntry(models.Model):
    """One change to an organisation's policy or forward targets: who, when, what (one row per
    changed field, with the value before and after)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policy_audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("change"), max_length=20, choices=PolicyChange.choices)
    subject = models.CharField(_("what"), max_length=200)
    field = models.CharField(_("field"), max_length=100, blank=True)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("policy change")
        verbose_name_plural = _("policy changes")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.subject} {self.field}"
