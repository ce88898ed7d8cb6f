"""Wissen (AVG 17), beperking (AVG 18), verzet (AVG 21), overdraagbaarheid (AVG 20), AVG 12(5),
combined requests and every flow's chart, walked through HTTP."""

import datetime
import io
import json
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from notifications.models import OutboxMessage
from organisations.constants import LegalBasis, Role
from organisations.models import SourceSystem
from records.services import dossiers_due
from requests_flow import links, services
from requests_flow.constants import (
    CaseStatus,
    ErasureGround,
    IdentityMethod,
    ItemDecision,
    ItemGround,
    Outcome,
    RefusalGround,
    Right,
)
from requests_flow.flows import (
    FLOW_FOR_RIGHT,
    AccessFlow,
    ErasureFlow,
    ObjectionFlow,
    PortabilityFlow,
    RestrictionFlow,
)
from requests_flow.models import Restriction
from requests_flow.views.public import RIGHT_EXPLANATIONS, offered_rights
from tests.domain_fixtures import _staff, login
from tests.requests_flow.items_helpers import (
    as_read,
    assessment_form,
    do_task,
    letter_raw_text,
    letter_text,
    open_task,
    public_submit,
    set_row,
    systems,
)

pytestmark = pytest.mark.django_db

# the register rows for a Werkse! client, in the register's order (by name)
SUBSIDIE, NIEUWSBRIEF, REINTEGRATIE = 0, 1, 2


@pytest.fixture
def owner(werkse, system_owner):
    for system in SourceSystem.objects.filter(organisation=werkse):
        system.owners.add(system_owner)
    return system_owner


def submit(client, werkse, rights, **details):
    request_obj = public_submit(
        client, werkse, rights, **{f"details-{k}": v for k, v in details.items()}
    )
    services.confirm_email(request_obj)
    return request_obj


def verify(client, case, node, method="held_data"):
    # LEGAL.md 2.1: a match with held data names the items that matched
    data = {"method": method, "established": "yes", "note": ""}
    if method == "held_data":
        data["matched_items"] = ["name", "address"]
    do_task(client, case, node, data)


def execute_all(client, case, node, owner, officer):
    client.logout()
    login(client, owner)
    while case.process.task_set.filter(flow_task=node, status__in=["NEW", "ASSIGNED"]).exists():
        task = case.process.task_set.filter(flow_task=node, status__in=["NEW", "ASSIGNED"])[0]
        do_task(
            client,
            case,
            node,
            {"done_on": timezone.localdate().isoformat()},
            system_id=task.data["system_id"],
        )
    client.logout()
    login(client, officer)


def approve(client, case, node, approver, officer):
    client.logout()
    login(client, approver)
    do_task(client, case, node, {"decision": "approve", "note": ""})
    client.logout()
    login(client, officer)


# --- wissen (AVG 17) ---------------------------------------------------------------------------


