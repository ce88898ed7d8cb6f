from django.db import migrations


def update_groups(apps, schema_editor):
    from organisations.roles import ensure_role_groups

    ensure_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_role_groups_clock"),
        ("requests_flow", "0004_register_permission"),
    ]

    operations = [migrations.RunPython(update_groups, migrations.RunPython.noop)]
