"""Pages of the records app: withdrawal (requester and officer), remedies and revised decisions,
incidents, the post queue and destruction runs.

Every lookup goes through `Case.objects.visible_to` or the user's own organisation: a case or
record of another organisation answers 404, staff of the same organisation without the
permission get 403, anonymous users go to the login page (DESIGN.md rule 8).
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from records import services
from records.constants import DestructionStatus, RemedyStatus
from records.forms import (
    CloseRemedyForm,
    DispatchForm,
    IncidentForm,
    RemedyForm,
    RevisedDecisionForm,
    WithdrawalForm,
)
from records.models import (
    DestructionRecord,
    DestructionRun,
    Incident,
    PostalBatch,
    Remedy,
)
from requests_flow import links
from requests_flow import services as flow_services
from requests_flow.constants import Outcome
from requests_flow.models import Case
from requests_flow.views.officer import officer_required


def _case(request, pk, permission):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("request", "organisation"), pk=pk
    )
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return case


def _organisation(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return request.user.membership.organisation


def _form_page(request, template, form, context, perform, success_url):
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except (services.RecordsError, flow_services.ServiceError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(success_url)
    return render(request, template, {**context, "form": form})


# --- withdrawal ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_withdraw(request, token):
    """The requester withdraws a case through a signed link (the status page links here). One
    button; no account, no JavaScript."""
    try:
        pk = links.read_withdrawal_token(token)
    except signing.BadSignature:
        return render(request, "public/link_invalid.html", {"expired": False}, status=404)
    case = get_object_or_404(Case.objects.select_related("request", "organisation"), pk=pk)
    context = {"case": case, "organisation": case.organisation}
    if case.outcome == Outcome.WITHDRAWN:
        return render(request, "records/public/withdrawn.html", context)
    if not case.is_open:
        return render(request, "records/public/withdraw_closed.html", context, status=410)
    if request.method == "POST":
        try:
            flow_services.withdraw_case(case=case)
        except flow_services.ServiceError as exc:
            context["error"] = str(exc)
        else:
            return redirect("records_public:withdraw", token=token)
    return render(request, "records/public/withdraw.html", context)


@officer_required
def record_withdrawal(request, pk):
    """An officer records a withdrawal received by mail, post, phone or at the desk."""
    case = _case(request, pk, "requests_flow.record_withdrawal")
    if not case.is_open:
        raise Http404

    def perform(data):
        flow_services.withdraw_case(
            case=case,
            actor=request.user,
            channel=data["channel"],
            received_on=data["received_on"],
            note=data["note"],
        )
        messages.success(request, _("The request is withdrawn; the confirmation is on its way."))

    return _form_page(
        request,
        "records/withdrawal.html",
        WithdrawalForm(request.POST or None),
        {"case": case},
        perform,
        case_url(case),
    )


def case_url(case):
    return reverse("officer:case", args=[case.pk])


# --- remedies -----------------------------------------------------------------------------------


@officer_required
def remedies(request, pk):
    """The remedies against a case's decision, and the form to register one."""
    case = _case(request, pk, "records.register_remedy")
    form = RemedyForm(request.POST or None, kinds=services.remedy_kinds(case.organisation))

    def perform(data):
        services.register_remedy(
            case=case,
            actor=request.user,
            kind=data["kind"],
            received_on=data["received_on"],
            summary=data["summary"],
        )
        messages.success(request, _("Remedy registered; the dossier is on hold."))

    return _form_page(
        request,
        "records/remedies.html",
        form,
        {
            "case": case,
            "remedies": case.remedies.select_related("revised__letter").order_by("pk"),
            "can_register": not case.is_open and case.decision_sent_on,
        },
        perform,
        reverse("records:remedies", args=[case.pk]),
    )


def _remedy(request, pk):
    remedy = get_object_or_404(
        Remedy.objects.filter(case__in=Case.objects.visible_to(request.user)).select_related(
            "case__request", "case__organisation"
        ),
        pk=pk,
    )
    if not request.user.has_perm("records.register_remedy"):
        raise PermissionDenied
    return remedy


