"""Officer pages for requests that came in by e-mail: the list to triage and the triage page.

Scoped to the officer's organisation (another organisation's mail answers 404); triage needs the
permission to assess requests (403 without it).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.constants import InboundStatus
from notifications.models import InboundEmail
from requests_flow import services
from requests_flow.constants import Language, Relation, Right
from requests_flow.views.officer import officer_required

PAGE_SIZE = 50
PERMISSION = "requests_flow.assess_request"


class TriageForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=gettext_lazy("Which rights does the e-mail ask for?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one right.")},
    )
    requester_name = forms.CharField(label=gettext_lazy("Requester's name"), max_length=200)
    relation = forms.ChoiceField(
        label=gettext_lazy("Relation to the organisation"),
        choices=Relation.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of our answer"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = [(r, Right(r).label) for r in services.triage_rights()]


class NotAvgForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this not a GDPR request?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _require(user):
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


@officer_required
def triage_list(request):
    """E-mails to triage, oldest first: their clock is already running."""
    queryset = (
        InboundEmail.objects.visible_to(request.user)
        .filter(status=InboundStatus.TO_TRIAGE)
        .select_related("request")
        .annotate(attachment_count=Count("attachments"))
        .order_by("received_at", "pk")
    )
    _require(request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "officer/triage_list.html", {"page": page, "tab": "triage"})


@officer_required
def triage_detail(request, pk):
    """Read the e-mail and its attachments; open one case per right, or record why it is not
    a GDPR request."""
    inbound = get_object_or_404(
        InboundEmail.objects.visible_to(request.user)
        .exclude(request=None)
        .select_related("request", "handled_by"),
        pk=pk,
    )
    _require(request.user)
    request_obj = inbound.request
    triage_form = TriageForm(
        prefix="triage",
        initial={
            "requester_name": request_obj.requester_name,
            "relation": request_obj.relation,
            "language": request_obj.language,
        },
    )
    not_avg_form = NotAvgForm(prefix="notavg")
    if request.method == "POST" and inbound.status == InboundStatus.TO_TRIAGE:
        action = request.POST.get("action")
        form = None
        try:
            if action == "triage":
                form = triage_form = TriageForm(request.POST, prefix="triage")
                if form.is_valid():
                    cases = services.triage_email_request(
                        inbound=inbound,
                        rights=form.cleaned_data["rights"],
                        actor=request.user,
                        requester_name=form.cleaned_data["requester_name"],
                        relation=form.cleaned_data["relation"],
                        language=form.cleaned_data["language"],
                    )
                    messages.success(
                        request,
                        _("%(reference)s: %(count)s case(s) opened.")
                        % {"reference": request_obj.reference, "count": len(cases)},
                    )
                    return redirect("officer:case", cases[0].pk)
            elif action == "not_avg":
                form = not_avg_form = NotAvgForm(request.POST, prefix="notavg")
                if form.is_valid():
                    services.mark_not_avg_request(
                        inbound=inbound, reason=form.cleaned_data["reason"], actor=request.user
                    )
                    messages.success(
                        request,
                        _("%(reference)s recorded as not a GDPR request.")
                        % {"reference": request_obj.reference},
                    )
                    return redirect("officer:triage")
        except services.ServiceError as exc:
            if form is None:
                raise
            form.add_error(None, str(exc))
    return render(
        request,
        "officer/triage_detail.html",
        {
            "inbound": inbound,
            "request_obj": request_obj,
            "attachments": inbound.attachments.all(),
            "triage_form": triage_form,
            "not_avg_form": not_avg_form,
            "tab": "triage",
        },
    )