def test_erasure_prefills_17_3_exceptions_from_the_register_and_refuses_in_part(
    client, werkse, officer, colleague, owner
):
    # AVG 17(3)(b),(d), LEGAL.md 4.3: the register's retention rules pre-fill the exceptions;
    # a partial refusal gives its reasons per category; AVG 19 with one skip for a reason
    request_obj = submit(
        client,
        werkse,
        ["erasure"],
        erasure_what="Alles wat u van mij heeft.",
        erasure_ground="b",
    )
    case = request_obj.cases.get()
    assert case.ground_asked == "b" and "Alles" in case.details
    login(client, officer)
    # AVG 17(1)(b): the officer reads the ground the requester chose in words, not its code
    page = client.get(reverse("officer:case", args=[case.pk])).content.decode()
    with translation.override("nl"):
        assert str(ErasureGround.CONSENT_WITHDRAWN.label) in page
    verify(client, case, ErasureFlow.verify_identity)
    data, rows = assessment_form(client, case, ErasureFlow.assess)
    assert [r["decision"] for r in rows] == ["refused", "granted", "refused"]
    assert rows[REINTEGRATIE]["legal_ground"] == ItemGround.ARCHIVING
    assert "Archiefwet" in rows[REINTEGRATIE]["reason"]
    assert rows[SUBSIDIE]["legal_ground"] == ItemGround.LEGAL_OBLIGATION
    assert data["systems"] == systems(werkse, "Nieuwsbriefsysteem")
    data["recipients"] = "Mailingdienst\nGemeente Delft"
    do_task(client, case, ErasureFlow.assess, data)
    assert case.outcome == Outcome.PARTLY_GRANTED
    execute_all(client, case, ErasureFlow.execute, owner, officer)
    gemeente = case.notifications.get(recipient="Gemeente Delft")
    mailing = case.notifications.get(recipient="Mailingdienst")
    do_task(
        client,
        case,
        ErasureFlow.notify,
        {"outcome": "sent", "sent_on": timezone.localdate().isoformat()},
        notification_id=mailing.pk,
    )
    reason = "De gemeente kreeg uw e-mailadres nooit van ons."
    do_task(
        client,
        case,
        ErasureFlow.notify,
        {"outcome": "skipped", "reason": reason},
        notification_id=gemeente.pk,
    )
    do_task(client, case, ErasureFlow.draft_decision, {"remarks": ""})
    approve(client, case, ErasureFlow.approve, colleague, officer)
    assert case.status == CaseStatus.CLOSED
    text = letter_text(case)
    assert "verwijdering van uw gegevens" in text
    assert "Archiefwet" in text  # the reason per category (AVG 17(3)(d))
    assert "Nieuwsbriefsysteem" in text
    assert reason in text  # AVG 19: skipped with its reason
    assert "Autoriteit Persoonsgegevens" in text and "bezwaarschrift" in text


def test_erasure_refused_entirely_and_wrong_role(
    client, werkse, officer, colleague, system_owner, other_officer, outsider
):
    # AVG 17(3), Awb 3:46; DESIGN rule 8 on the assessment task
    case = submit(client, werkse, ["erasure"], erasure_ground="a").cases.get()
    login(client, officer)
    verify(client, case, ErasureFlow.verify_identity)
    client.logout()
    task = open_task(case, ErasureFlow.assess)
    for user, expected in ((system_owner, 403), (other_officer, 404), (outsider, 404)):
        login(client, user)
        assert client.get(reverse("officer:task", args=[task.pk])).status_code == expected
        client.logout()
    login(client, officer)
    data, _rows = assessment_form(client, case, ErasureFlow.assess)
    set_row(data, NIEUWSBRIEF, decision="refused", legal_ground="no_17_1", reason="Niet nodig.")
    do_task(client, case, ErasureFlow.assess, data)
    assert case.outcome == Outcome.REFUSED and case.decision_reasons == ""
    # refused item by item: drafted per item like any such decision, not as one refusal
    assert not case.process.task_set.filter(flow_task=ErasureFlow.draft_refusal).exists()
    do_task(client, case, ErasureFlow.draft_decision, {"remarks": ""})
    approve(client, case, ErasureFlow.approve, colleague, officer)
    text = letter_raw_text(case)
    assert "Wij wijzen uw verzoek af" in text
    with translation.override("nl"):
        for item in case.items.all():
            # Awb 3:46: each item's ground and reasons once, in the table
            assert text.count(item.reason) == 1, item.reason
            assert text.count(str(ItemGround(item.legal_ground).label)) == 1, item.legal_ground


def test_erasure_refused_for_an_english_requester_in_english_grounds(
    client, werkse, officer, colleague
):
    # LEGAL.md 5.6, Awb 3:46: a Dutch officer decides; the English requester's letter gives each
    # item's ground in English, once, and no Dutch ground label
    request_obj = public_submit(
        client, werkse, ["erasure"], language="en", **{"details-erasure_ground": "a"}
    )
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    login(client, officer)
    verify(client, case, ErasureFlow.verify_identity)
    data, _rows = assessment_form(client, case, ErasureFlow.assess)
    reason = "You are still subscribed to the newsletter."
    set_row(data, NIEUWSBRIEF, decision="refused", legal_ground="other", reason=reason)
    do_task(client, case, ErasureFlow.assess, data)
    do_task(client, case, ErasureFlow.draft_decision, {"remarks": ""})
    approve(client, case, ErasureFlow.approve, colleague, officer)
    text = letter_raw_text(case)
    assert "We refuse your request." in text
    for item in case.items.all():
        assert text.count(item.reason) == 1, item.reason
        with translation.override("en"):
            assert text.count(as_read(str(ItemGround(item.legal_ground).label))) == 1
    with translation.override("nl"):
        for ground in ItemGround:
            assert str(ground.label) not in text, ground


