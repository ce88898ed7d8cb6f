"""Public pages for requesters: the form, its confirmation, e-mail confirmation, the answer.

No account is needed: what a requester may see is reached through signed, expiring links
(requests_flow.links). None of these pages needs JavaScript.
"""

import re
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from config.compiled_sql import CompiledQuery
from organisations.models import Organisation
from organisations.services import logo_content_type
from requests_flow import deadlines, links, services
from requests_flow.constants import InformationStatus, Right
from requests_flow.flows import FLOW_FOR_RIGHT
from requests_flow.forms import IdCopyReplyForm, NewLinkForm, RequestForm, reply_form_class
from requests_flow.item_forms import RightDetailsForm
from requests_flow.models import Case, CaseDocument, DocumentKind, InformationRequest, Request

SUBMITTED_SALT = "avgflow.submitted"


def rate_limited(group: str, rate_setting: str, methods=ALL):
    """Limit a public page per client address (config.client_ip, behind trusted proxies) to the
    rate in the named setting; over it, a plain 429 page that shows nothing of any request."""

    def rate(_group, _request):
        return getattr(settings, rate_setting)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if is_ratelimited(
                request, group=group, key="ip", rate=rate, method=methods, increment=True
            ):
                response = render(request, "public/rate_limited.html", status=429)
                response["Retry-After"] = "600"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# What each right means for the requester, in plain words (LEGAL.md 5.6: B1), for the form's
# introduction: the label is what the form's checkbox says, the text what it comes down to.
RIGHT_EXPLANATIONS = {
    Right.ACCESS: _(
        "You see which personal data we have about you, what we use them for and who we give "
        "them to. You get a copy of your data."
    ),
    Right.RECTIFICATION: _(
        "Something we have about you is wrong or incomplete. We correct it, and we tell the "
        "organisations we gave it to."
    ),
    Right.ERASURE: _(
        "We delete your data, for example when we no longer need them. Sometimes the law says "
        "that we must keep data. Then we explain why."
    ),
    Right.RESTRICTION: _(
        "We keep your data, but we do not use them for a while. For example while we check "
        "whether they are correct. Before we use them again, we tell you."
    ),
    Right.OBJECTION: _(
        "You do not want us to use your data for a certain purpose, because of your own "
        "situation. Then we stop, unless we have weighty reasons to go on. We explain those "
        "reasons to you."
    ),
    Right.PORTABILITY: _(
        "You get the data you gave us yourself in a file that a computer can read. You can take "
        "that file to another organisation. This is possible for data you gave us with your "
        "consent or for an agreement with us."
    ),
}


# compiled once per connection: every form and every submission asks it (config/compiled_sql.py)
_ORGANISATION_BY_SLUG = CompiledQuery(
    lambda slug: Organisation.objects.filter(slug=slug), slug=models.SlugField()
)


def _organisation_or_404(slug: str) -> Organisation:
    organisation = _ORGANISATION_BY_SLUG.get_or_none(slug=slug)
    if organisation is None:
        raise Http404("No organisation with this slug.")
    return organisation


def home(request):
    organisations = Organisation.objects.order_by("name")
    return render(request, "public/home.html", {"organisations": organisations})


