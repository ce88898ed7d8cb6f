from django.db import migrations


def update_groups(apps, schema_editor):
    from organisations.roles import ensure_role_groups

    ensure_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_role_groups_register"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="staffmembership",
            options={
                "permissions": [
                    ("view_login_log", "Can see the login attempts and lockouts of the staff")
                ],
                "verbose_name": "staff membership",
                "verbose_name_plural": "staff memberships",
            },
        ),
        migrations.RunPython(update_groups, migrations.RunPython.noop),
    ]