# --- beperking (AVG 18) ------------------------------------------------------------------------


def _restricted_case(client, werkse, officer, colleague, owner):
    case = submit(
        client, werkse, ["restriction"], restriction_ground="a", restriction_what="Mijn adres"
    ).cases.get()
    login(client, officer)
    verify(client, case, RestrictionFlow.verify_identity)
    data, _rows = assessment_form(client, case, RestrictionFlow.assess)
    set_row(data, SUBSIDIE, decision="refused", legal_ground="no_18_1", reason="Niet betwist.")
    set_row(data, NIEUWSBRIEF, decision="refused", legal_ground="no_18_1", reason="Niet betwist.")
    data["systems"] = systems(werkse, "Cliëntvolgsysteem (CVS)")
    data["recipients"] = "UWV"
    do_task(client, case, RestrictionFlow.assess, data)
    execute_all(client, case, RestrictionFlow.execute, owner, officer)
    do_task(
        client,
        case,
        RestrictionFlow.notify,
        {"outcome": "sent", "sent_on": timezone.localdate().isoformat()},
    )
    do_task(client, case, RestrictionFlow.draft_decision, {"remarks": ""})
    approve(client, case, RestrictionFlow.approve, colleague, officer)
    return case


def test_restriction_is_recorded_and_lifted_only_after_the_notice(
    client, werkse, officer, colleague, owner
):
    # AVG 18(3), LEGAL.md 4.4: the requester is told before a restriction is lifted
    case = _restricted_case(client, werkse, officer, colleague, owner)
    restriction = Restriction.objects.get(case=case)
    assert restriction.where == "Cliëntvolgsysteem (CVS)" and restriction.is_active
    assert case.status == CaseStatus.RESTRICTION_IN_FORCE
    assert case.outcome == Outcome.PARTLY_GRANTED
    text = letter_text(case)
    assert "artikel 18 lid 3 AVG" in text and "UWV" in text
    # the deadline watch has stopped; the lift steps wait
    assert not case.process.task_set.filter(status="SCHEDULED", flow_task_type="TIMER").exists()
    notice_task = open_task(case, RestrictionFlow.tell_before_lifting)
    assert not case.process.task_set.filter(flow_task=RestrictionFlow.lift).exists()
    # the service refuses to lift before the notice, whoever calls it
    with pytest.raises(services.ServiceError):
        services.lift_restriction(case=case, actor=officer)
    response = do_task(client, case, RestrictionFlow.tell_before_lifting, {"reason": ""})
    assert response.status_code == 200
    restriction.refresh_from_db()
    assert restriction.lift_notice_sent_on is None
    do_task(
        client,
        case,
        RestrictionFlow.tell_before_lifting,
        {"reason": "De juistheid van uw adres is vastgesteld."},
    )
    notice_task.refresh_from_db()
    assert notice_task.status == "DONE"
    assert OutboxMessage.objects.filter(template="restriction_lift_notice", case=case).exists()
    do_task(client, case, RestrictionFlow.lift, {"confirm": "on"})
    restriction.refresh_from_db()
    assert restriction.lifted_on is not None and restriction.lifted_by == officer
    assert case.process.status == "DONE"


def _status_line(client, case) -> str:
    html = client.get(reverse("officer:case", args=[case.pk])).content.decode()
    return re.search(r'<p class="status">(.*?)</p>', html, re.S).group(1)


def _status_page(client, case) -> str:
    url = links.status_url(case.request)
    return client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).content.decode()


