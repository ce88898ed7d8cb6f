"""Completing a human task from code, the way the task page does it over HTTP.

Used by the demo data and by batch tools; the officer pages go through views/tasks.py.
"""

from django.db import transaction
from viewflow.workflow.status import STATUS


def complete_human_task(case, node, actor, perform, **data) -> None:
    """Take `node`'s open task of `case` for `actor`, run `perform()` (which calls the task's
    service function) and complete the task, all under the process lock in one transaction.
    `data` picks one task of a fan-out by its task data (`execution_id=...`)."""
    tasks = case.process.task_set.filter(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    task = tasks.get(**{f"data__{key}": value for key, value in data.items()})
    with node.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status == STATUS.NEW:
            node.activation_class(task).assign(actor)
        if not node.can_execute(actor, task):
            raise PermissionError(f"{actor} may not execute {node.name}")
        activation = node.activation_class(task)
        activation.start(None)
        perform()
        activation.execute()
