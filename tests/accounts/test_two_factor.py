"""Officer login in two steps: password, then a TOTP code or a recovery code (issue 10).

BIO / OWASP ASVS 2.2 and 2.8: every staff account has a second factor; no officer page opens on
a password alone; enrolment happens at the first login; recovery codes work once each.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.domain_fixtures import PASSWORD, authenticator, login, totp_code

pytestmark = pytest.mark.django_db


def password_only(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def key_from_setup_page(html: str) -> str:
    """The base32 key the setup page shows for typing into an app, as hex (for TOTP)."""
    from base64 import b32decode

    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return b32decode(key).hex()


def test_first_login_enrols_then_reaches_the_officer_pages(client, officer, time_machine):
    # ASVS 2.8, issue 10: enrolment on first login; the QR code and the key are shown
    password_only(client, officer)
    response = client.get(reverse("officer:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html  # the QR code, inline
    key = key_from_setup_page(html)
    assert TOTPDevice.objects.get(user=officer, confirmed=False).key == key

    wrong = client.post(page.request["PATH_INFO"], {"otp_token": "000000"})
    assert wrong.status_code == 200 and 'class="error-summary"' in wrong.content.decode()
    assert client.get(reverse("officer:inbox")).status_code == 302
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=2))

    done = client.post(
        reverse("two_factor_setup") + "?next=/behandeling/", {"otp_token": totp_code(key)}
    )
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]+)</code>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get(reverse("officer:inbox")).status_code == 200


def test_password_alone_opens_no_officer_page(client, officer, access_case):
    # ASVS 2.2: an enrolled officer who gave only the password is asked for a code, on every
    # officer URL (officer_required)
    authenticator(officer)
    password_only(client, officer)
    for url in (
        reverse("officer:inbox"),
        reverse("officer:case", args=[access_case.pk]),
        reverse("officer:login_log"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert (
            response["Location"] == f"{reverse('two_factor_verify')}?next={url.replace('/', '%2F')}"
        )


def test_code_from_the_app_logs_in_and_cannot_be_replayed(client, officer):
    # ASVS 2.8.4: a time-based code is accepted once
    device = authenticator(officer)
    code = totp_code(device.key)
    password_only(client, officer)
    assert client.post(reverse("two_factor_verify"), {"otp_token": code}).status_code == 302
    assert client.get(reverse("officer:inbox")).status_code == 200
    client.logout()

    password_only(client, officer)
    again = client.post(reverse("two_factor_verify"), {"otp_token": code})
    assert again.status_code == 200
    assert client.get(reverse("officer:inbox")).status_code == 302


def test_a_recovery_code_works_once(client, officer):
    # ASVS 2.6: recovery codes are single-use
    login(client, officer)
    page = client.post(reverse("officer:recovery_codes"))
    codes = re.findall(r"<code>([a-z2-7]+)</code>", page.content.decode())
    assert len(codes) == 10
    client.logout()

    password_only(client, officer)
    response = client.post(reverse("two_factor_verify"), {"otp_token": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("officer:inbox")).status_code == 200
    assert "9" in client.get(reverse("officer:recovery_codes")).content.decode()
    client.logout()

    password_only(client, officer)
    assert client.post(reverse("two_factor_verify"), {"otp_token": codes[0]}).status_code == 200
    assert client.get(reverse("officer:inbox")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, officer):
    login(client, officer)
    first = re.findall(
        r"<code>(\w+)</code>", client.post(reverse("officer:recovery_codes")).content.decode()
    )
    second = re.findall(
        r"<code>(\w+)</code>", client.post(reverse("officer:recovery_codes")).content.decode()
    )
    assert not set(first) & set(second)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second)


def test_demo_staff_skip_the_second_factor_only_with_debug(client, officer, settings):
    # README (Demo logins): the demo users of make run may skip it, only while DEBUG is on
    officer.groups.add(Group.objects.get_or_create(name=settings.DEMO_STAFF_GROUP)[0])
    password_only(client, officer)
    assert client.get(reverse("officer:inbox")).status_code == 302
    settings.DEBUG = True
    assert client.get(reverse("officer:inbox")).status_code == 200


def test_other_staff_never_skip_it_even_with_debug(client, officer, settings):
    settings.DEBUG = True
    password_only(client, officer)
    assert client.get(reverse("officer:inbox")).status_code == 302


def test_seeded_demo_staff_are_in_the_demo_group(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    group = Group.objects.get(name=settings.DEMO_STAFF_GROUP)
    assert group.user_set.count() == 8


def test_reset_two_factor_makes_the_user_enrol_again(client, officer):
    # a lost phone: the administrator removes the devices, the officer enrols at next login
    login(client, officer)
    client.post(reverse("officer:recovery_codes"))
    client.logout()
    call_command("reset_two_factor", officer.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    password_only(client, officer)
    assert client.get(reverse("officer:inbox"))["Location"].startswith(reverse("two_factor_setup"))


def test_next_is_kept_through_both_steps_and_must_be_local(client, officer, access_case):
    authenticator(officer)
    case_url = reverse("officer:case", args=[access_case.pk])
    response = client.post(
        reverse("login") + f"?next={case_url}",
        {"username": officer.username, "password": PASSWORD, "next": case_url},
    )
    response = client.get(response["Location"])
    verify_url = response["Location"]
    device = TOTPDevice.objects.get(user=officer)
    done = client.post(verify_url, {"otp_token": totp_code(device.key), "next": case_url})
    assert done["Location"] == case_url
    client.logout()

    password_only(client, officer)
    device = authenticator(officer)
    evil = client.post(
        reverse("two_factor_verify"),
        {"otp_token": totp_code(device.key), "next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("officer:inbox")
