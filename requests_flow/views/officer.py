"""Officer pages: inbox, queue, case page, task pages, documents.

Every lookup goes through `Case.objects.visible_to` / `tasks_visible_to`, so a case of another
organisation answers 404 (its existence does not leak) and staff of the same organisation without
the permission get 403 (DESIGN.md rule 8).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from viewflow.workflow import chart
from viewflow.workflow.flow import View as ViewNode
from viewflow.workflow.status import STATUS

from accounts.services import second_factor_redirect
from organisations.models import SourceSystem
from requests_flow import deadlines, services
from requests_flow.constants import READ_ACTIONS, InformationStatus, ItemGround, Right
from requests_flow.models import (
    Case,
    CaseDocument,
    IdDocumentCopy,
    RecipientNotification,
    Restriction,
    tasks_visible_to,
)
from requests_flow.services.forwarding import ROUTABLE_STATUSES
from requests_flow.services.identity import may_view_id_copy

PAGE_SIZE = 50
READS_SHOWN = 20
CASE_SELECT = ("process__caseprocess__case__request", "process__caseprocess__case__organisation")


def officer_required(view):
    """Logged-in staff of an organisation who passed the second factor; anyone else logged in
    gets 404, not a hint. Staff without a verified second factor are sent to enrol or to enter a
    code (accounts app), so no officer page opens on a password alone."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request.user, "membership", None) is None:
            raise Http404
        second_factor = second_factor_redirect(request)
        if second_factor is not None:
            return second_factor
        return view(request, *args, **kwargs)

    return wrapper


def _human_tasks(user):
    return tasks_visible_to(user).filter(flow_task_type="HUMAN").select_related(*CASE_SELECT)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _name_fan_out_tasks(tasks) -> None:
    """Give each task what it is about when a case has several of its kind at once
    (the system of an execution, the recipient of an AVG 19 notification), so that lists and
    task pages tell them apart: at most one query per kind, however many tasks."""
    tasks = list(tasks)
    system_ids = {t.data["system_id"] for t in tasks if "system_id" in (t.data or {})}
    notification_ids = {
        t.data["notification_id"] for t in tasks if "notification_id" in (t.data or {})
    }
    systems = (
        dict(SourceSystem.objects.filter(pk__in=system_ids).values_list("pk", "name"))
        if system_ids
        else {}
    )
    recipients = (
        dict(
            RecipientNotification.objects.filter(pk__in=notification_ids).values_list(
                "pk", "recipient"
            )
        )
        if notification_ids
        else {}
    )
    for task in tasks:
        data = task.data or {}
        task.about = systems.get(data.get("system_id")) or recipients.get(
            data.get("notification_id"), ""
        )


@officer_required
def inbox(request):
    """Tasks assigned to me."""
    tasks = _human_tasks(request.user).filter(status=STATUS.ASSIGNED, owner=request.user)
    tasks = tasks.order_by("process__caseprocess__case__legal_due_on", "pk")
    page = _page(request, tasks)
    _name_fan_out_tasks(page.object_list)
    return render(request, "officer/task_list.html", {"page": page, "tab": "inbox"})


@officer_required
def queue(request):
    """Open tasks that I may take: my permissions, my organisation, not my own drafts."""
    permissions = request.user.get_all_permissions()
    tasks = (
        _human_tasks(request.user)
        .filter(status=STATUS.NEW, owner_permission__in=permissions)
        .exclude(
            Q(owner_permission="requests_flow.approve_decision")
            & Q(process__caseprocess__case__drafted_by=request.user)
        )
        .order_by("process__caseprocess__case__legal_due_on", "pk")
    )
    if "requests_flow.execute_change" in permissions:
        tasks = tasks.exclude(
            Q(owner_permission="requests_flow.execute_change")
            & ~Q(data__system_id__in=_systems_for(request.user))
        )
    page = _page(request, tasks)
    _name_fan_out_tasks(page.object_list)
    return render(request, "officer/task_list.html", {"page": page, "tab": "queue"})


