"""Choices of the records app: English identifiers, labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemedyKind(models.TextChoices):
    """What someone lodged against a decision (LEGAL.md §0 and 5.3)."""

    OBJECTION = "objection", _("Bezwaarschrift (objection, Awb 6:7)")
    APPEAL = "appeal", _("Appeal to the court (beroep, Awb 8:1)")
    COURT_PETITION = "court_petition", _("Petition to the court (verzoekschrift, UAVG 35)")
    AP_COMPLAINT = "ap_complaint", _("Complaint to the Autoriteit Persoonsgegevens (AVG 77)")


# Which remedies each legal form knows: a private organisation takes no besluit, so there is
# no bezwaarschrift and no administrative appeal against it (LEGAL.md §0).
PUBLIC_BODY_REMEDIES = (RemedyKind.OBJECTION, RemedyKind.APPEAL, RemedyKind.AP_COMPLAINT)
PRIVATE_REMEDIES = (RemedyKind.COURT_PETITION, RemedyKind.AP_COMPLAINT)


class RemedyStatus(models.TextChoices):
    OPEN = "open", _("Pending")
    RECONSIDERING = "reconsidering", _("Reconsidering the decision")
    CLOSED = "closed", _("Closed")


class DestructionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for approval")
    APPROVED = "approved", _("Approved, being destroyed")
    DONE = "done", _("Destroyed")
    REJECTED = "rejected", _("Rejected")
