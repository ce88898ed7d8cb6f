"""Choices used by the request models and flows: English identifiers, Dutch labels via gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.constants import DataSubject


class Right(models.TextChoices):
    ACCESS = "access", _("Access (inzage, art. 15 GDPR)")
    RECTIFICATION = "rectification", _("Rectification (art. 16 GDPR)")
    ERASURE = "erasure", _("Erasure (art. 17 GDPR)")
    RESTRICTION = "restriction", _("Restriction (art. 18 GDPR)")
    OBJECTION = "objection", _("Objection to processing (art. 21 GDPR)")
    PORTABILITY = "portability", _("Data portability (art. 20 GDPR)")


class Channel(models.TextChoices):
    """LEGAL.md 1.1: any channel starts the clock."""

    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    DESK = "desk", _("Desk")
    PHONE = "phone", _("Phone (written down by staff)")


# The requester's relation to the organisation is also whose data a register line is about.
Relation = DataSubject


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class RepresentativeRole(models.TextChoices):
    """LEGAL.md 2.3."""

    AUTHORISED = "authorised", _("Representative with written authorisation")
    PARENT = "parent", _("Parent with parental authority (child under 16)")
    CURATOR = "curator", _("Curator")
    MENTOR = "mentor", _("Mentor")
    BEWINDVOERDER = "bewindvoerder", _("Bewindvoerder")


class AuthorityScope(models.TextChoices):
    """How far a representative's authority reaches (LEGAL.md 2.3)."""

    ALL_MATTERS = "all", _("All matters (curator; parent of a child under 16)")
    PROPERTY = "property", _("Property matters only: income, benefits, debts (bewindvoerder)")
    PERSONAL = "personal", _("Personal matters only: care and treatment (mentor)")
    AUTHORISATION = "authorisation", _("As far as the written authorisation reaches")


# The scope an officer starts from for each role; they confirm or narrow it.
DEFAULT_AUTHORITY_SCOPE = {
    "authorised": AuthorityScope.AUTHORISATION,
    "parent": AuthorityScope.ALL_MATTERS,
    "curator": AuthorityScope.ALL_MATTERS,
    "mentor": AuthorityScope.PERSONAL,
    "bewindvoerder": AuthorityScope.PROPERTY,
}


class AuthorityEvidence(models.TextChoices):
    """How the officer saw the representative's authority."""

    DOCUMENT = "document", _("Written evidence in the dossier (authorisation, court decision)")
    DESK = "desk", _("Shown at the desk")
    REGISTER = "register", _("Found in the Centraal Curatele- en Bewindregister")


class HeldDataItem(models.TextChoices):
    """What an officer can tick as matching data we already hold (LEGAL.md 2.1)."""

    NAME = "name", _("Name")
    ADDRESS = "address", _("Address")
    BIRTH_DATE = "birth_date", _("Date of birth")
    CLIENT_NUMBER = "client_number", _("Client or personnel number")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    FILE_DETAILS = "file_details", _("Details only the person knows (e.g. their coach's name)")


class CaseStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Waiting for e-mail confirmation")
    IDENTITY = "identity", _("Identity check")
    ASSESSMENT = "assessment", _("Assessment")
    EXECUTION = "execution", _("Carrying out the decision")
    DRAFTING = "drafting", _("Drafting the decision")
    APPROVAL = "approval", _("Approval")
    # transferred to a department of the same controller: open, the clock runs (LEGAL.md 3.2)
    TRANSFERRED = "transferred", _("Transferred: waiting for the answer to be reported sent")
    # a granted restriction after the decision: decided, no deadline runs, but the case stays
    # until the restriction is lifted, after the requester has been told (AVG 18(3))
    RESTRICTION_IN_FORCE = "restriction_in_force", _("Restriction in force")
    CLOSED = "closed", _("Closed")


# The request is no longer being handled: no deadline runs. Only CLOSED ends the case (and starts
# the retention term, LEGAL.md 6.2).
HANDLED_STATUSES = (CaseStatus.RESTRICTION_IN_FORCE, CaseStatus.CLOSED)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_HANDLED = "not_handled", _("Not handled")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")
    FORWARDED = "forwarded", _("Forwarded to the responsible body")
    ANSWERED_BY_TRANSFEREE = (
        "answered_elsewhere",
        _("Answered by the department it was transferred to"),
    )
    RETURNED = "returned", _("Returned to the sender: no body is responsible")


class RefusalGround(models.TextChoices):
    NOT_AN_AVG_REQUEST = "not_avg", _("Not a request under the GDPR for this organisation")
    IDENTITY_NOT_ESTABLISHED = "identity", _("Identity could not be established")
    NO_REPLY = "no_reply", _("No reply to our request for information (Awb 4:5)")
    MANIFESTLY_UNFOUNDED = "unfounded", _("Manifestly unfounded (AVG 12(5))")
    EXCESSIVE = "excessive", _("Excessive, in particular because repetitive (AVG 12(5))")
    RIGHT_DOES_NOT_APPLY = "not_applicable", _("The right does not apply to this processing")
    ITEMS_REFUSED = "items", _("Refused per item, for the reasons given with each")


