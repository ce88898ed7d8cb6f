"""Acceptance 1 of issue 6: two organisations side by side; an officer of the other
organisation reaches none of Werkse!'s cases through any officer URL."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from requests_flow import services
from requests_flow.models import CaseDocument
from requests_flow.urls import officer_patterns
from tests.domain_fixtures import login, submit_access_request

pytestmark = pytest.mark.django_db


def _werkse_objects(werkse):
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)  # so the case has a human task (verify identity)
    case = request_obj.cases.get()
    document = CaseDocument.objects.create(
        case=case,
        kind="extract",
        title="uittreksel.pdf",
        file=ContentFile(b"%PDF-1.4\n", name="uittreksel.pdf"),
        content_type="application/pdf",
        size=9,
    )
    task = case.process.task_set.filter(flow_task_type="HUMAN").first()
    return request_obj, case, document, task


def _url(pattern, case, document, task, target):
    objects = {"document": document.pk, "forward_target": target.pk}
    kwargs = {}
    for name in pattern.pattern.converters:
        if name == "task_pk":
            kwargs[name] = task.pk
        else:
            kwargs[name] = objects.get(pattern.name, case.pk)
    return reverse(f"officer:{pattern.name}", kwargs=kwargs)


def test_every_officer_url_hides_the_other_organisations_cases(client, werkse, other_officer):
    # DESIGN rule 8/9: a case (task, document, forward target) of another organisation answers
    # 404; lists of the other organisation never show it
    request_obj, case, document, task = _werkse_objects(werkse)
    target = werkse.forward_targets.first()
    login(client, other_officer)
    checked = 0
    for pattern in officer_patterns[0]:
        url = _url(pattern, case, document, task, target)
        if pattern.pattern.converters:
            # a GET of a POST-only URL answers 405 whatever the id, so it leaks nothing either
            missing = url.replace(f"/{task.pk}/", "/999999/").replace(f"/{case.pk}/", "/999999/")
            assert client.get(url).status_code == client.get(missing).status_code, url
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {}).status_code == 404, url
        else:
            response = client.get(url)
            assert response.status_code in (200, 403), url
            assert request_obj.reference not in response.content.decode(), url
        checked += 1
    assert checked == len(officer_patterns[0]) >= 18
