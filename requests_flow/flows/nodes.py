"""Nodes shared by the request flows."""

from functools import partial

from django.db import connection
from django.utils.timezone import now
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.handle import HandleActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.timer import TimerActivation
from viewflow.workflow.signals import flow_started, task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token


class FourEyesView(flow.View):
    """A human task that the person who drafted the decision may not take (four-eyes rule)."""

    def can_assign(self, user, task):
        return super().can_assign(user, task) and not _drafted_by(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and not _drafted_by(user, task)


def _drafted_by(user, task) -> bool:
    case = task.process.caseprocess.case
    return case.drafted_by_id is not None and case.drafted_by_id == user.pk


class CaseStartActivation(StartHandleActivation):
    @Activation.status.super()
    def execute(self):
        # viewflow's start opens a savepoint and locks the new process row (select_for_update):
        # five round trips per case at intake for a row no other transaction can see yet. The
        # caller's transaction is the unit: the submission's (STACK-FACTS), which it must be in.
        _require_transaction()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.process.save()
        self.complete()
        flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.activate_next()


class CaseStart(flow.StartHandle):
    """Starts a case's flow from the service that made the case, in its transaction: a crash
    never leaves a case without its process, and the start costs no lock or savepoint.

    On PostgreSQL, `run(case=...)` writes the rows viewflow's own start would write in one
    statement (`_START_SQL`) instead of fourteen, when the start leads to a plain parallel
    split into tasks that wait (a Handle, or a DeadlineTimer that is scheduled): the shape
    every request flow has (flows/shared.py), and sends viewflow's signals for the start and
    the split as viewflow does. Any other shape, or another database, runs viewflow's own
    start (`CaseStartActivation`).
    tests/requests_flow/test_flow_start.py compares the two row by row for every flow.
    """

    activation_class = CaseStartActivation

    def run(self, **kwargs):
        branches = self.direct_branches()
        if branches is None or set(kwargs) != {"case"} or connection.vendor != "postgresql":
            return super().run(**kwargs)
        return self._run_direct(kwargs["case"], branches)

    def direct_branches(self):
        """The split's branches when the direct start can write this flow's start, else None."""
        split = self._next
        tables = (
            self.flow_class.process_class._meta.db_table,
            self.flow_class.task_class._meta.db_table,
        )
        if tables != _START_SQL_TABLES:
            return None
        if self._task_data or self._task_seed or type(split) is not flow.Split:
            return None
        branches = []
        for node, cond, data_source in split._branches:
            if cond is not None or data_source is not None or node._boundary_specs:
                return None
            waits = node.activation_class is HandleActivation or (
                isinstance(node, DeadlineTimer) and node.activation_class is TimerActivation
            )
            if not waits:
                return None
            branches.append(node)
        return branches

    def _run_direct(self, case, branches):
        _require_transaction()
        flow_class = self.flow_class
        process_class, task_class = flow_class.process_class, flow_class.task_class
        node_name = task_class._meta.get_field("flow_task").get_prep_value
        moment = now()
        states = [_waiting_state(node, case) for node in branches]
        params = {
            "flow_class": process_class._meta.get_field("flow_class").get_prep_value(flow_class),
            "new": PROCESS.NEW.value,
            "done": STATUS.DONE.value,
            "now": moment,
            "case": case.pk,
            "start": node_name(self),
            "start_type": self.task_type,
            "split": node_name(self._next),
            "split_type": self._next.task_type,
            "nodes": [node_name(node) for node in branches],
            "types": [node.task_type for node in branches],
            "statuses": [state["status"].value for state in states],
            "scheduled": [state.get("scheduled") for state in states],
        }
        with connection.cursor() as cursor:
            cursor.execute(_START_SQL, params)
            process_id, start_id, split_id = cursor.fetchone()
        process = process_class(
            id=process_id,
            process_ptr_id=process_id,
            flow_class=flow_class,
            status=PROCESS.NEW,
            created=moment,
            data={},
            case=case,
        )
        start, split = (
            task_class(
                id=pk,
                process=process,
                flow_task=node,
                flow_task_type=node.task_type,
                status=STATUS.DONE,
                token=Token("start"),
                created=moment,
                started=moment if node is self else None,
                finished=moment,
                data={},
            )
            for pk, node in ((start_id, self), (split_id, self._next))
        )
        for row in (process, start, split):
            row._state.adding, row._state.db = False, connection.alias
        # what viewflow's start sends, in its order (boundary events listen to task_finished)
        for signal, task in (
            (task_started, start),
            (task_finished, start),
            (flow_started, start),
            (task_finished, split),
        ):
            signal.send(sender=flow_class, process=process, task=task)
        return process


# The rows of viewflow's start for `start -> split -> (waiting tasks)`, in viewflow's order:
# the process and its case link, the start task and the split (done), then one waiting task per
# branch with the split's tokens (viewflow.workflow.token: start/<split id>_<n>), and the
# links from each task to the one before it. Data-modifying CTEs pass ids on through RETURNING;
# the foreign keys are deferred to commit (Django's default), when every row is there.
_START_SQL_TABLES = ("requests_flow_caseprocess", "viewflow_task")  # the tables it names
_START_SQL = """
WITH process AS (
    INSERT INTO viewflow_process (flow_class, status, created, data)
    VALUES (%(flow_class)s, %(new)s, %(now)s, '{}'::jsonb)
    RETURNING id
), case_process AS (
    INSERT INTO requests_flow_caseprocess (process_ptr_id, case_id)
    SELECT id, %(case)s FROM process
), start AS (
    INSERT INTO viewflow_task
        (process_id, flow_task, flow_task_type, status, created, started, finished, token, data)
    SELECT id, %(start)s, %(start_type)s, %(done)s, %(now)s, %(now)s, %(now)s, 'start',
        '{}'::jsonb
    FROM process
    RETURNING id, process_id
), split AS (
    INSERT INTO viewflow_task
        (process_id, flow_task, flow_task_type, status, created, finished, token, data)
    SELECT process_id, %(split)s, %(split_type)s, %(done)s, %(now)s, %(now)s, 'start',
        '{}'::jsonb
    FROM start
    RETURNING id, process_id
), waiting AS (
    INSERT INTO viewflow_task
        (process_id, flow_task, flow_task_type, status, created, scheduled, token, data)
    SELECT split.process_id, w.flow_task, w.flow_task_type, w.status, %(now)s, w.scheduled,
        'start/' || split.id || '_' || w.n, '{}'::jsonb
    FROM split,
        unnest(%(nodes)s::varchar[], %(types)s::varchar[], %(statuses)s::varchar[],
            %(scheduled)s::timestamptz[])
            WITH ORDINALITY AS w(flow_task, flow_task_type, status, scheduled, n)
    ORDER BY w.n
    RETURNING id
)
INSERT INTO viewflow_task_previous (from_task_id, to_task_id)
SELECT split.id, start.id FROM split, start
UNION ALL
SELECT waiting.id, split.id FROM waiting, split
RETURNING (SELECT id FROM process), (SELECT id FROM start), (SELECT id FROM split)
"""


def _waiting_state(node, case) -> dict:
    """A waiting task's status as viewflow's activation leaves it: a Handle stays new, a
    deadline timer is scheduled for its moment (services.clock.timer_moment)."""
    if isinstance(node, DeadlineTimer):
        from requests_flow.services import clock

        return {
            "status": STATUS.SCHEDULED,
            "scheduled": clock.timer_moment(case, node.deadline_moment),
        }
    return {"status": STATUS.NEW}


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise FlowRuntimeError("A case's flow starts inside the transaction that made it.")


class DeadlineTimer(flow.Timer):
    """Waits for one of the case's deadline moments (services.clock.timer_moment).

    The moment is computed when the timer starts waiting and moved by the clock services when a
    deadline moves (pause, extension, a new decreed day); a paused case's timers never fire.
    """

    def __init__(self, moment: str, **kwargs):
        super().__init__(delay=partial(_deadline_delay, moment), **kwargs)
        self.deadline_moment = moment


def _deadline_delay(moment, activation):
    from requests_flow.models import Case
    from requests_flow.services import clock

    case = Case.objects.select_related("organisation").get(pk=activation.process.case_id)
    return clock.timer_moment(case, moment)


class FanOutActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class FanOut(flow.Split):
    """A parallel split that creates one task per item of `data_source(activation)`, each with
    the item as `task.data` (viewflow documents `data_source` for Split; 2.4.0 does not
    implement it). Follow it with a `flow.Join()`; `.Next(join, case=...)` for "no items"."""

    activation_class = FanOutActivation

    def Next(self, node, case=None, data_source=None):  # noqa: N802 - viewflow's fluent API
        self._activate_next.append((node, case, data_source))
        return self


class SystemOwnerView(flow.View):
    """A task about one source system (`task.data["system_id"]`): only that system's owners may
    take it; a system without owners can be taken by any system owner."""

    def can_assign(self, user, task):
        return super().can_assign(user, task) and _owns_system(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and _owns_system(user, task)


def _owns_system(user, task) -> bool:
    from organisations.models import SourceSystem

    system = SourceSystem.objects.filter(pk=(task.data or {}).get("system_id")).first()
    if system is None:
        return False
    owners = list(system.owners.values_list("pk", flat=True))
    return user.pk in owners or not owners


def stop_deadline_watch(activation) -> None:
    """The decision has been sent: cancel the deadline watch's timers, which have nothing left
    to watch, while the flow goes on (a restriction stays in force until it is lifted)."""
    from viewflow.workflow.status import STATUS

    watch = [
        node
        for node in activation.flow_class._nodes_by_name.values()
        if isinstance(node, DeadlineTimer)
    ]
    pending = activation.process.task_set.filter(flow_task__in=watch).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]
    )
    for task in pending:
        task.flow_task.activation_class(task).cancel()
