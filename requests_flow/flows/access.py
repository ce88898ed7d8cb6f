"""Inzage (access, AVG 15).

start ─▶ ⫼ ─▶ confirm e-mail ─▶ verify identity ─▶ ◇ ─ proof asked ─▶ wait for proof ─┐
         │                       ▲                 ├ established ─▶ assess ─▶ ◇        │
         │                       └─────────────────┼──────────────────────────┼────────┘
         │                                         └ not established ─▶ draft refusal
         │    assess ◇ ─ clarification asked ─▶ wait for clarification ─▶ assess
         │           ├ ours ─▶ draft answer ─┐
         │           └ not ours ─▶ draft refusal ─┤
         │    (reply term over ⏱ ─▶ not handled ─▶ approve)
         │                                        ▼
         │    ◇ approval required? ─▶ approve ─▶ ◇ approved? ─▶ send decision ─▶ ◉ end
         │                                        └ no ─▶ back to the draft it came from
         └─▶ deadline watch: ⏱ reminder ─▶ ⏱ internal target passed ─▶ FG ─▶ ⏱ reminder
                             ─▶ ⏱ D1 ─▶ FG ─▶ end   (moved by pauses and the extension)
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from requests_flow import deadlines, services
from requests_flow.constants import InformationStatus, Outcome
from requests_flow.flows.nodes import DeadlineTimer, FourEyesView
from requests_flow.models import Case, CaseProcess
from requests_flow.services import clock
from requests_flow.views import tasks


def _case(activation):
    # read fresh: the task's service function has just changed the case through another instance
    return Case.objects.select_related("request", "organisation").get(pk=activation.process.case_id)


class AccessFlow(flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Access request (AVG 15)")
    process_description = _("Inzage: a copy of the personal data and the AVG 15(1) information.")

    start = flow.StartHandle(this.start_case).Next(this.begin)

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
        .Case(this.await_identity_proof, lambda act: _case(act).is_paused)
        .Case(this.assess, lambda act: bool(_case(act).request.identity_established))
        .Default(this.draft_refusal)
    )

    await_identity_proof = (
        flow.Handle()
        .Annotation(title=_("Wait for proof of identity"))
        .OnTimeout(this.reply_term_end, this.not_handled, title=_("Reply term over"))
        .Next(this.verify_identity)
    )

    assess = (
        flow.View(tasks.AssessView.as_view())
        .Annotation(title=_("Assess and collect data"))
        .Permission("requests_flow.assess_request")
        .Next(this.assessment_outcome)
    )

    assessment_outcome = (
        flow.Switch()
        .Annotation(title=_("A GDPR request for us?"))
        .Case(this.await_clarification, lambda act: _case(act).is_paused)
        .Case(this.draft_answer, lambda act: bool(_case(act).is_avg_request))
        .Default(this.draft_refusal)
    )

    await_clarification = (
        flow.Handle()
        .Annotation(title=_("Wait for clarification"))
        .OnTimeout(this.reply_term_end, this.not_handled, title=_("Reply term over"))
        .Next(this.assess)
    )

    not_handled = (
        flow.Function(lambda act: clock.expire_information_request(_case(act)))
        .Annotation(title=_("Not handled: no reply in time"))
        .Next(this.approve)
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
        flow.Function(lambda act: services.send_decision(_case(act)))
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
        flow.Function(lambda act: clock.send_deadline_reminder(_case(act), clock.INTERNAL_REMINDER))
        .Annotation(title=_("Remind the officers"))
        .Next(this.wait_internal_passed)
    )
    wait_internal_passed = (
        DeadlineTimer(clock.INTERNAL_PASSED)
        .Annotation(title=_("Internal target passed"))
        .Next(this.escalate_internal)
    )
    escalate_internal = (
        flow.Function(lambda act: clock.escalate_deadline(_case(act), clock.INTERNAL_PASSED))
        .Annotation(title=_("Escalate to the FG"))
        .Next(this.wait_legal_reminder)
    )
    wait_legal_reminder = (
        DeadlineTimer(clock.LEGAL_REMINDER)
        .Annotation(title=_("Legal deadline near"))
        .Next(this.remind_legal)
    )
    remind_legal = (
        flow.Function(lambda act: clock.send_deadline_reminder(_case(act), clock.LEGAL_REMINDER))
        .Annotation(title=_("Remind the officers"))
        .Next(this.wait_legal_day)
    )
    wait_legal_day = (
        DeadlineTimer(clock.LEGAL_DAY)
        .Annotation(title=_("Last day (D1)"))
        .Next(this.escalate_legal)
    )
    escalate_legal = (
        flow.Function(lambda act: clock.escalate_deadline(_case(act), clock.LEGAL_DAY))
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
            _case(activation)
            .information_requests.filter(status=InformationStatus.OPEN)
            .latest("pk")
        )
        return deadlines.due_moment(info.reply_due_on)
