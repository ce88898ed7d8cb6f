"""Nodes shared by the request flows."""

from functools import partial

from django.db import connection
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.signals import flow_started, task_started


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
        if not connection.in_atomic_block:
            raise FlowRuntimeError("A case's flow starts inside the transaction that made it.")
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.process.save()
        self.complete()
        flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.activate_next()


class CaseStart(flow.StartHandle):
    """Starts a case's flow from the service that made the case, in its transaction: a crash
    never leaves a case without its process, and the start costs no lock or savepoint."""

    activation_class = CaseStartActivation


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
