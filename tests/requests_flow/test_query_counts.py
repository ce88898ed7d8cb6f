"""Query counts stay flat (DESIGN.md rule 10): the intake, a task, and the queue at 10 and 1,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task

from requests_flow.flows import AccessFlow
from requests_flow.models import Case, CaseProcess, Request
from tests.domain_fixtures import login

pytestmark = pytest.mark.django_db

# Measured, and kept: a change that adds a query per submission shows up here first.
# PostgreSQL writes a case's flow start in one statement (flows/nodes.py CaseStart) and takes
# and writes the reference in one (references.py); SQLite, the embedded default, runs
# viewflow's own start (fourteen) and writes the reference apart
SUBMISSION_QUERIES = {"postgresql": 10, "sqlite": 24}
# (one of them loads the session's verified second-factor device: django-otp's middleware;
# three more read the identity policy, in the form and the service, and look for ID copies)
# +1 since issue 3: the identity check looks for the dossier's other cases (verified once, for all)
TASK_COMPLETION_QUERIES = 41


def seed_identity_tasks(organisation, count, start=0):
    """`count` confirmed cases waiting for the identity check, written in bulk (a Process
    subclass cannot be bulk-created, so processes are saved one by one; STACK-FACTS)."""
    today = datetime.date(2026, 11, 2)
    requests = Request.objects.bulk_create(
        Request(
            reference=f"AVG-2026-{90000 + start + i:05d}",
            organisation=organisation,
            channel="web",
            received_on=today,
            requester_name=f"Requester {i}",
            requester_email=f"r{start + i}@example.org",
            relation="client",
        )
        for i in range(count)
    )
    cases = Case.objects.bulk_create(
        Case(
            request=r,
            organisation=organisation,
            right="access",
            status="identity",
            internal_due_on=today + datetime.timedelta(days=28),
            legal_due_on=today + datetime.timedelta(days=30),
        )
        for r in requests
    )
    tasks = []
    for case in cases:
        process = CaseProcess(case=case, flow_class=AccessFlow, status="NEW")
        process.save()
        tasks.append(
            Task(
                process=process,
                flow_task=AccessFlow.verify_identity,
                flow_task_type="HUMAN",
                owner_permission="requests_flow.verify_identity",
                status="NEW",
            )
        )
    Task.objects.bulk_create(tasks)


def count_queries(func):
    with CaptureQueriesContext(connection) as ctx:
        response = func()
    return len(ctx.captured_queries), response


def test_submission_query_count_is_fixed(client, werkse):
    # issue 9: the submission does the least work that is still correct; counted, not timed
    url = reverse("public:request_form", args=[werkse.slug])
    key = client.get(url).context["form"]["idempotency_key"].value()
    data = {
        "rights": ["access"],
        "name": "Anna",
        "email": "anna@example.org",
        "relation": "client",
        "language": "nl",
        "idempotency_key": str(key),
    }
    queries, response = count_queries(lambda: client.post(url, data))
    assert response.status_code == 302
    assert queries == SUBMISSION_QUERIES[connection.vendor]


def test_task_completion_query_count_is_fixed(client, access_case, officer):
    login(client, officer)
    task = access_case.process.task_set.get(flow_task=AccessFlow.verify_identity)
    client.post(reverse("officer:task_assign", args=[task.pk]))
    data = {
        "method": "held_data",
        "matched_items": ["name", "address"],
        "established": "yes",
        "note": "",
    }
    queries, response = count_queries(
        lambda: client.post(reverse("officer:task", args=[task.pk]), data)
    )
    assert response.status_code == 302
    assert queries == TASK_COMPLETION_QUERIES


def test_queue_query_count_is_flat_from_10_to_1000(client, werkse, workways, officer):
    # DESIGN rule 10, STACK-FACTS (viewflow lists): flat at 10 and at 1,000 open tasks
    login(client, officer)
    url = reverse("officer:queue")
    seed_identity_tasks(werkse, 10)
    seed_identity_tasks(workways, 5, start=5000)  # another organisation's tasks never show
    small, response = count_queries(lambda: client.get(url))
    assert len(response.context["page"].object_list) == 10
    seed_identity_tasks(werkse, 990, start=10)
    large, response = count_queries(lambda: client.get(url))
    assert response.context["page"].paginator.count == 1000
    assert small == large


def test_inbox_query_count_is_flat(client, werkse, officer):
    login(client, officer)
    seed_identity_tasks(werkse, 10)
    Task.objects.update(owner=officer, status="ASSIGNED")
    small, _ = count_queries(lambda: client.get(reverse("officer:inbox")))
    seed_identity_tasks(werkse, 200, start=10)
    Task.objects.update(owner=officer, status="ASSIGNED")
    large, response = count_queries(lambda: client.get(reverse("officer:inbox")))
    assert response.context["page"].paginator.count == 210
    assert small == large
