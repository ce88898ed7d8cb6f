"""Domain fixtures: the seeded organisations, staff per role, and helpers that walk a case.

alice/bob style (healthchecks): `officer` and `colleague` are privacy officers of Werkse!, `fg`
its FG, `system_owner` a colleague without case permissions, `other_officer` works for Workways,
and `outsider` is a logged-in user of no organisation.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import seeds
from organisations.constants import Role
from organisations.services import create_staff_user
from requests_flow import services

PASSWORD = "correct-horse-battery-staple"


def totp_code(key_hex: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows now for this key (django-otp's own TOTP)."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.drift = step_offset
    return f"{totp.token():06d}"


def authenticator(user) -> TOTPDevice:
    """The user's authenticator app: a confirmed TOTP device, created on first use.

    A code is accepted once per 30-second step; tests log the same user in more often than
    that, so the replay guard (`last_t`) and the retry throttle of the test's device start clean
    at each login. Every login still passes the real check.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


def login(client, user):
    """Log a staff user in with the Django test client, through the login page and the second
    factor, as a person does (the one place tests do this)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was not accepted"
    device = authenticator(user)
    response = client.post(reverse("two_factor_verify"), {"otp_token": totp_code(device.key)})
    assert response.status_code == 302, "the second factor was not accepted"
    return client


def browser_login(page, user):
    """Log a staff user in through the login page and the second step, as a person does (the
    one place e2e tests do this)."""
    device = authenticator(user)
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/tweestaps/**")
    page.fill("#id_otp_token", totp_code(device.key))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/behandeling/")


@pytest.fixture
def werkse(db):
    return seeds.werkse()


@pytest.fixture
def workways(db):
    return seeds.workways()


def _staff(org, username, role):
    return create_staff_user(
        organisation=org,
        username=username,
        role=role,
        password=PASSWORD,
        first_name=username.title(),
        email=f"{username}@example.org",
    )


@pytest.fixture
def officer(werkse):
    return _staff(werkse, "olga", Role.PRIVACY_OFFICER)


@pytest.fixture
def colleague(werkse):
    return _staff(werkse, "cas", Role.PRIVACY_OFFICER)


@pytest.fixture
def fg(werkse):
    return _staff(werkse, "fenna", Role.FG)


@pytest.fixture
def system_owner(werkse):
    return _staff(werkse, "sam", Role.SYSTEM_OWNER)


@pytest.fixture
def other_officer(workways):
    return _staff(workways, "wim", Role.PRIVACY_OFFICER)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("otto", password=PASSWORD)


def submit_access_request(organisation, **overrides):
    requester = services.Requester(
        name=overrides.pop("name", "Anna de Vries"),
        email=overrides.pop("email", "anna@example.org"),
        relation=overrides.pop("relation", "client"),
    )
    return services.submit_request(
        organisation=organisation,
        rights=overrides.pop("rights", ["access"]),
        requester=requester,
        description=overrides.pop("description", "Welke gegevens heeft u van mij?"),
        **overrides,
    )


@pytest.fixture
def access_case(werkse):
    """A confirmed inzage case of Werkse!, waiting for the identity check."""
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    return request_obj.cases.get()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password checks, with a cheap hash: PBKDF2's work factor is for attackers, not for
    the hundreds of logins in this suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
