"""The inzage flow (AVG 15) walked through HTTP, as requester and officers use it."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notifications.models import OutboxMessage
from notifications.services import send_pending_messages
from requests_flow import links
from requests_flow.constants import CaseStatus, Outcome
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, Case, Request
from tests.domain_fixtures import login, submit_access_request

pytestmark = pytest.mark.django_db

# LEGAL.md 2.1: a match with held data names the items that matched
HELD_DATA_MATCHED = {
    "method": "held_data",
    "matched_items": ["name", "address"],
    "established": "yes",
}

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_task(case, node):
    return case.process.task_set.get(flow_task=node, status__in=["NEW", "ASSIGNED"])


def do_task(client, case, node, data):
    """Take the task from the queue and submit its form, as an officer does."""
    task = open_task(case, node)
    if task.status == "NEW":
        response = client.post(reverse("officer:task_assign", args=[task.pk]))
        assert response.status_code == 302, response
    response = client.post(reverse("officer:task", args=[task.pk]), data)
    case.refresh_from_db()
    return response


def findings_data(case, found=True):
    systems = ["Cliëntvolgsysteem (CVS)", "Documentbeheersysteem (DMS)"]
    data = {
        "findings-TOTAL_FORMS": str(len(systems)),
        "findings-INITIAL_FORMS": str(len(systems)),
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for i, system in enumerate(systems):
        data[f"findings-{i}-system"] = system
        if found:
            data[f"findings-{i}-found"] = "on"
        data[f"findings-{i}-summary"] = f"Dossier in {system}"
    return data


def answer_data(client, case):
    """The draft answer form as pre-filled from the register, submitted unchanged."""
    task = open_task(case, AccessFlow.draft_answer)
    if task.status == "NEW":
        client.post(reverse("officer:task_assign", args=[task.pk]))
    form = client.get(reverse("officer:task", args=[task.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["data_processed"] = "on"
    return data


def public_submit(client, organisation, **fields):
    url = reverse("public:request_form", args=[organisation.slug])
    key = client.get(url).context["form"]["idempotency_key"].value()
    data = {
        "rights": ["access"],
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "relation": "client",
        "language": "nl",
        "idempotency_key": str(key),
        **fields,
    }
    return client.post(url, data), data


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_inzage_granted_end_to_end_through_http(client, werkse, officer, colleague, mailoutbox):
    # AVG 15 with AVG 12(3): receipt, confirmation, identity, assessment, answer, approval, letter
    response, _ = public_submit(client, werkse, description="Mijn dossier bij de jobcoach")
    assert response.status_code == 302
    request_obj = Request.objects.get()
    assert re.fullmatch(r"AVG-\d{4}-\d{5}", request_obj.reference)
    page = client.get(response["Location"])
    assert request_obj.reference in page.content.decode()
    case = request_obj.cases.get()
    assert case.status == CaseStatus.AWAITING_CONFIRMATION

    # the confirmation e-mail goes out through the outbox, with a link that confirms on POST
    assert send_pending_messages() == 1
    confirm_url = re.search(r"https?://\S+/verzoek/bevestigen/\S+/", mailoutbox[0].body).group(0)
    path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONFIRMATION  # a GET (mail scanner) confirms nothing
    client.post("/" + path)
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTITY

    login(client, officer)
    do_task(
        client,
        case,
        AccessFlow.verify_identity,
        {
            "method": "held_data",
            "matched_items": ["name", "address"],
            "established": "yes",
            "note": "",
        },
    )
    assert case.status == CaseStatus.ASSESSMENT
    extract = io.BytesIO(PDF_BYTES)
    extract.name = "uittreksel.pdf"
    do_task(
        client,
        case,
        AccessFlow.assess,
        {"is_avg_request": "yes", "note": "", "extracts": [extract], **findings_data(case)},
    )
    assert case.status == CaseStatus.DRAFTING
    assert case.findings.count() == 2
    do_task(client, case, AccessFlow.draft_answer, answer_data(client, case))
    assert case.status == CaseStatus.APPROVAL

    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == Outcome.GRANTED
    assert case.decision_sent_on is not None

    # the requester gets a link, not the PDF; the link lists the letter and the extract
    mailoutbox.clear()
    send_pending_messages()
    decision_mail = next(m for m in mailoutbox if "/verzoek/antwoord/" in m.body)
    assert not decision_mail.attachments
    answer_path = "/" + re.search(
        r"https?://\S+?/(verzoek/antwoord/\S+/)", decision_mail.body
    ).group(1)
    client.logout()
    answer_page = client.get(answer_path)
    letter = case.documents.get(kind="letter")
    download = client.get(
        reverse("public:answer_document", args=[answer_path.split("/")[3], letter.pk])
    )
    text = pdf_text(b"".join(download.streaming_content))
    assert request_obj.reference in text
    assert "Autoriteit Persoonsgegevens" in text  # AVG 12(4), 77
    assert "bezwaarschrift" in text.lower()  # Awb 6:7: Werkse! is a public body
    assert "uittreksel.pdf" in answer_page.content.decode()
    assert AuditEntry.objects.filter(case=case, action="document_downloaded").exists()


def test_identity_not_established_ends_in_reasoned_refusal(client, access_case, officer, colleague):
    # AVG 12(6), Awb 3:46: identity not established -> "not handled" decision with reasons
    login(client, officer)
    reasons = "Uw gegevens kwamen niet overeen met onze administratie."
    do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "held_data", "established": "no", "note": reasons},
    )
    assert access_case.status == CaseStatus.DRAFTING
    assert not access_case.process.task_set.filter(flow_task=AccessFlow.assess).exists()
    do_task(client, access_case, AccessFlow.draft_refusal, {"reasons": reasons})
    client.logout()
    login(client, colleague)
    do_task(client, access_case, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert access_case.status == CaseStatus.CLOSED
    assert access_case.outcome == Outcome.NOT_HANDLED
    letter = access_case.documents.get(kind="letter")
    text = pdf_text(letter.file.read())
    assert "niet overeen met onze administratie" in text
    assert "Autoriteit Persoonsgegevens" in text  # AVG 12(4)
    assert "bezwaarschrift" in text.lower()  # Awb 6:7


def test_not_an_avg_request_ends_in_reasoned_refusal(client, access_case, officer, colleague):
    # AVG 12(4), Awb 3:46: a request that is not ours is refused with reasons
    login(client, officer)
    do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "desk_id", "established": "yes", "note": ""},
    )
    reasons = "Uw vraag gaat over uw uitkering; daarover beslist de gemeente Delft."
    do_task(
        client,
        access_case,
        AccessFlow.assess,
        {"is_avg_request": "no", "note": reasons, **findings_data(access_case, found=False)},
    )
    assert access_case.outcome == Outcome.REFUSED
    do_task(client, access_case, AccessFlow.draft_refusal, {"reasons": reasons})
    client.logout()
    login(client, colleague)
    do_task(client, access_case, AccessFlow.approve, {"decision": "approve", "note": ""})
    assert access_case.status == CaseStatus.CLOSED
    text = pdf_text(access_case.documents.get(kind="letter").file.read())
    assert "gemeente Delft" in text
    assert "Autoriteit Persoonsgegevens" in text


def test_confirmed_email_alone_is_not_enough_for_inzage(client, access_case, officer):
    # LEGAL.md 2.1: a confirmed e-mail address alone never suffices for inzage
    login(client, officer)
    response = do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "email_confirmed", "established": "yes", "note": ""},
    )
    assert response.status_code == 200
    assert "not enough" in response.content.decode() or "niet genoeg" in response.content.decode()
    assert access_case.status == CaseStatus.IDENTITY


def _to_approval(client, case, officer):
    login(client, officer)
    do_task(client, case, AccessFlow.verify_identity, HELD_DATA_MATCHED)
    do_task(client, case, AccessFlow.assess, {"is_avg_request": "yes", **findings_data(case)})
    do_task(client, case, AccessFlow.draft_answer, answer_data(client, case))
    client.logout()


def test_drafter_cannot_approve_own_decision(client, access_case, officer):
    # four-eyes rule (issue 2, LEGAL.md 4.7): a second person approves
    _to_approval(client, access_case, officer)
    login(client, officer)
    task = open_task(access_case, AccessFlow.approve)
    assert client.get(reverse("officer:task", args=[task.pk])).status_code == 403
    client.post(reverse("officer:task_assign", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner_id is None
    queue = client.get(reverse("officer:queue")).content.decode()
    assert reverse("officer:task", args=[task.pk]) not in queue


def test_returned_decision_goes_back_to_the_draft(client, access_case, officer, fg):
    # the FG may approve (issue 2: "FG or a colleague"); returning needs a note
    _to_approval(client, access_case, officer)
    login(client, fg)
    response = do_task(client, access_case, AccessFlow.approve, {"decision": "return", "note": ""})
    assert response.status_code == 200  # re-shown with an error, nothing lost
    assert access_case.status == CaseStatus.APPROVAL
    do_task(client, access_case, AccessFlow.approve, {"decision": "return", "note": "Noem de SVB."})
    assert access_case.status == CaseStatus.DRAFTING
    assert open_task(access_case, AccessFlow.draft_answer).status == "NEW"


def _bring_to(client, case, node, officer):
    login(client, officer)
    if node is AccessFlow.verify_identity:
        return
    do_task(client, case, AccessFlow.verify_identity, HELD_DATA_MATCHED)
    if node is AccessFlow.assess:
        return
    if node is AccessFlow.draft_refusal:
        do_task(
            client,
            case,
            AccessFlow.assess,
            {"is_avg_request": "no", "note": "Niet van ons.", **findings_data(case)},
        )
        return
    do_task(client, case, AccessFlow.assess, {"is_avg_request": "yes", **findings_data(case)})
    if node is AccessFlow.draft_answer:
        return
    do_task(client, case, AccessFlow.draft_answer, answer_data(client, case))


HUMAN_NODES = [
    AccessFlow.verify_identity,
    AccessFlow.assess,
    AccessFlow.draft_answer,
    AccessFlow.draft_refusal,
    AccessFlow.approve,
]


@pytest.mark.parametrize("node", HUMAN_NODES, ids=lambda n: n.name)
def test_wrong_role_on_every_task(
    client, access_case, node, officer, system_owner, other_officer, outsider
):
    # DESIGN rule 8: same organisation without permission 403, other organisation and outsiders
    # 404, anonymous to login
    _bring_to(client, access_case, node, officer)
    client.logout()
    task = open_task(access_case, node)
    urls = [
        reverse("officer:task", args=[task.pk]),
        reverse("officer:task_assign", args=[task.pk]),
    ]
    for url in urls:
        response = client.get(url) if not url.endswith("oppakken/") else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user, expected in ((system_owner, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(urls[0]).status_code == expected, (user, urls[0])
        assert client.post(urls[1]).status_code == expected, (user, urls[1])
        assert client.post(urls[0], {}).status_code == expected, (user, urls[0])
        client.logout()
    task.refresh_from_db()
    assert task.owner_id is None


def test_case_pages_are_scoped(client, access_case, officer, system_owner, other_officer, outsider):
    # DESIGN rule 8/9: a case of another organisation answers 404, its existence does not leak
    letter_url = reverse("officer:case", args=[access_case.pk])
    chart_url = reverse("officer:case_chart", args=[access_case.pk])
    login(client, officer)
    assert client.get(letter_url).status_code == 200
    assert client.get(chart_url)["Content-Type"] == "image/svg+xml"
    client.logout()
    for user, expected in ((system_owner, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(letter_url).status_code == expected
        assert client.get(chart_url).status_code == expected
        client.logout()


def test_anonymous_reaches_no_officer_page(client, access_case, officer):
    # DESIGN rule 8: every officer URL sends an anonymous visitor to the login page
    from requests_flow.urls import officer_patterns

    task = access_case.process.task_set.filter(flow_task_type="HUMAN").first()
    document_args = {"pk": access_case.pk, "task_pk": task.pk}
    patterns = officer_patterns[0]
    assert len(patterns) >= 7
    for pattern in patterns:
        kwargs = {k: document_args[k] for k in pattern.pattern.converters}
        url = reverse(f"officer:{pattern.name}", kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url


def test_invalid_form_is_reshown_and_creates_nothing(client, werkse):
    # issue 2 "Faces": errors re-shown with a summary, nothing stored
    response, _ = public_submit(client, werkse, name="", email="not-an-address")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_name"' in html and 'href="#id_email"' in html
    assert Request.objects.count() == 0


def test_double_submission_creates_one_request(client, werkse):
    # issue 9 / issue 5: the same form posted twice (double click, back button) is one request
    first, data = public_submit(client, werkse)
    second = client.post(reverse("public:request_form", args=[werkse.slug]), data)
    assert first.status_code == second.status_code == 302
    assert Request.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_received_on_is_the_amsterdam_date(werkse, time_machine):
    # LEGAL.md 1.1: a form sent at 00:30 on 1 March (Amsterdam) counts from 1 March, not from
    # the UTC date (28 February, 23:30)
    time_machine.move_to("2026-02-28T23:30:00Z")
    request_obj = submit_access_request(werkse)
    assert request_obj.received_on.isoformat() == "2026-03-01"
    case = request_obj.cases.get()
    assert case.legal_due_on.isoformat() == "2026-04-01"  # AVG 12(3)


def test_tampered_and_expired_confirmation_links(client, werkse, time_machine):
    # signed links: a tampered one answers 404, an expired one 410 with an explanation
    time_machine.move_to("2026-03-02T10:00:00Z")
    request_obj = submit_access_request(werkse)
    url = links.confirm_email_url(request_obj)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path[:-3] + "xx/").status_code == 404
    time_machine.move_to("2026-03-20T10:00:00Z")
    response = client.post(path)
    assert response.status_code == 410
    assert Case.objects.get().status == CaseStatus.AWAITING_CONFIRMATION
