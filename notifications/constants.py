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


class Audience(models.TextChoices):
    """Who a message is for. Only forward targets and AVG 19 recipients get letters attached;
    requesters get secure links (LEGAL.md 5.7), officers get links into avgflow."""

    REQUESTER = "requester", _("Requester or representative")
    OFFICER = "officer", _("Officer")
    FORWARD_TARGET = "forward_target", _("Body the request is forwarded to")
    AVG19_RECIPIENT = "avg19_recipient", _("Recipient told under AVG 19")


ATTACHMENT_AUDIENCES = frozenset({Audience.FORWARD_TARGET, Audience.AVG19_RECIPIENT})


class DeliveryStatus(models.TextChoices):
    """What the provider's tracking webhook last said about a sent message."""

    DELIVERED = "delivered", _("Delivered")
    DEFERRED = "deferred", _("Delayed")
    BOUNCED = "bounced", _("Bounced")
    REJECTED = "rejected", _("Rejected by the provider")
    COMPLAINED = "complained", _("Marked as spam")
    OTHER = "other", _("Other")


class ProblemReason(models.TextChoices):
    FAILED = "failed", _("Could not be sent after the last retry")
    BOUNCED = "bounced", _("Bounced")
    STUCK = "stuck", _("Sending was interrupted: it may or may not have gone out")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Needs attention")
    RESENT = "resent", _("Address corrected and sent again")
    POSTED = "posted", _("Sent by post")


class InboundStatus(models.TextChoices):
    """What became of an e-mail that reached an organisation's address."""

    TO_TRIAGE = "to_triage", _("To be triaged")
    TRIAGED = "triaged", _("Triaged into cases")
    NOT_AVG = "not_avg", _("Not a GDPR request")
    REPLY = "reply", _("Reply attached to a case")
    UNROUTED = "unrouted", _("No organisation has this address")