def _systems_for(user) -> list[int]:
    """The systems whose execution tasks `user` may take: those they own, and those of their
    organisation that have no owner yet."""
    return list(
        SourceSystem.objects.filter(organisation_id=user.membership.organisation_id)
        .filter(Q(owners=user) | Q(owners=None))
        .values_list("pk", flat=True)
        .distinct()
    )


def _case_for(request, pk):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("request", "organisation"), pk=pk
    )
    if not request.user.has_perm("requests_flow.view_case"):
        raise PermissionDenied
    return case


@officer_required
def case_detail(request, pk):
    case = _case_for(request, pk)
    services.log_case_view(case=case, actor=request.user)
    tasks = (
        case.process.task_set.filter(flow_task_type="HUMAN")
        .select_related("owner")
        .order_by("created", "pk")
    )
    information_requests = list(case.information_requests.all())
    context = {
        "case": case,
        "live_deadlines": deadlines.case_deadlines(case),
        "information_requests": information_requests,
        "open_information_request": next(
            (i for i in information_requests if i.status == InformationStatus.OPEN), None
        ),
        "extension": getattr(case, "extension", None),
        "notices": case.notices_of_default.all(),
        "request_obj": case.request,
        "tasks": tasks,
        "documents": case.documents.all(),
        "id_copies_waiting": case.id_copies.count(),
        "findings": case.findings.all(),
        "answer": getattr(case, "access_answer", None),
        "items": case.items.select_related("activity"),
        "executions": case.executions.select_related("system", "done_by"),
        "notifications": case.notifications.all(),
        "restriction": Restriction.objects.filter(case=case).first(),
        "can_offer_access": case.right == Right.PORTABILITY
        and case.items.filter(legal_ground=ItemGround.PUBLIC_TASK_PORTABILITY).exists()
        and not case.linked_cases.filter(right=Right.ACCESS).exists()
        and request.user.has_perm("requests_flow.assess_request"),
        "forwardings": case.forwardings.select_related("letter", "notice"),
        "siblings": case.request.cases.exclude(pk=case.pk).order_by("pk"),
        "can_route": case.status in ROUTABLE_STATUSES
        and not case.is_paused
        and request.user.has_perm("requests_flow.assess_request"),
        "audit_entries": case.request.audit_entries.filter(Q(case=case) | Q(case__isnull=True))
        .exclude(action__in=READ_ACTIONS)
        .select_related("actor")
        .order_by("created", "pk"),
        "reads": case.audit_entries.filter(action__in=READ_ACTIONS)
        .select_related("actor")
        .order_by("-created", "-pk")[:READS_SHOWN],
    }
    return render(request, "officer/case_detail.html", context)


@officer_required
def case_chart(request, pk):
    """The case's flow chart as SVG, with the nodes it has passed marked."""
    case = _case_for(request, pk)
    flow_class = case.process.flow_class
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, case.process.pk)
    return HttpResponse(chart.grid_to_svg(grid), content_type="image/svg+xml")


@officer_required
def document_download(request, pk):
    document = get_object_or_404(
        CaseDocument.objects.filter(case__in=Case.objects.visible_to(request.user)).select_related(
            "case__request"
        ),
        pk=pk,
    )
    if not request.user.has_perm("requests_flow.view_case"):
        raise PermissionDenied
    services.log_document_view(document=document, actor=request.user)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type,
    )


