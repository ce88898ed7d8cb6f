"""Routing a case (LEGAL.md section 3): the officer's forward and return actions, recording the
answer of a transferred case, and the forward target's confirmation page (a signed link, no
account).

The officer pages are case actions like the extension page: the case is looked up through
`Case.objects.visible_to` (another organisation's case answers 404) and they need the
permission to assess (403 without it).
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.models import ForwardTarget
from requests_flow import links, services
from requests_flow.constants import CaseStatus, Right
from requests_flow.forms import (
    ForwardForm,
    ForwardingAnswerForm,
    ForwardingReceiptForm,
    ReturnForm,
    TransferAnsweredForm,
)
from requests_flow.models import Case, Forwarding
from requests_flow.services.forwarding import ROUTABLE_STATUSES
from requests_flow.views.officer import officer_required


def _routing_case(request, pk):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("request", "organisation"), pk=pk
    )
    if not request.user.has_perm("requests_flow.assess_request"):
        raise PermissionDenied
    return case


def _not_routable(request, case):
    if case.status not in ROUTABLE_STATUSES:
        messages.error(
            request, _("A case can be forwarded or returned only before or during its assessment.")
        )
    elif case.is_paused:
        messages.error(
            request,
            _("The clock is paused for a request for information: wait for the reply first."),
        )
    else:
        return None
    return redirect("officer:case", case.pk)


@officer_required
def forward(request, pk):
    """Forward the case, whole or in part, to one of the organisation's forward targets: the
    letter to the target, the notice to the requester and the e-mails go out in this step."""
    case = _routing_case(request, pk)
    refused = _not_routable(request, case)
    if refused:
        return refused
    targets = ForwardTarget.objects.filter(organisation=case.organisation, active=True)
    targets = targets.select_related("processing_activity").order_by("name")
    form = ForwardForm(
        request.POST or None,
        targets=targets,
        documents=services.forwardable_documents(case),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forwarding = services.forward_case(
                case=case,
                actor=request.user,
                target=data["target"],
                scope=data["scope"],
                what=data["what"],
                reason=data["reason"],
                documents=data["documents"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Forwarded to %(target)s; the letter and the notice are on their way.")
                % {"target": forwarding.target_name},
            )
            return redirect("officer:case", case.pk)
    siblings = case.request.cases.exclude(pk=case.pk).order_by("pk")
    return render(
        request,
        "officer/case_forward.html",
        {"case": case, "form": form, "has_targets": targets.exists(), "siblings": siblings},
    )


@officer_required
def return_request(request, pk):
    """No body is responsible: return the request to its sender with an explanation letter."""
    case = _routing_case(request, pk)
    refused = _not_routable(request, case)
    if refused:
        return refused
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_to_sender(
                case=case, actor=request.user, explanation=form.cleaned_data["explanation"]
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The request has been returned to the sender."))
            return redirect("officer:case", case.pk)
    return render(request, "officer/case_return.html", {"case": case, "form": form})


@officer_required
def transfer_answered(request, pk):
    """Record that the department the case was transferred to sent its answer (LEGAL.md 3.2):
    the case closes."""
    case = _routing_case(request, pk)
    forwarding = case.forwardings.filter(same_controller=True, answer_sent_on__isnull=True).last()
    if case.status != CaseStatus.TRANSFERRED or forwarding is None:
        messages.error(request, _("This case is not waiting for a transferred answer."))
        return redirect("officer:case", case.pk)
    form = TransferAnsweredForm(
        request.POST or None, initial={"answer_sent_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_forwarding_answer(
                forwarding=forwarding,
                answer_sent_on=form.cleaned_data["answer_sent_on"],
                name="",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Answer recorded; the case is closed."))
            return redirect("officer:case", case.pk)
    return render(
        request,
        "officer/case_transfer_answered.html",
        {"case": case, "form": form, "forwarding": forwarding},
    )


@require_http_methods(["GET", "POST"])
def target_confirmation(request, token):
    """The forward target's page (a signed link from the forwarding e-mail and letter, no
    account): confirm receipt, and report the answer sent. It shows what was forwarded, not who
    asked: the letter holds that."""
    try:
        pk = links.read_forwarding_token(token)
    except signing.BadSignature:
        return render(request, "public/link_invalid.html", {"expired": False}, status=404)
    forwarding = get_object_or_404(
        Forwarding.objects.select_related("case__request", "case__organisation"), pk=pk
    )
    receipt_form = ForwardingReceiptForm(prefix="receipt")
    answer_form = ForwardingAnswerForm(prefix="answer")
    done = ""
    if request.method == "POST":
        if "receipt-name" in request.POST:
            receipt_form = ForwardingReceiptForm(request.POST, prefix="receipt")
            form, done = receipt_form, "receipt"
        else:
            answer_form = ForwardingAnswerForm(request.POST, prefix="answer")
            form, done = answer_form, "answer"
        if form.is_valid():
            data = form.cleaned_data
            try:
                if done == "receipt":
                    services.confirm_forwarding_receipt(
                        forwarding=forwarding, name=data["name"], note=data["note"]
                    )
                else:
                    services.report_forwarding_answer(
                        forwarding=forwarding,
                        answer_sent_on=data["answer_sent_on"],
                        name=data["name"],
                        note=data["note"],
                    )
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
                done = ""
            else:
                forwarding.refresh_from_db()
        else:
            done = ""
    case = forwarding.case
    return render(
        request,
        "public/forwarding.html",
        {
            "forwarding": forwarding,
            "case": case,
            "organisation": case.organisation,
            "right_label": Right(case.right).label,
            "receipt_form": receipt_form,
            "answer_form": answer_form,
            "done": done,
        },
    )
