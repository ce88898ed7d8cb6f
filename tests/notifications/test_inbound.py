"""Inbound e-mail becomes a request: Postmark's inbound webhook, triage, replies (issue 7)."""

import datetime

import pytest
from django.urls import reverse

from notifications.constants import Audience, InboundStatus
from notifications.models import InboundAttachment, InboundEmail, OutboxMessage
from requests_flow import services
from requests_flow.constants import AuditAction, CaseStatus, Channel
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, Request
from tests.domain_fixtures import login
from tests.notifications.webhook_payloads import (
    EXE,
    INBOUND_URL,
    PDF,
    post,
    postmark_inbound,
)

pytestmark = pytest.mark.django_db


# AVG 12(3), LEGAL 1.1: an e-mail is a request; its clock starts on arrival, Amsterdam date
def test_inbound_mail_becomes_a_dossier_to_triage(client, werkse, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 23, 30, tzinfo=datetime.UTC), tick=False)
    payload = postmark_inbound(
        attachments=[
            ("machtiging.pdf", "application/pdf", PDF),
            ("invoice.pdf", "application/pdf", EXE),  # the name lies: refused by content
        ]
    )

    response = post(client, INBOUND_URL, payload)

    assert response.status_code == 200
    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.TO_TRIAGE
    assert inbound.organisation == werkse
    assert inbound.message_id == "<CAF=abc123@mail.example.org>"
    assert (inbound.from_email, inbound.from_name) == ("anna@example.org", "Anna de Vries")
    request_obj = inbound.request
    assert request_obj.channel == Channel.EMAIL
    assert request_obj.received_on == datetime.date(2026, 3, 6)  # 00:30 in Amsterdam
    assert request_obj.reference.startswith("AVG-2026-")
    assert request_obj.requester_email == "anna@example.org"
    assert "welke gegevens u van mij heeft" in request_obj.description
    assert not request_obj.cases.exists()  # cases come with triage
    assert AuditEntry.objects.filter(
        request=request_obj, action=AuditAction.SUBMITTED, details="E-mail"
    ).exists()

    # LEGAL 2.2: every attachment passes the upload checks (type by content, size)
    accepted, refused = InboundAttachment.objects.order_by("pk")
    assert (accepted.filename, accepted.content_type, accepted.refused_because) == (
        "machtiging.pdf",
        "application/pdf",
        "",
    )
    assert accepted.file.read() == PDF
    assert refused.filename == "invoice.pdf"
    assert refused.refused_because and not refused.file


# STACK-FACTS E-mail: a provider retry of the same mail makes no second dossier
def test_provider_retry_creates_no_second_dossier(client, werkse):
    payload = postmark_inbound()
    assert post(client, INBOUND_URL, payload).status_code == 200
    assert post(client, INBOUND_URL, payload).status_code == 200

    assert InboundEmail.objects.count() == 1
    assert Request.objects.count() == 1


# STACK-FACTS E-mail: the webhook is authenticated; an unauthenticated post creates nothing
@pytest.mark.parametrize("secret", [None, "webhook:wrong-secret"])
def test_unauthenticated_post_is_refused_and_creates_nothing(client, werkse, secret):
    payload = postmark_inbound()
    if secret is None:
        response = post(client, INBOUND_URL, payload, authenticated=False)
    else:
        response = post(client, INBOUND_URL, payload, secret=secret)

    assert response.status_code == 400
    assert not InboundEmail.objects.exists()
    assert not Request.objects.exists()
    assert not InboundAttachment.objects.exists()


# LEGAL 1.1: a mail to no organisation's address is kept (for an administrator), not dropped
def test_mail_to_an_unknown_address_is_kept_unrouted(client, werkse):
    response = post(client, INBOUND_URL, postmark_inbound(to="someone@elsewhere.example"))

    assert response.status_code == 200
    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.organisation, inbound.request) == (
        InboundStatus.UNROUTED,
        None,
        None,
    )


def _inbound(client):
    post(client, INBOUND_URL, postmark_inbound())
    return InboundEmail.objects.select_related("request").get()


# AVG 12(3), LEGAL 2.1: triage opens a case per right with the intake's machinery; the address
# came by e-mail, so the confirmation step is skipped, identity is still checked
def test_triage_opens_cases_that_skip_email_confirmation(client, werkse, officer):
    inbound = _inbound(client)
    received_on = inbound.request.received_on

    cases = services.triage_email_request(
        inbound=inbound,
        rights=["access"],
        actor=officer,
        requester_name="Anna de Vries",
        relation="client",
        language="en",
    )

    case = cases[0]
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTITY
    assert case.request.received_on == received_on  # the clock did not restart at triage
    assert case.process.task_set.get(flow_task=AccessFlow.confirm_email).status == "DONE"
    assert case.process.task_set.get(flow_task=AccessFlow.verify_identity).status == "NEW"
    inbound.refresh_from_db()
    assert (inbound.status, inbound.handled_by) == (InboundStatus.TRIAGED, officer)
    request_obj = case.request
    assert (request_obj.relation, request_obj.language) == ("client", "en")
    acknowledgement = OutboxMessage.objects.get(template="acknowledgement")
    assert (acknowledgement.to, acknowledgement.case, acknowledgement.language) == (
        "anna@example.org",
        case,
        "en",
    )
    actions = list(request_obj.audit_entries.values_list("action", flat=True))
    assert actions == [
        AuditAction.SUBMITTED,
        AuditAction.REQUEST_TRIAGED,
        AuditAction.EMAIL_CONFIRMED,
    ]

    with pytest.raises(services.ServiceError):
        services.triage_email_request(inbound=inbound, rights=["access"], actor=officer)
    assert request_obj.cases.count() == 1