@officer_required
def id_copy_view(request, pk):
    """A masked ID copy, shown only to the officer who holds the identity check (LEGAL.md 2.2):
    decrypted in memory, never cached, never offered as a download."""
    copy = get_object_or_404(
        IdDocumentCopy.objects.filter(
            case__in=Case.objects.visible_to(request.user)
        ).select_related("case__request", "case__organisation"),
        pk=pk,
    )
    if not may_view_id_copy(request.user, copy.case):
        raise PermissionDenied
    content = services.view_id_copy(copy=copy, actor=request.user)
    response = HttpResponse(content, content_type=copy.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store, private"
    return response


@officer_required
def document_mark_id(request, pk):
    """An officer marks a document the requester sent as an ID document: it moves into the
    protected store, under the same deletion rule (LEGAL.md 2.2)."""
    # scoped before the method check: other organisations get 404 for GET too
    document = get_object_or_404(
        CaseDocument.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=pk
    )
    if not request.user.has_perm("requests_flow.verify_identity"):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.mark_as_id_document(document=document, actor=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was moved to the protected store for ID copies."))
    return redirect("officer:case", document.case_id)


def _task_for(request, task_pk):
    task = get_object_or_404(_human_tasks(request.user), pk=task_pk)
    if not isinstance(task.flow_task, ViewNode):
        raise Http404
    if not request.user.has_perm(task.owner_permission):
        raise PermissionDenied
    return task


@officer_required
def task_entry(request, task_pk):
    """A task's page: its form when it is mine, else who has it or a button to take it."""
    task = _task_for(request, task_pk)
    flow_task = task.flow_task
    case = task.process.caseprocess.case
    if request.method == "GET":
        # the task page shows the case's summary: a read of its personal data
        services.log_case_view(case=case, actor=request.user, details=flow_task.task_title)
    if task.status == STATUS.ASSIGNED and task.owner_id == request.user.pk:
        return flow_task.view(request, task=task)
    context = {
        "task": task,
        "case": case,
        "can_assign": task.status == STATUS.NEW and flow_task.can_assign(request.user, task),
    }
    if task.status == STATUS.NEW and not context["can_assign"]:
        # the four-eyes rule: someone with the permission who may still not take this task
        raise PermissionDenied
    _name_fan_out_tasks([task])
    return render(request, "officer/task_take.html", context)


@officer_required
def task_assign(request, task_pk):
    # scoped before the method check: other organisations get 404 for GET too (DESIGN.md,
    # Benchmarks and matrices)
    task = _task_for(request, task_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if task.status != STATUS.NEW or not task.flow_task.can_assign(request.user, task):
        messages.error(request, _("This task can no longer be taken."))
        return redirect("officer:case", task.process.caseprocess.case.pk)
    services.assign_task(task=task, actor=request.user)
    return redirect("officer:task", task.pk)


@officer_required
def register_request(request):
    """Register a request received by post, at the desk, by phone or by e-mail."""
    from requests_flow.flows import FLOW_FOR_RIGHT
    from requests_flow.forms import RegisterRequestForm

    if not request.user.has_perm("requests_flow.register_request"):
        raise PermissionDenied
    organisation = request.user.membership.organisation
    form = RegisterRequestForm(
        request.POST or None,
        available_rights=list(FLOW_FOR_RIGHT),
        initial={"language": "nl", "relation": "client", "channel": "post"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            request_obj = services.register_request(
                organisation=organisation,
                actor=request.user,
                channel=data["channel"],
                received_on=data["received_on"],
                rights=data["rights"],
                requester=services.Requester(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    address=data["address"],
                    postal_code=data["postal_code"],
                    city=data["city"],
                    relation=data["relation"],
                ),
                description=data["description"],
                language=data["language"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Request %(reference)s registered.") % {"reference": request_obj.reference},
            )
            return redirect("officer:case", request_obj.cases.order_by("pk").first().pk)
    return render(request, "officer/register_request.html", {"form": form, "tab": "register"})


@officer_required
def offer_access(request, pk):
    """AVG 20(3): portability refused for a public task; one click starts the inzage case for
    the same person, linked, with the original receipt date (LEGAL.md 4.6). POST only; the
    scope and permission are checked first, so a GET tells nobody more than a POST would."""
    case = _case_for(request, pk)
    if not request.user.has_perm("requests_flow.assess_request"):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        access = services.start_linked_access_case(case=case, actor=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("officer:case", case.pk)
    messages.success(request, _("Access case started for the same person."))
    return redirect("officer:case", access.pk)
