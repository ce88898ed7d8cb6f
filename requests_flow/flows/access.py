"""Inzage (access, AVG 15).

start ─▶ confirm e-mail ─▶ verify identity ─▶ ◇ identity established?
                                                ├ yes ─▶ assess ─▶ ◇ AVG request of ours?
                                                │                   ├ yes ─▶ draft answer ─┐
                                                │                   └ no ──▶ draft refusal ┤
                                                └ no ─────────────────────▶ draft refusal ┤
┌──────────────────────────────────────────────────────────────────────────────────────┘
└▶ ◇ approval required? ─ yes ─▶ approve ─▶ ◇ approved? ─ yes ─▶ send decision ─▶ end
                         └ no ─────────────────────────────────▶ send decision
                                              └ no ─▶ back to the draft it came from
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from requests_flow import services
from requests_flow.constants import Outcome
from requests_flow.flows.nodes import FourEyesView
from requests_flow.models import Case, CaseProcess
from requests_flow.views import tasks


def _case(activation):
    # read fresh: the task's service function has just changed the case through another instance
    return Case.objects.select_related("request", "organisation").get(pk=activation.process.case_id)


class AccessFlow(flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Access request (AVG 15)")
    process_description = _("Inzage: a copy of the personal data and the AVG 15(1) information.")

    start = flow.StartHandle(this.start_case).Next(this.confirm_email)

    confirm_email = (
        flow.Handle()
        .Annotation(title=_("Requester confirms e-mail address"))
        .Next(this.verify_identity)
    )

    verify_identity = (
        flow.View(tasks.VerifyIdentityView.as_view())
        .Annotation(title=_("Verify identity"))
        .Permission("requests_flow.verify_identity")
        .Next(this.identity_established)
    )

    identity_established = (
        flow.If(lambda act: bool(_case(act).request.identity_established))
        .Annotation(title=_("Identity established?"))
        .Then(this.assess)
        .Else(this.draft_refusal)
    )

    assess = (
        flow.View(tasks.AssessView.as_view())
        .Annotation(title=_("Assess and collect data"))
        .Permission("requests_flow.assess_request")
        .Next(this.is_avg_request)
    )

    is_avg_request = (
        flow.If(lambda act: bool(_case(act).is_avg_request))
        .Annotation(title=_("A GDPR request of ours?"))
        .Then(this.draft_answer)
        .Else(this.draft_refusal)
    )

    draft_answer = (
        flow.View(tasks.DraftAnswerView.as_view())
        .Annotation(title=_("Draft the answer (AVG 15)"))
        .Permission("requests_flow.draft_decision")
        .Next(this.approval_required)
    )

    draft_refusal = (
        flow.View(tasks.DraftRefusalView.as_view())
        .Annotation(title=_("Draft the refusal"))
        .Permission("requests_flow.draft_decision")
        .Next(this.approval_required)
    )

    approval_required = (
        flow.If(lambda act: _case(act).organisation.approval_required)
        .Annotation(title=_("Approval required?"))
        .Then(this.approve)
        .Else(this.send_decision)
    )

    approve = (
        FourEyesView(tasks.ApproveView.as_view())
        .Annotation(title=_("Approve the decision"))
        .Permission("requests_flow.approve_decision")
        .Next(this.approved)
    )

    approved = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.send_decision, lambda act: _case(act).approved_by_id is not None)
        .Case(this.draft_answer, lambda act: _case(act).outcome == Outcome.GRANTED)
        .Default(this.draft_refusal)
    )

    send_decision = (
        flow.Function(this.send_decision_letter)
        .Annotation(title=_("Send the decision"))
        .Next(this.end)
    )

    end = flow.End()

    def start_case(self, activation, case):
        activation.process.case = case
        return activation.process

    def send_decision_letter(self, activation):
        services.send_decision(_case(activation))
