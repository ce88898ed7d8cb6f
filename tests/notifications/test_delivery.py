"""Delivery: tracking webhooks, failed sends and bounces as officer tasks, and their resolution."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import problems
from notifications.constants import (
    Audience,
    DeliveryStatus,
    MessageStatus,
    ProblemReason,
    ProblemStatus,
)
from notifications.models import DeliveryEvent, DeliveryProblem, OutboxMessage
from notifications.services import queue_message, send_pending_messages
from notifications.sweeps import run_periodic_work
from requests_flow.constants import AuditAction
from requests_flow.models import AuditEntry
from tests.domain_fixtures import login
from tests.notifications.test_outbox import ProviderDownBackend
from tests.notifications.webhook_payloads import (
    TRACKING_URL,
    post,
    postmark_bounce,
    postmark_delivery,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_acknowledgement(access_case, settings):
    """The acknowledgement of a confirmed inzage case, sent through anymail's test backend."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []
    send_pending_messages()
    message = OutboxMessage.objects.get(template="acknowledgement")
    assert message.status == MessageStatus.SENT
    return message


# Issue 7 acceptance 4: a delivered event updates the message; a retry of it changes nothing
def test_delivered_event_updates_the_message_once(client, sent_acknowledgement):
    payload = postmark_delivery(outbox_id=sent_acknowledgement.pk)

    assert post(client, TRACKING_URL, payload).status_code == 200
    assert post(client, TRACKING_URL, payload).status_code == 200  # the provider retries

    sent_acknowledgement.refresh_from_db()
    assert sent_acknowledgement.delivery_status == DeliveryStatus.DELIVERED
    assert sent_acknowledgement.delivery_updated_at == datetime.datetime(
        2026, 3, 6, 8, 0, tzinfo=datetime.UTC
    )
    assert DeliveryEvent.objects.get().message == sent_acknowledgement
    assert not DeliveryProblem.objects.exists()


# Issue 7 acceptance 4: a bounce of a message to the requester creates the officer task
def test_bounce_to_the_requester_creates_the_officer_task(client, sent_acknowledgement):
    payload = postmark_bounce(outbox_id=sent_acknowledgement.pk)

    assert post(client, TRACKING_URL, payload).status_code == 200
    assert post(client, TRACKING_URL, payload).status_code == 200

    sent_acknowledgement.refresh_from_db()
    assert sent_acknowledgement.delivery_status == DeliveryStatus.BOUNCED
    problem = DeliveryProblem.objects.get()
    assert (problem.reason, problem.status, problem.case) == (
        ProblemReason.BOUNCED,
        ProblemStatus.OPEN,
        sent_acknowledgement.case,
    )
    assert "does not exist" in problem.detail
    assert DeliveryEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.MESSAGE_UNDELIVERED).count() == 1


# The message is also found by the provider's message id, without our metadata
def test_event_matched_by_provider_message_id(client, sent_acknowledgement):
    payload = postmark_delivery(outbox_id="", message_id=sent_acknowledgement.provider_message_id)
    payload["Metadata"] = {}

    post(client, TRACKING_URL, payload)

    sent_acknowledgement.refresh_from_db()
    assert sent_acknowledgement.delivery_status == DeliveryStatus.DELIVERED


# STACK-FACTS E-mail: the tracking webhook is authenticated too
def test_unauthenticated_tracking_post_changes_nothing(client, sent_acknowledgement):
    payload = postmark_bounce(outbox_id=sent_acknowledgement.pk)
    assert post(client, TRACKING_URL, payload, authenticated=False).status_code == 400
    sent_acknowledgement.refresh_from_db()
    assert sent_acknowledgement.delivery_status == ""
    assert not DeliveryEvent.objects.exists()
    assert not DeliveryProblem.objects.exists()