class InformationKind(models.TextChoices):
    """What an information request asks for (LEGAL.md 1.5: only these pause the clock)."""

    IDENTITY = "identity", _("Proof of identity")
    MASKED_ID_COPY = "masked_id_copy", _("A masked copy of an ID document")
    CLARIFICATION = "clarification", _("Clarification of the request")


class InformationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the reply")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Reply term ended without a reply")


class ExtensionReason(models.TextChoices):
    """AVG 12(3): only complexity or the number of requests justify an extension."""

    COMPLEXITY = "complexity", _("The request is complex")
    NUMBER_OF_REQUESTS = "number", _("The number of requests")


class IdentityMethod(models.TextChoices):
    """LEGAL.md 2.1, in order of preference; only the method is recorded, never the document."""

    STRONG_LOGIN = "strong_login", _("Strong login (DigiD / eHerkenning)")
    HELD_DATA_MATCHED = "held_data", _("Matched with data we already hold")
    DESK_ID_SHOWN = "desk_id", _("ID document shown at the desk")
    MASKED_ID_COPY = "masked_id_copy", _("Masked copy of an ID document")
    EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed (only)")


class AuditAction(models.TextChoices):
    SUBMITTED = "submitted", _("Request received")
    REGISTERED = "registered", _("Registered by an officer")
    EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    IDENTITY_REFUSED = "identity_refused", _("Identity not established")
    ASSESSED = "assessed", _("Request assessed")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DECISION_DRAFTED = "decision_drafted", _("Decision drafted")
    DECISION_APPROVED = "decision_approved", _("Decision approved")
    DECISION_RETURNED = "decision_returned", _("Decision returned for changes")
    DECISION_SENT = "decision_sent", _("Decision sent")
    TASK_ASSIGNED = "task_assigned", _("Task taken")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded by the requester")
    INFORMATION_REQUESTED = "information_requested", _("Information requested (clock paused)")
    INFORMATION_RECEIVED = "information_received", _("Reply received (clock resumed)")
    INFORMATION_EXPIRED = "information_expired", _("Reply term ended without a reply")
    EXTENDED = "extended", _("Deadline extended")
    NOTICE_OF_DEFAULT = "notice_of_default", _("Notice of default received")
    DEADLINES_RECOMPUTED = "deadlines_recomputed", _("Deadlines recomputed")
    REMINDER_SENT = "reminder_sent", _("Deadline reminder sent")
    ESCALATED = "escalated", _("Escalated to the FG")
    REQUEST_TRIAGED = "request_triaged", _("E-mailed request triaged")
    NOT_AN_AVG_REQUEST = "not_avg_request", _("Marked as not a GDPR request")
    REPLY_RECEIVED = "reply_received", _("Reply received by e-mail")
    MESSAGE_UNDELIVERED = "message_undelivered", _("Message could not be delivered")
    MESSAGE_RESENT = "message_resent", _("Address corrected, message sent again")
    MESSAGE_POSTED = "message_posted", _("Message sent by post")
    # reads by staff: who saw a case's personal data (AVG 5(2), 32; BIO logging)
    CASE_VIEWED = "case_viewed", _("Case opened by staff")
    DOCUMENT_VIEWED = "document_viewed", _("Document downloaded by staff")
    ID_COPY_RECEIVED = "id_copy_received", _("Masked ID copy received (kept until the check)")
    ID_COPY_VIEWED = "id_copy_viewed", _("Masked ID copy viewed")
    ID_COPY_DELETED = "id_copy_deleted", _("Masked ID copy deleted")
    STATUS_LINK_SENT = "status_link_sent", _("New status link sent")
    WITHDRAWN = "withdrawn", _("Request withdrawn")
    REMEDY_REGISTERED = "remedy_registered", _("Remedy registered (hold on the dossier)")
    RECONSIDERATION_STARTED = "reconsideration_started", _("Reconsideration started")
    REVISED_DECISION_SENT = "revised_decision_sent", _("Revised decision sent")
    REMEDY_CLOSED = "remedy_closed", _("Remedy closed (hold lifted)")
    INCIDENT_RECORDED = "incident_recorded", _("Data incident recorded")
    LETTER_DISPATCHED = "letter_dispatched", _("Letter posted")
    FORWARDED = "forwarded", _("Forwarded")
    TRANSFERRED = "transferred", _("Transferred within the controller")
    FORWARD_RECEIPT_CONFIRMED = "forward_confirmed", _("Receipt confirmed by the forward target")
    FORWARD_ANSWER_REPORTED = "forward_answered", _("Answer reported sent")
    FORWARD_REMINDER = "forward_reminder", _("Reminder: forward target has not confirmed receipt")
    RETURNED_TO_SENDER = "returned", _("Returned to the sender")
    EXECUTION_CONFIRMED = "execution_confirmed", _("Change carried out in a system")
    RECIPIENT_NOTIFIED = "recipient_notified", _("Recipient notified (AVG 19)")
    RECIPIENT_SKIPPED = "recipient_skipped", _("Recipient not notified, with reason (AVG 19)")
    RESTRICTION_RECORDED = "restricted", _("Processing restricted (AVG 18)")
    LIFT_NOTICE_SENT = "lift_notice", _("Requester told before lifting (AVG 18(3))")
    RESTRICTION_LIFTED = "restriction_lifted", _("Restriction lifted")
    LINKED_CASE_STARTED = "linked_case", _("Linked case started")
    EXPORT_MADE = "export_made", _("Structured export made (AVG 20)")


