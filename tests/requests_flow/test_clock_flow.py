"""The legal clock in the flow, with time travel: reminders, escalation, pauses, the extension,
notices of default and decreed days (issue 4; LEGAL.md section 1)."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader
from viewflow.workflow.status import STATUS

from notifications.models import OutboxMessage
from notifications.sweeps import run_periodic_work
from requests_flow import services
from requests_flow.constants import AuditAction, CaseStatus, InformationStatus, Outcome
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, Case
from tests.domain_fixtures import login, submit_access_request

pytestmark = pytest.mark.django_db

D = datetime.date


def at(time_machine, moment: str):
    """Travel to `moment` (Europe/Amsterdam wall time, e.g. '2026-03-25 01:00')."""
    wall = datetime.datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    time_machine.move_to(wall, tick=False)


def sweep():
    """The real periodic work, twice: a fired timer may start one that is already due."""
    run_periodic_work()
    run_periodic_work()


def open_task(case, node):
    return case.process.task_set.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def do_task(client, case, node, data):
    task = open_task(case, node)
    if task.status == STATUS.NEW:
        assert client.post(reverse("officer:task_assign", args=[task.pk])).status_code == 302
    response = client.post(reverse("officer:task", args=[task.pk]), data)
    case.refresh_from_db()
    return response


def pdf_text(document) -> str:
    """The letter's text with line breaks folded, so phrases match across lines."""
    pages = PdfReader(io.BytesIO(document.file.read())).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def case_2_march(time_machine, werkse):
    """A confirmed inzage request received Monday 2 March 2026 (D1 2 April, target 30 March)."""
    at(time_machine, "2026-03-02 10:00")
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    assert (case.internal_due_on, case.legal_due_on) == (D(2026, 3, 30), D(2026, 4, 2))
    return case


def test_reminder_then_escalation_by_time_travel(
    time_machine, case_2_march, officer, colleague, fg, mailoutbox
):
    # LEGAL.md 1.3: reminders before the internal target, escalation to the FG when it passes
    # and on D1 (issue 4: timers as BPMN)
    case = case_2_march
    at(time_machine, "2026-03-24 23:00")
    sweep()
    assert not [m for m in mail.outbox if "Herinnering" in m.subject]  # not yet due
    at(time_machine, "2026-03-25 01:00")  # five days before the target
    sweep()
    reminders = [m for m in mail.outbox if "Herinnering" in m.subject]
    assert {a for m in reminders for a in m.to} == {officer.email, colleague.email}
    assert case.reference in reminders[0].subject
    assert not mails_to(fg.email)

    at(time_machine, "2026-03-31 01:00")  # the target (30 March) has passed
    sweep()
    escalations = [m for m in mails_to(fg.email) if "Escalatie" in m.subject]
    assert len(escalations) == 1
    assert "interne streefdatum" in escalations[0].subject

    at(time_machine, "2026-04-02 01:00")  # D1: the last day
    sweep()
    escalations = [m for m in mails_to(fg.email) if "Escalatie" in m.subject]
    assert len(escalations) == 2
    assert "laatste dag" in escalations[1].subject
    assert AuditEntry.objects.filter(case=case, action="escalated").count() == 2


def test_closing_the_case_cancels_its_deadline_timers(case_2_march, officer, colleague, client):
    # a decided case sends no more reminders: the end event cancels the deadline watch
    login(client, officer)
    do_task(
        client,
        case_2_march,
        AccessFlow.verify_identity,
        {"method": "held_data", "established": "no", "note": "Geen overeenkomst."},
    )
    do_task(client, case_2_march, AccessFlow.draft_refusal, {"reasons": "Geen overeenkomst."})
    client.logout()
    login(client, colleague)
    do_task(client, case_2_march, AccessFlow.approve, {"decision": "approve"})
    assert case_2_march.status == CaseStatus.CLOSED
    pending = case_2_march.process.task_set.filter(flow_task_type="TIMER", status="SCHEDULED")
    assert not pending.exists()


def _ask_identity_proof(client, case, officer, term_days):
    login(client, officer)
    return do_task(
        client,
        case,
        AccessFlow.verify_identity,
        {
            "method": "held_data",
            "established": "ask",
            "what_is_needed": "Een kopie van uw identiteitsbewijs met BSN en foto afgeschermd.",
            "reply_term_days": str(term_days),
        },
    )


