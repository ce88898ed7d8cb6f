"""The requester's status page and its links (issue 5, acceptance 3)."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from notifications.models import OutboxMessage
from notifications.services import send_pending_messages
from requests_flow import links, services
from requests_flow.constants import CaseStatus
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry
from tests.domain_fixtures import login, submit_access_request
from tests.requests_flow.test_access_flow import (
    HELD_DATA_MATCHED,
    PDF_BYTES,
    answer_data,
    do_task,
    findings_data,
)
from tests.upload_samples import upload

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"


def test_acknowledgement_brings_the_status_link(client, access_case, mailoutbox, english):
    # issue 5: a signed, expiring link by e-mail, no account; shows reference, right, state, dates
    send_pending_messages()
    acknowledgement = next(m for m in mailoutbox if "/verzoek/status/" in m.body)
    url = re.search(r"https?://\S+/verzoek/status/\S+/", acknowledgement.body).group(0)
    html = client.get(path_of(url)).content.decode()
    request_obj = access_case.request
    assert request_obj.reference in html
    assert "Access" in html  # the right, in the visitor's language
    assert "We are checking who you are." in html
    assert access_case.internal_due_on.strftime("%Y") in html
    for text in (f"{access_case.legal_due_on.day} ", "By law we answer at the latest on"):
        assert text in html


def test_status_page_asks_and_takes_the_reply(client, access_case, officer, english):
    # issue 5: what is asked of the requester, with an upload and message form
    services.request_information(
        case=access_case,
        actor=officer,
        kind="clarification",
        what_is_needed="Over welke periode gaat uw verzoek?",
        reply_term_days=14,
    )
    url = path_of(links.status_url(access_case.request))
    html = client.get(url).content.decode()
    assert "Over welke periode gaat uw verzoek?" in html
    assert "We are waiting for information from you." in html
    assert 'name="information_request"' in html
    info = access_case.information_requests.get()
    response = client.post(
        url,
        {
            "information_request": info.pk,
            "message": "Over 2025.",
            "files": [upload(PDF_BYTES, "a.pdf")],
        },
    )
    assert response.status_code == 200
    access_case.refresh_from_db()
    assert not access_case.is_paused
    assert access_case.documents.filter(kind="reply").count() == 1


def test_expired_link_is_a_clear_page_without_data(client, werkse, time_machine, settings):
    # Acceptance 3: an expired link says so and offers a new one; nothing of the request shows
    time_machine.move_to("2026-03-02T10:00:00Z")
    request_obj = submit_access_request(werkse)
    url = path_of(links.status_url(request_obj))
    time_machine.move_to("2026-04-10T10:00:00Z")  # STATUS_LINK_DAYS = 30
    response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert reverse("public:new_link") in html
    assert request_obj.reference not in html and "Anna" not in html


def test_tampered_link_is_a_clear_page_without_data(client, werkse):
    # Acceptance 3
    request_obj = submit_access_request(werkse)
    url = path_of(links.status_url(request_obj))
    response = client.get(url[:-4] + "AAA/")
    assert response.status_code == 404
    html = response.content.decode()
    assert reverse("public:new_link") in html
    assert request_obj.reference not in html


def test_another_requests_link_and_documents_stay_apart(client, werkse, officer):
    # Acceptance 3: a link opens its own request only; another's document answers 404, and a
    # token made for another purpose (the answer link) is not a status link
    mine = submit_access_request(werkse, name="Anna de Vries")
    theirs = submit_access_request(werkse, name="Bert Bakker", email="bert@example.org")
    services.confirm_email(theirs)
    case = theirs.cases.get()
    services.request_information(
        case=case, actor=officer, kind="clarification", what_is_needed="x", reply_term_days=14
    )
    their_letter = case.documents.get(kind="letter")
    my_token = path_of(links.status_url(mine)).split("/")[3]
    html = client.get(reverse("public:status", args=[my_token])).content.decode()
    assert "Bert" not in html and theirs.reference not in html
    url = reverse("public:status_document", args=[my_token, their_letter.pk])
    assert client.get(url).status_code == 404
    answer_token = path_of(links.answer_url(case)).split("/")[3]
    assert client.get(reverse("public:status", args=[answer_token])).status_code == 404
    # a reply aimed at their information request through my link is refused
    info = case.information_requests.get()
    response = client.post(
        reverse("public:status", args=[my_token]), {"information_request": info.pk, "message": "x"}
    )
    assert response.status_code == 410
    assert theirs.reference not in response.content.decode()
    case.refresh_from_db()
    assert case.is_paused


def test_rate_limit_hit_is_a_clear_page_without_data(client, werkse, settings, english):
    # Acceptance 3: guessing links is limited per client address
    settings.RATE_LIMIT_STATUS = "3/h"
    request_obj = submit_access_request(werkse)
    url = path_of(links.status_url(request_obj))
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert request_obj.reference not in html and "Anna" not in html


def test_new_link_answers_the_same_for_known_and_unknown_pairs(client, werkse, mailoutbox):
    # Acceptance 3: no enumeration; only a known pair gets an e-mail, to the address on file
    request_obj = submit_access_request(werkse, email="anna@example.org")
    url = reverse("public:new_link")
    OutboxMessage.objects.all().delete()
    answers = []
    for email, reference in (
        ("nobody@example.org", "AVG-2026-99999"),
        ("nobody@example.org", request_obj.reference),  # a real reference, another address
        ("ANNA@example.org", request_obj.reference.lower()),
    ):
        response = client.post(url, {"email": email, "reference": reference})
        answers.append((response.status_code, response["Location"]))
        followed = client.get(response["Location"])
        answers.append(
            (followed.status_code, re.sub(r'value="[^"]+"', "", followed.content.decode()))
        )
    assert answers[0] == answers[2] == answers[4]
    assert answers[1] == answers[3] == answers[5]
    assert OutboxMessage.objects.count() == 1
    send_pending_messages()
    assert mailoutbox[-1].to == ["anna@example.org"]
    link = re.search(r"https?://\S+/verzoek/status/\S+/", mailoutbox[-1].body).group(0)
    assert client.get(path_of(link)).status_code == 200
    assert AuditEntry.objects.filter(request=request_obj, action="status_link_sent").count() == 1


def test_new_link_requests_are_rate_limited(client, werkse, settings):
    settings.RATE_LIMIT_NEW_LINK = "2/h"
    url = reverse("public:new_link")
    for _ in range(2):
        assert client.post(url, {"email": "a@example.org", "reference": "X"}).status_code == 302
    assert client.post(url, {"email": "a@example.org", "reference": "X"}).status_code == 429


def test_answer_downloads_from_the_status_page_and_each_is_logged(
    client, access_case, officer, colleague
):
    # issue 5: the final answer downloads while the link is valid; every download is logged
    url = path_of(links.status_url(access_case.request))
    login(client, officer)
    do_task(client, access_case, AccessFlow.verify_identity, HELD_DATA_MATCHED)
    do_task(
        client,
        access_case,
        AccessFlow.assess,
        {
            "is_avg_request": "yes",
            "extracts": [upload(PDF_BYTES, "uittreksel.pdf")],
            **findings_data(access_case),
        },
    )
    do_task(client, access_case, AccessFlow.draft_answer, answer_data(client, access_case))
    client.logout()
    # before the decision is approved the extract is a draft: not on the status page
    html = client.get(url).content.decode()
    assert "uittreksel.pdf" not in html
    login(client, colleague)
    do_task(client, access_case, AccessFlow.approve, {"decision": "approve", "note": ""})
    client.logout()
    assert access_case.status == CaseStatus.CLOSED
    html = client.get(url).content.decode()
    token = url.split("/")[3]
    for document in access_case.documents.filter(shared_with_requester=True):
        assert document.title in html
        response = client.get(reverse("public:status_document", args=[token, document.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    downloads = AuditEntry.objects.filter(case=access_case, action="document_downloaded")
    assert downloads.count() == access_case.documents.filter(shared_with_requester=True).count()


def test_status_token_is_bound_to_its_purpose():
    # a confirmation token for the same id is not a status token (salted per purpose)
    token = signing.dumps(1, salt=links.CONFIRM_SALT, compress=True)
    with pytest.raises(signing.BadSignature):
        links.read_status_token(token)
