"""Lockout after repeated failures, for wrong passwords and wrong codes alike (issue 10).

ASVS 2.2.1: anti-automation; BIO 9.4.2: failed logins are limited and logged, and the FG sees
them. django-axes counts failed passwords itself; wrong codes are reported to it by the
accounts app (django-otp alone only slows retries down: STACK-FACTS, Security pieces).
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tests.domain_fixtures import PASSWORD, authenticator, login, totp_code

pytestmark = pytest.mark.django_db

# the page's heading in the language it is served in (Dutch unless the visitor chose English)
LOCKED_TEXT = gettext_lazy("Account locked")


def post_password(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_five_wrong_passwords_lock_the_account(client, officer, settings):
    # ASVS 2.2.1: after AXES_FAILURE_LIMIT (5) failures even the right password is refused
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert post_password(client, officer, "wrong-password-123").status_code == 200
    locked = post_password(client, officer, "wrong-password-123")
    assert locked.status_code == 429
    assert str(LOCKED_TEXT) in locked.content.decode()
    assert "30" in locked.content.decode()  # minutes until it unlocks
    refused = post_password(client, officer)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_lock_the_account_and_end_the_session(client, officer):
    # issue 10: a wrong code counts as a failed login; the fifth locks the account
    authenticator(officer)
    assert post_password(client, officer).status_code == 302
    for attempt in range(1, 5):
        response = client.post(reverse("two_factor_verify"), {"otp_token": "000000"})
        assert response.status_code == 200, attempt
        assert 'class="error-summary"' in response.content.decode()
    locked = client.post(reverse("two_factor_verify"), {"otp_token": "000000"})
    assert locked.status_code == 429
    assert str(LOCKED_TEXT) in locked.content.decode()
    assert "_auth_user_id" not in client.session  # logged out
    assert AccessFailureLog.objects.filter(username=officer.username).count() == 5
    # the codes tried are not kept in the log (ASVS 7.1.1: no credentials in logs)
    assert "000000" not in AccessAttempt.objects.get(username=officer.username).post_data

    # the right password and a right code no longer help until the cool-off has passed
    assert post_password(client, officer).status_code == 429
    assert client.get(reverse("officer:inbox")).status_code == 302


def test_lock_ends_after_the_cool_off(client, officer, time_machine):
    time_machine.move_to(timezone.now())
    for _ in range(5):
        post_password(client, officer, "wrong-password-123")
    assert post_password(client, officer).status_code == 429
    time_machine.shift(31 * 60)
    login(client, officer)
    assert client.get(reverse("officer:inbox")).status_code == 200


def test_a_full_login_clears_the_count_but_a_password_alone_does_not(client, officer):
    # a correct password must not wipe the count of wrong codes that follow it
    device = authenticator(officer)
    post_password(client, officer)
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"otp_token": "000000"})
    client.logout()
    post_password(client, officer)
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 3
    device.refresh_from_db()
    device.throttle_reset()
    assert (
        client.post(reverse("two_factor_verify"), {"otp_token": totp_code(device.key)}).status_code
        == 302
    )
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AccessFailureLog.objects.filter(username=officer.username).count() == 3  # kept


def test_fg_sees_the_failures_of_their_own_organisation_only(
    client, officer, fg, other_officer, colleague
):
    # BIO 12.4.1: failed logins are logged and reviewed; scoped per organisation (DESIGN rule 9)
    for user in (officer, other_officer):
        for _ in range(5):
            post_password(client, user, "wrong-password-123")
    post_password(client, colleague, "wrong-password-123")
    login(client, fg)
    html = client.get(reverse("officer:login_log")).content.decode()
    assert officer.username in html
    assert colleague.username in html
    assert other_officer.username not in html
    assert gettext("Locked") in html


def test_login_log_needs_the_fg_permission(client, officer, system_owner, other_officer, outsider):
    # DESIGN rule 8: same organisation without the permission 403; outsider 404
    url = reverse("officer:login_log")
    for user, expected in ((officer, 403), (system_owner, 403), (outsider, 404)):
        login(client, user)
        assert client.get(url).status_code == expected, user
        client.logout()