# LEGAL 6.3 (never deleted silently): "not a GDPR request" keeps the mail with its reason
def test_not_an_avg_request_is_kept_with_its_reason(client, werkse, officer):
    inbound = _inbound(client)

    with pytest.raises(services.ServiceError):
        services.mark_not_avg_request(inbound=inbound, reason="  ", actor=officer)
    services.mark_not_avg_request(inbound=inbound, reason="Een sollicitatie.", actor=officer)

    inbound.refresh_from_db()
    assert (inbound.status, inbound.not_avg_reason) == (InboundStatus.NOT_AVG, "Een sollicitatie.")
    assert Request.objects.filter(pk=inbound.request_id).exists()
    assert AuditEntry.objects.filter(
        request=inbound.request, action=AuditAction.NOT_AN_AVG_REQUEST, actor=officer
    ).exists()


# Only rights that have a flow can be triaged into
def test_triage_refuses_a_right_without_a_flow(client, werkse, officer):
    inbound = _inbound(client)
    with pytest.raises(services.ServiceError):
        services.triage_email_request(inbound=inbound, rights=["erasure_typo"], actor=officer)
    assert not inbound.request.cases.exists()


# Issue 7: a requester's reply with our reference joins the case's timeline; its officer is told
def test_reply_with_reference_joins_the_case_and_notifies_its_officer(
    client, access_case, officer, colleague
):
    request_obj = access_case.request
    payload = postmark_inbound(
        message_id="<reply-1@mail.example.org>",
        subject=f"Re: Wij hebben uw verzoek ontvangen ({request_obj.reference})",
        text="Hierbij mijn machtiging.",
    )

    assert post(client, INBOUND_URL, payload).status_code == 200

    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.request, inbound.case) == (
        InboundStatus.REPLY,
        request_obj,
        access_case,
    )
    assert Request.objects.count() == 1  # no new dossier
    entry = AuditEntry.objects.get(action=AuditAction.REPLY_RECEIVED)
    assert entry.case == access_case
    assert request_obj.reference in entry.details
    # nobody has taken the identity task: everyone who may take it is told
    notified = OutboxMessage.objects.filter(template="reply_received")
    assert sorted(notified.values_list("to", flat=True)) == [
        "cas@example.org",
        "olga@example.org",
    ]
    assert {m.audience for m in notified} == {Audience.OFFICER}

    login(client, officer)
    page = client.get(reverse("officer:case", args=[access_case.pk])).content.decode()
    assert "Hierbij mijn machtiging." in page
    assert "machtiging.pdf" in page


# A stranger quoting a reference does not write into someone else's dossier
def test_reference_from_another_sender_starts_a_new_request(client, access_case):
    reference = access_case.request.reference
    payload = postmark_inbound(
        message_id="<x@evil.example>", sender="mallory@evil.example", subject=f"Re: {reference}"
    )

    post(client, INBOUND_URL, payload)

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.TO_TRIAGE
    assert inbound.request != access_case.request
    assert not AuditEntry.objects.filter(action=AuditAction.REPLY_RECEIVED).exists()


# DESIGN rule 8: triage pages for owner, colleague without permission, outsiders, anonymous
def test_triage_pages_are_scoped(client, werkse, officer, system_owner, other_officer, outsider):
    inbound = _inbound(client)
    urls = [reverse("officer:triage"), reverse("officer:triage_detail", args=[inbound.pk])]
    attachment = inbound.attachments.get()
    download = reverse("mail:inbound_attachment", args=[attachment.pk])

    for url in [*urls, download]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    login(client, officer)
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get(download).getvalue() == PDF
    login(client, system_owner)
    for url in [*urls, download]:
        assert client.get(url).status_code == 403
    detail = urls[1]
    assert client.post(detail, {"action": "triage", "triage-rights": ["access"]}).status_code == 403
    for user in (other_officer, outsider):
        login(client, user)
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        assert client.post(detail, {"action": "not_avg"}).status_code == 404
    assert client.get(urls[0]).status_code == 404  # outsider: no organisation at all
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.TO_TRIAGE


# Issue 7: the triage page through HTTP, with an invalid form shown again
def test_triage_through_http(client, werkse, officer):
    inbound = _inbound(client)
    login(client, officer)
    url = reverse("officer:triage_detail", args=[inbound.pk])
    assert inbound.request.reference in client.get(reverse("officer:triage")).content.decode()

    response = client.post(url, {"action": "triage", "triage-requester_name": "Anna"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not inbound.request.cases.exists()

    response = client.post(
        url,
        {
            "action": "triage",
            "triage-rights": ["access"],
            "triage-requester_name": "Anna de Vries",
            "triage-relation": "client",
            "triage-language": "nl",
        },
    )
    case = inbound.request.cases.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("officer:case", args=[case.pk])
    assert url not in client.get(reverse("officer:triage")).content.decode()
