"""Forwarding (LEGAL.md section 3): whole, in part, within the controller, by a processor, the
target's confirmation through its link, the reminder, and returning a request to its sender."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader
from viewflow.workflow.status import STATUS

from notifications.models import OutboxMessage
from notifications.services import send_pending_messages
from notifications.sweeps import run_periodic_work
from organisations.models import ForwardTarget
from requests_flow import links, services
from requests_flow.constants import CaseStatus, ForwardScope, Outcome
from requests_flow.flows import AccessFlow
from requests_flow.flows.runner import complete_human_task
from requests_flow.models import AuditEntry, Forwarding
from tests.domain_fixtures import login, submit_access_request

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(content: bytes) -> str:
    """The PDF's text with its line breaks as spaces, so phrases can be searched."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def in_assessment(organisation, officer, **overrides):
    """A confirmed case whose identity an officer has verified: waiting for assessment."""
    request_obj = submit_access_request(organisation, **overrides)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    complete_human_task(
        case,
        AccessFlow.verify_identity,
        officer,
        lambda: services.verify_identity(
            case=case,
            actor=officer,
            method="held_data",
            established=True,
            matched_items=["name", "address"],
        ),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    return case


def reply_document(case):
    """A document the requester sent with the request (the request's attachment)."""
    from django.core.files.base import ContentFile

    from requests_flow.models import CaseDocument, DocumentKind

    return CaseDocument.objects.create(
        case=case,
        kind=DocumentKind.REPLY,
        title="brief-aan-werkse.pdf",
        file=ContentFile(PDF_BYTES, name="brief-aan-werkse.pdf"),
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )


def target(organisation, name):
    return ForwardTarget.objects.get(organisation=organisation, name=name)


def open_tasks(case):
    return case.process.task_set.exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR]
    )