def test_restriction_in_force_is_not_called_closed(client, werkse, officer, colleague, owner):
    # AVG 18(3), LEGAL.md 5.6: a restriction in force is decided, not closed; the requester's
    # old withdrawal link and the officer's clock actions say so, and nothing changes
    case = _restricted_case(client, werkse, officer, colleague, owner)
    client.logout()
    url = links.withdrawal_url(case)
    response = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    with translation.override("nl"):
        decided = gettext("We have already decided on this request")
        in_force = gettext(
            "We have sent you our decision on your request %(reference)s, so it can no longer be "
            "withdrawn. The use of your data stays restricted until we lift the restriction, and "
            "we will tell you before we do. Contact us and mention your reference if you have "
            "questions."
        ) % {"reference": case.request.reference}
        closed = gettext("This request is already closed")
        not_closed = gettext(
            "The decision has been sent. The restriction stays in force until it is lifted, and "
            "the requester is told before that (AVG 18(3))."
        )
    html = response.content.decode()
    assert response.status_code == 410
    assert decided in html and in_force in html and closed not in html
    with translation.override("nl"):
        with pytest.raises(services.ServiceError, match=re.escape(not_closed)):
            services.extend_deadline(
                case=case, actor=officer, reason="complexity", explanation="Veel systemen."
            )
        with pytest.raises(services.ServiceError, match=re.escape(not_closed)):
            services.request_information(
                case=case,
                actor=officer,
                kind="clarification",
                what_is_needed="Uw nieuwe adres.",
                reply_term_days=14,
            )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESTRICTION_IN_FORCE and case.outcome == Outcome.PARTLY_GRANTED
    assert not case.information_requests.exists() and not hasattr(case, "extension")


def test_restriction_in_force_after_the_decision_until_it_is_lifted(
    client, werkse, officer, colleague, owner, time_machine
):
    # AVG 18(3), LEGAL.md 4.4: after the decision the restriction stays in force until it is
    # lifted, after the requester was told. The case is decided, so no deadline runs (it was
    # met), but it is not closed: not on the deadline dashboard, not overdue, and its dossier
    # is kept (LEGAL.md 6.2) until the restriction is lifted.
    case = _restricted_case(client, werkse, officer, colleague, owner)
    assert case.status == CaseStatus.RESTRICTION_IN_FORCE and case.closed_at is None
    with translation.override("nl"):
        in_force = str(CaseStatus.RESTRICTION_IN_FORCE.label)
        closed = str(CaseStatus.CLOSED.label)
        state_in_force = gettext(
            "We have restricted the use of your data. The restriction stays in force until "
            "we lift it, and we will tell you before we do. You can download our answer below."
        )
        answered = gettext("We have answered your request. You can download our answer below.")
        overdue = gettext("overdue")
        decision_sent = gettext("decision sent")
    assert in_force == "Beperking van kracht"
    line = _status_line(client, case)
    assert in_force in line and closed not in line
    page = _status_page(client, case)
    assert state_in_force in page and answered not in page
    # a bezwaarschrift against the decision can be registered while the restriction holds
    remedies = client.get(reverse("records:remedies", args=[case.pk]))
    assert remedies.context["can_register"]
    far = timezone.localdate() + datetime.timedelta(days=365 * (werkse.retention_years + 1))
    assert case.request not in dossiers_due(werkse, far)

    # after D1 the case is neither running nor overdue: the decision was sent in time
    after_d1 = datetime.datetime.combine(
        case.legal_due_on + datetime.timedelta(days=1),
        datetime.time(10),
        ZoneInfo("Europe/Amsterdam"),
    )
    time_machine.move_to(after_d1, tick=False)
    login(client, officer)
    dashboard = client.get(reverse("officer:dashboard"))
    assert case.reference not in dashboard.content.decode()
    assert dashboard.context["counts"]["total"] == 0
    assert not case.is_overdue() and case.deadline_band() == "ok"
    queue = client.get(reverse("officer:queue")).content.decode()
    assert case.reference in queue and overdue not in queue  # the notice task waits there
    # its dates are shown as met, not as running deadlines
    assert queue.count(f"({decision_sent})") == 2 and decision_sent == "besluit verzonden"

    do_task(
        client,
        case,
        RestrictionFlow.tell_before_lifting,
        {"reason": "De juistheid van uw adres is vastgesteld."},
    )
    assert case.status == CaseStatus.RESTRICTION_IN_FORCE  # told, not lifted yet
    do_task(client, case, RestrictionFlow.lift, {"confirm": "on"})
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert closed in _status_line(client, case)
    page = _status_page(client, case)
    assert answered in page and state_in_force not in page
    far = timezone.localdate() + datetime.timedelta(days=365 * (werkse.retention_years + 1))
    assert case.request in dossiers_due(werkse, far)