# Audit actions that record a read, not a change; the case page lists them apart.
READ_ACTIONS = (AuditAction.CASE_VIEWED, AuditAction.DOCUMENT_VIEWED, AuditAction.ID_COPY_VIEWED)


class WithdrawalChannel(models.TextChoices):
    """How a withdrawal reached us: the status page, or written down by an officer."""

    STATUS_PAGE = "status_page", _("Status page (by the requester)")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    PHONE = "phone", _("Phone (written down by staff)")
    DESK = "desk", _("Desk")


class ForwardScope(models.TextChoices):
    """LEGAL.md 3.1: a request can be forwarded whole or in part (the rest is handled here)."""

    WHOLE = "whole", _("The whole request (this right)")
    PART = "part", _("Part of it: some data; we handle the rest")


class ItemDecision(models.TextChoices):
    """The outcome per item of a rectification, erasure, restriction, objection or portability
    request (LEGAL.md 4.2-4.6: reasons per item)."""

    PENDING = "pending", _("Not decided yet")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ItemGround(models.TextChoices):
    """Why an item is refused; each names its legal source, which the letter repeats."""

    ACCURATE = "accurate", _("The data are accurate and complete (AVG 16)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation to keep (AVG 17(3)(b))")
    PUBLIC_TASK = "public_task", _("Needed for a public task (AVG 17(3)(b))")
    ARCHIVING = "archiving", _("Archiving under the Archiefwet (AVG 17(3)(d))")
    LEGAL_CLAIMS = "legal_claims", _("Legal claims (AVG 17(3)(e))")
    NO_ERASURE_GROUND = "no_17_1", _("None of the grounds of AVG 17(1) applies")
    NO_RESTRICTION_GROUND = "no_18_1", _("None of the grounds of AVG 18(1) applies")
    NOT_E_OR_F = "not_e_f", _("Not based on a public task or legitimate interest (AVG 21(1))")
    COMPELLING_GROUNDS = "compelling", _("Compelling legitimate grounds override (AVG 21(1))")
    PUBLIC_TASK_PORTABILITY = "20_3", _("Portability does not apply to a public task (AVG 20(3))")
    NOT_CONSENT_OR_CONTRACT = "20_1", _("Not based on consent or contract (AVG 20(1)(a))")
    OTHER = "other", _("Other reason, given in the text")


# The refusal grounds an officer may choose, per right.
ITEM_GROUNDS = {
    Right.RECTIFICATION: [ItemGround.ACCURATE, ItemGround.OTHER],
    Right.ERASURE: [
        ItemGround.LEGAL_OBLIGATION,
        ItemGround.PUBLIC_TASK,
        ItemGround.ARCHIVING,
        ItemGround.LEGAL_CLAIMS,
        ItemGround.NO_ERASURE_GROUND,
        ItemGround.OTHER,
    ],
    Right.RESTRICTION: [ItemGround.NO_RESTRICTION_GROUND, ItemGround.OTHER],
    Right.OBJECTION: [ItemGround.NOT_E_OR_F, ItemGround.COMPELLING_GROUNDS],
    Right.PORTABILITY: [
        ItemGround.PUBLIC_TASK_PORTABILITY,
        ItemGround.NOT_CONSENT_OR_CONTRACT,
        ItemGround.OTHER,
    ],
}


class ErasureGround(models.TextChoices):
    """AVG 17(1): why the person asks for erasure."""

    NO_LONGER_NEEDED = "a", _("The data are no longer needed for their purpose (17(1)(a))")
    CONSENT_WITHDRAWN = "b", _("I withdraw my consent (17(1)(b))")
    OBJECTED = "c", _("I object to the processing (17(1)(c))")
    UNLAWFUL = "d", _("The data are processed unlawfully (17(1)(d))")
    LEGAL_OBLIGATION = "e", _("The law requires erasure (17(1)(e))")
    CHILD = "f", _("The data were collected from me as a child online (17(1)(f))")


class RestrictionGround(models.TextChoices):
    """AVG 18(1)(a)-(d)."""

    ACCURACY_CONTESTED = "a", _("I contest that the data are correct (18(1)(a))")
    UNLAWFUL = "b", _("The processing is unlawful, but I do not want erasure (18(1)(b))")
    NEEDED_FOR_CLAIMS = "c", _("You no longer need them, I do for a legal claim (18(1)(c))")
    OBJECTION_PENDING = "d", _("I objected and you are still weighing it (18(1)(d))")


class NotificationStatus(models.TextChoices):
    """AVG 19: one tracked task per recipient."""

    PENDING = "pending", _("To do")
    SENT = "sent", _("Notified")
    SKIPPED = "skipped", _("Not notified (impossible or disproportionate)")
