"""The outbox: every outgoing e-mail is a row written in the transaction that caused it.

Sending happens after commit, by the sweep (`manage.py run_sweeps`) or a Celery task, so a
rolled-back state change never sends anything and a crashed sender never loses a message.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.constants import MessageStatus
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
