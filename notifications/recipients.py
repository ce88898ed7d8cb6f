"""Who among the staff is concerned by a task or a dossier, for notifications."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from viewflow.workflow.status import STATUS


def users_with_permission(organisation_id: int, dotted: str):
    """Active staff of one organisation who hold `app_label.codename` (through a role group or
    directly); only those with an e-mail address can be told anything."""
    app_label, codename = dotted.split(".", 1)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(membership__organisation_id=organisation_id, is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def officers_for_request(request_obj) -> list:
    """The officers working on a dossier's open cases: the owners of its taken tasks, else
    everyone who may take its open tasks, else everyone who may see cases."""
    from viewflow.workflow.models import Task

    tasks = Task.objects.filter(
        process__caseprocess__case__request=request_obj,
        flow_task_type="HUMAN",
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).select_related("owner")
    owners = {t.owner for t in tasks if t.status == STATUS.ASSIGNED and t.owner and t.owner.email}
    if owners:
        return sorted(owners, key=lambda user: user.pk)
    organisation_id = request_obj.organisation_id
    permissions = {t.owner_permission for t in tasks if t.owner_permission}
    found = {
        user
        for permission in permissions
        for user in users_with_permission(organisation_id, permission)
    }
    if not found:
        found = set(users_with_permission(organisation_id, "requests_flow.view_case"))
    return sorted(found, key=lambda user: user.pk)
