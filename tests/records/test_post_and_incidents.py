"""The print-and-dispatch queue (LEGAL.md 5.7, Awb 3:41) and the incident register
(AVG 33(5)) (issue 11)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notifications.models import OutboxMessage
from records import services
from records.models import Incident, PostalBatch
from tests.domain_fixtures import login
from tests.records.helpers import pdf_text, refuse, register_by_post

pytestmark = pytest.mark.django_db


def test_dispatch_batch_holds_every_letter_and_sets_the_bekendmaking(
    client, werkse, officer, colleague, access_case
):
    # LEGAL.md 5.7: no e-mail address, so letters go by post; the dispatch date is the day the
    # decision is made known (Awb 3:41)
    today = datetime.date.today()
    by_post = [
        register_by_post(werkse, officer, today, name=name) for name in ("Piet Post", "Bep Brief")
    ]
    for case in by_post:
        refuse(client, case, officer, colleague)
    refuse(client, access_case, officer, colleague)  # has an e-mail address: not queued
    queued = list(services.postal_queue(werkse))
    assert {d.case_id for d in queued} == {c.pk for c in by_post}
    assert all(services.is_decision_letter(d) for d in queued)
    assert not OutboxMessage.objects.filter(case__in=by_post).exists()

    login(client, officer)
    page = client.get(reverse("records:post"))
    assert page.status_code == 200
    assert client.post(reverse("records:post")).status_code == 302
    batch = PostalBatch.objects.get()
    assert batch.items.count() == 2
    assert list(services.postal_queue(werkse)) == []

    response = client.get(reverse("records:post_batch_pdf", args=[batch.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for case in by_post:
        assert case.reference in text
        assert case.request.requester_name in text
    assert access_case.reference not in text
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) % 2 == 0  # each letter starts on a fresh sheet

    posted_on = today - datetime.timedelta(days=1) if batch.created.date() < today else today
    response = client.post(
        reverse("records:post_dispatch", args=[batch.pk]), {"dispatched_on": posted_on.isoformat()}
    )
    assert response.status_code == 302
    for case in by_post:
        case.refresh_from_db()
        assert case.decision_sent_on == posted_on
        assert case.audit_entries.filter(action="letter_dispatched").exists()
    with pytest.raises(services.RecordsError):
        services.record_dispatch(batch=batch, actor=officer, dispatched_on=today)


def test_dispatch_date_cannot_lie_in_the_future_or_before_the_batch(
    client, werkse, officer, colleague
):
    case = register_by_post(werkse, officer, datetime.date.today())
    refuse(client, case, officer, colleague)
    batch = services.create_postal_batch(organisation=werkse, actor=officer)
    for day in (
        datetime.date.today() + datetime.timedelta(days=1),
        datetime.date.today() - datetime.timedelta(days=3),
    ):
        with pytest.raises(services.RecordsError):
            services.record_dispatch(batch=batch, actor=officer, dispatched_on=day)


def test_post_pages_access(
    client, werkse, officer, system_owner, other_officer, outsider, colleague
):
    # DESIGN rule 8: a batch of another organisation is 404
    case = register_by_post(werkse, officer, datetime.date.today())
    refuse(client, case, officer, colleague)
    batch = services.create_postal_batch(organisation=werkse, actor=officer)
    for url in (
        reverse("records:post"),
        reverse("records:post_batch_pdf", args=[batch.pk]),
        reverse("records:post_dispatch", args=[batch.pk]),
    ):
        client.logout()
        assert "/accounts/login/" in client.get(url)["Location"]
        login(client, system_owner)
        assert client.get(url).status_code == 403
        client.logout()
        login(client, officer)
        assert client.get(url).status_code == 200
    client.logout()
    login(client, other_officer)
    assert client.get(reverse("records:post_batch_pdf", args=[batch.pk])).status_code == 404
    assert client.get(reverse("records:post")).status_code == 200  # their own, empty queue
    client.logout()
    login(client, outsider)
    assert client.get(reverse("records:post")).status_code == 404


def test_incident_is_recorded_listed_and_exported(
    client, access_case, officer, fg, other_officer, workways
):
    # LEGAL.md 2.3, AVG 33(5): the breach register; the FG is alerted at once (AVG 33(1))
    login(client, officer)
    today = datetime.date.today()
    response = client.post(
        reverse("records:incident", args=[access_case.pk]),
        {
            "what": "=Antwoord naar het verkeerde adres gestuurd.",
            "occurred_on": (today - datetime.timedelta(days=2)).isoformat(),
            "noticed_on": today.isoformat(),
            "noticed_by": "De ontvanger belde",
            "measures": "Ontvanger heeft de brief vernietigd.",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.reference == access_case.reference
    assert OutboxMessage.objects.filter(template="incident_recorded", to=fg.email).exists()
    assert access_case.audit_entries.filter(action="incident_recorded").exists()
    # the officer may record, only the FG sees the register
    assert client.get(reverse("records:incidents")).status_code == 403
    client.logout()
    login(client, fg)
    page = client.get(reverse("records:incidents")).content.decode()
    assert access_case.reference in page
    export = client.get(reverse("records:incidents_csv"))
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == [
        "reference",
        "occurred_on",
        "noticed_on",
        "noticed_by",
        "what",
        "measures",
        "recorded_by",
        "recorded_at",
    ]
    assert rows[1][0] == access_case.reference
    assert rows[1][4].startswith("'=")  # no formula injection into a spreadsheet
    # another organisation's FG sees nothing of it
    from organisations.constants import Role
    from organisations.services import create_staff_user
    from tests.domain_fixtures import PASSWORD

    other_fg = create_staff_user(
        organisation=workways, username="wfg", role=Role.FG, password=PASSWORD
    )
    client.logout()
    login(client, other_fg)
    assert access_case.reference not in client.get(reverse("records:incidents")).content.decode()
    assert (
        access_case.reference not in client.get(reverse("records:incidents_csv")).content.decode()
    )
    assert client.get(reverse("records:incident", args=[access_case.pk])).status_code == 404