@officer_required
def reconsider(request, pk):
    remedy = _remedy(request, pk)
    if request.method != "POST":  # after the lookup: another organisation's remedy is a 404
        return HttpResponseNotAllowed(["POST"])
    try:
        services.start_reconsideration(remedy=remedy, actor=request.user)
    except services.RecordsError as exc:
        messages.error(request, str(exc))
    else:
        return redirect("records:revise", remedy.pk)
    return redirect("records:remedies", remedy.case_id)


@officer_required
def revise(request, pk):
    """The revised decision after reconsideration; its letter goes out in the same step."""
    remedy = _remedy(request, pk)
    if remedy.status != RemedyStatus.RECONSIDERING:
        return redirect("records:remedies", remedy.case_id)

    def perform(data):
        services.issue_revised_decision(
            remedy=remedy,
            actor=request.user,
            outcome=data["outcome"],
            reasons=data["reasons"],
            refusal_ground=data["refusal_ground"],
        )
        messages.success(request, _("The revised decision has been sent."))

    return _form_page(
        request,
        "records/revise.html",
        RevisedDecisionForm(request.POST or None),
        {"remedy": remedy, "case": remedy.case},
        perform,
        reverse("records:remedies", args=[remedy.case_id]),
    )


@officer_required
def close_remedy(request, pk):
    remedy = _remedy(request, pk)
    if remedy.status == RemedyStatus.CLOSED:
        return redirect("records:remedies", remedy.case_id)

    def perform(data):
        services.close_remedy(remedy=remedy, actor=request.user, note=data["note"])
        messages.success(request, _("The remedy is closed; its hold on the dossier is lifted."))

    return _form_page(
        request,
        "records/close_remedy.html",
        CloseRemedyForm(request.POST or None),
        {"remedy": remedy, "case": remedy.case},
        perform,
        reverse("records:remedies", args=[remedy.case_id]),
    )


# --- incidents ----------------------------------------------------------------------------------


@officer_required
def record_incident(request, pk):
    case = _case(request, pk, "records.record_incident")

    def perform(data):
        services.record_incident(case=case, actor=request.user, **data)
        messages.success(request, _("Incident recorded; the FG has been alerted."))

    return _form_page(
        request,
        "records/incident_form.html",
        IncidentForm(request.POST or None),
        {"case": case},
        perform,
        case_url(case),
    )


INCIDENT_CSV_COLUMNS = (
    ("reference", "reference"),
    ("occurred_on", "occurred_on"),
    ("noticed_on", "noticed_on"),
    ("noticed_by", "noticed_by"),
    ("what", "what"),
    ("measures", "measures"),
    ("recorded_by", "recorded_by__username"),
    ("recorded_at", "created"),
)


def _incidents(request):
    organisation = _organisation(request, "records.view_incidents")
    return Incident.objects.filter(organisation=organisation)


@officer_required
def incidents(request):
    """The FG's incident list for the breach register (AVG 33(5))."""
    rows = _incidents(request).select_related("recorded_by", "case")
    return render(request, "records/incidents.html", {"incidents": rows, "tab": "incidents"})


@officer_required
def incidents_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    writer = csv.writer(response)
    writer.writerow([name for name, _field in INCIDENT_CSV_COLUMNS])
    for row in _incidents(request).values_list(*(f for _n, f in INCIDENT_CSV_COLUMNS)):
        writer.writerow([_csv_safe(value) for value in row])
    return response


def _csv_safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- post ---------------------------------------------------------------------------------------


