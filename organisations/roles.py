"""Staff roles as Django groups, each with a fixed set of named permissions.

The groups are created by a data migration and by `ensure_role_groups()` (idempotent), which
tests call again after transactional tests have truncated the tables.
"""

from organisations.constants import Role

# the model each app's permissions are declared on (Meta.permissions)
PERMISSION_MODELS = {
    "requests_flow": "case",
    "organisations": "staffmembership",
    "records": "remedy",
    "reports": "report",
}

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PRIVACY_OFFICER: (
        "requests_flow.view_case",
        "requests_flow.verify_identity",
        "requests_flow.assess_request",
        "requests_flow.draft_decision",
        "requests_flow.approve_decision",
        "requests_flow.manage_clock",
        "requests_flow.register_request",
        "requests_flow.record_withdrawal",
        "records.register_remedy",
        "records.record_incident",
        "records.dispatch_post",
        "requests_flow.notify_recipients",
    ),
    Role.FG: (
        "requests_flow.view_case",
        "requests_flow.approve_decision",
        "requests_flow.manage_clock",
        "requests_flow.manage_decreed_days",
        # the FG watches failed logins and lockouts of the organisation's staff (BIO, ASVS 2.2)
        "organisations.view_login_log",
        "requests_flow.record_withdrawal",
        "records.register_remedy",
        "records.record_incident",
        "records.view_incidents",
        "records.view_destruction",
        "records.approve_destruction",
        "reports.view_reports",
        "organisations.manage_policy",
        "requests_flow.manage_register",
    ),
    # System owners carry out changes in the systems they own; they cannot open cases.
    Role.SYSTEM_OWNER: ("requests_flow.execute_change",),
}


def ensure_role_groups(apps=None):
    """Create or update the role groups and their permissions. Safe to call repeatedly."""
    if apps is None:
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType
    else:
        Group = apps.get_model("auth", "Group")  # noqa: N806
        Permission = apps.get_model("auth", "Permission")  # noqa: N806
        ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role.value))
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            model = PERMISSION_MODELS[app_label]
            ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            perm, _ = Permission.objects.get_or_create(
                content_type=ct, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            wanted.append(perm)
        group.permissions.set(wanted)
