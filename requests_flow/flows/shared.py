"""The pieces every right's flow shares: intake, e-mail confirmation, identity, information
requests that pause the clock, approval, sending the decision, and the deadline watch.

A right's flow class mixes `RequestFlowBase` into `flow.Flow` and adds what differs by law:
its assessment, its execution steps and its draft decision. Shared nodes refer to the right's
own nodes by name through `this.`: `assess`, `draft_refusal` and `approve`'s successor
`approved`.

    start ─▶ ⫼ ─▶ confirm e-mail ─▶ verify identity ─▶ ◇ identity outcome
             │                       ▲    ├ proof asked ─▶ wait for proof (⏱ term) ─┘
             │                       │    ├ established ─▶ assess (the right's own)
             │                       │    └ not established ─▶ draft refusal
             │    wait for clarification (⏱ term) ─▶ assess;  ⏱ term over ─▶ not handled ─▶ approve
             │    ◇ approval required? ─▶ approve ─▶ ◇ approved (the right's own) ─▶ send ─▶ ◉
             └─▶ deadline watch: ⏱ reminder ─▶ ⏱ target passed ─▶ FG ─▶ ⏱ reminder ─▶ ⏱ D1 ─▶ FG
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from requests_flow import deadlines, services
from requests_flow.constants import InformationStatus
from requests_flow.flows.nodes import CaseStart, DeadlineTimer, FourEyesView
from requests_flow.models import Case, CaseProcess
from requests_flow.services import clock
from requests_flow.views import tasks


def case_of(activation):
    """The activation's case, read fresh: the task's service function has just changed it
    through another instance."""
    return Case.objects.select_related("request", "organisation").get(pk=activation.process.case_id)


class RequestFlowBase:
    """Shared nodes and settings of the request flows (mixed into `flow.Flow`)."""

    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock

    start = CaseStart(this.start_case).Next(this.begin)

    begin = (
        flow.Split()
        .Annotation(title=_("Request received"))
        .Next(this.confirm_email)
        .Next(this.wait_internal_reminder)
    )

    confirm_email = (
        flow.Handle()
        .Annotation(title=_("Requester confirms e-mail address"))
        .Next(this.verify_identity)
    )

    verify_identity = (
        flow.View(tasks.VerifyIdentityView.as_view())
        .Annotation(title=_("Verify identity"))
        .Permission("requests_flow.verify_identity")
        .Next(this.identity_outcome)
    )

    identity_outcome = (
        flow.Switch()
        .Annotation(title=_("Identity established?"))
        .Case(this.await_identity_proof, lambda act: case_of(act).is_paused)
        .Case(this.assess, lambda act: bool(case_of(act).request.identity_established))
        .Default(this.draft_refusal)
    )

    await_identity_proof = (
        flow.Handle()
        .Annotation(title=_("Wait for proof of identity"))
        .OnTimeout(this.reply_term_end, this.not_handled, title=_("Reply term over"))
        .Next(this.verify_identity)
    )

    await_clarification = (
        flow.Handle()
        .Annotation(title=_("Wait for clarification"))
        .OnTimeout(this.reply_term_end, this.not_handled, title=_("Reply term over"))
        .Next(this.assess)
    )

    not_handled = (
        flow.Function(lambda act: clock.expire_information_request(case_of(act)))
        .Annotation(title=_("Not handled: no reply in time"))
        .Next(this.approve)
    )

    draft_refusal = (
        flow.View(tasks.DraftRefusalView.as_view())
        .Annotation(title=_("Draft the refusal"))
        .Permission("requests_flow.draft_decision")
        .Next(this.approval_required)
    )

    approval_required = (
        flow.If(lambda act: case_of(act).needs_approval)
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

    send_decision = (
        flow.Function(lambda act: services.send_decision(case_of(act)))
        .Annotation(title=_("Send the decision"))
        .Next(this.end)
    )

    end = flow.TerminateEnd()

    # the deadline watch: a parallel branch of timers, ended with the case by `end`
    wait_internal_reminder = (
        DeadlineTimer(clock.INTERNAL_REMINDER)
        .Annotation(title=_("Internal target near"))
        .Next(this.remind_internal)
    )
    remind_internal = (
        flow.Function(
            lambda act: clock.send_deadline_reminder(case_of(act), clock.INTERNAL_REMINDER)
        )
        .Annotation(title=_("Remind the officers"))
        .Next(this.wait_internal_passed)
    )
    wait_internal_passed = (
        DeadlineTimer(clock.INTERNAL_PASSED)
        .Annotation(title=_("Internal target passed"))
        .Next(this.escalate_internal)
    )
    escalate_internal = (
        flow.Function(lambda act: clock.escalate_deadline(case_of(act), clock.INTERNAL_PASSED))
        .Annotation(title=_("Escalate to the FG"))
        .Next(this.wait_legal_reminder)
    )
    wait_legal_reminder = (
        DeadlineTimer(clock.LEGAL_REMINDER)
        .Annotation(title=_("Legal deadline near"))
        .Next(this.remind_legal)
    )
    remind_legal = (
        flow.Function(lambda act: clock.send_deadline_reminder(case_of(act), clock.LEGAL_REMINDER))
        .Annotation(title=_("Remind the officers"))
        .Next(this.wait_legal_day)
    )
    wait_legal_day = (
        DeadlineTimer(clock.LEGAL_DAY)
        .Annotation(title=_("Last day (D1)"))
        .Next(this.escalate_legal)
    )
    escalate_legal = (
        flow.Function(lambda act: clock.escalate_deadline(case_of(act), clock.LEGAL_DAY))
        .Annotation(title=_("Escalate to the FG"))
        .Next(this.watch_end)
    )
    watch_end = flow.End()

    def start_case(self, activation, case):
        activation.process.case = case
        return activation.process

    def reply_term_end(self, activation):
        """The reply term's last day counts in full: the timer fires at 00:00 the day after."""
        info = (
            case_of(activation)
            .information_requests.filter(status=InformationStatus.OPEN)
            .latest("pk")
        )
        return deadlines.due_moment(info.reply_due_on)
