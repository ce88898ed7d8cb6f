from django.db import migrations


def update_groups(apps, schema_editor):
    from organisations.roles import ensure_role_groups

    ensure_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0008_retention_policy"),
        ("requests_flow", "0007_withdrawal"),
        ("records", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(update_groups, migrations.RunPython.noop)]
