"""Rectificatie (AVG 16): the shared intake, identity and approval (flows/shared.py), the
execution and AVG 19 steps (flows/steps.py), and:

assess per item (current → correct value, evidence) ─▶ ◇ outcome
    ├ unclear ─▶ wait for clarification ─▶ assess
    ├ not ours, AVG 12(5) ─▶ draft refusal ─▶ approval
    └ decided per item ─▶ carry out per system ─▶ tell recipients (AVG 19) ─▶ draft decision
      (nothing granted: no tasks on the way; the decision gives each item's reasons)
approve ─▶ ◇ approved? ─ yes ─▶ send decision;  no ─▶ back to the draft it came from
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow.flows.shared import RequestFlowBase
from requests_flow.flows.steps import (
    CarryOut,
    DraftItemsDecision,
    TellRecipients,
    approved,
    assess_per_item,
    paused,
    refused_as_a_whole,
)


class RectificationFlow(CarryOut, TellRecipients, DraftItemsDecision, RequestFlowBase, flow.Flow):
    process_title = _("Rectification request (AVG 16)")
    process_description = _("Correcting personal data, per item, in every system that holds it.")

    assess = assess_per_item(_("Assess per item: current and correct value"))

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("Outcome per item"))
        .Case(this.await_clarification, paused)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.carry_out)
    )

    approved = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.send_decision, approved)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.draft_decision)
    )
