"""Wissen (AVG 17): the shared intake, identity and approval (flows/shared.py), the execution
and AVG 19 steps (flows/steps.py), and:

assess per data category (17(3) exceptions pre-filled from the register's retention rules)
    ─▶ ◇ outcome
        ├ unclear ─▶ wait for clarification ─▶ assess
        ├ not ours, AVG 12(5) ─▶ draft refusal ─▶ approval
        └ decided per category ─▶ erase per system ─▶ tell recipients (AVG 19) ─▶ draft decision
          (nothing erased: no tasks on the way; the decision gives each category's reasons)
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


class ErasureFlow(CarryOut, TellRecipients, DraftItemsDecision, RequestFlowBase, flow.Flow):
    process_title = _("Erasure request (AVG 17)")
    process_description = _("Erasing personal data unless an exception of AVG 17(3) applies.")

    assess = assess_per_item(_("Assess per data category (AVG 17(3) exceptions)"))

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("Outcome per category"))
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
