"""Officer pages of the notifications app: the outbox, messages needing attention, previews of
messages and the attachments of incoming e-mail.

Every lookup is scoped to the officer's organisation, so another organisation's message answers
404; staff of the same organisation without the permission get 403 (DESIGN.md rules 8 and 9).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin

from notifications import problems as problem_services
from notifications.constants import MessageStatus
from notifications.models import DeliveryProblem, InboundAttachment, OutboxMessage
from notifications.services import render_message
from requests_flow.views.officer import officer_required

PAGE_SIZE = 50
VIEW = "requests_flow.view_case"
# resolving a problem writes to the dossier: the privacy officers' permission
ACT = "requests_flow.assess_request"


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _organisation_id(user) -> int:
    return user.membership.organisation_id


def tracking_available() -> bool:
    """Only anymail's providers report delivery; plain SMTP, files and the console do not
    (STACK-FACTS.md, E-mail): the outbox page says so."""
    return settings.EMAIL_BACKEND.startswith("anymail.")


@officer_required
def outbox(request):
    """Every message of the organisation with its status, newest first."""
    _require(request.user, VIEW)
    queryset = (
        OutboxMessage.objects.filter(organisation_id=_organisation_id(request.user))
        .select_related("request")
        .order_by("-created", "-pk")
    )
    status = request.GET.get("status", "")
    if status in MessageStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "tab": "outbox",
            "status": status,
            "statuses": MessageStatus.choices,
            "tracking_available": tracking_available(),
        },
    )


def _message_for(request, pk):
    message = get_object_or_404(
        OutboxMessage.objects.filter(organisation_id=_organisation_id(request.user)).select_related(
            "organisation", "request", "case"
        ),
        pk=pk,
    )
    _require(request.user, VIEW)
    return message


@officer_required
def message_preview(request, pk):
    """A message as its reader gets it (or will get it): subject, text and HTML."""
    message = _message_for(request, pk)
    subject, text, _html = render_message(message)
    return render(
        request,
        "notifications/message_preview.html",
        {
            "message": message,
            "subject": subject,
            "text": text,
            "attachments": message.attachments.all(),
            "tab": "outbox",
        },
    )


@officer_required
@xframe_options_sameorigin
def message_preview_html(request, pk):
    """The HTML part alone, for the preview's frame: sandboxed, so nothing in it runs or loads."""
    message = _message_for(request, pk)
    _subject, _text, html = render_message(message)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@officer_required
def problem_list(request):
    """Messages needing attention: the open officer tasks of undelivered messages."""
    _require(request.user, VIEW)
    queryset = (
        DeliveryProblem.objects.visible_to(request.user)
        .open()
        .select_related("message", "request", "case")
        .order_by("opened_at", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/problem_list.html", {"page": page, "tab": "problems"})


class ResendForm(forms.Form):
    address = forms.EmailField(label=gettext_lazy("Corrected e-mail address"))


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=gettext_lazy("Sent by post on"),
        help_text=gettext_lazy("For example 2026-03-05."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_posted_on(self):
        posted_on = self.cleaned_data["posted_on"]
        if posted_on > timezone.localdate():
            raise forms.ValidationError(_("The date of posting cannot lie in the future."))
        return posted_on


@officer_required
def problem_detail(request, pk):
    """One undelivered message: correct the address and send it again, or record the letter
    sent by post."""
    problem = get_object_or_404(
        DeliveryProblem.objects.visible_to(request.user).select_related(
            "message", "request", "case", "resolved_by", "resent_as"
        ),
        pk=pk,
    )
    _require(request.user, VIEW)
    resend_form = ResendForm(prefix="resend", initial={"address": problem.message.to})
    posted_form = PostedForm(prefix="posted", initial={"posted_on": timezone.localdate()})
    if request.method == "POST":
        _require(request.user, ACT)
        action = request.POST.get("action")
        try:
            if action == "resend":
                resend_form = ResendForm(request.POST, prefix="resend")
                if resend_form.is_valid():
                    problem_services.resend_to_corrected_address(
                        problem=problem,
                        address=resend_form.cleaned_data["address"],
                        actor=request.user,
                    )
                    messages.success(request, _("The message is queued for the new address."))
                    return redirect("mail:problems")
            elif action == "posted":
                posted_form = PostedForm(request.POST, prefix="posted")
                if posted_form.is_valid():
                    problem_services.record_sent_by_post(
                        problem=problem,
                        posted_on=posted_form.cleaned_data["posted_on"],
                        actor=request.user,
                    )
                    messages.success(request, _("Recorded as sent by post."))
                    return redirect("mail:problems")
        except problem_services.ProblemAlreadyResolved as exc:
            messages.error(request, str(exc))
            return redirect("mail:problem", problem.pk)
    return render(
        request,
        "notifications/problem_detail.html",
        {
            "problem": problem,
            "resend_form": resend_form,
            "posted_form": posted_form,
            "can_act": request.user.has_perm(ACT),
            "tab": "problems",
        },
    )


@officer_required
def inbound_attachment(request, pk):
    """An attachment of an incoming e-mail that passed the upload checks."""
    attachment = get_object_or_404(
        InboundAttachment.objects.filter(
            email__organisation_id=_organisation_id(request.user), refused_because=""
        ),
        pk=pk,
    )
    _require(request.user, VIEW)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
