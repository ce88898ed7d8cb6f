"""Overdraagbaarheid (AVG 20): the shared intake, identity and approval (flows/shared.py), and:

assess per processing: legal basis from the register (consent or contract only; never a
public task, 20(3)) ─▶ ◇ outcome
    ├ unclear ─▶ wait for clarification ─▶ assess
    ├ not ours, AVG 12(5) ─▶ draft refusal ─▶ approval
    └ decided per processing ─▶ draft decision (portable data: the JSON + CSV export; 20(3):
                                inzage offered, one click on the case starts it, same receipt
                                date) ─▶ approval
approve ─▶ ◇ approved? ─ yes ─▶ send decision;  no ─▶ back to the draft it came from
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow.flows.shared import RequestFlowBase
from requests_flow.flows.steps import (
    DraftItemsDecision,
    approved,
    assess_per_item,
    paused,
    refused_as_a_whole,
)


class PortabilityFlow(DraftItemsDecision, RequestFlowBase, flow.Flow):
    process_title = _("Data portability request (AVG 20)")
    process_description = _("A structured export where the right applies; inzage where not.")

    assess = assess_per_item(_("Assess per processing: consent or contract (AVG 20)"))

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("Portable?"))
        .Case(this.await_clarification, paused)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.draft_decision)
    )

    approved = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.send_decision, approved)
        .Case(this.draft_refusal, refused_as_a_whole)
        .Default(this.draft_decision)
    )
