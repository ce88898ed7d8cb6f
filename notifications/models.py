"""The outbox: every outgoing e-mail is a row written in the transaction that caused it.

Sending happens after commit, by the sweep (`manage.py run_sweeps`) or a Celery task, so a
rolled-back state change never sends anything and a crashed sender never loses a message.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.constants import (
    Audience,
    DeliveryStatus,
    InboundStatus,
    MessageStatus,
    ProblemReason,
    ProblemStatus,
)
from requests_flow.constants import Language


class OutboxMessage(models.Model):
    """One e-mail to one address, rendered from `templates/emails/<template>/<language>/`."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    # a message holds personal data, so it goes when its dossier is destroyed (LEGAL.md 6.2)
    request = models.ForeignKey(
        "requests_flow.Request",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    case = models.ForeignKey(
        "requests_flow.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    template = models.CharField(_("template"), max_length=100)
    to = models.EmailField(_("to"))
    audience = models.CharField(
        _("for"), max_length=20, choices=Audience.choices, default=Audience.REQUESTER
    )
    # by reference: the file is read when the message is sent, never copied into the outbox
    attachments = models.ManyToManyField(
        "requests_flow.CaseDocument", blank=True, related_name="+", verbose_name=_("attachments")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=255, blank=True, db_index=True
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryStatus.choices, blank=True
    )
    delivery_updated_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created", "pk"]
        indexes = [
            # the sweep's query; partial, so the ever-growing sent rows stay out of it
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_due",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.template} #{self.pk} ({self.status})"


class SweepRun(models.Model):
    """The periodic work's bookkeeping: when a round last finished (for /healthz) and a lease
    that keeps a second dispatcher from firing viewflow timers at the same time."""

    name = models.CharField(max_length=50, primary_key=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_messages_sent = models.PositiveIntegerField(default=0)
    last_timers_fired = models.PositiveIntegerField(default=0)
    last_errors = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sweep run")

    def __str__(self):
        return self.name


class DeliveryEvent(models.Model):
    """One event from a provider's tracking webhook. The unique (provider, event id) pair makes
    a webhook the provider retries change nothing the second time (STACK-FACTS.md, E-mail)."""

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, null=True, related_name="delivery_events"
    )
    esp_name = models.CharField(_("provider"), max_length=50)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("event"), max_length=30)
    provider_message_id = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True)
    description = models.TextField(_("description"), blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery event")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["esp_name", "event_id"], name="delivery_event_once")
        ]

    def __str__(self):
        return f"{self.esp_name} {self.event_type} {self.event_id}"


class DeliveryProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scoped like cases (DESIGN.md rule 9): the officer's own organisation only."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)

    def open(self):
        return self.filter(status=ProblemStatus.OPEN)


class DeliveryProblem(models.Model):
    """An officer's task: a message to a person did not reach them ("send it by post or fix
    the address"). Opened after the last retry, by a bounce, or for a send that was cut off."""

    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="problem")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        "requests_flow.Request",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery_problems",
    )
    case = models.ForeignKey(
        "requests_flow.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery_problems",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ProblemReason.choices)
    detail = models.TextField(_("what the provider said"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_on = models.DateField(_("sent by post on"), null=True, blank=True)
    resent_as = models.OneToOneField(
        OutboxMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resent_for",
    )

    objects = DeliveryProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("message needing attention")
        verbose_name_plural = _("messages needing attention")
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "opened_at"],
                name="delivery_problem_open",
                condition=models.Q(status="open"),
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.message}"


class InboundEmailQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scoped like cases (DESIGN.md rule 9): the officer's own organisation only."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class InboundEmail(models.Model):
    """An e-mail that reached an organisation's address through the provider's inbound webhook.

    A new mail becomes a request (dossier) to be triaged; a requester's reply with our reference
    in the subject is attached to that case. Nothing here is ever deleted silently: a mail that
    is not a GDPR request keeps its reason (LEGAL.md 1.1, 6.3).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    # the mail's own Message-ID: a provider that retries its webhook makes no second dossier
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    esp_name = models.CharField(_("provider"), max_length=50)
    from_email = models.EmailField(_("from"))
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    to = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    text = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("arrived at"))
    status = models.CharField(
        _("status"), max_length=10, choices=InboundStatus.choices, default=InboundStatus.TO_TRIAGE
    )
    request = models.ForeignKey(
        "requests_flow.Request",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    case = models.ForeignKey(
        "requests_flow.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    not_avg_reason = models.TextField(_("why this is not a GDPR request"), blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mail")
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "received_at"],
                name="inbound_to_triage",
                condition=models.Q(status="to_triage"),
            )
        ]

    def __str__(self):
        return f"{self.from_email}: {self.subject}"


def _inbound_path(instance, filename):
    return f"inbound/{instance.email_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class InboundAttachment(models.Model):
    """An attachment of an incoming e-mail. It passed the upload checks (type by content, size)
    or is kept as a name with the reason it was refused, without its content (LEGAL.md 2.2)."""

    email = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=_inbound_path, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    refused_because = models.CharField(_("refused because"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.filename


class OfficerDigest(models.Model):
    """When an officer last got a digest of new tasks, and up to when tasks were covered."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    covered_until = models.DateTimeField()

    class Meta:
        verbose_name = _("officer digest")

    def __str__(self):
        return f"digest of {self.user_id}"