# --- verzet tegen verwerking (AVG 21) ----------------------------------------------------------


def test_objection_only_against_e_or_f_and_balancing_is_written_and_approved(
    client, werkse, officer, colleague, owner
):
    # AVG 21(1), LEGAL.md 4.5: only 6(1)(e)/(f); compelling grounds written down and approved;
    # a confirmed e-mail address may suffice for an objection (LEGAL.md 2.1)
    case = submit(
        client,
        werkse,
        ["objection"],
        objection_what="Het delen van mijn gegevens met werkgevers.",
        objection_situation="Ik word daardoor steeds gebeld.",
    ).cases.get()
    assert "steeds gebeld" in case.details
    login(client, officer)
    verify(client, case, ObjectionFlow.verify_identity, method="email_confirmed")
    assert case.status == CaseStatus.ASSESSMENT
    data, rows = assessment_form(client, case, ObjectionFlow.assess)
    assert rows[NIEUWSBRIEF]["legal_ground"] == ItemGround.NOT_E_OR_F  # consent: no AVG 21
    assert rows[REINTEGRATIE]["decision"] == ItemDecision.GRANTED
    set_row(data, SUBSIDIE, decision="refused", legal_ground="compelling", reason="")
    assert do_task(client, case, ObjectionFlow.assess, data).status_code == 200
    balancing = "De subsidie kan zonder deze gegevens niet worden uitbetaald aan uw werkgever."
    set_row(data, SUBSIDIE, decision="refused", legal_ground="compelling", reason=balancing)
    data["systems"] = systems(werkse, "Cliëntvolgsysteem (CVS)")
    do_task(client, case, ObjectionFlow.assess, data)
    assert "recipients" not in data or not case.notifications.exists()  # no AVG 19 for 21
    execute_all(client, case, ObjectionFlow.execute, owner, officer)
    do_task(client, case, ObjectionFlow.draft_decision, {"remarks": ""})
    assert case.status == CaseStatus.APPROVAL
    approve(client, case, ObjectionFlow.approve, colleague, officer)
    assert case.approved_by == colleague
    text = letter_text(case)
    assert "verzet tegen het gebruik van uw gegevens" in text
    assert "artikel 21" in text and balancing in text
    assert "bezwaarschrift" in text  # the Awb remedy, named as such only here


def test_objection_reasons_prefilled_in_the_requesters_language(client, werkse, officer):
    # AVG 21(1), LEGAL.md 5.6: the reasons the register suggests go into the letter as the
    # officer leaves them, so they are written in the requester's language
    request_obj = public_submit(
        client,
        werkse,
        ["objection"],
        language="en",
        **{"details-objection_situation": "I keep being called."},
    )
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    login(client, officer)
    verify(client, case, ObjectionFlow.verify_identity, method="email_confirmed")
    _data, rows = assessment_form(client, case, ObjectionFlow.assess)
    assert rows[NIEUWSBRIEF]["legal_ground"] == ItemGround.NOT_E_OR_F
    with translation.override("en"):
        expected = gettext("Our register gives the legal basis of this processing as: %(basis)s.")
        assert rows[NIEUWSBRIEF]["reason"] == expected % {"basis": LegalBasis.CONSENT.label}


def test_objection_wording_on_the_public_form(client, werkse):
    # LEGAL.md 4.5: "verzet tegen verwerking (art. 21 AVG)", never "bezwaarschrift"
    html = client.get(reverse("public:request_form", args=[werkse.slug])).content.decode()
    assert "Verzet tegen verwerking (art. 21 AVG)" in html
    assert "bezwaarschrift" not in html.lower()