def test_reply_in_time_resumes_with_shifted_dates(
    time_machine, client, case_2_march, officer, mailoutbox
):
    # LEGAL.md 1.5 example, Awb 4:15: received 2 March 2026, letter 4 March, reply 16 March:
    # 11 days paused, D1 = 2 April + 11 = Monday 13 April 2026
    case = case_2_march
    at(time_machine, "2026-03-04 11:00")
    _ask_identity_proof(client, case, officer, term_days=14)
    assert case.is_paused
    info = case.information_requests.get()
    assert info.reply_due_on == D(2026, 3, 18)
    letter = case.documents.get(kind="letter")
    text = pdf_text(letter)
    assert "18 maart 2026" in text  # LEGAL.md 5.2: the reply term
    assert "niet in behandeling" in text  # ... and what happens without a reply (Awb 4:5)
    waiting = case.process.task_set.get(flow_task=AccessFlow.await_identity_proof)
    assert waiting.status == STATUS.NEW
    # no deadline timer fires during a pause
    timer = case.process.task_set.get(flow_task=AccessFlow.wait_internal_reminder)
    assert timer.scheduled.year == 9999

    run_periodic_work()
    reply_link = re.search(r"https?://\S+/verzoek/reactie/\S+/", mail.outbox[-1].body).group(0)
    reply_path = "/" + reply_link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    at(time_machine, "2026-03-16 09:00")
    assert client.get(reply_path).status_code == 200
    scan = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    scan.name = "id-afgeschermd.pdf"
    response = client.post(
        reply_path, {"message": "Hierbij mijn identiteitsbewijs.", "files": scan}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert not case.is_paused
    assert case.legal_due_on == D(2026, 4, 13)
    assert case.internal_due_on == D(2026, 4, 10)  # 30 March + 11 days, not moved (LEGAL 1.3)
    assert case.documents.filter(kind="reply").count() == 1
    assert open_task(case, AccessFlow.verify_identity).status == STATUS.NEW
    timer.refresh_from_db()
    assert timezone.localtime(timer.scheduled).date() == D(
        2026, 4, 5
    )  # five days before the new target
    # a second reply through the same link is refused with a clear page
    assert client.post(reply_path, {"message": "Nog eens"}).status_code == 410


def test_no_reply_within_the_term_ends_not_handled(
    time_machine, client, case_2_march, officer, colleague, mailoutbox
):
    # LEGAL.md 1.5, Awb 4:5: the term runs out -> "not handled" for an officer to approve
    case = case_2_march
    at(time_machine, "2026-03-20 11:00")
    _ask_identity_proof(client, case, officer, term_days=14)  # reply by 3 April
    at(time_machine, "2026-03-26 01:00")  # the target reminder's day: paused, nothing fires
    sweep()
    assert not [m for m in mail.outbox if "Herinnering" in m.subject]
    at(time_machine, "2026-04-03 23:00")  # the term's last day still counts
    sweep()
    case.refresh_from_db()
    assert case.is_paused
    at(time_machine, "2026-04-04 00:30")
    sweep()
    case.refresh_from_db()
    assert not case.is_paused
    assert case.outcome == Outcome.NOT_HANDLED
    assert case.information_requests.get().status == InformationStatus.EXPIRED
    # paused 21 March up to and including 3 April: 14 days; 2 April + 14 = 16 April
    assert case.legal_due_on == D(2026, 4, 16)
    assert open_task(case, AccessFlow.approve).status == STATUS.NEW
    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "approve"})
    assert case.status == CaseStatus.CLOSED
    text = pdf_text(case.documents.filter(kind="letter").latest("pk"))
    assert "niet in behandeling" in text
    # Awb 3:46: the reasons name what we asked for and the term that ran out, once
    assert text.count(case.information_requests.get().what_is_needed) == 1
    assert text.count("3 april 2026") == 1
    assert "bezwaarschrift" in text  # Awb 6:7: the remedies clause


