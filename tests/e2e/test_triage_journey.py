"""Issue 7, acceptance 5: an officer triages an e-mailed request in Chromium.

Only inzage (access) has a flow today; wissen (erasure) joins the triage form's choices by itself
once its flow is in FLOW_FOR_RIGHT (services.triage_rights).
"""

import json
import re

from playwright.sync_api import expect

from notifications.constants import InboundStatus
from notifications.models import InboundEmail, OutboxMessage
from requests_flow.constants import CaseStatus, Channel
from tests.domain_fixtures import browser_login
from tests.notifications.webhook_payloads import INBOUND_URL, auth_header, postmark_inbound


def test_officer_triages_an_emailed_request(page, werkse, officer, assert_accessible, screenshot):
    # AVG 12(3), LEGAL 1.1: the e-mail arrives through the provider's webhook, with attachment
    response = page.request.post(
        INBOUND_URL,
        data=json.dumps(postmark_inbound()),
        headers={
            "Content-Type": "application/json",
            "Authorization": auth_header()["HTTP_AUTHORIZATION"],
        },
    )
    assert response.status == 200
    inbound = InboundEmail.objects.select_related("request").get()
    reference = inbound.request.reference

    browser_login(page, officer)
    with page.expect_navigation():
        page.locator('nav a[href="/behandeling/triage/"]').click()
    assert_accessible(page)
    screenshot(page, "triage-1-list")
    with page.expect_navigation():  # the next page, not this one's heading
        page.get_by_role("link", name=reference).click()
    assert "Ik wil graag weten welke gegevens u van mij heeft." in page.content()
    expect(page.get_by_role("link", name="machtiging.pdf")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "triage-2-mail")

    # an empty choice is refused with an error summary, keyboard-reachable
    page.locator("form:has(input[value=triage]) button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page)

    page.locator("input[name=triage-rights][value=access]").check()
    page.locator("input[name=triage-relation][value=client]").check()
    page.locator("form:has(input[value=triage]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/behandeling/zaken/\d+/$"))
    assert_accessible(page)
    screenshot(page, "triage-3-case")

    case = inbound.request.cases.get()
    assert case.status == CaseStatus.IDENTITY  # e-mail confirmation skipped, identity next
    assert case.request.channel == Channel.EMAIL
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.TRIAGED
    assert OutboxMessage.objects.filter(template="acknowledgement", case=case).exists()
    # the case page shows the e-mail and its attachment, and the identity task is next
    expect(page.get_by_role("link", name="machtiging.pdf")).to_be_visible()
    expect(page.locator("#inbound-title")).to_be_visible()