def test_public_form_explains_each_right_the_organisation_offers_and_no_other(
    client, werkse, workways
):
    # LEGAL.md 5.6 (plain Dutch, B1) and the policy's rights on offer (README, Organisations):
    # Workways offers no portability on its form
    werkse.offered_rights = ["access", "erasure", "objection"]
    werkse.save(update_fields=["offered_rights"])
    for organisation in (werkse, workways):
        html = client.get(reverse("public:request_form", args=[organisation.slug])).content
        with translation.override("nl"):
            explained = {
                right
                for right, text in RIGHT_EXPLANATIONS.items()
                if escape(str(text)) in html.decode()
            }
        assert explained == set(offered_rights(organisation)), organisation.slug
    assert Right.PORTABILITY not in explained


# --- overdraagbaarheid (AVG 20) ----------------------------------------------------------------


def test_portability_public_task_refused_with_20_3_and_linked_inzage(
    client, werkse, officer, colleague, time_machine
):
    # AVG 20(3), LEGAL.md 4.6: public task refused with that reason; one click starts the
    # linked inzage case for the same person with the original receipt date
    time_machine.move_to("2026-03-02T10:00:00+01:00")
    request_obj = submit(client, werkse, ["portability"])
    case = request_obj.cases.get()
    login(client, officer)
    verify(client, case, PortabilityFlow.verify_identity, method="desk_id")
    data, rows = assessment_form(client, case, PortabilityFlow.assess)
    assert rows[REINTEGRATIE]["legal_ground"] == ItemGround.PUBLIC_TASK_PORTABILITY
    set_row(data, NIEUWSBRIEF, decision="refused", legal_ground="other", reason="Geen abonnee.")
    do_task(client, case, PortabilityFlow.assess, data)
    assert case.outcome == Outcome.REFUSED
    time_machine.move_to("2026-03-09T10:00:00+01:00")
    login(client, officer)  # a week later: a new session
    response = client.post(reverse("officer:case_offer_access", args=[case.pk]))
    access = case.linked_cases.get()
    assert response["Location"] == reverse("officer:case", args=[access.pk])
    assert access.right == Right.ACCESS and access.request == request_obj
    assert str(access.request.received_on) == "2026-03-02"
    assert access.legal_due_on == case.legal_due_on
    assert access.internal_due_on == case.internal_due_on
    # identity verified for the dossier carries over (desk ID suffices for inzage)
    assert access.status == CaseStatus.ASSESSMENT
    assert open_task(access, AccessFlow.assess).status == "NEW"
    client.post(reverse("officer:case_offer_access", args=[case.pk]))
    assert case.linked_cases.count() == 1  # one click, one case
    do_task(client, case, PortabilityFlow.draft_decision, {"remarks": ""})
    approve(client, case, PortabilityFlow.approve, colleague, officer)
    text = letter_raw_text(case)
    assert "artikel 20 lid 3 AVG" in text and "inzage" in text
    with translation.override("nl"):
        public_task = str(ItemGround.PUBLIC_TASK_PORTABILITY.label)
    refused_for_public_task = case.items.filter(legal_ground=ItemGround.PUBLIC_TASK_PORTABILITY)
    assert text.count(public_task) == refused_for_public_task.count() == 2  # one per line
    assert text.count("Geen abonnee.") == 1


def test_portability_granted_comes_with_a_json_and_csv_export(client, werkse, officer, colleague):
    # AVG 20(1): structured, machine-readable, next to the letter
    case = submit(client, werkse, ["portability"]).cases.get()
    login(client, officer)
    verify(client, case, PortabilityFlow.verify_identity)
    data, _rows = assessment_form(client, case, PortabilityFlow.assess)
    set_row(data, NIEUWSBRIEF, current_value="e-mail: anna@example.org\ninteresse: techniek")
    do_task(client, case, PortabilityFlow.assess, data)
    assert case.outcome == Outcome.PARTLY_GRANTED
    do_task(client, case, PortabilityFlow.draft_decision, {"remarks": ""})
    approve(client, case, PortabilityFlow.approve, colleague, officer)
    export = case.documents.get(kind="export")
    assert export.shared_with_requester
    with zipfile.ZipFile(io.BytesIO(export.file.read())) as archive:
        document = json.loads(archive.read("data.json"))
        csv_text = archive.read("data.csv").decode()
    record = document["records"][0]
    assert record["processing"] == "Nieuwsbrief en uitnodigingen"
    assert {"field": "interesse", "value": "techniek"} in record["data"]
    assert "Nieuwsbrief en uitnodigingen,e-mail,anna@example.org" in csv_text
    assert "JSON en CSV" in letter_text(case)


