"""The processing register, edited by the FG in the officer UI (AVG 30)."""

import pytest
from django.urls import reverse

from organisations.constants import Role
from organisations.models import ProcessingActivity, RegisterChange, SourceSystem
from organisations.services import save_processing_activity
from tests.domain_fixtures import _staff, login

pytestmark = pytest.mark.django_db


def form_data(activity=None, **overrides):
    data = {
        "name": "Jobcoaching",
        "role": "controller",
        "controller_name": "",
        "data_subjects": "client",
        "purposes": "Begeleiding op de werkplek.",
        "legal_basis": "6_1_e",
        "data_categories": "Naam, werkplek, voortgang.",
        "systems": "Cliëntvolgsysteem (CVS)\nCoachingsapp",
        "recipients": "Uw werkgever",
        "third_countries": "",
        "retention": "2 jaar na afloop.",
        "erasure_exception": "",
        "source": "Uzelf.",
        "automated_decisions": "Geen.",
    }
    if activity is not None:
        data.update({f: getattr(activity, f) for f in data if f not in overrides})
    data.update(overrides)
    return data


def test_fg_adds_and_edits_a_register_line_with_audit(client, werkse, fg):
    # AVG 30, AVG 5(2): the FG keeps the register; every change is recorded, systems follow
    login(client, fg)
    assert client.get(reverse("officer:register")).status_code == 200
    response = client.post(reverse("officer:register_add"), form_data())
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(organisation=werkse, name="Jobcoaching")
    assert {s.name for s in activity.source_systems.all()} == {
        "Cliëntvolgsysteem (CVS)",
        "Coachingsapp",
    }
    assert SourceSystem.objects.filter(organisation=werkse, name="Coachingsapp").count() == 1
    url = reverse("officer:register_edit", args=[activity.pk])
    client.post(url, form_data(activity, retention="1 jaar na afloop."))
    activity.refresh_from_db()
    assert activity.retention == "1 jaar na afloop."
    changes = RegisterChange.objects.filter(activity=activity).order_by("pk")
    assert [c.action for c in changes] == ["added", "changed"]
    assert changes[1].actor == fg and "retention" in changes[1].details
    page = client.get(reverse("officer:register")).content.decode()
    assert "Jobcoaching" in page and "Coachingsapp" in page


def test_register_pages_are_scoped(client, werkse, workways, fg, officer, outsider):
    # DESIGN rule 8: without the permission 403, another organisation's FG 404, anonymous login
    activity = werkse.processing_activities.first()
    edit = reverse("officer:register_edit", args=[activity.pk])
    for url in (reverse("officer:register"), reverse("officer:register_add"), edit):
        assert "/accounts/login/" in client.get(url)["Location"]
        login(client, officer)
        assert client.get(url).status_code == 403
        client.logout()
        login(client, outsider)
        assert client.get(url).status_code == 404
        client.logout()
    other_fg = _staff(workways, "wanda", Role.FG)
    login(client, other_fg)
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(activity, name="Overgenomen")).status_code == 404
    activity.refresh_from_db()
    assert activity.name != "Overgenomen"


def test_service_refuses_another_organisations_line(werkse, workways):
    # DESIGN rule 9: the service checks the organisation itself, not only the view
    from django.core.exceptions import PermissionDenied

    other_fg = _staff(workways, "wanda", Role.FG)
    activity = werkse.processing_activities.first()
    activity.name = "Overgenomen"
    with pytest.raises(PermissionDenied):
        save_processing_activity(actor=other_fg, activity=activity)