@rate_limited("intake", "RATE_LIMIT_INTAKE", methods=["POST"])
@require_http_methods(["GET", "POST"])
def request_form(request, slug):
    organisation = _organisation_or_404(slug)
    available = offered_rights(organisation)
    if request.method == "POST" and available:
        form = RequestForm(request.POST, request.FILES, available_rights=available)
        # what the form asks per right (items, grounds, evidence; issue 3), built and checked
        # only for the rights ticked; a form that is re-shown asks about every right again
        ticked = form.cleaned_data["rights"] if form.is_valid() else []
        asked = [right for right in available if right in ticked]
        details = RightDetailsForm(
            request.POST, request.FILES, available_rights=asked, prefix="details"
        )
        valid = bool(ticked) and details.is_valid() and details.validate_for(ticked)
        if not valid:
            details = RightDetailsForm(
                request.POST, request.FILES, available_rights=available, prefix="details"
            )
            if ticked and details.is_valid():
                details.validate_for(ticked)
        if valid:
            data = form.cleaned_data
            own = services.Requester(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                address=data["address"],
                postal_code=data["postal_code"],
                city=data["city"],
                relation=data["relation"],
            )
            representative = None
            if data["representative_role"]:
                # LEGAL.md 2.3: the person filling in acts for the data subject
                representative = services.Representative(
                    role=data["representative_role"],
                    name=own.name,
                    email=own.email,
                    phone=own.phone,
                    address=own.address,
                    postal_code=own.postal_code,
                    city=own.city,
                )
                own = services.Requester(
                    name=data["subject_name"],
                    email=data["subject_email"],
                    address=data["subject_address"],
                    postal_code=data["subject_postal_code"],
                    city=data["subject_city"],
                    relation=data["relation"],
                )
            per_right = {right: details.details_for(right) for right in data["rights"]}
            per_right = {right: kw for right, kw in per_right.items() if any(kw.values())}
            request_obj = services.submit_request(
                organisation=organisation,
                rights=data["rights"],
                requester=own,
                description=data["description"],
                language=data["language"],
                idempotency_key=data["idempotency_key"],
                representative=representative,
                authority_evidence=data["authority_files"],
                details=per_right,
            )
            token = signing.dumps(request_obj.pk, salt=SUBMITTED_SALT)
            return redirect("public:submitted", token=token)
    else:
        form = RequestForm(
            available_rights=available, initial={"language": translation.get_language()[:2]}
        )
        details = RightDetailsForm(available_rights=available, prefix="details")
    return render(
        request,
        "public/request_form.html",
        {
            "form": form,
            "details": details,
            "organisation": organisation,
            "available": available,
            "rights_explained": [(Right(r).label, RIGHT_EXPLANATIONS[r]) for r in available],
        },
    )


def offered_rights(organisation) -> list[str]:
    """The rights the organisation offers on its form that also have a flow, in flow order."""
    return [right for right in FLOW_FOR_RIGHT if right in (organisation.offered_rights or [])]


_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def brand_stylesheet(request, slug):
    """The organisation's colours as a stylesheet: branding without inline styles, so a strict
    Content-Security-Policy (no 'unsafe-inline') holds on the public pages."""
    organisation = _organisation_or_404(slug)
    colour = organisation.brand_colour if _HEX.fullmatch(organisation.brand_colour or "") else ""
    css = f":root {{ --brand: {colour}; }}\n" if colour else ""
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def logo(request, slug):
    """The organisation's logo, checked by content on upload (PNG or a plain SVG). Served so
    that an SVG can never run as a document: sandboxed, no scripts, no sniffing."""
    organisation = _organisation_or_404(slug)
    content_type = logo_content_type(organisation)
    if not content_type:
        raise Http404
    response = FileResponse(organisation.logo.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


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


def documents_for_requester(case):
    """What the requester may download: the letters we sent, and the rest of the answer (the
    extracts) only once the decision has gone out, never a draft awaiting approval."""
    documents = case.documents.filter(shared_with_requester=True)
    if case.is_open:
        documents = documents.filter(kind=DocumentKind.LETTER)
    return documents.order_by("-kind", "pk")


@rate_limited("status", "RATE_LIMIT_STATUS")
def answer(request, token):
    case = _answer_case(token)
    documents = documents_for_requester(case)
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


@rate_limited("status", "RATE_LIMIT_STATUS")
def answer_document(request, token, document_pk):
    case = _answer_case(token)
    document = get_object_or_404(documents_for_requester(case), pk=document_pk)
    return _download(case, document)


def _download(case, document: CaseDocument):
    services.log_answer_download(case, document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type,
    )


def _send_reply(info, form) -> None:
    """Hand a valid reply form to the service; a masked ID copy goes to the protected store."""
    data = form.cleaned_data
    if isinstance(form, IdCopyReplyForm):
        services.receive_reply(info_request=info, text=data["message"], id_copies=[data["id_copy"]])
    else:
        services.receive_reply(info_request=info, text=data["message"], files=data["files"])


@rate_limited("status", "RATE_LIMIT_STATUS")
@require_http_methods(["GET", "POST"])
def reply(request, token):
    """The requester answers an information request: a message and documents, while the reply
    term runs (LEGAL.md 1.5)."""
    try:
        pk = links.read_reply_token(token)
    except signing.BadSignature:
        return _link_invalid(request, expired=False)
    info = get_object_or_404(
        InformationRequest.objects.select_related("case__request", "case__organisation"), pk=pk
    )
    context = {"info": info, "organisation": info.case.organisation, "case": info.case}
    if info.status != InformationStatus.OPEN or timezone.localdate() > info.reply_due_on:
        return render(request, "public/reply_closed.html", context, status=410)
    form_class = reply_form_class(info)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                _send_reply(info, form)
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "public/reply_received.html", context)
    else:
        form = form_class()
    context["form"] = form
    return render(request, "public/reply.html", context)


