"""Public pages for requesters: the form, its confirmation, e-mail confirmation, the answer.

No account is needed: what a requester may see is reached through signed, expiring links
(requests_flow.links). None of these pages needs JavaScript.
"""

from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from requests_flow import links, services
from requests_flow.constants import InformationStatus
from requests_flow.flows import FLOW_FOR_RIGHT
from requests_flow.forms import ReplyForm, RequestForm
from requests_flow.models import Case, InformationRequest, Request

SUBMITTED_SALT = "avgflow.submitted"


def home(request):
    organisations = Organisation.objects.order_by("name")
    return render(request, "public/home.html", {"organisations": organisations})


@require_http_methods(["GET", "POST"])
def request_form(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    available = list(FLOW_FOR_RIGHT)
    if request.method == "POST":
        form = RequestForm(request.POST, available_rights=available)
        if form.is_valid():
            data = form.cleaned_data
            request_obj = services.submit_request(
                organisation=organisation,
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
                idempotency_key=data["idempotency_key"],
            )
            token = signing.dumps(request_obj.pk, salt=SUBMITTED_SALT)
            return redirect("public:submitted", token=token)
    else:
        form = RequestForm(
            available_rights=available, initial={"language": translation.get_language()[:2]}
        )
    return render(request, "public/request_form.html", {"form": form, "organisation": organisation})


def submitted(request, token):
    try:
        pk = signing.loads(token, salt=SUBMITTED_SALT, max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise Http404 from exc
    request_obj = get_object_or_404(Request.objects.select_related("organisation"), pk=pk)
    cases = request_obj.cases.order_by("pk")
    return render(
        request,
        "public/submitted.html",
        {"request_obj": request_obj, "cases": cases, "organisation": request_obj.organisation},
    )


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """GET shows a button; only the POST confirms, so that mail scanners that open links do not
    confirm an address on the requester's behalf."""
    try:
        pk = links.read_confirm_token(token)
    except signing.SignatureExpired:
        return render(request, "public/link_invalid.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "public/link_invalid.html", {"expired": False}, status=404)
    request_obj = get_object_or_404(Request.objects.select_related("organisation"), pk=pk)
    context = {"request_obj": request_obj, "organisation": request_obj.organisation}
    if request.method == "POST":
        services.confirm_email(request_obj)
        request_obj.refresh_from_db()
        context["confirmed"] = True
    context["already"] = request_obj.email_confirmed_at is not None and request.method == "GET"
    return render(request, "public/confirm_email.html", context)


def _answer_case(token):
    try:
        pk = links.read_answer_token(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    return get_object_or_404(Case.objects.select_related("request", "organisation"), pk=pk)


def answer(request, token):
    case = _answer_case(token)
    documents = case.documents.filter(shared_with_requester=True).order_by("-kind", "pk")
    return render(
        request,
        "public/answer.html",
        {
            "case": case,
            "organisation": case.organisation,
            "documents": documents,
            "token": token,
        },
    )


def answer_document(request, token, document_pk):
    case = _answer_case(token)
    document = get_object_or_404(case.documents.filter(shared_with_requester=True), pk=document_pk)
    services.log_answer_download(case, document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type,
    )


@require_http_methods(["GET", "POST"])
def reply(request, token):
    """The requester answers an information request: a message and documents, while the reply
    term runs (LEGAL.md 1.5)."""
    try:
        pk = links.read_reply_token(token)
    except signing.BadSignature:
        return render(request, "public/link_invalid.html", {"expired": False}, status=404)
    info = get_object_or_404(
        InformationRequest.objects.select_related("case__request", "case__organisation"), pk=pk
    )
    context = {"info": info, "organisation": info.case.organisation, "case": info.case}
    if info.status != InformationStatus.OPEN or timezone.localdate() > info.reply_due_on:
        return render(request, "public/reply_closed.html", context, status=410)
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.receive_reply(
                    info_request=info,
                    text=form.cleaned_data["message"],
                    files=form.cleaned_data["files"],
                )
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "public/reply_received.html", context)
    else:
        form = ReplyForm()
    context["form"] = form
    return render(request, "public/reply.html", context)
