"""collectstatic with production's storage (hashed, compressed names): issue 9 found it failing
on a stylesheet of viewflow's frontend, which avgflow does not serve (config.staticfiles)."""

from django.core.management import call_command


def test_collectstatic_with_hashed_names_completes(settings, tmp_path):
    # docs/production.md: `manage.py collectstatic --noinput` is a deployment step
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    root = settings.STATIC_ROOT
    assert (root / "staticfiles.json").exists()
    assert list(root.glob("css/*.*.css")), "our own stylesheets get hashed names"
    assert list(root.glob("otp_totp/**/*.*")) or list(root.glob("django_otp/**/*.*"))
    assert not (root / "viewflow").exists()
