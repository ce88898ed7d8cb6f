"""Officer pages for the legal clock: extension, notice of default, decreed days, dashboard."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_flow import services
from requests_flow.constants import InformationStatus, Right
from requests_flow.forms import DecreedDayForm, ExtensionForm, NoticeOfDefaultForm
from requests_flow.models import Case, DecreedDay, InformationRequest
from requests_flow.views.officer import officer_required

BAND_LIMIT = 50


def _clock_case(request, pk):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("request", "organisation"), pk=pk
    )
    if not request.user.has_perm("requests_flow.manage_clock"):
        raise PermissionDenied
    return case


def _case_action(request, pk, make_form, template, perform):
    case = _clock_case(request, pk)
    form = make_form(request.POST or None, case)
    if request.method == "POST" and form.is_valid():
        try:
            perform(case, form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("officer:case", case.pk)
    return render(request, template, {"case": case, "form": form})


@officer_required
def extend(request, pk):
    """Extend the deadline once (AVG 12(3)); the notice letter goes out in the same step."""

    def perform(case, data):
        extension = services.extend_deadline(
            case=case, actor=request.user, reason=data["reason"], explanation=data["explanation"]
        )
        messages.success(
            request,
            _("Deadline extended to %(date)s; the notice is on its way.")
            % {"date": extension.legal_due_after.strftime("%d-%m-%Y")},
        )

    return _case_action(
        request, pk, lambda data, case: ExtensionForm(data), "officer/case_extend.html", perform
    )


@officer_required
def notice_of_default(request, pk):
    """Record a notice of default (Awb 4:17); the FG is alerted at once."""

    def perform(case, data):
        services.record_notice_of_default(
            case=case, actor=request.user, received_on=data["received_on"]
        )
        messages.success(request, _("Notice of default recorded; the FG has been alerted."))

    return _case_action(
        request,
        pk,
        lambda data, case: NoticeOfDefaultForm(data, case=case),
        "officer/case_notice_of_default.html",
        perform,
    )


@officer_required
def decreed_days(request):
    """The national table of days decreed equal to public holidays (Atw 3(3)); the FG adds a
    newly published decree, which re-computes every open case."""
    can_manage = request.user.has_perm("requests_flow.manage_decreed_days")
    form = DecreedDayForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_decreed_day(
                    actor=request.user,
                    date=form.cleaned_data["date"],
                    reference=form.cleaned_data["reference"],
                )
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Day added; the deadlines of open cases are updated."))
                return redirect("officer:decreed_days")
    return render(
        request,
        "officer/decreed_days.html",
        {"days": DecreedDay.objects.all(), "form": form, "can_manage": can_manage, "tab": "admin"},
    )


@officer_required
def dashboard(request):
    """Open cases by deadline band, paused cases, cases near D1 without extension, and counts
    per right: one indexed query per band, whatever the number of cases."""
    if not request.user.has_perm("requests_flow.view_case"):
        raise PermissionDenied
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=7)
    running = (
        Case.objects.visible_to(request.user)
        .open()
        .filter(is_paused=False)
        .select_related("request")
        .only("pk", "right", "status", "internal_due_on", "legal_due_on", "request__reference")
    )
    bands = [
        (
            "overdue",
            _("Overdue"),
            running.filter(legal_due_on__lt=today).order_by("legal_due_on", "pk"),
        ),
        (
            "week",
            _("Due this week"),
            running.filter(legal_due_on__gte=today, legal_due_on__lte=week_end).order_by(
                "legal_due_on", "pk"
            ),
        ),
        (
            "near_d1",
            _("Near the legal deadline without extension"),
            running.filter(
                legal_due_on__gte=today, legal_due_on__lte=week_end, extension__isnull=True
            ).order_by("legal_due_on", "pk"),
        ),
        (
            "later",
            _("Later"),
            running.filter(legal_due_on__gt=week_end).order_by("legal_due_on", "pk"),
        ),
    ]
    band_rows = [(key, title, list(qs[:BAND_LIMIT])) for key, title, qs in bands]
    paused = list(
        InformationRequest.objects.filter(
            status=InformationStatus.OPEN,
            case__in=Case.objects.visible_to(request.user).open(),
        )
        .select_related("case__request")
        .order_by("reply_due_on", "pk")[:BAND_LIMIT]
    )
    counts = (
        Case.objects.visible_to(request.user)
        .open()
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(is_paused=False, legal_due_on__lt=today)),
            week=Count(
                "pk",
                filter=Q(is_paused=False, legal_due_on__gte=today, legal_due_on__lte=week_end),
            ),
            paused=Count("pk", filter=Q(is_paused=True)),
            **{f"right_{r.value}": Count("pk", filter=Q(right=r.value)) for r in Right},
        )
    )
    per_right = [(r.label, counts[f"right_{r.value}"]) for r in Right]
    return render(
        request,
        "officer/dashboard.html",
        {
            "bands": band_rows,
            "paused": paused,
            "counts": counts,
            "per_right": per_right,
            "today": today,
            "band_limit": BAND_LIMIT,
            "tab": "dashboard",
        },
    )
