"""Every state change of a request or case goes through one function here (DESIGN.md rule 2).

Each function is atomic, takes the acting user (None for the requester or the system), writes
one audit entry per case it changes, and queues its outgoing messages in the same transaction.
The functions live in one module per stage of a case; callers use them as `services.<name>`.
"""

from requests_flow.services._common import ServiceError
from requests_flow.services.assessment import (
    Finding,
    add_case_document,
    assess_case,
    assign_task,
    log_answer_download,
    refuse_as_manifestly_unfounded,
)
from requests_flow.services.clock import (
    add_decreed_day,
    escalate_deadline,
    expire_information_request,
    extend_deadline,
    receive_reply,
    record_notice_of_default,
    refresh_deadlines,
    request_information,
    send_deadline_reminder,
)
from requests_flow.services.combined import (
    identity_suffices,
    share_identity_with_siblings,
    share_verified_identity,
)
from requests_flow.services.decisions import (
    access_answer_defaults,
    decide_approval,
    draft_answer,
    draft_refusal,
    send_decision,
)
from requests_flow.services.forwarding import (
    confirm_forwarding_receipt,
    forward_case,
    forwardable_documents,
    remind_unconfirmed_forwardings,
    report_forwarding_answer,
    return_to_sender,
)
from requests_flow.services.identity import (
    AuthorityCheck,
    ask_for_identity_proof,
    mark_as_id_document,
    store_id_copy,
    sweep_id_copies,
    verify_identity,
    view_id_copy,
)
from requests_flow.services.intake import (
    Representative,
    Requester,
    confirm_email,
    submit_request,
)
from requests_flow.services.items import (
    Assessment,
    ItemDecisionInput,
    ItemInput,
    add_case_items,
    assess_items,
    assessment_defaults,
    confirm_execution,
    draft_items_decision,
    execution_items,
    notification_items,
    record_notification,
)
from requests_flow.services.portability import (
    make_portability_export,
    portability_export,
    start_linked_access_case,
)
from requests_flow.services.reads import log_case_view, log_document_view
from requests_flow.services.registration import register_request
from requests_flow.services.restriction import lift_restriction, send_lift_notice
from requests_flow.services.status import send_status_link
from requests_flow.services.triage import (
    mark_not_avg_request,
    record_reply,
    register_email_request,
    triage_email_request,
    triage_rights,
)
from requests_flow.services.withdrawal import withdraw_case

__all__ = [
    "AuthorityCheck",
    "Representative",
    "ask_for_identity_proof",
    "mark_as_id_document",
    "send_status_link",
    "store_id_copy",
    "sweep_id_copies",
    "view_id_copy",
    "confirm_forwarding_receipt",
    "forward_case",
    "forwardable_documents",
    "remind_unconfirmed_forwardings",
    "report_forwarding_answer",
    "return_to_sender",
    "Assessment",
    "ItemDecisionInput",
    "ItemInput",
    "add_case_items",
    "assess_items",
    "assessment_defaults",
    "confirm_execution",
    "draft_items_decision",
    "execution_items",
    "identity_suffices",
    "lift_restriction",
    "make_portability_export",
    "notification_items",
    "portability_export",
    "record_notification",
    "refuse_as_manifestly_unfounded",
    "send_lift_notice",
    "share_identity_with_siblings",
    "share_verified_identity",
    "start_linked_access_case",
    "add_decreed_day",
    "escalate_deadline",
    "expire_information_request",
    "extend_deadline",
    "receive_reply",
    "record_notice_of_default",
    "refresh_deadlines",
    "register_request",
    "request_information",
    "send_deadline_reminder",
    "Finding",
    "Requester",
    "ServiceError",
    "access_answer_defaults",
    "add_case_document",
    "assess_case",
    "assign_task",
    "confirm_email",
    "decide_approval",
    "draft_answer",
    "draft_refusal",
    "log_answer_download",
    "mark_not_avg_request",
    "record_reply",
    "register_email_request",
    "log_case_view",
    "log_document_view",
    "send_decision",
    "submit_request",
    "triage_email_request",
    "triage_rights",
    "verify_identity",
    "withdraw_case",
]
