"""The FG's report page, its CSV export and the yearly PDF report.

Only staff with `reports.view_reports` of the organisation see its figures; every figure is one
aggregate query over the organisation's cases (reports.figures).
"""

import csv
import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports import charts, figures
from reports.forms import PeriodForm
from requests_flow.constants import Channel, RefusalGround, Right
from requests_flow.views.officer import officer_required


def _organisation(request):
    if not request.user.has_perm("reports.view_reports"):
        raise PermissionDenied
    return request.user.membership.organisation


def _period(request):
    """The period asked for, or this year up to today."""
    today = timezone.localdate()
    default = {"start": datetime.date(today.year, 1, 1), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"], today
    return form, default["start"], default["end"], today


def _labels():
    refusal = {g.value: g.label for g in RefusalGround}
    refusal["other"] = _("Other or no ground recorded")
    return {
        "right": {r.value: r.label for r in Right},
        "channel": {c.value: c.label for c in Channel},
        "refusal": refusal,
    }


def sections(result: figures.Figures) -> list[dict]:
    """The report's sections: a title, table rows (label, value) and a chart of the same rows."""
    labels = _labels()
    ages = [(_("%(band)s days") % {"band": key}, n) for key, n in result.open_by_age.items()]
    timeliness = [
        (_("Decided"), result.decided),
        (_("Within the internal target"), result.within_internal),
        (_("Within the legal deadline (D1)"), result.within_legal),
    ]
    routing = [
        (_("Extended (art. 12(3) GDPR)"), result.extended),
        (_("Paused for information"), result.paused),
        (_("Forwarded to another controller"), result.forwarded),
        (_("Transferred within the controller"), result.transferred),
        (_("Withdrawn"), result.withdrawn),
    ]
    parts = [
        (
            "rights",
            _("Requests per right"),
            [(labels["right"][k], n) for k, n in result.per_right.items()],
        ),
        (
            "channels",
            _("Requests per channel"),
            [(labels["channel"][k], n) for k, n in result.per_channel.items()],
        ),
        ("timeliness", _("Answered in time"), timeliness),
        ("clock", _("Extensions, pauses, forwards and transfers"), routing),
        (
            "refusals",
            _("Refusals per ground"),
            [(labels["refusal"][k], n) for k, n in result.refusals.items()],
        ),
        ("age", _("Open cases by age (today)"), ages),
    ]
    out = []
    for key, title, rows in parts:
        out.append(
            {
                "key": key,
                "title": title,
                "rows": rows,
                # our own SVG from numbers and escaped labels (reports/charts.py)
                "chart": mark_safe(charts.bar_chart(rows)),  # noqa: S308  # nosec B308 B703
            }
        )
    return out


def _context(request):
    organisation = _organisation(request)
    form, start, end, today = _period(request)
    result = figures.compute(organisation, start, end, today)
    return {
        "organisation": organisation,
        "form": form,
        "figures": result,
        "sections": sections(result),
        "query": f"start={start.isoformat()}&end={end.isoformat()}",
        "tab": "reports",
    }


@officer_required
def report(request):
    return render(request, "reports/report.html", _context(request))


@officer_required
def report_csv(request):
    context = _context(request)
    result = context["figures"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"avg-report-{result.start.isoformat()}-{result.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["organisation", "figure", "key", "value"])
    for figure, key, value in figures.csv_rows(result):
        writer.writerow([context["organisation"].slug, figure, key, value])
    return response


@officer_required
def yearly_pdf(request, year):
    """The yearly report the FG hands to the board: the same figures for one calendar year, as
    an archival PDF."""
    from requests_flow.letters import render_pdf

    organisation = _organisation(request)
    today = timezone.localdate()
    start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    if start > today:
        raise PermissionDenied
    result = figures.compute(organisation, start, end, today)
    pdf = render_pdf(
        "reports/yearly.html",
        {
            "org": organisation,
            "year": year,
            "figures": result,
            "sections": sections(result),
            "today": today,
            "lang": request.LANGUAGE_CODE,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="avg-jaarverslag-{year}.pdf"'
    return response
