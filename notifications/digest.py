"""Officer digests: new tasks (including reminders and escalations, which arrive as new human
tasks) are told by e-mail, batched to at most one digest per officer per
`OFFICER_DIGEST_MINUTES`.

A task that nobody has taken goes to every officer of its organisation who holds the task's
permission (except a drafter for the four-eyes approval); a task assigned on creation goes to its
owner. Each officer's `OfficerDigest` row records up to when tasks were covered, so a task is
listed once, in the first digest after it appeared.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from notifications.constants import Audience
from notifications.models import OfficerDigest
from notifications.services import queue_message


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def new_tasks_for(officer, since: datetime.datetime, until: datetime.datetime):
    """Human tasks of the officer's organisation created in (since, until] that concern them."""
    from requests_flow.models import tasks_visible_to

    permissions = officer.get_all_permissions()
    return (
        tasks_visible_to(officer)
        .filter(flow_task_type="HUMAN", created__gt=since, created__lte=until)
        .filter(
            Q(status=STATUS.ASSIGNED, owner=officer)
            | Q(status=STATUS.NEW, owner_permission__in=permissions)
        )
        .exclude(
            Q(status=STATUS.NEW)
            & Q(owner_permission="requests_flow.approve_decision")
            & Q(process__caseprocess__case__drafted_by=officer)
        )
        .select_related("process__caseprocess__case__request")
        .order_by("process__caseprocess__case__legal_due_on", "pk")
    )


def _task_line(task) -> dict:
    case = task.process.caseprocess.case
    return {
        "title": str(task.flow_task.task_title),
        "reference": case.request.reference or "",
        "right": str(case.get_right_display()),
        "internal_due_on": _date(case.internal_due_on),
        "legal_due_on": _date(case.legal_due_on),
        "url": settings.SITE_URL + reverse("officer:task", args=[task.pk]),
    }


def send_officer_digests(now: datetime.datetime | None = None) -> int:
    """Queue a digest for every officer who has new tasks and had none within the interval;
    returns how many were queued. Cheap when nothing is new: one query over the tasks."""
    now = now or timezone.now()
    interval = datetime.timedelta(minutes=settings.OFFICER_DIGEST_MINUTES)
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, membership__isnull=False)
        .exclude(email="")
        .select_related("membership__organisation")
        .order_by("pk")
    )
    digests = {d.user_id: d for d in OfficerDigest.objects.filter(user__in=officers)}
    due = []
    for officer in officers:
        digest = digests.get(officer.pk)
        if digest and digest.last_sent_at and digest.last_sent_at > now - interval:
            continue
        due.append((officer, digest.covered_until if digest else officer.date_joined))
    if not due:
        return 0
    earliest = min(since for _, since in due)
    first_new = Task.objects.filter(
        flow_task_type="HUMAN", created__gt=earliest, created__lte=now
    ).aggregate(first=Min("created"))["first"]
    if first_new is None:
        return 0

    queued = 0
    for officer, since in due:
        tasks = list(new_tasks_for(officer, since, now))
        if not tasks:
            continue
        organisation = officer.membership.organisation
        language = settings.LANGUAGE_CODE
        with transaction.atomic(), translation.override(language):
            queue_message(
                template="officer_digest",
                to=officer.email,
                language=language,
                organisation=organisation,
                audience=Audience.OFFICER,
                context={
                    "organisation_name": organisation.name,
                    "officer_name": officer.get_full_name() or officer.get_username(),
                    "tasks": [_task_line(task) for task in tasks],
                    "queue_url": settings.SITE_URL + reverse("officer:queue"),
                },
            )
            OfficerDigest.objects.update_or_create(
                user=officer, defaults={"last_sent_at": now, "covered_until": now}
            )
        queued += 1
    return queued
