"""Nodes shared by the request flows."""

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
