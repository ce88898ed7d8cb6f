"""The form behind each human task of the flows.

A task view runs with the case's process locked and inside one transaction (POST): it calls the
service function for the state change and then completes the viewflow task, so the case's data
and its flow never disagree.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from requests_flow import services
from requests_flow.constants import InformationKind, ItemDecision, RefusalGround
from requests_flow.forms import (
    ASK,
    EXCESSIVE,
    UNFOUNDED,
    ApproveForm,
    AssessForm,
    DraftAnswerForm,
    DraftRefusalForm,
    FindingFormSet,
    VerifyIdentityForm,
)
from requests_flow.models import AccessAnswer, CaseDocument, DocumentKind, IdDocumentCopy
from requests_flow.services.identity import may_view_id_copy


class TaskFormView(FormView):
    """Base for task forms; `task` comes from the officer dispatcher, already scoped.

    Subclasses define `perform(form)`, which calls the one service function of their task.
    """

    template_name = "officer/task.html"
    task = None

    def dispatch(self, request, *args, task, **kwargs):
        self.task = task
        self.flow_task = task.flow_task
        if request.method == "POST":
            with self.flow_task.flow_class.lock(task.process_id), transaction.atomic():
                task.refresh_from_db()
                return self._dispatch_with_activation(request, *args, **kwargs)
        return self._dispatch_with_activation(request, *args, **kwargs)

    def _dispatch_with_activation(self, request, *args, **kwargs):
        if not self.flow_task.can_execute(request.user, self.task):
            raise PermissionDenied
        self.activation = self.flow_task.activation_class(self.task)
        self.activation.start(request)
        self.case = self.activation.process.case
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, request_obj=self.case.request, task=self.task)
        return context

    def form_valid(self, form):
        try:
            self.perform(form)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        self.activation.execute()
        messages.success(self.request, _("Task completed: %(title)s") % {"title": self.title()})
        if not self.request.user.has_perm("requests_flow.view_case"):
            # system owners work on their own tasks only; the case page is not theirs
            return redirect("officer:inbox")
        return redirect("officer:case", self.case.pk)

    def title(self):
        return self.flow_task.task_title


class VerifyIdentityView(TaskFormView):
    form_class = VerifyIdentityForm
    template_name = "officer/task_verify_identity.html"

    def get_initial(self):
        return {"reply_term_days": self.case.organisation.default_reply_term_days}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request_obj = self.case.request
        # the copy is shown to the officer who holds this task, and to nobody else
        context["id_copies"] = (
            list(IdDocumentCopy.objects.filter(case__request=request_obj))
            if may_view_id_copy(self.request.user, self.case)
            else []
        )
        context["authority_documents"] = CaseDocument.objects.filter(
            case__request=request_obj, kind__in=[DocumentKind.AUTHORITY, DocumentKind.REPLY]
        )
        return context

    def perform(self, form):
        data = form.cleaned_data
        if data["established"] == ASK:
            services.ask_for_identity_proof(
                case=self.case,
                actor=self.request.user,
                what_is_needed=data["what_is_needed"],
                reply_term_days=data["reply_term_days"],
                masked_id_copy=data.get("ask_id_copy", False),
            )
            return
        authority = None
        if self.case.request.is_represented and data.get("authority_established"):
            authority = services.AuthorityCheck(
                established=data["authority_established"] == "yes",
                evidence=data.get("authority_evidence", ""),
                scope=data.get("authority_scope", ""),
                within_scope=bool(data.get("within_scope")),
            )
        services.verify_identity(
            case=self.case,
            actor=self.request.user,
            method=data["method"],
            established=data["established"] == "yes",
            note=data["note"],
            matched_items=data["matched_items"],
            authority=authority,
        )


class AssessView(TaskFormView):
    form_class = AssessForm
    template_name = "officer/task_assess.html"

    def systems(self):
        names = []
        for activity in self.case.organisation.processing_activities.all():
            for line in activity.systems.splitlines():
                if line.strip() and line.strip() not in names:
                    names.append(line.strip())
        return names

    def get_formset(self):
        if self.request.method == "POST":
            return FindingFormSet(self.request.POST, prefix="findings")
        return FindingFormSet(
            prefix="findings", initial=[{"system": name} for name in self.systems()]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if form.is_valid() and formset.is_valid():
            self.formset = formset
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_initial(self):
        return {"reply_term_days": self.case.organisation.default_reply_term_days}

    def perform(self, form):
        if form.cleaned_data["is_avg_request"] == ASK:
            services.request_information(
                case=self.case,
                actor=self.request.user,
                kind=InformationKind.CLARIFICATION,
                what_is_needed=form.cleaned_data["what_is_needed"],
                reply_term_days=form.cleaned_data["reply_term_days"],
            )
            return
        if form.cleaned_data["is_avg_request"] in (UNFOUNDED, EXCESSIVE):
            services.refuse_as_manifestly_unfounded(
                case=self.case,
                actor=self.request.user,
                excessive=form.cleaned_data["is_avg_request"] == EXCESSIVE,
                reasons=form.cleaned_data["note"],
            )
            return
        findings = [
            services.Finding(system=f["system"], found=f["found"], summary=f["summary"])
            for f in self.formset.cleaned_data
            if f
        ]
        services.assess_case(
            case=self.case,
            actor=self.request.user,
            is_avg_request=form.cleaned_data["is_avg_request"] == "yes",
            note=form.cleaned_data["note"],
            findings=findings,
        )
        for uploaded in form.cleaned_data["extracts"]:
            services.add_case_document(
                case=self.case, actor=self.request.user, uploaded=uploaded, title=uploaded.name
            )


class DraftAnswerView(TaskFormView):
    form_class = DraftAnswerForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        answer = AccessAnswer.objects.filter(case=self.case).first()
        if answer is not None:
            kwargs["instance"] = answer
        else:
            kwargs["initial"] = services.access_answer_defaults(self.case)
        return kwargs

    def perform(self, form):
        services.draft_answer(
            case=self.case,
            actor=self.request.user,
            answer={f: form.cleaned_data[f] for f in AccessAnswer.SECTION_FIELDS},
            data_processed=form.cleaned_data["data_processed"],
        )


class DraftRefusalView(TaskFormView):
    form_class = DraftRefusalForm

    def get_initial(self):
        return {"reasons": self.case.decision_reasons}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.case.refusal_ground == RefusalGround.NO_REPLY:
            # the letter gives these reasons itself (Awb 4:5): the officer only adds remarks
            form.fields["reasons"].required = False
            form.fields["reasons"].label = _(
                "Remarks for the letter (optional; it states what we asked for and the reply term)"
            )
        return form

    def perform(self, form):
        services.draft_refusal(
            case=self.case, actor=self.request.user, reasons=form.cleaned_data["reasons"]
        )


class ApproveView(TaskFormView):
    form_class = ApproveForm
    template_name = "officer/task_approve.html"

    def get_context_data(self, **kwargs):
        # what the letter will state: the decision per item, or what we asked for in vain
        case = self.case
        return {
            **super().get_context_data(**kwargs),
            "items": case.items.exclude(decision=ItemDecision.PENDING),
            "executions": case.executions.select_related("system", "done_by"),
            "notifications": case.notifications.all(),
            "expired_request": case.expired_information_request()
            if case.refusal_ground == RefusalGround.NO_REPLY
            else None,
        }

    def perform(self, form):
        services.decide_approval(
            case=self.case,
            actor=self.request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
