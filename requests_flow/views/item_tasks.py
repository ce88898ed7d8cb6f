"""Task forms of the rights decided per item: assessment per item, execution per system,
AVG 19 per recipient, the decision, and the restriction's notice and lifting."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from requests_flow import services
from requests_flow.constants import InformationKind
from requests_flow.forms import ASK
from requests_flow.item_forms import (
    EXCESSIVE,
    SENT,
    UNFOUNDED,
    AssessItemsForm,
    DraftItemsDecisionForm,
    ExecuteForm,
    ItemDecisionFormSet,
    LiftForm,
    LiftNoticeForm,
    NotifyRecipientForm,
)
from requests_flow.models import ExecutionRecord, RecipientNotification, Restriction
from requests_flow.views.tasks import TaskFormView


class AssessItemsView(TaskFormView):
    form_class = AssessItemsForm
    template_name = "officer/task_assess_items.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def defaults(self):
        if not hasattr(self, "_defaults"):
            self._defaults = services.assessment_defaults(self.case)
        return self._defaults

    def get_initial(self):
        defaults = self.defaults()
        return {
            "reply_term_days": self.case.organisation.default_reply_term_days,
            "systems": [s.pk for s in defaults["systems"]],
            "recipients": "\n".join(defaults["recipients"]),
        }

    def get_formset(self):
        kwargs = {"prefix": "items", "form_kwargs": {"right": self.case.right}}
        if self.request.method == "POST":
            formset = ItemDecisionFormSet(self.request.POST, **kwargs)
        else:
            formset = ItemDecisionFormSet(initial=self.defaults()["rows"], **kwargs)
        # the register line beside each row: its legal basis decides AVG 20 and 21
        activities = self.defaults()["activities"]
        for item_form in formset:
            activity_id = str(item_form["activity_id"].value() or "")
            item_form.activity = activities.get(int(activity_id)) if activity_id.isdigit() else None
        return formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        decides_items = request.POST.get("is_avg_request") == "yes"
        if form.is_valid() and (not decides_items or formset.is_valid()):
            self.formset = formset
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def perform(self, form):
        data = form.cleaned_data
        choice = data["is_avg_request"]
        if choice == ASK:
            services.request_information(
                case=self.case,
                actor=self.request.user,
                kind=InformationKind.CLARIFICATION,
                what_is_needed=data["what_is_needed"],
                reply_term_days=data["reply_term_days"],
            )
        elif choice in (UNFOUNDED, EXCESSIVE):
            services.refuse_as_manifestly_unfounded(
                case=self.case,
                actor=self.request.user,
                excessive=choice == EXCESSIVE,
                reasons=data["note"],
            )
        elif choice == "no":
            services.assess_case(
                case=self.case,
                actor=self.request.user,
                is_avg_request=False,
                note=data["note"],
                findings=[],
            )
        else:
            decisions = [
                services.ItemDecisionInput.from_row(row) for row in self.formset.cleaned_data if row
            ]
            recipients = data.get("recipients", "").splitlines()
            services.assess_items(
                case=self.case,
                actor=self.request.user,
                assessment=services.Assessment(
                    decisions=decisions,
                    systems=list(data.get("systems") or []),
                    recipients=recipients,
                    note=data["note"],
                ),
            )


class CaseDatesTaskView(TaskFormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}


class ExecuteView(CaseDatesTaskView):
    """One system's owner carries out the decision there and confirms it."""

    form_class = ExecuteForm
    template_name = "officer/task_execute.html"

    def record(self):
        return get_object_or_404(
            ExecutionRecord.objects.select_related("system"),
            pk=self.task.data["execution_id"],
            case=self.case,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "record": self.record()}

    def title(self):
        return _("%(task)s: %(system)s") % {
            "task": self.flow_task.task_title,
            "system": self.record().system.name,
        }

    def perform(self, form):
        services.confirm_execution(
            record=self.record(),
            actor=self.request.user,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        )


class NotifyRecipientView(CaseDatesTaskView):
    """AVG 19: one recipient notified, or skipped with the reason."""

    form_class = NotifyRecipientForm
    template_name = "officer/task_notify.html"

    def notification(self):
        return get_object_or_404(
            RecipientNotification, pk=self.task.data["notification_id"], case=self.case
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notification": self.notification()}

    def perform(self, form):
        data = form.cleaned_data
        services.record_notification(
            notification=self.notification(),
            actor=self.request.user,
            sent=data["outcome"] == SENT,
            sent_on=data.get("sent_on"),
            reason=data.get("reason", ""),
        )


class DraftItemsDecisionView(TaskFormView):
    form_class = DraftItemsDecisionForm
    template_name = "officer/task_draft_items.html"

    def get_context_data(self, **kwargs):
        case = self.case
        return {
            **super().get_context_data(**kwargs),
            "items": case.items.all(),
            "executions": case.executions.select_related("system", "done_by"),
            "notifications": case.notifications.all(),
        }

    def perform(self, form):
        services.draft_items_decision(
            case=self.case, actor=self.request.user, remarks=form.cleaned_data["remarks"]
        )


class RestrictionTaskView(TaskFormView):
    """A step of lifting a restriction, with the restriction in force beside it."""

    template_name = "officer/task_restriction.html"

    def get_context_data(self, **kwargs):
        restriction = Restriction.objects.filter(case=self.case).first()
        return {**super().get_context_data(**kwargs), "restriction": restriction}


class LiftNoticeView(RestrictionTaskView):
    form_class = LiftNoticeForm

    def perform(self, form):
        services.send_lift_notice(
            case=self.case, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class LiftView(RestrictionTaskView):
    form_class = LiftForm

    def perform(self, form):
        services.lift_restriction(case=self.case, actor=self.request.user)
