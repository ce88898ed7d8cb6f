"""Sessions: Secure and HttpOnly cookies in production, an idle timeout, and a password change
that ends every other session (issue 10; ASVS 3.2-3.4, 3.3.2, 3.3.3)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.domain_fixtures import PASSWORD, login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-2026"


def production_settings(**env):
    """The settings module as production loads it: DEBUG off, a real key, nothing relaxed."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'session_httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'age': s.SESSION_COOKIE_AGE,"
        "'every_request': s.SESSION_SAVE_EVERY_REQUEST, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'proxy': s.SECURE_PROXY_SSL_HEADER}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SESSION_IDLE_MINUTES"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="k" * 60, **env)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_httponly_with_hsts():
    # ASVS 3.4.1, 3.4.2; BIO 13.1: cookies only over HTTPS, not readable by scripts; HSTS
    values = production_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert values["session_secure"] and values["csrf_secure"] and values["session_httponly"]
    assert values["hsts"] >= 31536000
    assert values["ssl_redirect"]
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["age"] == 30 * 60 and values["every_request"]  # 30 minutes idle


def test_idle_timeout_is_configurable():
    assert production_settings(SESSION_IDLE_MINUTES="10")["age"] == 600


def test_session_cookie_is_httponly(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_session_ends_after_30_idle_minutes(client, officer, time_machine):
    # ASVS 3.3.2: an idle session ends; activity keeps it alive
    time_machine.move_to(timezone.now())
    login(client, officer)
    for _ in range(3):
        time_machine.shift(25 * 60)
        assert client.get(reverse("officer:inbox")).status_code == 200
    time_machine.shift(31 * 60)
    response = client.get(reverse("officer:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_logs_out_every_other_session(officer):
    # ASVS 3.3.3: after a password change all other sessions end; this one stays
    here, elsewhere = Client(), Client()
    login(here, officer)
    login(elsewhere, officer)
    response = here.post(
        reverse("officer:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get(reverse("officer:inbox")).status_code == 200
    gone = elsewhere.get(reverse("officer:inbox"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))


def test_password_set_by_an_administrator_also_ends_sessions(client, officer):
    # the same rule when the password is changed outside the page (manage.py changepassword)
    login(client, officer)
    officer.set_password(NEW_PASSWORD)
    officer.save()
    assert client.get(reverse("officer:inbox")).status_code == 302
