"""Representatives (LEGAL.md 2.3; issue 5, acceptance 2): both people and the evidence on the
form, identity and authority checked with its scope, every answer to the representative."""

import re

import pytest

from notifications.models import OutboxMessage
from notifications.services import send_pending_messages
from requests_flow import services
from requests_flow.constants import CaseStatus
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, Request
from tests.domain_fixtures import login
from tests.requests_flow.test_access_flow import (
    PDF_BYTES,
    answer_data,
    do_task,
    findings_data,
    pdf_text,
    public_submit,
)
from tests.upload_samples import upload

pytestmark = pytest.mark.django_db

AUTHORITY_OK = {
    "authority_established": "yes",
    "authority_evidence": "document",
    "authority_scope": "property",
    "within_scope": "on",
}


def represented_request(client, werkse, mailoutbox, *, evidence=True):
    """A bewindvoerder asks through the public form and confirms the address."""
    fields = {
        "name": "Piet de Boer",
        "email": "bewind@example.org",
        "address": "Markt 1",
        "postal_code": "2611 GP",
        "city": "Delft",
        "representative_role": "bewindvoerder",
        "subject_name": "Anna de Vries",
        "subject_email": "anna@example.org",
        "subject_address": "Kerkstraat 5",
        "subject_city": "Delft",
    }
    if evidence:
        fields["authority_files"] = [upload(PDF_BYTES, "beschikking-bewind.pdf")]
    response, _ = public_submit(client, werkse, **fields)
    assert response.status_code == 302
    send_pending_messages()
    confirm = mailoutbox[-1]
    assert confirm.to == ["bewind@example.org"]  # the representative confirms, not Anna
    url = re.search(r"https?://\S+/verzoek/bevestigen/\S+/", confirm.body).group(0)
    client.post("/" + url.split("://", 1)[1].split("/", 1)[1])
    return Request.objects.get()


def test_form_records_both_people_and_the_evidence(client, werkse, mailoutbox):
    # LEGAL.md 2.3: the role, both people's details and the authority evidence
    request_obj = represented_request(client, werkse, mailoutbox)
    assert request_obj.representative_role == "bewindvoerder"
    assert (request_obj.representative_name, request_obj.representative_address) == (
        "Piet de Boer",
        "Markt 1",
    )
    assert (request_obj.requester_name, request_obj.requester_address) == (
        "Anna de Vries",
        "Kerkstraat 5",
    )
    evidence = request_obj.cases.get().documents.get()
    assert evidence.kind == "authority" and not evidence.shared_with_requester


def test_form_needs_the_represented_persons_name(client, werkse):
    response, _ = public_submit(client, werkse, representative_role="mentor")
    assert response.status_code == 200
    assert 'href="#id_subject_name"' in response.content.decode()
    assert not Request.objects.exists()


def test_missing_authority_blocks_verification(client, werkse, officer, mailoutbox):
    # Acceptance 2 (issue 5), LEGAL.md 2.3: no authority, no verified identity
    request_obj = represented_request(client, werkse, mailoutbox, evidence=False)
    case = request_obj.cases.get()
    login(client, officer)
    identity_ok = {"method": "desk_id", "established": "yes"}
    # authority not checked at all
    response = do_task(client, case, AccessFlow.verify_identity, identity_ok)
    assert response.status_code == 200
    assert 'href="#id_authority_established' in response.content.decode()
    # "written evidence in the dossier", but there is none
    response = do_task(client, case, AccessFlow.verify_identity, {**identity_ok, **AUTHORITY_OK})
    assert response.status_code == 200
    assert case.status == CaseStatus.IDENTITY
    # the data asked for are outside the scope
    outside = {**AUTHORITY_OK, "authority_evidence": "register"}
    del outside["within_scope"]
    assert (
        do_task(client, case, AccessFlow.verify_identity, {**identity_ok, **outside}).status_code
        == 200
    )
    assert case.status == CaseStatus.IDENTITY
    # and the service refuses whatever the page does
    with pytest.raises(services.ServiceError):
        services.verify_identity(
            case=case, actor=officer, method="desk_id", established=True, authority=None
        )
    with pytest.raises(services.ServiceError):
        services.verify_identity(
            case=case,
            actor=officer,
            method="desk_id",
            established=True,
            authority=services.AuthorityCheck(
                established=True, evidence="document", scope="property", within_scope=True
            ),
        )
    request_obj.refresh_from_db()
    assert request_obj.identity_established is None


def test_answers_go_to_the_representative(client, werkse, officer, colleague, mailoutbox):
    # Acceptance 2 (issue 5), LEGAL.md 2.3: acknowledgement, decision e-mail and letter go to
    # the representative; the letter names the person represented
    request_obj = represented_request(client, werkse, mailoutbox)
    case = request_obj.cases.get()
    login(client, officer)
    response = do_task(
        client,
        case,
        AccessFlow.verify_identity,
        {"method": "desk_id", "established": "yes", **AUTHORITY_OK},
    )
    assert response.status_code == 302
    assert case.status == CaseStatus.ASSESSMENT
    request_obj.refresh_from_db()
    assert request_obj.authority_established and request_obj.authority_scope == "property"
    entry = AuditEntry.objects.get(case=case, action="identity_verified")
    assert "Bewindvoerder" in entry.details
    do_task(
        client,
        case,
        AccessFlow.assess,
        {"is_avg_request": "yes", "extracts": [upload(PDF_BYTES, "u.pdf")], **findings_data(case)},
    )
    do_task(client, case, AccessFlow.draft_answer, answer_data(client, case))
    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert case.status == CaseStatus.CLOSED

    to_requester = OutboxMessage.objects.filter(request=request_obj).values_list("template", "to")
    assert {to for _, to in to_requester} == {"bewind@example.org"}
    assert {t for t, _ in to_requester} >= {"confirm_email", "acknowledgement", "decision_ready"}
    letter = pdf_text(case.documents.get(kind="letter", title__startswith="Besluit").file.read())
    assert "Piet de Boer" in letter and "Markt 1" in letter
    assert "namens Anna de Vries" in letter
    assert "Kerkstraat 5" not in letter
