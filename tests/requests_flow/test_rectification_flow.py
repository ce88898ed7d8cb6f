"""Rectificatie (AVG 16) walked through HTTP: the form's items, assessment per item, execution
per system by its owners, AVG 19 per recipient, the decision letter."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from notifications.models import OutboxMessage
from organisations.constants import Role
from organisations.models import SourceSystem
from requests_flow import services
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    ItemDecision,
    ItemGround,
    NotificationStatus,
    Outcome,
)
from requests_flow.flows import RectificationFlow
from requests_flow.models import CaseItem
from tests.domain_fixtures import _staff, login
from tests.requests_flow.items_helpers import (
    PDF_BYTES,
    assessment_form,
    do_task,
    letter_raw_text,
    letter_text,
    open_task,
    public_submit,
    set_row,
    systems,
    take,
)

pytestmark = pytest.mark.django_db

CVS = "Cliëntvolgsysteem (CVS)"
DMS = "Documentbeheersysteem (DMS)"


@pytest.fixture
def owners(werkse, system_owner):
    """sam owns the CVS, sanne the DMS."""
    sanne = _staff(werkse, "sanne", Role.SYSTEM_OWNER)
    SourceSystem.objects.get(organisation=werkse, name=CVS).owners.add(system_owner)
    SourceSystem.objects.get(organisation=werkse, name=DMS).owners.add(sanne)
    return system_owner, sanne


def submit_rectification(client, werkse, rows=1):
    evidence = io.BytesIO(PDF_BYTES)
    evidence.name = "huurcontract.pdf"
    fields = {"details-evidence": [evidence]}
    values = [
        ("Adres", "Oude Delft 1", "Nieuwe Langendijk 2"),
        ("Geboortedatum", "1 mei 1980", "1 mei 1981"),
    ]
    for n, (what, current, correct) in enumerate(values[:rows]):
        fields.update(
            {
                f"details-item_{n}_what": what,
                f"details-item_{n}_current": current,
                f"details-item_{n}_correct": correct,
            }
        )
    request_obj = public_submit(client, werkse, ["rectification"], **fields)
    services.confirm_email(request_obj)
    return request_obj.cases.get()


def _today() -> str:
    return timezone.localdate().isoformat()


def verify(client, case):
    do_task(
        client,
        case,
        RectificationFlow.verify_identity,
        # LEGAL.md 2.1: a match with held data names the items that matched
        {"method": "held_data", "matched_items": ["name", "address"], "established": "yes"},
    )


def test_form_stores_items_and_evidence(client, werkse):
    # AVG 16, LEGAL.md 4.2: current and requested value per item, and the evidence
    case = submit_rectification(client, werkse, rows=2)
    items = list(case.items.order_by("pk"))
    assert [(i.current_value, i.requested_value) for i in items] == [
        ("Oude Delft 1", "Nieuwe Langendijk 2"),
        ("1 mei 1980", "1 mei 1981"),
    ]
    assert items[0].evidence.title == "huurcontract.pdf"
    assert not items[0].evidence.shared_with_requester


def test_form_needs_the_correct_value(client, werkse):
    # AVG 16: a correction request says what the data should say; the form is re-shown whole,
    # every right's questions with their answers
    url = reverse("public:request_form", args=[werkse.slug])
    key = client.get(url).context["form"]["idempotency_key"].value()
    response = client.post(
        url,
        {
            "rights": ["rectification"],
            "name": "Anna",
            "email": "anna@example.org",
            "relation": "client",
            "language": "nl",
            "idempotency_key": str(key),
            "details-erasure_what": "Kept from before",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_details-item_0_correct"' in response.content.decode()
    assert set(response.context["details"].available_rights) == set(werkse.offered_rights)
    assert "Kept from before" in response.content.decode()


def test_only_the_ticked_rights_questions_are_checked(client, werkse):
    # AVG 12(2): the form must not stand in the way of a right; what someone typed under a right
    # they did not tick (then untick) neither blocks the request nor becomes part of it
    request_obj = public_submit(
        client,
        werkse,
        ["access"],
        **{"details-item_0_what": "x" * 301, "details-item_0_correct": "y"},
    )
    case = request_obj.cases.get()
    assert case.right == "access" and not case.items.exists()


def test_full_grant_with_execution_per_system_and_avg19(
    client, werkse, officer, colleague, owners, time_machine
):
    # AVG 16, AVG 19, LEGAL.md 4.9: one task per system for its owners, one per recipient
    sam, sanne = owners
    time_machine.move_to("2026-03-02T10:00:00+01:00")
    case = submit_rectification(client, werkse)
    login(client, officer)
    verify(client, case)
    data, rows = assessment_form(client, case, RectificationFlow.assess)
    assert rows[0]["requested_value"] == "Nieuwe Langendijk 2"
    set_row(data, 0, decision="granted")
    data["systems"] = systems(werkse, CVS, DMS)
    data["recipients"] = "Gemeente Delft (Werk en Inkomen)\nUWV\nSVB"
    response = do_task(client, case, RectificationFlow.assess, data)
    assert response.status_code == 302, response.context["form"].errors
    assert case.status == CaseStatus.EXECUTION
    execute_tasks = case.process.task_set.filter(flow_task=RectificationFlow.execute)
    assert execute_tasks.count() == 2

    # the privacy officer has no execute permission; each owner sees only their own system
    cvs, dms = (SourceSystem.objects.get(organisation=werkse, name=n) for n in (CVS, DMS))
    cvs_task = open_task(case, RectificationFlow.execute, system_id=cvs.pk)
    dms_task = open_task(case, RectificationFlow.execute, system_id=dms.pk)
    assert client.get(reverse("officer:task", args=[cvs_task.pk])).status_code == 403
    # the owners carry it out over the next days, each on their own date
    time_machine.move_to("2026-03-12T10:00:00+01:00")
    client.logout()
    login(client, sam)
    queue = client.get(reverse("officer:queue")).content.decode()
    assert reverse("officer:task", args=[cvs_task.pk]) in queue
    assert reverse("officer:task", args=[dms_task.pk]) not in queue
    assert client.get(reverse("officer:task", args=[dms_task.pk])).status_code == 403
    page = client.get(reverse("officer:task", args=[cvs_task.pk]))
    assert page.status_code == 200
    take(client, cvs_task)
    page = client.get(reverse("officer:task", args=[cvs_task.pk])).content.decode()
    assert "Nieuwe Langendijk 2" in page
    response = do_task(
        client, case, RectificationFlow.execute, {"done_on": "2026-03-10"}, system_id=cvs.pk
    )
    assert response.status_code == 302 and response["Location"] == reverse("officer:inbox")
    client.logout()
    login(client, sanne)
    do_task(client, case, RectificationFlow.execute, {"done_on": "2026-03-11"}, system_id=dms.pk)
    records = {r.system.name: r for r in case.executions.all()}
    assert records[CVS].done_by == sam and records[DMS].done_by == sanne
    assert str(records[DMS].done_on) == "2026-03-11"
    client.logout()

    # AVG 19: one task per recipient; one is skipped with a recorded reason
    login(client, officer)
    notifications = {n.recipient: n for n in case.notifications.all()}
    assert set(notifications) == {"Gemeente Delft (Werk en Inkomen)", "UWV", "SVB"}
    for name in ("Gemeente Delft (Werk en Inkomen)", "UWV"):
        do_task(
            client,
            case,
            RectificationFlow.notify,
            {"outcome": "sent", "sent_on": "2026-03-12"},
            notification_id=notifications[name].pk,
        )
    response = do_task(
        client,
        case,
        RectificationFlow.notify,
        {"outcome": "skipped", "reason": ""},
        notification_id=notifications["SVB"].pk,
    )
    assert response.status_code == 200  # a skip needs its reason
    reason = "De SVB kreeg alleen uw naam, niet uw adres."
    do_task(
        client,
        case,
        RectificationFlow.notify,
        {"outcome": "skipped", "reason": reason},
        notification_id=notifications["SVB"].pk,
    )
    svb = case.notifications.get(recipient="SVB")
    assert svb.status == NotificationStatus.SKIPPED and svb.reason == reason
    assert case.status == CaseStatus.EXECUTION or case.status == CaseStatus.DRAFTING

    do_task(client, case, RectificationFlow.draft_decision, {"remarks": ""})
    assert case.status == CaseStatus.APPROVAL
    client.logout()
    login(client, colleague)
    do_task(client, case, RectificationFlow.approve, {"decision": "approve", "note": ""})
    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.GRANTED
    text = letter_text(case)
    for expected in (
        "Nieuwe Langendijk 2",
        "toegewezen",
        CVS,
        "UWV",
        "De SVB kreeg alleen uw naam",  # AVG 19: the skipped recipient and why
        "artikel 19 AVG",
        "Autoriteit Persoonsgegevens",  # AVG 12(4), 77
        "bezwaarschrift",  # Awb 6:7
    ):
        assert expected in text, expected
    assert OutboxMessage.objects.filter(template="decision_ready", case=case).exists()


def test_partial_refusal_gives_reasons_per_item(client, werkse, officer, colleague, owners):
    # AVG 16, Awb 3:46: the refused item carries its ground and reasons into the letter
    case = submit_rectification(client, werkse, rows=2)
    login(client, officer)
    verify(client, case)
    data, _rows = assessment_form(client, case, RectificationFlow.assess)
    set_row(data, 0, decision="granted")
    set_row(data, 1, decision="refused", legal_ground="accurate", reason="")
    data["systems"] = systems(werkse, CVS)
    data["recipients"] = ""
    response = do_task(client, case, RectificationFlow.assess, data)
    assert response.status_code == 200  # a refused item needs its reasons
    assert not CaseItem.objects.filter(case=case).exclude(decision=ItemDecision.PENDING).exists()
    reason = "Uw geboortedatum staat zo in de Basisregistratie Personen."
    set_row(data, 1, decision="refused", legal_ground="accurate", reason=reason)
    do_task(client, case, RectificationFlow.assess, data)
    assert case.outcome == Outcome.PARTLY_GRANTED
    client.logout()
    login(client, owners[0])
    do_task(client, case, RectificationFlow.execute, {"done_on": _today()})
    client.logout()
    login(client, officer)
    # no recipients: the AVG 19 fan-out goes straight on to the draft
    do_task(client, case, RectificationFlow.draft_decision, {"remarks": "Excuses voor de fout."})
    client.logout()
    login(client, colleague)
    do_task(client, case, RectificationFlow.approve, {"decision": "approve", "note": ""})
    assert case.outcome == Outcome.PARTLY_GRANTED
    text = letter_text(case)
    assert "gedeeltelijk toe" in text
    assert "Basisregistratie Personen" in text
    assert "De gegevens zijn juist en volledig" in text or "accurate" in text
    assert "Excuses voor de fout." in text


def test_refusal_of_every_item_gives_each_reason_once(client, werkse, officer, colleague):
    # AVG 16, Awb 3:46: nothing granted: no execution; drafted per item like any such decision,
    # and the letter gives each item's ground and reasons once, in its table
    case = submit_rectification(client, werkse, rows=2)
    login(client, officer)
    verify(client, case)
    data, _rows = assessment_form(client, case, RectificationFlow.assess)
    reasons = [
        "Het adres klopt met de Basisregistratie Personen.",
        "Uw geboortedatum staat zo op de geboorteakte.",
    ]
    set_row(data, 0, decision="refused", legal_ground="accurate", reason=reasons[0])
    set_row(data, 1, decision="refused", legal_ground="other", reason=reasons[1])
    data["systems"] = []
    do_task(client, case, RectificationFlow.assess, data)
    assert case.outcome == Outcome.REFUSED and case.decision_reasons == ""
    assert not case.executions.exists()
    assert not case.process.task_set.filter(flow_task=RectificationFlow.execute).exists()
    assert not case.process.task_set.filter(flow_task=RectificationFlow.draft_refusal).exists()
    task = take(client, open_task(case, RectificationFlow.draft_decision))
    form = client.get(reverse("officer:task", args=[task.pk])).context["form"]
    assert not form["remarks"].value()  # the officer's own words only: nothing pre-filled
    do_task(client, case, RectificationFlow.draft_decision, {"remarks": ""})
    client.logout()
    login(client, colleague)
    # the approver sees what the letter will say per item
    task = take(client, open_task(case, RectificationFlow.approve))
    page = client.get(reverse("officer:task", args=[task.pk])).content.decode()
    assert all(reason in page for reason in reasons)
    do_task(client, case, RectificationFlow.approve, {"decision": "approve", "note": ""})
    text = letter_raw_text(case)
    assert "Wij wijzen uw verzoek af" in text
    for reason in reasons:
        assert text.count(reason) == 1, reason
    with translation.override("nl"):
        assert text.count(str(ItemGround.ACCURATE.label)) == 1
        assert text.count(str(ItemGround.OTHER.label)) == 1
    assert "Autoriteit Persoonsgegevens" in text and "bezwaarschrift" in text


def test_returned_identity_refusal_goes_back_to_the_refusal_draft(
    client, werkse, officer, colleague
):
    # Awb 3:46, LEGAL.md 4.7: a refusal of the whole request that the approver returns is
    # redrafted as that refusal, not as a decision per item (its items were never decided)
    case = submit_rectification(client, werkse)
    login(client, officer)
    reasons = "Uw gegevens kwamen niet overeen met onze administratie."
    do_task(
        client,
        case,
        RectificationFlow.verify_identity,
        {"method": "held_data", "established": "no", "note": reasons},
    )
    do_task(client, case, RectificationFlow.draft_refusal, {"reasons": reasons})
    client.logout()
    login(client, colleague)
    do_task(client, case, RectificationFlow.approve, {"decision": "return", "note": "Korter."})
    assert case.status == CaseStatus.DRAFTING
    assert open_task(case, RectificationFlow.draft_refusal).status == "NEW"
    assert not case.process.task_set.filter(flow_task=RectificationFlow.draft_decision).exists()


def test_granted_items_need_a_system(client, werkse, officer):
    # LEGAL.md 4.2: a granted correction is carried out somewhere
    case = submit_rectification(client, werkse)
    login(client, officer)
    verify(client, case)
    data, _rows = assessment_form(client, case, RectificationFlow.assess)
    set_row(data, 0, decision="granted")
    data["systems"] = []
    response = do_task(client, case, RectificationFlow.assess, data)
    assert response.status_code == 200
    assert case.status == CaseStatus.ASSESSMENT


def _bring_to(client, case, node, officer, werkse):
    login(client, officer)
    if node is RectificationFlow.verify_identity:
        return
    verify(client, case)
    if node is RectificationFlow.assess:
        return
    data, _rows = assessment_form(client, case, RectificationFlow.assess)
    if node is RectificationFlow.draft_refusal:
        data.update(is_avg_request="no", note="Dit gaat over een parkeervergunning.")
        do_task(client, case, RectificationFlow.assess, data)
        return
    set_row(data, 0, decision="granted")
    data["systems"] = systems(werkse, CVS)
    data["recipients"] = "UWV"
    do_task(client, case, RectificationFlow.assess, data)
    if node is RectificationFlow.execute:
        return
    owner = _staff(werkse, "sem", Role.SYSTEM_OWNER)
    SourceSystem.objects.get(organisation=werkse, name=CVS).owners.add(owner)
    client.logout()
    login(client, owner)
    do_task(client, case, RectificationFlow.execute, {"done_on": _today()})
    client.logout()
    login(client, officer)
    if node is RectificationFlow.notify:
        return
    do_task(client, case, RectificationFlow.notify, {"outcome": "sent", "sent_on": _today()})
    if node is RectificationFlow.draft_decision:
        return
    do_task(client, case, RectificationFlow.draft_decision, {"remarks": ""})


HUMAN_NODES = [
    RectificationFlow.verify_identity,
    RectificationFlow.assess,
    RectificationFlow.notify,
    RectificationFlow.draft_decision,
    RectificationFlow.draft_refusal,
    RectificationFlow.approve,
]


@pytest.mark.parametrize("node", HUMAN_NODES, ids=lambda n: n.name)
def test_wrong_role_on_every_task(
    client, werkse, node, officer, system_owner, other_officer, outsider
):
    # DESIGN rule 8: same organisation without permission 403, other organisation and outsiders
    # 404, anonymous to login
    case = submit_rectification(client, werkse)
    _bring_to(client, case, node, officer, werkse)
    client.logout()
    task = open_task(case, node)
    url = reverse("officer:task", args=[task.pk])
    assign_url = reverse("officer:task_assign", args=[task.pk])
    assert "/accounts/login/" in client.get(url)["Location"]
    for user, expected in ((system_owner, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(url).status_code == expected, (user, url)
        assert client.post(assign_url).status_code == expected, (user, assign_url)
        client.logout()
    task.refresh_from_db()
    assert task.owner_id is None


def test_wrong_role_on_the_execution_task(client, werkse, officer, owners, other_officer, outsider):
    # DESIGN rule 8: the execution task is for the system's owners only; a privacy officer of
    # the same organisation gets 403, another system's owner 403, others 404
    sam, sanne = owners
    case = submit_rectification(client, werkse)
    _bring_to(client, case, RectificationFlow.execute, officer, werkse)
    client.logout()
    task = open_task(case, RectificationFlow.execute)
    url = reverse("officer:task", args=[task.pk])
    for user, expected in ((officer, 403), (sanne, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(url).status_code == expected, user
        assert client.post(reverse("officer:task_assign", args=[task.pk])).status_code in (
            expected,
            302,
        )
        client.logout()
    task.refresh_from_db()
    assert task.owner_id is None
    login(client, sam)
    assert client.get(url).status_code == 200


def _refused_date(response, field, day, received_on):
    """The form comes back with a Dutch error beside the date field and the date as entered."""
    with translation.override("nl"):
        if day > received_on:
            expected = gettext("The date cannot lie in the future.")
        else:
            expected = gettext(
                "The date cannot lie before the request was received (%(date)s)."
            ) % {"date": date_format(received_on, "j F Y")}
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [expected]
    html = response.content.decode()
    assert expected in html and f'value="{day.isoformat()}"' in html


WRONG_DAYS = {"before_receipt": -1, "in_the_future": 1}


@pytest.mark.parametrize("offset", WRONG_DAYS.values(), ids=WRONG_DAYS.keys())
def test_carried_out_on_lies_between_receipt_and_today(client, werkse, officer, owners, offset):
    # AVG 5(2), LEGAL.md 6.1: the audit trail says when a change was carried out; nothing is
    # done for a request before it was received, nor tomorrow
    sam, _sanne = owners
    case = submit_rectification(client, werkse)
    _bring_to(client, case, RectificationFlow.execute, officer, werkse)
    client.logout()
    login(client, sam)
    received_on = case.request.received_on
    assert received_on == timezone.localdate()
    day = received_on + datetime.timedelta(days=offset)
    response = do_task(client, case, RectificationFlow.execute, {"done_on": day.isoformat()})
    _refused_date(response, "done_on", day, received_on)
    record = case.executions.get()
    assert record.done_on is None and case.status == CaseStatus.EXECUTION
    assert open_task(case, RectificationFlow.execute).status == "ASSIGNED"
    # the service refuses it too, whoever calls it
    with pytest.raises(services.ServiceError):
        services.confirm_execution(record=record, actor=sam, done_on=day)


@pytest.mark.parametrize("offset", WRONG_DAYS.values(), ids=WRONG_DAYS.keys())
def test_notified_on_lies_between_receipt_and_today(client, werkse, officer, offset):
    # AVG 19, AVG 5(2): the date a recipient was told of the change is recorded as it was;
    # nobody was told before the request was received, nor tomorrow
    case = submit_rectification(client, werkse)
    _bring_to(client, case, RectificationFlow.notify, officer, werkse)
    received_on = case.request.received_on
    day = received_on + datetime.timedelta(days=offset)
    response = do_task(
        client, case, RectificationFlow.notify, {"outcome": "sent", "sent_on": day.isoformat()}
    )
    _refused_date(response, "sent_on", day, received_on)
    notification = case.notifications.get()
    assert notification.status == NotificationStatus.PENDING and notification.sent_on is None
    assert not case.audit_entries.filter(action=AuditAction.RECIPIENT_NOTIFIED).exists()
    with pytest.raises(services.ServiceError):
        services.record_notification(
            notification=notification, actor=officer, sent=True, sent_on=day
        )
    response = do_task(
        client, case, RectificationFlow.notify, {"outcome": "sent", "sent_on": _today()}
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
