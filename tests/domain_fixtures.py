"""Domain fixtures: the seeded organisations, staff per role, and helpers that walk a case.

alice/bob style (healthchecks): `officer` and `colleague` are privacy officers of Werkse!, `fg`
its FG, `system_owner` a colleague without case permissions, `other_officer` works for Workways,
and `outsider` is a logged-in user of no organisation.
"""

import pytest
from django.contrib.auth import get_user_model

from organisations import seeds
from organisations.constants import Role
from organisations.services import create_staff_user
from requests_flow import services

PASSWORD = "correct-horse-battery-staple"


def login(client, user):
    """Log a staff user in with the Django test client (the one place tests do this)."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def browser_login(page, user):
    """Log a staff user in through the login page, as a person does (the one place e2e tests
    do this)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
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
