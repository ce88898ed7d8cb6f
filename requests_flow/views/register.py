"""The processing register (AVG 30), kept by the FG in the officer UI: assessment, execution and
AVG 19 tasks are generated from it. Every change goes through
`organisations.services.save_processing_activity`, which writes the audit row."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations.models import ProcessingActivity
from organisations.services import save_processing_activity
from requests_flow.views.officer import officer_required


class ProcessingActivityForm(forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "role",
            "controller_name",
            "data_subjects",
            "purposes",
            "legal_basis",
            "data_categories",
            "systems",
            "recipients",
            "third_countries",
            "retention",
            "erasure_exception",
            "source",
            "automated_decisions",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "purposes",
                "data_categories",
                "systems",
                "recipients",
                "third_countries",
                "retention",
                "source",
                "automated_decisions",
            )
        }
        help_texts = {
            "systems": _("One system per line; each becomes a source system with its owners."),
            "recipients": _("One recipient per line; AVG 19 notifications are made from these."),
        }


def _require_register_permission(user):
    if not user.has_perm("requests_flow.manage_register"):
        raise PermissionDenied


@officer_required
def register_list(request):
    _require_register_permission(request.user)
    organisation = request.user.membership.organisation
    activities = organisation.processing_activities.prefetch_related("source_systems")
    changes = organisation.register_changes.select_related("actor", "activity")[:20]
    return render(
        request,
        "officer/register_list.html",
        {"activities": activities, "changes": changes, "tab": "register_avg30"},
    )


@officer_required
def register_edit(request, pk=None):
    organisation = request.user.membership.organisation
    if pk is None:
        activity = ProcessingActivity(organisation=organisation)
    else:
        # scoped to the user's own organisation first: another organisation's line answers 404
        activity = get_object_or_404(organisation.processing_activities, pk=pk)
    _require_register_permission(request.user)
    form = ProcessingActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        save_processing_activity(actor=request.user, activity=form.save(commit=False))
        messages.success(request, _("The processing register has been saved."))
        return redirect("officer:register")
    return render(
        request,
        "officer/register_form.html",
        {"form": form, "activity": activity, "tab": "register_avg30"},
    )