def test_forward_whole_to_another_controller_ends_the_case(werkse, officer, mailoutbox):
    # Awb 2:3, LEGAL.md 3.2: a forward to a different controller ends this case with the notice
    case = in_assessment(werkse, officer)
    attachment = reply_document(case)
    uwv = target(werkse, "UWV")
    forwarding = services.forward_case(
        case=case,
        actor=officer,
        target=uwv,
        scope=ForwardScope.WHOLE,
        what="",
        reason="Uw vraag gaat over uw WW-uitkering; die gegevens heeft UWV.",
        documents=[attachment],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == Outcome.FORWARDED
    assert not open_tasks(case).exists()  # timers of the deadline watch included
    assert case.process.status == "DONE"
    assert forwarding.forwarded_on is not None and forwarding.target_name == "UWV"

    send_pending_messages()
    to_target = next(m for m in mailoutbox if m.to == ["privacy@uwv.example"])
    attached = {name: content for name, content, _type in to_target.attachments}
    assert set(attached) == {f"{case.reference}-forwarding-letter.pdf", "brief-aan-werkse.pdf"}
    letter_text = pdf_text(attached[f"{case.reference}-forwarding-letter.pdf"])
    assert "2:3" in letter_text and "Het hele verzoek" in letter_text  # Awb 2:3
    assert "Anna de Vries" in letter_text and "anna@example.org" in letter_text
    notice_mail = next(m for m in mailoutbox if "doorgestuurd" in m.subject)
    assert notice_mail.to == ["anna@example.org"] and "UWV" in notice_mail.subject
    assert not notice_mail.attachments  # LEGAL.md 5.7: a link, not the PDF
    notice_text = pdf_text(forwarding.notice.file.read())
    assert "UWV" in notice_text and "WW-uitkering" in notice_text  # LEGAL.md 5.5: whom and why


def confirm_path(forwarding):
    return "/" + links.forwarding_url(forwarding).split("://", 1)[1].split("/", 1)[1]


def test_transfer_to_gemeente_delft_stays_open_until_the_answer_is_reported(
    client, werkse, officer, mailoutbox
):
    # LEGAL.md 3.2: Werkse! is part of the gemeente Delft: a transfer inside one controller keeps
    # the case open with the clock running until the receiving department reports the answer
    case = in_assessment(werkse, officer)
    attachment = reply_document(case)
    due_before = (case.internal_due_on, case.legal_due_on)
    desk = target(werkse, "Privacyloket gemeente Delft")
    forwarding = services.forward_case(
        case=case,
        actor=officer,
        target=desk,
        scope=ForwardScope.WHOLE,
        what="",
        reason="Uw vraag gaat over uw bijstandsuitkering; die gegevens heeft de gemeente Delft.",
        documents=[attachment],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.is_open
    assert (case.internal_due_on, case.legal_due_on) == due_before  # AVG 12(3): clock runs on
    # nobody here works on it any more; the deadline watch stays armed
    assert not open_tasks(case).filter(flow_task_type="HUMAN").exists()
    assert open_tasks(case).filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).exists()

    send_pending_messages()
    to_desk = next(m for m in mailoutbox if m.to == ["privacy@delft.example"])
    assert len(to_desk.attachments) == 2  # the forwarding letter and the request's attachment
    letter_text = pdf_text(forwarding.letter.file.read())
    assert "Overdracht" in letter_text and "loopt de termijn door" in letter_text
    notice_mail = next(m for m in mailoutbox if "doorgestuurd" in m.subject)
    assert "gemeente Delft" in notice_mail.subject  # LEGAL.md 5.5: names the gemeente
    notice_text = pdf_text(forwarding.notice.file.read())
    assert "gemeente Delft" in notice_text and "bijstandsuitkering" in notice_text

    # the target confirms receipt through its link, without an account
    path = "/" + re.search(r"https?://[^/\s]+/(doorgezonden/\S+/)", to_desk.body).group(1)
    assert links.read_forwarding_token(path.split("/")[2]) == forwarding.pk
    page = client.get(path)
    assert page.status_code == 200
    assert "Anna" not in page.content.decode()  # the page shows what, not who
    client.post(path, {"receipt-name": "Petra Loket", "receipt-note": ""})
    forwarding.refresh_from_db()
    assert forwarding.receipt_confirmed_by == "Petra Loket"
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED

    login(client, officer)
    case_page = client.get(reverse("officer:case", args=[case.pk])).content.decode()
    assert "Petra Loket" in case_page
    client.logout()

    today = datetime.date.today().isoformat()
    client.post(path, {"answer-name": "Petra Loket", "answer-answer_sent_on": today})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == Outcome.ANSWERED_BY_TRANSFEREE
    assert not open_tasks(case).exists()
    assert AuditEntry.objects.filter(case=case, action="forward_answered").exists()


def test_officer_records_the_answer_of_a_transferred_case(client, werkse, officer):
    # LEGAL.md 3.2: "or the officer records it"
    case = in_assessment(werkse, officer)
    services.forward_case(
        case=case,
        actor=officer,
        target=target(werkse, "Privacyloket gemeente Delft"),
        scope=ForwardScope.WHOLE,
        what="",
        reason="Bijstand.",
    )
    login(client, officer)
    url = reverse("officer:case_transfer_answered", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer_sent_on": datetime.date.today().isoformat()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == Outcome.ANSWERED_BY_TRANSFEREE
    forwarding = case.forwardings.get()
    assert forwarding.answer_reported_by == officer.get_full_name()


def test_partial_forward_keeps_the_rest_here(client, werkse, officer, colleague, mailoutbox):
    # LEGAL.md 3.1: "a request can be forwarded in part: the rest is handled here". Only the
    # access right has a flow so far, so the part is some of the data within one case; each
    # right of a dossier is its own case and is forwarded or kept the same way.
    case = in_assessment(werkse, officer)
    forwarding = services.forward_case(
        case=case,
        actor=officer,
        target=target(werkse, "UWV"),
        scope=ForwardScope.PART,
        what="Uw gegevens over de WW-uitkering.",
        reason="Die gegevens heeft UWV.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT  # still ours for the rest
    assert open_tasks(case).filter(flow_task=AccessFlow.assess).exists()
    notice_text = pdf_text(forwarding.notice.file.read())
    assert "deel van uw verzoek" in notice_text and "De rest van uw verzoek" in notice_text

    # the rest is answered by Werkse! in the same case, with its own letter
    from tests.requests_flow.test_access_flow import answer_data, do_task, findings_data

    login(client, officer)
    do_task(client, case, AccessFlow.assess, {"is_avg_request": "yes", **findings_data(case)})
    extract = reply_document(case)
    extract.kind = "extract"
    extract.shared_with_requester = True
    extract.save()
    do_task(client, case, AccessFlow.draft_answer, answer_data(client, case))
    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.GRANTED
    titles = sorted(case.documents.filter(kind="letter").values_list("title", flat=True))
    assert any(t.startswith("Besluit") or t.startswith("Decision") for t in titles)
    assert any("UWV" in t for t in titles)  # the forwarding letter
    page = client.get(reverse("officer:case", args=[case.pk])).content.decode()
    assert "Uw gegevens over de WW-uitkering." in page


def test_workways_forwards_to_the_commissioning_controller(workways, other_officer, mailoutbox):
    # AVG 28(3)(e): a processor forwards to the controller that commissioned it; the letter
    # names Workways as processor
    case = in_assessment(workways, other_officer)
    uwv = target(workways, "UWV")
    assert uwv.as_processor
    forwarding = services.forward_case(
        case=case,
        actor=other_officer,
        target=uwv,
        scope=ForwardScope.WHOLE,
        what="",
        reason="Uw traject bij Workways is in opdracht van UWV.",
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.FORWARDED and case.status == CaseStatus.CLOSED
    letter_text = pdf_text(forwarding.letter.file.read())
    assert "Workways verwerkt" in letter_text and "verwerker" in letter_text
    assert "28 lid 3 sub e" in letter_text
    assert "Re-integratietrajecten in opdracht van UWV" in letter_text
    assert "namens" not in letter_text  # a private organisation signs for itself (LEGAL.md §0)
    notice_text = pdf_text(forwarding.notice.file.read())
    assert "in opdracht van UWV" in notice_text


def test_reminder_when_the_target_does_not_confirm(werkse, officer, time_machine, mailoutbox):
    # issue 6 "tracked return": a reminder to the officer when no receipt confirmation arrives
    # within the organisation's number of days; once
    time_machine.move_to("2026-03-02T09:00:00+01:00")
    quiet = in_assessment(werkse, officer)
    answered = in_assessment(werkse, officer, email="bea@example.org", name="Bea")
    for case in (quiet, answered):
        services.forward_case(
            case=case,
            actor=officer,
            target=target(werkse, "UWV"),
            scope=ForwardScope.WHOLE,
            what="",
            reason="WW.",
        )
    services.confirm_forwarding_receipt(forwarding=answered.forwardings.get(), name="Uwe")
    assert run_periodic_work().forward_reminders == 0
    time_machine.move_to("2026-03-07T09:00:00+01:00")  # five days (the default)
    result = run_periodic_work()
    assert result.forward_reminders == 1
    reminder = OutboxMessage.objects.get(template="forward_reminder")
    assert reminder.to == officer.email and reminder.case_id == quiet.pk
    assert run_periodic_work().forward_reminders == 0  # once
    assert OutboxMessage.objects.filter(template="forward_reminder").count() == 1


def test_return_to_sender_closes_with_an_explanation_letter(werkse, officer, mailoutbox):
    # LEGAL.md 3.3, Awb 2:3(2): nobody responsible -> back to the sender with the explanation
    case = in_assessment(werkse, officer)
    letter = services.return_to_sender(
        case=case,
        actor=officer,
        explanation="Uw vraag gaat over een buurman; daarover houdt geen overheid gegevens bij.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.RETURNED
    assert not open_tasks(case).exists()
    text = pdf_text(letter.file.read())
    assert "buurman" in text and "2:3 lid 2 Awb" in text
    assert "Autoriteit Persoonsgegevens" in text
    send_pending_messages()
    assert any("terug" in m.subject for m in mailoutbox)


def test_forwarding_refusals(werkse, workways, officer, access_case):
    # Awb 2:3: only to one of our own targets, with a reason, and only while still ours to route
    case = in_assessment(werkse, officer)
    common = {"case": case, "actor": officer, "scope": ForwardScope.WHOLE, "what": ""}
    with pytest.raises(services.ServiceError):
        services.forward_case(**common, target=target(workways, "UWV"), reason="x")
    with pytest.raises(services.ServiceError):
        services.forward_case(**common, target=target(werkse, "UWV"), reason=" ")
    with pytest.raises(services.ServiceError):
        services.forward_case(
            **{**common, "scope": ForwardScope.PART}, target=target(werkse, "UWV"), reason="x"
        )
    services.forward_case(**common, target=target(werkse, "UWV"), reason="WW.")
    with pytest.raises(services.ServiceError):  # closed now
        services.forward_case(**common, target=target(werkse, "UWV"), reason="WW.")
    assert Forwarding.objects.count() == 1
    assert OutboxMessage.objects.filter(template="forward_to_target").count() == 1


def test_forward_through_the_officer_page(client, werkse, officer, mailoutbox):
    # the case action: the form lists this organisation's active targets only
    case = in_assessment(werkse, officer)
    attachment = reply_document(case)
    login(client, officer)
    url = reverse("officer:case_forward", args=[case.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "Privacyloket gemeente Delft" in html and "Gemeente Utrecht" not in html
    uwv = target(werkse, "UWV")
    response = client.post(
        url,
        {"target": uwv.pk, "scope": "part", "what": "", "reason": "WW.", "documents": []},
    )
    assert response.status_code == 200  # a part needs to say which part
    assert 'class="error-summary"' in response.content.decode()
    response = client.post(
        url,
        {"target": uwv.pk, "scope": "whole", "reason": "WW.", "documents": [attachment.pk]},
    )
    assert response.status_code == 302
    forwarding = case.forwardings.get()
    assert list(forwarding.documents.all()) == [attachment]
    case_page = client.get(reverse("officer:case", args=[case.pk])).content.decode()
    assert "UWV" in case_page and forwarding.letter.title in case_page


def test_tampered_forwarding_link(client, werkse, officer):
    case = in_assessment(werkse, officer)
    forwarding = services.forward_case(
        case=case,
        actor=officer,
        target=target(werkse, "UWV"),
        scope=ForwardScope.WHOLE,
        what="",
        reason="WW.",
    )
    path = confirm_path(forwarding)
    assert client.get(path[:-3] + "xx/").status_code == 404
    response = client.post(path[:-3] + "xx/", {"receipt-name": "X"})
    assert response.status_code == 404
    forwarding.refresh_from_db()
    assert forwarding.receipt_confirmed_at is None


ROUTING_URLS = ["officer:case_forward", "officer:case_return", "officer:case_transfer_answered"]


@pytest.mark.parametrize("name", ROUTING_URLS)
def test_routing_pages_are_scoped(
    client, name, werkse, officer, system_owner, other_officer, outsider
):
    # DESIGN rule 8: anonymous to login; same organisation without the permission 403; other
    # organisation and outsiders 404, for GET and POST, and nothing changes
    case = in_assessment(werkse, officer)
    url = reverse(name, args=[case.pk])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")
    for user, expected in ((system_owner, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(url).status_code == expected, (user, url)
        assert client.post(url, {"reason": "x", "explanation": "x"}).status_code == expected
        client.logout()
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT and not case.forwardings.exists()
    login(client, officer)
    assert client.get(url).status_code in (200, 302)


def test_dossier_with_a_forwarding_can_be_destroyed(werkse, officer):
    # LEGAL.md 6.2: the dossier is destroyed after its term, its forwarding record and letters too
    case = in_assessment(werkse, officer)
    services.forward_case(
        case=case,
        actor=officer,
        target=target(werkse, "UWV"),
        scope=ForwardScope.WHOLE,
        what="",
        reason="WW.",
    )
    case.request.delete()
    assert not Forwarding.objects.exists()
    assert ForwardTarget.objects.filter(name="UWV", organisation=werkse).exists()


def test_partial_forward_per_right_inzage_kept_wissen_forwarded(
    client, werkse, officer, colleague, mailoutbox
):
    # issue 6 acceptance 3, LEGAL.md 3.1: one dossier asking inzage and wissen; wissen goes to
    # the body that holds the data, inzage is answered here; each case has its own letter
    request_obj = submit_access_request(werkse, rights=["access", "erasure"])
    services.confirm_email(request_obj)
    access = request_obj.cases.get(right="access")
    erasure = request_obj.cases.get(right="erasure")
    forwarding = services.forward_case(
        case=erasure,
        actor=officer,
        target=target(werkse, "UWV"),
        scope=ForwardScope.WHOLE,
        what="Uw verzoek om uw gegevens te wissen.",
        reason="Die gegevens heeft UWV.",
    )
    erasure.refresh_from_db()
    assert erasure.status == CaseStatus.CLOSED and erasure.outcome == Outcome.FORWARDED
    assert "UWV" in pdf_text(forwarding.notice.file.read())
    access.refresh_from_db()
    assert access.is_open  # the inzage case goes on here

    from tests.requests_flow.test_access_flow import answer_data, do_task, findings_data

    login(client, officer)
    do_task(
        client,
        access,
        AccessFlow.verify_identity,
        {"method": "held_data", "matched_items": ["name"], "established": "yes"},
    )
    do_task(client, access, AccessFlow.assess, {"is_avg_request": "yes", **findings_data(access)})
    extract = reply_document(access)
    extract.kind = "extract"
    extract.shared_with_requester = True
    extract.save()
    do_task(client, access, AccessFlow.draft_answer, answer_data(client, access))
    client.logout()
    login(client, colleague)
    do_task(client, access, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert access.status == CaseStatus.CLOSED and access.outcome == Outcome.GRANTED
    assert access.documents.filter(kind="letter").exists()
    assert erasure.documents.filter(kind="letter").exists()
    page = client.get(reverse("officer:case", args=[access.pk])).content.decode()
    assert reverse("officer:case", args=[erasure.pk]) in page  # both visible on the dossier
