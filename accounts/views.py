"""The second-factor steps after the password, and the staff pages about their own login.

`two_factor_setup` (enrolment on first login) and `two_factor_verify` serve users who have given
their password but no second factor yet; the officer pages send them here (officer_required).
"""

from urllib.parse import urlencode

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts import services
from accounts.forms import CodeForm, EnrolmentCodeForm
from accounts.qr import qr_svg
from organisations.models import StaffMembership
from requests_flow.views.officer import officer_required

LOG_ROWS = 100
WRONG_CODE = _(
    "This code is not correct. Wait a few seconds and try again; check that the clock of your "
    "phone is right."
)


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows for a locked account (AXES_LOCKOUT_CALLABLE), after a wrong
    password or a wrong code: HTTP 429 with what happened and what to do."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _locked_out(request):
    """Log the user out and show the lockout page (the same one a wrong password gets)."""
    logout(request)
    return lockout_response(request)


@never_cache
@login_required
def two_factor_verify(request):
    """The second step of a login: a code from the authenticator app or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not services.has_second_factor(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url})}")
    if services.is_locked_out(request, request.user):
        return _locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request, form.cleaned_data["otp_token"]):
            return redirect(next_url)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request)
        form.add_error("otp_token", WRONG_CODE)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request):
    """Enrolment on first login: scan the QR code (or type the key), confirm with a code, and
    keep the recovery codes shown once."""
    next_url = _next_url(request)
    if services.has_second_factor(request.user):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
    device = services.start_totp_enrolment(request.user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrolment(
            request, device, services.normalise_code(form.cleaned_data["otp_token"])
        )
        if codes is not None:
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": next_url, "first_time": True},
            )
        form.add_error("otp_token", WRONG_CODE)
    secret = services.readable_key(device)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": secret,
            "qr": qr_svg(device.config_url, title=_("QR code for your authenticator app")),
        },
    )


@never_cache
@officer_required
def recovery_codes(request):
    """How many recovery codes are left, and new ones on request (the old ones stop working)."""
    if request.method == "POST":
        codes = services.regenerate_recovery_codes(request.user)
        return render(request, "registration/recovery_codes.html", {"codes": codes})
    return render(
        request,
        "registration/recovery_codes_left.html",
        {"left": services.recovery_codes_left(request.user), "tab": "account"},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: this session stays, every other session of the user ends."""

    template_name = "registration/password_change.html"
    extra_context = {"tab": "account"}

    def get_success_url(self):
        return reverse("officer:inbox")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password has been changed. Other sessions have been logged out.")
        )
        return response


password_change = officer_required(never_cache(PasswordChangeView.as_view()))


@officer_required
def login_log(request):
    """Failed logins, lockouts and successful logins of this organisation's staff, for the FG."""
    if not request.user.has_perm("organisations.view_login_log"):
        raise PermissionDenied
    usernames = StaffMembership.objects.filter(
        organisation_id=request.user.membership.organisation_id
    ).values("user__username")
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    # the failure counts that still count: the same sum django-axes locks on (per username)
    current = {}
    for row in AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since).values(
        "username", "failures_since_start", "attempt_time"
    ):
        entry = current.setdefault(
            row["username"], {"username": row["username"], "failures": 0, "last": None}
        )
        entry["failures"] += row["failures_since_start"]
        entry["last"] = max(filter(None, [entry["last"], row["attempt_time"]]))
    for entry in current.values():
        entry["locked"] = entry["failures"] >= settings.AXES_FAILURE_LIMIT
    return render(
        request,
        "officer/login_log.html",
        {
            "tab": "login_log",
            "current": sorted(current.values(), key=lambda e: e["username"]),
            "failures": AccessFailureLog.objects.filter(username__in=usernames).order_by(
                "-attempt_time"
            )[:LOG_ROWS],
            "logins": AccessLog.objects.filter(username__in=usernames).order_by("-attempt_time")[
                :LOG_ROWS
            ],
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
