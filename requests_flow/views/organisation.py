"""The FG's pages for the organisation: its policy (with the log of every change) and its
forward targets. Always the user's own organisation: there is no organisation id in these URLs,
and a forward target of another organisation answers 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations import services as organisation_services
from organisations.forms import ForwardTargetForm, PolicyForm
from organisations.models import ForwardTarget
from requests_flow.constants import Right
from requests_flow.flows import FLOW_FOR_RIGHT
from requests_flow.views.officer import officer_required

LOG_LIMIT = 100


def _own_organisation(request):
    if not request.user.has_perm("organisations.manage_policy"):
        raise PermissionDenied
    return request.user.membership.organisation


@officer_required
def policy(request):
    """The organisation's policy; every change is audited field by field."""
    organisation = _own_organisation(request)
    rights_choices = [(r, Right(r).label) for r in FLOW_FOR_RIGHT]
    form = PolicyForm(
        request.POST or None,
        request.FILES or None,
        instance=organisation,
        rights_choices=rights_choices,
    )
    if request.method == "POST" and form.is_valid():
        # the form changed the instance in memory: the service reads the stored values again
        entries = organisation_services.update_policy(
            organisation=organisation,
            actor=request.user,
            changes=form.policy_changes(),
            logo=form.cleaned_data.get("logo_upload") or None,
        )
        if entries:
            messages.success(request, _("Policy saved; the changes are in the log below."))
        else:
            messages.success(request, _("Nothing changed."))
        return redirect("officer:organisation")
    organisation.refresh_from_db()
    log = organisation.policy_audit_entries.select_related("actor")[:LOG_LIMIT]
    return render(
        request,
        "officer/organisation.html",
        {"organisation_obj": organisation, "form": form, "log": log, "tab": "organisation"},
    )


@officer_required
def forward_targets(request):
    """The bodies requests can be forwarded to; add one here."""
    organisation = _own_organisation(request)
    form = ForwardTargetForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_services.save_forward_target(
                organisation=organisation, actor=request.user, values=form.target_values()
            )
        except organisation_services.PolicyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Forward target added."))
            return redirect("officer:forward_targets")
    targets = organisation.forward_targets.select_related("processing_activity")
    return render(
        request,
        "officer/forward_targets.html",
        {"targets": targets, "form": form, "tab": "organisation"},
    )


@officer_required
def forward_target(request, pk):
    """Change a forward target, or make it inactive (it is never deleted: forwarded cases
    refer to it)."""
    # another organisation's target is 404 for everyone there, before the permission's 403
    organisation = request.user.membership.organisation
    target = get_object_or_404(ForwardTarget.objects.filter(organisation=organisation), pk=pk)
    _own_organisation(request)
    form = ForwardTargetForm(request.POST or None, instance=target, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_services.save_forward_target(
                organisation=organisation,
                actor=request.user,
                target=target,
                values=form.target_values(),
            )
        except organisation_services.PolicyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Forward target saved."))
            return redirect("officer:forward_targets")
    return render(
        request,
        "officer/forward_target.html",
        {"target": target, "form": form, "tab": "organisation"},
    )