def test_returned_not_handled_decision_is_redrafted_without_reasons_of_its_own(
    time_machine, client, case_2_march, officer, colleague
):
    # Awb 4:5, 3:46: the letter itself states what we asked for and the term; redrafting a
    # returned "not handled" decision asks no reasons, and the letter still says it once
    case = case_2_march
    at(time_machine, "2026-03-20 11:00")
    _ask_identity_proof(client, case, officer, term_days=14)  # reply by 3 April
    at(time_machine, "2026-04-04 00:30")
    sweep()
    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "return", "note": "Nog eens lezen."})
    client.logout()
    login(client, officer)
    assert do_task(client, case, AccessFlow.draft_refusal, {"reasons": ""}).status_code == 302
    assert case.status == CaseStatus.APPROVAL and case.outcome == Outcome.NOT_HANDLED
    client.logout()
    login(client, colleague)
    do_task(client, case, AccessFlow.approve, {"decision": "approve"})
    text = pdf_text(case.documents.filter(kind="letter").latest("pk"))
    assert text.count(case.information_requests.get().what_is_needed) == 1
    assert text.count("3 april 2026") == 1


def test_extension_with_notice_letter(time_machine, client, case_2_march, officer, mailoutbox):
    # AVG 12(3), LEGAL.md 1.4 and 5.4: once, at most two more months, notice with the new date
    case = case_2_march
    at(time_machine, "2026-03-31 10:00")
    login(client, officer)
    url = reverse("officer:case_extend", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"reason": "complexity", "explanation": "Uw gegevens staan in zes systemen."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.legal_due_on == D(2026, 6, 2)  # 2 June 2026 (Tuesday), receipt + 3 months
    assert case.internal_due_on == D(2026, 5, 28)  # new D1 minus five days (LEGAL.md 1.3)
    text = pdf_text(case.documents.get(kind="letter"))
    assert "2 juni 2026" in text
    assert "zes systemen" in text and "ingewikkeld" in text
    timer = case.process.task_set.get(flow_task=AccessFlow.wait_internal_reminder)
    assert timezone.localtime(timer.scheduled).date() == D(
        2026, 5, 23
    )  # the pending timer moved with the target
    run_periodic_work()
    assert any("2 juni 2026" in m.body for m in mail.outbox)
    # once only
    response = client.post(url, {"reason": "number", "explanation": "Nog meer tijd."})
    assert response.status_code == 200
    assert "al een keer" in response.content.decode() or "already" in response.content.decode()


def test_extension_is_refused_after_d1(time_machine, client, case_2_march, officer):
    # AVG 12(3): the notice must reach the requester within the month; from the day after D1
    # the system refuses to extend
    at(time_machine, "2026-04-03 09:00")
    login(client, officer)
    response = client.post(
        reverse("officer:case_extend", args=[case_2_march.pk]),
        {"reason": "complexity", "explanation": "Te laat."},
    )
    assert response.status_code == 200
    assert "12(3)" in response.content.decode() or "12 lid 3" in response.content.decode()
    case_2_march.refresh_from_db()
    assert case_2_march.legal_due_on == D(2026, 4, 2)
    assert not hasattr(case_2_march, "extension")


def test_extension_on_d1_itself_is_allowed(time_machine, case_2_march, officer):
    # AVG 12(3): "at the latest on D1"
    at(time_machine, "2026-04-02 16:00")
    extension = services.extend_deadline(
        case=case_2_march, actor=officer, reason="number", explanation="Veel verzoeken."
    )
    assert extension.legal_due_after == D(2026, 6, 2)


def test_notice_of_default_penalty_start_and_fg_alert(
    time_machine, client, case_2_march, officer, fg, mailoutbox
):
    # Awb 4:17(3): first penalty day = later of (D1 + 1, notice received) + 14 days
    at(time_machine, "2026-04-10 10:00")
    login(client, officer)
    response = client.post(
        reverse("officer:case_notice", args=[case_2_march.pk]), {"received_on": "2026-04-08"}
    )
    assert response.status_code == 302
    notice = case_2_march.notices_of_default.get()
    assert notice.penalty_starts_on == D(2026, 4, 22)
    assert not notice.premature
    run_periodic_work()
    alert = mails_to(fg.email)
    assert alert and "22 april 2026" in alert[0].body
    page = client.get(reverse("officer:case", args=[case_2_march.pk])).content.decode()
    assert "22 april 2026" in page


def test_premature_notice_is_flagged(time_machine, case_2_march, officer):
    # LEGAL.md 1.6: a notice received before the term expired is premature
    at(time_machine, "2026-03-21 10:00")
    notice = services.record_notice_of_default(
        case=case_2_march, actor=officer, received_on=D(2026, 3, 20)
    )
    assert notice.premature
    assert notice.penalty_starts_on == D(2026, 4, 17)  # D1 + 1 = 3 April, + 14 days


NOTICE_DAYS = {"before_receipt": D(2026, 3, 1), "in_the_future": D(2026, 4, 11)}


@pytest.mark.parametrize("day", NOTICE_DAYS.values(), ids=NOTICE_DAYS.keys())
def test_notice_of_default_lies_between_receipt_and_today(
    time_machine, client, case_2_march, officer, day
):
    # Awb 4:17, AVG 5(2): no notice of default arrives before the request nor tomorrow; the
    # penalty start is computed from this date, so a wrong one is refused beside the field
    at(time_machine, "2026-04-10 10:00")
    login(client, officer)
    response = client.post(
        reverse("officer:case_notice", args=[case_2_march.pk]), {"received_on": day.isoformat()}
    )
    with translation.override("nl"):
        if day > D(2026, 4, 10):
            expected = gettext("The date cannot lie in the future.")
        else:
            expected = gettext(
                "The date cannot lie before the request was received (%(date)s)."
            ) % {"date": date_format(D(2026, 3, 2), "j F Y")}
    assert response.status_code == 200
    assert response.context["form"].errors["received_on"] == [expected]
    assert expected in response.content.decode()
    assert not case_2_march.notices_of_default.exists()
    assert not case_2_march.audit_entries.filter(action=AuditAction.NOTICE_OF_DEFAULT).exists()
    assert not OutboxMessage.objects.filter(template="notice_of_default").exists()
    # the service refuses it too, whoever calls it
    with pytest.raises(services.ServiceError):
        services.record_notice_of_default(case=case_2_march, actor=officer, received_on=day)


def test_private_organisation_has_no_notice_of_default(workways, other_officer):
    # LEGAL.md §0 and 1.6: no besluit, no penalty for a private organisation
    request_obj = submit_access_request(workways)
    case = request_obj.cases.get()
    with pytest.raises(services.ServiceError):
        services.record_notice_of_default(
            case=case, actor=other_officer, received_on=case.request.received_on
        )


def test_decreed_day_added_by_the_fg_moves_open_cases(time_machine, client, werkse, fg, officer):
    # LEGAL.md 1.2, Atw 3(3): one new decree re-computes every open case
    at(time_machine, "2026-03-03 10:00")  # D1 = Friday 3 April 2026 (Goede Vrijdag!) -> 7 April
    case = submit_access_request(werkse).cases.get()
    assert case.legal_due_on == D(2026, 4, 7)
    login(client, officer)
    url = reverse("officer:decreed_days")
    assert client.post(url, {"date": "2026-04-07", "reference": "Stb. 2026, 1"}).status_code == 403
    client.logout()
    login(client, fg)
    response = client.post(url, {"date": "2026-04-07", "reference": "Stb. 2026, 1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.legal_due_on == D(2026, 4, 8)
    assert AuditEntry.objects.filter(case=case, action="deadlines_recomputed").exists()


def test_dashboard_bands_and_flat_query_count(time_machine, client, werkse, workways, officer):
    # issue 4 dashboard: bands per deadline, paused cases; one query per band (DESIGN rule 10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.requests_flow.test_query_counts import seed_identity_tasks

    at(time_machine, "2026-11-25 10:00")
    seed_identity_tasks(werkse, 10)  # due 2 December 2026: this week
    seed_identity_tasks(workways, 3, start=500)  # never shown to a Werkse! officer
    Case.objects.filter(organisation=werkse).filter(pk__in=Case.objects.values("pk")[:2]).update(
        legal_due_on=D(2026, 11, 20)
    )
    login(client, officer)
    url = reverse("officer:dashboard")
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    bands = {key: cases for key, _, cases in response.context["bands"]}
    assert len(bands["overdue"]) == 2
    assert len(bands["week"]) == 8
    assert response.context["counts"]["total"] == 10
    seed_identity_tasks(werkse, 300, start=10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["counts"]["total"] == 310
    assert len(small.captured_queries) == len(large.captured_queries)
