"""Inzage (access, AVG 15): the shared intake, identity and approval (flows/shared.py), and:

assess and collect data ─▶ ◇ a GDPR request for us?
                             ├ unclear ─▶ wait for clarification ─▶ assess
                             ├ yes ─▶ draft answer (AVG 15(1)(a)-(h), copy) ─▶ approval
                             └ no, or AVG 12(5) ─▶ draft refusal ─▶ approval
approve ─▶ ◇ approved? ─ yes ─▶ send decision;  no ─▶ back to the draft it came from
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow.constants import Outcome
from requests_flow.flows.shared import RequestFlowBase, case_of
from requests_flow.views import tasks


class AccessFlow(RequestFlowBase, flow.Flow):
    process_title = _("Access request (AVG 15)")
    process_description = _("Inzage: a copy of the personal data and the AVG 15(1) information.")

    assess = (
        flow.View(tasks.AssessView.as_view())
        .Annotation(title=_("Assess and collect data"))
        .Permission("requests_flow.assess_request")
        .Next(this.assessment_outcome)
    )

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("A GDPR request for us?"))
        .Case(this.await_clarification, lambda act: case_of(act).is_paused)
        .Case(this.draft_answer, lambda act: case_of(act).outcome == Outcome.GRANTED)
        .Default(this.draft_refusal)
    )

    draft_answer = (
        flow.View(tasks.DraftAnswerView.as_view())
        .Annotation(title=_("Draft the answer (AVG 15)"))
        .Permission("requests_flow.draft_decision")
        .Next(this.approval_required)
    )

    approved = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.send_decision, lambda act: case_of(act).approved_by_id is not None)
        .Case(this.draft_answer, lambda act: case_of(act).outcome == Outcome.GRANTED)
        .Default(this.draft_refusal)
    )
