"""Verzet tegen verwerking (AVG 21): the shared intake, identity and approval
(flows/shared.py), the execution step (flows/steps.py), and:

assess per processing: legal basis from the register (only 6(1)(e)/(f) qualify), the person's
particular situation against compelling grounds, written down ─▶ ◇ outcome
    ├ unclear ─▶ wait for clarification ─▶ assess
    ├ not ours, AVG 12(5) ─▶ draft refusal ─▶ approval
    └ decided per processing ─▶ stop per system ─▶ draft decision
      (processing goes on everywhere: no tasks on the way; the decision gives the reasons)
approve (the balancing is approved with it) ─▶ ◇ approved? ─ yes ─▶ send;  no ─▶ back to the draft
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow.flows.shared import RequestFlowBase
from requests_flow.flows.steps import (
    CarryOut,
    DraftItemsDecision,
    approved,
    assess_per_item,
    paused,
    refused_as_a_whole,
)


class ObjectionFlow(CarryOut, DraftItemsDecision, RequestFlowBase, flow.Flow):
    process_title = _("Objection to processing (AVG 21)")
    process_description = _("Processing stops unless compelling grounds are written down.")

    assess = assess_per_item(_("Assess per processing: legal basis and balancing (AVG 21)"))

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("Processing stops?"))
        .Case(this.await_clarification, paused)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.carry_out)
    )

    # no AVG 19 step: it covers rectification, erasure and restriction only
    carried_out = (
        flow.Join().Annotation(title=_("Stopped in every system")).Next(this.draft_decision)
    )

    approved = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.send_decision, approved)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.draft_decision)
    )