def _link_invalid(request, *, expired: bool):
    return render(
        request, "public/link_invalid.html", {"expired": expired}, status=410 if expired else 404
    )


def _status_request(token):
    """The request a status link points to, or the reason it does not work."""
    try:
        pk = links.read_status_token(token)
    except signing.SignatureExpired:
        return None, True
    except signing.BadSignature:
        return None, False
    request_obj = Request.objects.select_related("organisation").filter(pk=pk).first()
    return request_obj, False


@rate_limited("status", "RATE_LIMIT_STATUS")
@require_http_methods(["GET", "POST"])
def status(request, token):
    """The requester's own page: the reference, the rights, the state in plain words, the
    dates, what we ask of them (with the reply form) and the answer's documents."""
    request_obj, expired = _status_request(token)
    if request_obj is None:
        return _link_invalid(request, expired=expired)
    cases = list(request_obj.cases.select_related("organisation", "request").order_by("pk"))
    today = timezone.localdate()
    posted_form = None
    if request.method == "POST":
        info = (
            InformationRequest.objects.filter(
                case__request=request_obj, status=InformationStatus.OPEN
            )
            .select_related("case__request", "case__organisation")
            .filter(pk=request.POST.get("information_request") or None)
            .first()
        )
        if info is None or today > info.reply_due_on:
            return render(
                request,
                "public/reply_closed.html",
                {"case": cases[0], "organisation": request_obj.organisation},
                status=410,
            )
        posted_form = reply_form_class(info)(request.POST, request.FILES)
        if posted_form.is_valid():
            try:
                _send_reply(info, posted_form)
            except services.ServiceError as exc:
                posted_form.add_error(None, str(exc))
            else:
                return render(
                    request,
                    "public/reply_received.html",
                    {"case": info.case, "organisation": request_obj.organisation, "info": info},
                )
        posted_form.info_pk = info.pk
    entries = []
    for case in cases:
        info = case.information_requests.filter(status=InformationStatus.OPEN).first()
        form = None
        if info is not None and today <= info.reply_due_on:
            form = (
                posted_form
                if posted_form is not None and posted_form.info_pk == info.pk
                else reply_form_class(info)()
            )
        live = deadlines.case_deadlines(case) if case.is_paused else None
        entries.append(
            {
                "case": case,
                "internal_due_on": live.internal if live else case.internal_due_on,
                "legal_due_on": live.legal if live else case.legal_due_on,
                "info": info,
                "form": form,
                "documents": documents_for_requester(case),
            }
        )
    return render(
        request,
        "public/status.html",
        {
            "request_obj": request_obj,
            "organisation": request_obj.organisation,
            "entries": entries,
            "token": token,
            "form": posted_form,
        },
    )


@rate_limited("status", "RATE_LIMIT_STATUS")
def status_document(request, token, document_pk):
    request_obj, expired = _status_request(token)
    if request_obj is None:
        return _link_invalid(request, expired=expired)
    document = (
        CaseDocument.objects.select_related("case")
        .filter(case__request=request_obj, pk=document_pk)
        .first()
    )
    # another request's document answers as if it did not exist
    if document is None or not documents_for_requester(document.case).filter(pk=document.pk):
        raise Http404
    return _download(document.case, document)


@rate_limited("new-link", "RATE_LIMIT_NEW_LINK", methods=["POST"])
@require_http_methods(["GET", "POST"])
def new_link(request):
    """Ask for a new status link. The answer is the same whether or not the e-mail address and
    reference belong together, so the page cannot be used to find out which requests exist."""
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_status_link(
            email=form.cleaned_data["email"], reference=form.cleaned_data["reference"]
        )
        return redirect("public:new_link_sent")
    return render(request, "public/new_link.html", {"form": form})


def new_link_sent(request):
    return render(request, "public/new_link_sent.html")
