"""Staff login security: the second factor (TOTP with recovery codes) and the lockout count.

The officer pages ask `second_factor_redirect(request)` before anything else; the views of this
app call the functions below for every change to a user's devices. A wrong code is reported to
django-axes as a failed login (django-otp alone only slows retries down), so wrong codes lock
the account exactly as wrong passwords do (STACK-FACTS, Security pieces).
"""

import logging
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("avgflow.security")

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def has_second_factor(user) -> bool:
    """Whether the user has finished enrolment (a confirmed authenticator app)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def may_skip_second_factor(user) -> bool:
    """Demo staff of the embedded default, and only while DEBUG is on (README, Demo logins)."""
    return settings.DEBUG and user.groups.filter(name=settings.DEMO_STAFF_GROUP).exists()


def second_factor_redirect(request):
    """None when the logged-in user may go on; else a redirect to enrolment or verification.

    Called by `officer_required`, so no officer page is reached on a password alone.
    """
    user = request.user
    if user.is_verified() or may_skip_second_factor(user):
        return None
    name = "two_factor_verify" if has_second_factor(user) else "two_factor_setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def is_locked_out(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})


@transaction.atomic
def start_totp_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first use: its key stays the same
    until the user confirms it with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code: the session counts as verified and the
    user gets fresh recovery codes (returned, shown once). None when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if device.confirmed or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(request.user)
    django_otp.login(request, device)
    logger.info("second factor enrolled for %s", request.user.get_username())
    return codes


def verify_second_factor(request, token: str) -> bool:
    """Check a code from the app or a recovery code for the logged-in user.

    On success the session is verified and the count of failed logins is cleared; on failure
    the failure is counted by django-axes (`user_login_failed`), which marks the request as
    locked out once the limit is reached.
    """
    user = request.user
    device = django_otp.match_token(user, normalise_code(token))
    if device is not None:
        django_otp.login(request, device)
        axes_reset(username=user.get_username())
        return True
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )
    return False


def regenerate_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones (the old ones stop working)."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
    logger.info("recovery codes replaced for %s", user.get_username())
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset_second_factor(user) -> int:
    """Remove all of a user's devices (lost phone): they enrol again at their next login."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    logger.warning("second factor reset for %s", user.get_username())
    return removed


def _replace_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalise_code(token: str) -> str:
    """Codes as people type them: spaces between groups of digits, recovery codes in capitals."""
    return "".join(token.split()).lower()


def readable_key(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for typing it into an app instead of scanning."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