# --- AVG 12(5) ---------------------------------------------------------------------------------


def test_manifestly_unfounded_needs_reasons_and_a_second_person(client, werkse, officer, colleague):
    # AVG 12(5), LEGAL.md 4.7: written reasons and a second person's sign-off, even where the
    # organisation's policy asks no approval
    werkse.approval_required = False
    werkse.save()
    case = submit(client, werkse, ["erasure"], erasure_ground="a").cases.get()
    login(client, officer)
    verify(client, case, ErasureFlow.verify_identity)
    data, _rows = assessment_form(client, case, ErasureFlow.assess)
    data.update(is_avg_request="excessive", note="")
    assert do_task(client, case, ErasureFlow.assess, data).status_code == 200
    reasons = "Dit is uw twaalfde gelijke verzoek dit jaar; wij beantwoordden elk verzoek."
    data["note"] = reasons
    do_task(client, case, ErasureFlow.assess, data)
    assert case.refusal_ground == RefusalGround.EXCESSIVE
    do_task(client, case, ErasureFlow.draft_refusal, {"reasons": reasons})
    assert case.status == CaseStatus.APPROVAL  # sign-off despite approval_required=False
    approve_task = open_task(case, ErasureFlow.approve)
    assert client.get(reverse("officer:task", args=[approve_task.pk])).status_code == 403
    approve(client, case, ErasureFlow.approve, colleague, officer)
    text = letter_text(case)
    assert "buitensporig" in text and "artikel 12 lid 5 AVG" in text and reasons in text


# --- combined requests -------------------------------------------------------------------------


def test_combined_inzage_and_erasure_identity_verified_once_two_letters(
    client, werkse, officer, colleague, owner
):
    # LEGAL.md 2.1: identity recorded once per dossier and valid for all its cases
    request_obj = submit(client, werkse, ["access", "erasure"], erasure_ground="b")
    access, erasure = request_obj.cases.order_by("pk")
    assert (access.right, erasure.right) == (Right.ACCESS, Right.ERASURE)
    assert access.legal_due_on == erasure.legal_due_on
    login(client, officer)
    verify(client, access, AccessFlow.verify_identity)
    erasure.refresh_from_db()
    assert erasure.status == CaseStatus.ASSESSMENT
    assert not erasure.process.task_set.filter(
        flow_task=ErasureFlow.verify_identity, status__in=["NEW", "ASSIGNED"]
    ).exists()
    # the dossier page shows both cases and their states
    page = client.get(reverse("officer:case", args=[access.pk])).content.decode()
    assert reverse("officer:case", args=[erasure.pk]) in page

    from tests.requests_flow.test_access_flow import answer_data, findings_data

    extract = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    extract.name = "uittreksel.pdf"
    do_task(
        client,
        access,
        AccessFlow.assess,
        {"is_avg_request": "yes", "extracts": [extract], **findings_data(access)},
    )
    do_task(client, access, AccessFlow.draft_answer, answer_data(client, access))
    data, _rows = assessment_form(client, erasure, ErasureFlow.assess)
    data["recipients"] = ""
    do_task(client, erasure, ErasureFlow.assess, data)
    execute_all(client, erasure, ErasureFlow.execute, owner, officer)
    do_task(client, erasure, ErasureFlow.draft_decision, {"remarks": ""})
    client.logout()
    login(client, colleague)
    do_task(client, access, AccessFlow.approve, {"decision": "approve", "note": ""})
    do_task(client, erasure, ErasureFlow.approve, {"decision": "approve", "note": ""})
    assert access.status == erasure.status == CaseStatus.CLOSED
    assert "Doelen" in letter_text(access)
    assert "verwijdering van uw gegevens" in letter_text(erasure)
    verified = request_obj.audit_entries.filter(action="identity_verified")
    request_obj.refresh_from_db()
    # the audit entry is written in the language the officer's page was served in
    with translation.override("nl"):
        shared = gettext("%(method)s (verified once for the whole request %(reference)s)") % {
            "method": IdentityMethod(request_obj.identity_method).label,
            "reference": request_obj.reference,
        }
    assert verified.count() == 2 and verified.filter(details=shared).count() == 1


