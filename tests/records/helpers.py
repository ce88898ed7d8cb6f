"""Walking a case to a decision through the officer pages, as the other flow tests do."""

import io

from django.urls import reverse
from pypdf import PdfReader
from viewflow.workflow.status import STATUS

from requests_flow import services
from requests_flow.flows import AccessFlow
from tests.domain_fixtures import login


def open_task(case, node):
    return case.process.task_set.get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def do_task(client, case, node, data):
    task = open_task(case, node)
    if task.status == STATUS.NEW:
        assert client.post(reverse("officer:task_assign", args=[task.pk])).status_code == 302
    response = client.post(reverse("officer:task", args=[task.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    return response


def refuse(client, case, drafter, approver, reasons="Wij konden uw identiteit niet vaststellen."):
    """Identity not established -> reasoned refusal -> approved and sent."""
    client.logout()
    login(client, drafter)
    do_task(
        client,
        case,
        AccessFlow.verify_identity,
        {"method": "held_data", "established": "no", "note": "Geen overeenkomst."},
    )
    do_task(client, case, AccessFlow.draft_refusal, {"reasons": reasons})
    client.logout()
    login(client, approver)
    do_task(client, case, AccessFlow.approve, {"decision": "approve"})
    client.logout()
    case.refresh_from_db()
    return case


def register_by_post(organisation, officer, received_on, name="Piet Post"):
    """A request received by post from someone without an e-mail address."""
    request_obj = services.register_request(
        organisation=organisation,
        actor=officer,
        channel="post",
        received_on=received_on,
        rights=["access"],
        requester=services.Requester(
            name=name,
            email="",
            relation="client",
            address="Markt 1",
            postal_code="2611 GP",
            city="Delft",
        ),
        description="Welke gegevens heeft u van mij?",
    )
    return request_obj.cases.get()


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def document_text(document) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())
