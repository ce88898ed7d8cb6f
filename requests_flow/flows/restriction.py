"""Beperking (AVG 18): the shared intake, identity and approval (flows/shared.py), the
execution and AVG 19 steps (flows/steps.py), and:

assess per processing (ground 18(1)(a)-(d)) ─▶ ◇ outcome
    ├ unclear ─▶ wait for clarification ─▶ assess
    ├ not ours, AVG 12(5) ─▶ draft refusal ─▶ approval
    └ decided per processing ─▶ flag restricted per system ─▶ tell recipients (AVG 19)
      ─▶ draft decision (nothing restricted: no tasks on the way)
approve ─▶ ◇ approved? ─ yes ─▶ send decision;  no ─▶ back to the draft it came from
send decision ─▶ ◇ restriction in force? ─ no ─▶ ◉
    └ yes ─▶ stop the deadline watch ─▶ tell the requester first (18(3)) ─▶ lift (closes) ─▶ ◉
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow import services
from requests_flow.constants import CaseStatus
from requests_flow.flows.nodes import stop_deadline_watch
from requests_flow.flows.shared import RequestFlowBase, case_of
from requests_flow.flows.steps import (
    CarryOut,
    DraftItemsDecision,
    TellRecipients,
    approved,
    assess_per_item,
    paused,
    refused_as_a_whole,
)
from requests_flow.views import item_tasks


class RestrictionFlow(CarryOut, TellRecipients, DraftItemsDecision, RequestFlowBase, flow.Flow):
    process_title = _("Restriction request (AVG 18)")
    process_description = _("Restricting processing; the requester is told before it is lifted.")

    assess = assess_per_item(_("Assess per processing (AVG 18(1))"))

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("Outcome per processing"))
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

    send_decision = (
        flow.Function(lambda act: services.send_decision(case_of(act)))
        .Annotation(title=_("Send the decision"))
        .Next(this.restriction_in_force)
    )

    restriction_in_force = (
        flow.If(lambda act: case_of(act).status == CaseStatus.RESTRICTION_IN_FORCE)
        .Annotation(title=_("Restriction in force?"))
        .Then(this.close_watch)
        .Else(this.end)
    )

    close_watch = (
        flow.Function(stop_deadline_watch)
        .Annotation(title=_("Decision sent: stop the deadline watch"))
        .Next(this.tell_before_lifting)
    )

    tell_before_lifting = (
        flow.View(item_tasks.LiftNoticeView.as_view())
        .Annotation(title=_("Tell the requester before lifting (AVG 18(3))"))
        .Permission("requests_flow.assess_request")
        .Next(this.lift)
    )

    lift = (
        flow.View(item_tasks.LiftView.as_view())
        .Annotation(title=_("Lift the restriction"))
        .Permission("requests_flow.assess_request")
        .Next(this.end)
    )
