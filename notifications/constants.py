"""Choices of the notifications app: English identifiers, labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    """Where an outbox row is on its way out (STACK-FACTS.md, E-mail)."""

    QUEUED = "queued", _("Queued")
    # claimed by one sender in its own commit; a row left here was maybe sent: never resent blindly
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
