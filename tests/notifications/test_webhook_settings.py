"""The webhook secret is required outside DEBUG: anymail alone would only warn (STACK-FACTS)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP = "import django; django.setup(); from django.conf import settings; "


def _run(code, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANYMAIL_")}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", **env})
    base.pop("DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", SETUP + code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


# STACK-FACTS E-mail: without ANYMAIL_WEBHOOK_SECRET and with DEBUG off, settings fail loudly
def test_settings_refuse_to_load_without_a_webhook_secret():
    result = _run("print('loaded')")
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET" in result.stderr


# The secret may come from a file, like every other secret (DESIGN rule 6)
def test_webhook_secret_from_a_file(tmp_path):
    secret = tmp_path / "webhook_secret"
    secret.write_text("hook:from-a-file\n")
    result = _run(
        "print(settings.ANYMAIL['WEBHOOK_SECRET'])", ANYMAIL_WEBHOOK_SECRET_FILE=str(secret)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hook:from-a-file"