# A bounced officer digest is logged, not turned into a task on someone's dossier
def test_bounce_of_an_officer_message_opens_no_task(client, werkse, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    message = queue_message(
        template="officer_task",
        to="olga@example.org",
        context={"organisation_name": "W", "task_title": "T", "reference": "R", "task_url": "u"},
        organisation=werkse,
        audience=Audience.OFFICER,
    )
    send_pending_messages()

    post(client, TRACKING_URL, postmark_bounce(outbox_id=message.pk))

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.BOUNCED
    assert not DeliveryProblem.objects.exists()


# Issue 7 acceptance 1: after the last retry the case gets the officer task
def test_permanent_failure_creates_the_officer_task(access_case, settings, time_machine):
    settings.EMAIL_BACKEND = f"{ProviderDownBackend.__module__}.ProviderDownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    time_machine.move_to(timezone.now(), tick=False)
    message = OutboxMessage.objects.get(template="acknowledgement")

    for _ in range(3):
        assert not DeliveryProblem.objects.exists()
        send_pending_messages()
        time_machine.shift(datetime.timedelta(hours=1))

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    # the confirmation link's message (request-level) failed too: one task per message
    assert DeliveryProblem.objects.count() == 2
    problem = DeliveryProblem.objects.get(message=message)
    assert (problem.case, problem.organisation) == (
        access_case,
        access_case.organisation,
    )
    assert problem.reason == ProblemReason.FAILED
    assert "provider unavailable" in problem.detail
    entry = AuditEntry.objects.get(action=AuditAction.MESSAGE_UNDELIVERED, case=access_case)
    assert message.subject in entry.details


# STACK-FACTS E-mail: a row stuck in `sending` becomes an officer check, once
def test_stuck_message_becomes_an_officer_check(access_case, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    message = OutboxMessage.objects.get(template="acknowledgement")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )

    assert run_periodic_work().problems_opened == 1
    assert run_periodic_work().problems_opened == 0

    problem = DeliveryProblem.objects.get()
    assert problem.reason == ProblemReason.STUCK
    problems.record_sent_by_post(problem=problem, posted_on=timezone.localdate(), actor=None)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED  # out of `sending`: nobody resends it blindly


def _failed_problem(access_case):
    message = OutboxMessage.objects.get(template="acknowledgement")
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
    return problems.open_delivery_problem(message, ProblemReason.FAILED, detail="550")


# Issue 7: "address corrected → resend" fixes the dossier's address and queues the same message
def test_resend_to_corrected_address(access_case, officer):
    problem = _failed_problem(access_case)

    new = problems.resend_to_corrected_address(
        problem=problem, address="anna.devries@example.org", actor=officer
    )

    assert (new.template, new.to, new.case, new.status) == (
        "acknowledgement",
        "anna.devries@example.org",
        access_case,
        MessageStatus.QUEUED,
    )
    assert new.context == problem.message.context
    problem.refresh_from_db()
    assert (problem.status, problem.resolved_by, problem.resent_as) == (
        ProblemStatus.RESENT,
        officer,
        new,
    )
    access_case.request.refresh_from_db()
    assert access_case.request.requester_email == "anna.devries@example.org"
    assert AuditEntry.objects.filter(action=AuditAction.MESSAGE_RESENT, actor=officer).exists()
    with pytest.raises(problems.ProblemAlreadyResolved):
        problems.record_sent_by_post(problem=problem, posted_on=timezone.localdate(), actor=officer)


# LEGAL 5.7: "sent by post on <date>" through the problem page, with the date checked
def test_sent_by_post_through_http(client, access_case, officer):
    problem = _failed_problem(access_case)
    login(client, officer)
    url = reverse("mail:problem", args=[problem.pk])
    case_page = client.get(reverse("officer:case", args=[access_case.pk])).content.decode()
    assert url in case_page
    assert url in client.get(reverse("mail:problems")).content.decode()

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"action": "posted", "posted-posted_on": tomorrow.isoformat()})
    assert response.status_code == 200 and "error-summary" in response.content.decode()

    today = timezone.localdate()
    response = client.post(url, {"action": "posted", "posted-posted_on": today.isoformat()})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.posted_on) == (ProblemStatus.POSTED, today)
    assert url not in client.get(reverse("mail:problems")).content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.MESSAGE_POSTED)
    assert entry.actor == officer and entry.case == access_case


# DESIGN rule 8: outbox, problem and preview pages for owner, colleague, outsiders, anonymous
def test_message_pages_are_scoped(
    client, access_case, officer, fg, system_owner, other_officer, outsider
):
    problem = _failed_problem(access_case)
    message = problem.message
    listing = [reverse("mail:outbox"), reverse("mail:problems")]
    detail = [
        reverse("mail:problem", args=[problem.pk]),
        reverse("mail:preview", args=[message.pk]),
        reverse("mail:preview_html", args=[message.pk]),
    ]
    for url in listing + detail:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client, officer)
    for url in listing + detail:
        assert client.get(url).status_code == 200, url
    login(client, system_owner)
    for url in listing + detail:
        assert client.get(url).status_code == 403, url
    # the FG may look, but resolving belongs to the privacy officers
    login(client, fg)
    assert client.get(detail[0]).status_code == 200
    assert client.post(detail[0], {"action": "posted"}).status_code == 403
    for user in (other_officer, outsider):
        login(client, user)
        for url in detail:
            assert client.get(url).status_code == 404, url
        assert client.post(detail[0], {"action": "posted"}).status_code == 404
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


# Issue 7: officers preview a message before it is sent: subject, text and sandboxed HTML
def test_preview_renders_a_queued_message(client, access_case, officer):
    message = OutboxMessage.objects.get(template="acknowledgement")
    assert message.status == MessageStatus.QUEUED
    login(client, officer)

    page = client.get(reverse("mail:preview", args=[message.pk])).content.decode()
    html = client.get(reverse("mail:preview_html", args=[message.pk]))

    assert f"Wij hebben uw verzoek ontvangen ({access_case.reference})" in page
    assert "Volgens de wet moeten wij u uiterlijk op" in page
    assert "sandbox" in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert b"<strong>" in html.content
    # the case page lists the message with its preview link
    case_page = client.get(reverse("officer:case", args=[access_case.pk])).content.decode()
    assert reverse("mail:preview", args=[message.pk]) in case_page
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # previewing sends nothing


def _seed_messages(organisation, count):
    now = timezone.now()
    messages_ = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            organisation=organisation,
            template="officer_task",
            to=f"person{i}@example.org",
            subject=f"Message {i}",
            status=MessageStatus.FAILED,
            created=now,
        )
        for i in range(count)
    )
    DeliveryProblem.objects.bulk_create(
        DeliveryProblem(message=message, organisation=organisation, reason=ProblemReason.FAILED)
        for message in messages_
    )


# DESIGN rule 10: the outbox and the problems page cost the same at 10 and at 1,000 rows
# Measured, and kept: a query per row would show up at 1,000.
# one more than without a second factor: the verified OTP device is loaded per request
LIST_QUERIES = {"mail:outbox": 12, "mail:problems": 12}


@pytest.mark.parametrize("count", [10, 1000])
def test_message_lists_have_flat_query_counts(
    client, werkse, officer, count, django_assert_num_queries
):
    _seed_messages(werkse, count)
    login(client, officer)
    for name, queries in LIST_QUERIES.items():
        with django_assert_num_queries(queries):
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.content.decode().count("person") >= 10
