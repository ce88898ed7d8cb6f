"""Steps the rights decided per item share (LEGAL.md 4.2-4.6, 4.9):

carry out ─⫼─▶ execute in system 1 … n (their owners) ─▶ ⊕ carried out ─▶ tell recipients
tell recipients ─⫼─▶ notify recipient 1 … m (AVG 19: sent or skipped with reason) ─▶ ⊕ ─▶ draft
draft decision (reasons per item) ─▶ approval required? (flows/shared.py)

A fan-out with nothing to do goes straight to its join.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from requests_flow import services
from requests_flow.constants import Outcome, RefusalGround
from requests_flow.flows.nodes import FanOut, SystemOwnerView
from requests_flow.flows.shared import case_of
from requests_flow.views import item_tasks


class CarryOut:
    """One task per source system that must carry out the decision, for its owners."""

    carry_out = (
        FanOut()
        .Annotation(title=_("Carry out per system"))
        .Next(this.execute, data_source=services.execution_items)
        .Next(this.carried_out, case=lambda act: not services.execution_items(act))
    )
    execute = (
        SystemOwnerView(item_tasks.ExecuteView.as_view())
        .Annotation(title=_("Carry out in the system"))
        .Permission("requests_flow.execute_change")
        .Next(this.carried_out)
    )
    carried_out = flow.Join().Annotation(title=_("Done in every system")).Next(this.tell_recipients)


class TellRecipients:
    """AVG 19: one task per recipient the data were disclosed to."""

    tell_recipients = (
        FanOut()
        .Annotation(title=_("Tell the recipients (AVG 19)"))
        .Next(this.notify, data_source=services.notification_items)
        .Next(this.recipients_told, case=lambda act: not services.notification_items(act))
    )
    notify = (
        flow.View(item_tasks.NotifyRecipientView.as_view())
        .Annotation(title=_("Notify a recipient (AVG 19)"))
        .Permission("requests_flow.notify_recipients")
        .Next(this.recipients_told)
    )
    recipients_told = (
        flow.Join().Annotation(title=_("Every recipient dealt with")).Next(this.draft_decision)
    )


class DraftItemsDecision:
    draft_decision = (
        flow.View(item_tasks.DraftItemsDecisionView.as_view())
        .Annotation(title=_("Draft the decision (reasons per item)"))
        .Permission("requests_flow.draft_decision")
        .Next(this.approval_required)
    )


def assess_per_item(title):
    """The assessment task: every item granted or refused with its ground and reasons, or the
    whole request unclear (clarification), not ours, or manifestly unfounded (AVG 12(5))."""
    return (
        flow.View(item_tasks.AssessItemsView.as_view())
        .Annotation(title=title)
        .Permission("requests_flow.assess_request")
        .Next(this.assessment_outcome)
    )


# Gate conditions, read fresh from the case (its service function has just changed it).
def paused(act):
    return case_of(act).is_paused


def refused_as_a_whole(act):
    """Refused, or not handled, for one reason that covers the whole request (identity, no
    reply, not a GDPR request, AVG 12(5)): the refusal task drafts it. A request refused item by
    item goes on like any per-item decision: the fan-outs with nothing to do pass straight to
    the draft decision, which gives each item's reasons once (Awb 3:46)."""
    case = case_of(act)
    return (
        case.outcome in (Outcome.REFUSED, Outcome.NOT_HANDLED)
        and case.refusal_ground != RefusalGround.ITEMS_REFUSED
    )


def approved(act):
    return case_of(act).approved_by_id is not None
