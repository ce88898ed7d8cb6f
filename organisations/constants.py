from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    """LEGAL.md §0: the procedure (Awb or not) follows from the legal form."""

    PUBLIC_BODY = "public_body", _("Public body (Awb applies)")
    PRIVATE = "private", _("Private organisation")


class ProcessingRole(models.TextChoices):
    CONTROLLER = "controller", _("Controller")
    PROCESSOR = "processor", _("Processor")


class LegalBasis(models.TextChoices):
    """AVG 6(1)(a)-(f)."""

    CONSENT = "6_1_a", _("Consent (AVG 6(1)(a))")
    CONTRACT = "6_1_b", _("Contract (AVG 6(1)(b))")
    LEGAL_OBLIGATION = "6_1_c", _("Legal obligation (AVG 6(1)(c))")
    VITAL_INTEREST = "6_1_d", _("Vital interest (AVG 6(1)(d))")
    PUBLIC_TASK = "6_1_e", _("Public task (AVG 6(1)(e))")
    LEGITIMATE_INTEREST = "6_1_f", _("Legitimate interest (AVG 6(1)(f))")


class Role(models.TextChoices):
    """Staff roles; each is a Django group with the permissions in ROLE_PERMISSIONS."""

    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    FG = "fg", _("Data protection officer (FG)")
    SYSTEM_OWNER = "system_owner", _("System owner")


class DataSubject(models.TextChoices):
    """Whose data: the requester's relation to the organisation, and a register line's subjects."""

    CLIENT = "client", _("Client")
    EMPLOYEE = "employee", _("Employee or former employee")
    BUSINESS_CONTACT = "business_contact", _("Business contact")
    OTHER = "other", _("Other")


class PolicyChange(models.TextChoices):
    POLICY = "policy", _("Policy changed")
    LOGO = "logo", _("Logo changed")
    TARGET_ADDED = "target_added", _("Forward target added")
    TARGET_CHANGED = "target_changed", _("Forward target changed")


# The rights of the AVG a form may offer (requests_flow.constants.Right has their labels); kept
# here so that the organisations app does not import the domain app.
ALL_RIGHTS = ("access", "rectification", "erasure", "restriction", "objection", "portability")


class ErasureException(models.TextChoices):
    """AVG 17(3): when erasure is refused. A register line names the one its retention rule
    rests on, so an erasure assessment starts from it."""

    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation to keep (AVG 17(3)(b))")
    PUBLIC_TASK = "public_task", _("Needed for a public task (AVG 17(3)(b))")
    ARCHIVING = "archiving", _("Archiving under the Archiefwet, selection list (AVG 17(3)(d))")
    LEGAL_CLAIMS = "legal_claims", _("Legal claims (AVG 17(3)(e))")
