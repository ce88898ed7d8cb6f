"""A case's flow start (flows/nodes.py CaseStart): the direct start writes, row for row, what
viewflow's own start writes, for every right's flow, inside the caller's transaction.

The direct start is PostgreSQL's (production, CI); on SQLite both sides are viewflow's start."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowRuntimeError

from requests_flow.flows import FLOW_FOR_RIGHT
from requests_flow.models import Case, CaseProcess
from requests_flow.services import clock
from requests_flow.services.intake import Requester, create_dossier

pytestmark = pytest.mark.django_db


def new_case(organisation, right: str) -> Case:
    request_obj = create_dossier(
        organisation=organisation,
        channel="web",
        requester=Requester(name="Start Test", email="start@example.org"),
        description="",
        language="nl",
        received_at=timezone.now(),
    )
    return Case.objects.create(
        request=request_obj,
        organisation=organisation,
        right=right,
        internal_due_on=request_obj.received_on,
        legal_due_on=request_obj.received_on,
    )


def rows(process) -> tuple:
    """The process and its tasks as viewflow stored them, without keys and clock readings."""
    tasks = list(process.task_set.order_by("pk"))
    index = {task.pk: n for n, task in enumerate(tasks)}
    split_pks = {task.pk for task in tasks if task.flow_task_type == "PARALLEL_GATEWAY"}

    def token(task):
        text = str(task.token)
        for pk in split_pks:
            text = text.replace(f"/{pk}_", "/SPLIT_")
        return text

    return (
        (process.flow_class, process.status, process.data, process.finished, process.case_id),
        [
            (
                task.flow_task.name,
                task.flow_task_type,
                task.status,
                token(task),
                task.scheduled,
                task.assigned,
                task.started is not None,
                task.finished is not None,
                task.data,
                task.owner_id,
                task.owner_permission,
                task.external_task_id,
                sorted(index[previous.pk] for previous in task.previous.all()),
            )
            for task in tasks
        ],
    )


@pytest.mark.parametrize("right", sorted(FLOW_FOR_RIGHT))
def test_direct_start_writes_what_viewflows_start_writes(werkse, right):
    # STACK-FACTS: the flow starts inside the submission's transaction, timers scheduled for the
    # case's deadline moments (LEGAL.md 1.1)
    flow_class = FLOW_FOR_RIGHT[right]
    assert flow_class.start.direct_branches() is not None, "the direct start must apply"
    with transaction.atomic():
        direct_case = new_case(werkse, right)
        with CaptureQueriesContext(connection) as start_queries:
            direct = flow_class.start.run(case=direct_case)
        viewflow_case = new_case(werkse, right)
        by_viewflow = flow.StartHandle.run(flow_class.start, case=viewflow_case)

    # PostgreSQL (production, CI) writes the start in one statement; SQLite runs viewflow's
    expected = 1 if connection.vendor == "postgresql" else len(start_queries)
    assert len(start_queries) == expected
    direct_rows, viewflow_rows = rows(direct), rows(by_viewflow)
    assert direct_rows[0][:4] == viewflow_rows[0][:4]
    assert (direct_rows[0][4], viewflow_rows[0][4]) == (direct_case.pk, viewflow_case.pk)
    assert direct_rows[1] == viewflow_rows[1]
    # and it is the state the flow needs: confirmation waits, the first deadline timer is set
    statuses = {name: (status, scheduled) for name, _t, status, _k, scheduled, *_ in direct_rows[1]}
    assert statuses["confirm_email"] == ("NEW", None)
    assert statuses["wait_internal_reminder"] == (
        "SCHEDULED",
        clock.timer_moment(direct_case, clock.INTERNAL_REMINDER),
    )


@pytest.mark.django_db(transaction=True)
def test_the_start_refuses_to_run_outside_a_transaction(werkse):
    # STACK-FACTS: no request without its process, so no start outside the request's transaction
    case = new_case(werkse, "access")
    with pytest.raises(FlowRuntimeError):
        FLOW_FOR_RIGHT["access"].start.run(case=case)
    assert not CaseProcess.objects.filter(case=case).exists()
