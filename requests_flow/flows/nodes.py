"""Nodes shared by the request flows."""

from functools import partial

from viewflow.workflow import flow


class FourEyesView(flow.View):
    """A human task that the person who drafted the decision may not take (four-eyes rule)."""

    def can_assign(self, user, task):
        return super().can_assign(user, task) and not _drafted_by(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and not _drafted_by(user, task)


def _drafted_by(user, task) -> bool:
    case = task.process.caseprocess.case
    return case.drafted_by_id is not None and case.drafted_by_id == user.pk


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
