"""Completing a human task from code, the way the task page does it over HTTP.

Used by the demo data and by batch tools; the officer pages go through views/tasks.py.
"""

from django.db import transaction
from viewflow.workflow.status import STATUS


def complete_human_task(case, node, actor, perform) -> None:
    """Take `node`'s open task of `case` for `actor`, run `perform()` (which calls the task's
    service function) and complete the task, all under the process lock in one transaction."""
    task = case.process.task_set.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
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
