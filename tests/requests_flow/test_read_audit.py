"""Reads of personal data by staff are in the audit trail (issue 10; AVG 5(2), AVG 32; BIO
12.4.1): opening a case or task page and downloading a document each write one entry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_flow import services
from requests_flow.constants import AuditAction
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry
from tests.domain_fixtures import login

pytestmark = pytest.mark.django_db


def reads(case):
    return list(
        AuditEntry.objects.filter(
            case=case, action__in=[AuditAction.CASE_VIEWED, AuditAction.DOCUMENT_VIEWED]
        ).values_list("action", "actor__username", "details")
    )


def test_opening_a_case_is_audited_with_who(client, access_case, officer, colleague):
    # AVG 5(2): who saw the case's personal data
    login(client, officer)
    client.get(reverse("officer:case", args=[access_case.pk]))
    client.logout()
    login(client, colleague)
    page = client.get(reverse("officer:case", args=[access_case.pk]))
    assert reads(access_case) == [
        (AuditAction.CASE_VIEWED, officer.username, ""),
        (AuditAction.CASE_VIEWED, colleague.username, ""),
    ]
    # listed apart from the changes, the latest first
    assert [e.actor for e in page.context["reads"]] == [colleague, officer]
    assert not any(e.action == AuditAction.CASE_VIEWED for e in page.context["audit_entries"])


def test_opening_a_task_page_is_audited(client, access_case, officer):
    login(client, officer)
    task = access_case.process.task_set.get(flow_task=AccessFlow.verify_identity)
    client.get(reverse("officer:task", args=[task.pk]))
    assert reads(access_case) == [
        (AuditAction.CASE_VIEWED, officer.username, str(AccessFlow.verify_identity.task_title))
    ]


def test_downloading_a_document_is_audited(client, access_case, officer):
    document = services.add_case_document(
        case=access_case,
        actor=officer,
        uploaded=SimpleUploadedFile("uittreksel.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        title="Uittreksel klantvolgsysteem",
    )
    login(client, officer)
    response = client.get(reverse("officer:document", args=[document.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert reads(access_case) == [
        (AuditAction.DOCUMENT_VIEWED, officer.username, "Uittreksel klantvolgsysteem")
    ]


def test_refused_reads_write_nothing(client, access_case, other_officer, system_owner):
    # a 404 or 403 shows nothing, so there is nothing to record
    for user in (other_officer, system_owner):
        login(client, user)
        assert client.get(reverse("officer:case", args=[access_case.pk])).status_code in (403, 404)
        client.logout()
    assert reads(access_case) == []
