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
from viewflow.workflow.status import STATUS
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

    `run(case=...)` writes the rows viewflow's own start would write, in five statements
    instead of fourteen, when the start leads to a plain parallel split into tasks that wait
    (a Handle, or a DeadlineTimer that is scheduled): the shape every request flow has
    (flows/shared.py). Any other shape runs viewflow's start (`CaseStartActivation`).
    tests/requests_flow/test_flow_start.py compares the two row by row for every flow.
    """

    activation_class = CaseStartActivation

    def run(self, **kwargs):
        branches = self.direct_branches()
        if branches is None or set(kwargs) != {"case"}:
            return super().run(**kwargs)
        return self._run_direct(kwargs["case"], branches)

    def direct_branches(self):
        """The split's branches when the direct start can write this flow's start, else None."""
        split = self._next
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
        task_class = flow_class.task_class
        process = flow_class.process_class(flow_class=flow_class, case=case)
        process.save()
        moment = now()
        start = task_class(
            process=process,
            flow_task=self,
            flow_task_type=self.task_type,
            status=STATUS.DONE,
            token=Token("start"),
            started=moment,
            finished=moment,
        )
        split = task_class(
            process=process,
            flow_task=self._next,
            flow_task_type=self._next.task_type,
            status=STATUS.DONE,
            token=Token("start"),
            finished=moment,
        )
        task_class.objects.bulk_create([start, split])
        tokens = Token.split_token_source(split.token, split.pk)
        waiting = [
            task_class(
                process=process,
                flow_task=node,
                flow_task_type=node.task_type,
                token=next(tokens),
                **_waiting_state(node, case),
            )
            for node in branches
        ]
        task_class.objects.bulk_create(waiting)
        link = task_class.previous.through
        link.objects.bulk_create(
            [link(from_task=split, to_task=start)]
            + [link(from_task=task, to_task=split) for task in waiting]
        )
        for signal, task in (
            (task_started, start),
            (task_finished, start),
            (flow_started, start),
            (task_finished, split),
        ):
            signal.send(sender=flow_class, process=process, task=task)
        return process


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