def test_email_confirmed_identity_does_not_carry_over_to_inzage(client, werkse, officer):
    # LEGAL.md 2.1: enough for an objection, never for inzage: that case asks a stronger method
    request_obj = submit(
        client, werkse, ["objection", "access"], objection_situation="Ik word gebeld."
    )
    objection, access = request_obj.cases.order_by("pk")
    login(client, officer)
    verify(client, objection, ObjectionFlow.verify_identity, method="email_confirmed")
    access.refresh_from_db()
    assert access.status == CaseStatus.IDENTITY
    assert open_task(access, AccessFlow.verify_identity)


# --- charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("right", list(FLOW_FOR_RIGHT))
def test_every_flow_chart_renders(client, werkse, officer, right):
    # issue 3 acceptance 6: the viewflow chart of every right's flow renders
    details = {
        "restriction": {"restriction_ground": "a"},
        "erasure": {"erasure_ground": "a"},
        "objection": {"objection_situation": "Ik word gebeld."},
        "rectification": {"item_0_correct": "Nieuwe straat 2"},
    }.get(right, {})
    case = submit(client, werkse, [right], **details).cases.get()
    login(client, officer)
    response = client.get(reverse("officer:case_chart", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_flow_modules_read_as_their_diagram():
    # issue 3 acceptance 6: each right's module is short enough to read as its diagram
    import inspect

    for flow_class in FLOW_FOR_RIGHT.values():
        source = inspect.getsource(inspect.getmodule(flow_class))
        assert len(source.splitlines()) <= 100, flow_class


def test_system_owner_sees_own_execution_tasks_only_in_queue(client, werkse, officer):
    # issue 3: execution tasks go to that system's owners
    sam = _staff(werkse, "sam", Role.SYSTEM_OWNER)
    SourceSystem.objects.get(organisation=werkse, name="Nieuwsbriefsysteem").owners.add(sam)
    case = submit(client, werkse, ["erasure"], erasure_ground="b").cases.get()
    login(client, officer)
    verify(client, case, ErasureFlow.verify_identity)
    data, _rows = assessment_form(client, case, ErasureFlow.assess)
    data["systems"] = systems(werkse, "Nieuwsbriefsysteem", "Subsidieadministratie")
    data["recipients"] = ""
    do_task(client, case, ErasureFlow.assess, data)
    client.logout()
    login(client, sam)
    queue = client.get(reverse("officer:queue")).content.decode()
    tasks = case.process.task_set.filter(flow_task=ErasureFlow.execute)
    mine = tasks.get(data__system_id=int(systems(werkse, "Nieuwsbriefsysteem")[0]))
    assert reverse("officer:task", args=[mine.pk]) in queue
    # Subsidieadministratie has no owner yet: any system owner may take it
    other = tasks.exclude(pk=mine.pk).get()
    assert reverse("officer:task", args=[other.pk]) in queue


def test_manifestly_unfounded_inzage_from_the_access_flow(client, werkse, officer, colleague):
    # AVG 12(5) from any flow, here inzage: written reasons, then a second person signs off
    from tests.requests_flow.test_access_flow import findings_data

    case = submit(client, werkse, ["access"]).cases.get()
    login(client, officer)
    verify(client, case, AccessFlow.verify_identity)
    data = {"is_avg_request": "unfounded", "note": "", **findings_data(case)}
    assert do_task(client, case, AccessFlow.assess, data).status_code == 200
    reasons = "U vraagt inzage in het dossier van uw buurman; dat is niet uw dossier."
    do_task(client, case, AccessFlow.assess, {**data, "note": reasons})
    assert case.refusal_ground == RefusalGround.MANIFESTLY_UNFOUNDED
    do_task(client, case, AccessFlow.draft_refusal, {"reasons": reasons})
    assert case.status == CaseStatus.APPROVAL
    approve(client, case, AccessFlow.approve, colleague, officer)
    text = letter_text(case)
    assert "kennelijk ongegrond" in text and reasons in text
