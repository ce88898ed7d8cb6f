from django.db import migrations


def update_groups_and_systems(apps, schema_editor):
    from organisations.roles import ensure_role_groups

    ensure_role_groups(apps)
    # the systems named in existing register lines become source systems, linked to them
    activity_model = apps.get_model("organisations", "ProcessingActivity")
    system_model = apps.get_model("organisations", "SourceSystem")
    for activity in activity_model.objects.all():
        for name in filter(None, (line.strip() for line in activity.systems.splitlines())):
            system, _ = system_model.objects.get_or_create(
                organisation_id=activity.organisation_id, name=name
            )
            activity.source_systems.add(system)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0011_source_systems_register_audit"),
        ("requests_flow", "0009_case_items_execution_notifications"),
    ]

    operations = [migrations.RunPython(update_groups_and_systems, migrations.RunPython.noop)]