@officer_required
def post_queue(request):
    """Letters for requesters without an e-mail address, and the batches printed so far."""
    organisation = _organisation(request, "records.dispatch_post")
    if request.method == "POST":
        try:
            batch = services.create_postal_batch(organisation=organisation, actor=request.user)
        except services.RecordsError as exc:
            messages.error(request, str(exc))
            return redirect("records:post")
        messages.success(
            request, _("Batch made: download it, print it, post it, then record the date.")
        )
        return redirect(reverse("records:post") + f"#batch-{batch.pk}")
    queued = list(services.postal_queue(organisation))
    batches = (
        PostalBatch.objects.filter(organisation=organisation)
        .select_related("created_by", "dispatched_by")
        .prefetch_related("items")[:30]
    )
    return render(
        request,
        "records/post.html",
        {"queued": queued, "batches": batches, "tab": "post", "today": timezone.localdate()},
    )


def _own_organisation_object(request, queryset, pk, permission):
    """An object of the user's organisation (another organisation's: 404), then the
    permission (403), so an object's existence never leaks (DESIGN rule 8)."""
    organisation = request.user.membership.organisation
    obj = get_object_or_404(queryset.filter(organisation=organisation), pk=pk)
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return obj


def _batch(request, pk):
    return _own_organisation_object(request, PostalBatch.objects, pk, "records.dispatch_post")


@officer_required
def post_batch_pdf(request, pk):
    batch = _batch(request, pk)
    response = HttpResponse(services.batch_pdf(batch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="post-{batch.pk}.pdf"'
    return response


@officer_required
def post_dispatch(request, pk):
    batch = _batch(request, pk)

    def perform(data):
        count = services.record_dispatch(
            batch=batch, actor=request.user, dispatched_on=data["dispatched_on"]
        )
        messages.success(request, _("%(count)s letters recorded as posted.") % {"count": count})

    return _form_page(
        request,
        "records/post_dispatch.html",
        DispatchForm(request.POST or None),
        {"batch": batch, "tab": "post"},
        perform,
        reverse("records:post"),
    )


# --- destruction --------------------------------------------------------------------------------


@officer_required
def destruction_runs(request):
    organisation = _organisation(request, "records.view_destruction")
    runs = DestructionRun.objects.filter(organisation=organisation).select_related("decided_by")
    records = DestructionRecord.objects.filter(organisation=organisation).select_related(
        "approved_by"
    )[:200]
    return render(
        request,
        "records/destruction_runs.html",
        {"runs": runs[:50], "records": records, "organisation": organisation, "tab": "retention"},
    )


@officer_required
def destruction_run(request, pk):
    """A run's page: the proposed dossiers, the approval, and the progress of the destruction."""
    run = _own_organisation_object(
        request,
        DestructionRun.objects.select_related("decided_by"),
        pk,
        "records.view_destruction",
    )
    if request.method == "POST":
        if not request.user.has_perm("records.approve_destruction"):
            raise PermissionDenied
        approve = request.POST.get("decision") == "approve"
        try:
            run = services.decide_destruction_run(run=run, actor=request.user, approve=approve)
        except services.RecordsError as exc:
            messages.error(request, str(exc))
        else:
            if approve:
                transaction.on_commit(lambda: start_destruction(run.pk))
                messages.success(request, _("Approved: the dossiers are being destroyed."))
            else:
                messages.success(request, _("The run is rejected; nothing is destroyed."))
        return redirect("records:destruction_run", run.pk)
    candidates = run.candidates.order_by("pk")[:500]
    return render(
        request,
        "records/destruction_run.html",
        {
            "run": run,
            "candidates": candidates,
            "can_approve": request.user.has_perm("records.approve_destruction")
            and run.status == DestructionStatus.PROPOSED,
            "running": run.status == DestructionStatus.APPROVED,
            "tab": "retention",
        },
    )


def start_destruction(run_pk: int) -> None:
    """With Celery, a worker destroys the run and the page shows its progress; in the embedded
    default it runs here, after the approval's commit."""
    if settings.BACKGROUND_MODE == "celery":
        from records.tasks import destroy_run

        destroy_run.delay(run_pk)
    else:
        services.destroy_run(DestructionRun.objects.get(pk=run_pk))
