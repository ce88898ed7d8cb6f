"""Steps of the browser journeys for the rights decided per item (AVG 16, 17, 18, 20, 21): the
public form, the officer's tasks, the approval by a second person and the requester's answer."""

import io
import re

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from notifications.services import send_pending_messages
from organisations.models import SourceSystem
from requests_flow.models import Case, Request
from tests.domain_fixtures import browser_login

REQUESTER_EMAIL = "anna@example.org"


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def last_mail(pattern: str):
    """The latest e-mail sent whose body matches `pattern`, and the match."""
    send_pending_messages()
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return message, found
    raise AssertionError(f"no e-mail with {pattern}")


def last_link(pattern: str) -> str:
    return _path(last_mail(pattern)[1].group(0))


def open_task(page, case, node, **data):
    """Open the task from the queue (by its link) and take it."""
    tasks = case.process.task_set.filter(flow_task=node, status="NEW")
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    task = tasks.get()
    page.goto("/behandeling/wachtrij/")
    page.locator(f'a[href="/behandeling/taken/{task.pk}/"]').click()
    page.locator("main form button[type=submit]").click()


def complete(page, to=r"/behandeling/zaken/\d+/$"):
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(to))


def only_system(page, system):
    """On the assessment: the decision is carried out in this one system."""
    for box in page.locator("input[name=systems]").all():
        box.uncheck()
    page.locator(f"input[name=systems][value='{system.pk}']").check()


def submit_and_confirm(page, organisation, right, fill, assert_accessible, screenshot):
    page.goto(f"/{organisation.slug}/verzoek/")
    page.locator(f"input[name=rights][value={right}]").check()
    page.fill("#id_name", "Anna de Vries")
    page.fill("#id_email", REQUESTER_EMAIL)
    fill(page)
    assert_accessible(page)
    screenshot(page, f"{right}-1-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/verzoek/ontvangen/**")
    page.goto(last_link(r"https?://\S+/verzoek/bevestigen/\S+/"))
    with page.expect_navigation():  # the next page, not this one's heading
        page.locator("main form button[type=submit]").click()
    return Case.objects.get(request=Request.objects.get())


def download(page, link_name) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    return download_info.value.path().read_bytes()


def open_answer(page, case):
    """The final e-mail: to the requester, naming the case, with the link to the answer page,
    which the browser then opens (LEGAL.md 5.7: a link, never an attachment)."""
    message, link = last_mail(r"https?://\S+/verzoek/antwoord/\S+/")
    assert message.to == [REQUESTER_EMAIL]
    assert case.reference in message.subject
    assert not message.attachments
    page.goto(_path(link.group(0)))


def decision_pdf_text(page, case) -> str:
    """Open the answer from the final e-mail and download the decision letter: its text, with
    the line breaks (table cells wrap) as spaces."""
    open_answer(page, case)
    with translation.override(case.request.language):
        title = _("Decision %(reference)s") % {"reference": case.reference}
    content = download(page, title)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def verify(page, case, flow):
    open_task(page, case, flow.verify_identity)
    page.locator("input[name=method][value=held_data]").check()
    page.locator("input[name=matched_items][value=name]").check()
    page.locator("input[name=established][value=yes]").check()
    complete(page)


def execute_as_owner(browser, live_server, owner, case, flow, assert_accessible):
    owner_page = browser.new_context(base_url=live_server.url).new_page()
    browser_login(owner_page, owner)
    for execution in case.executions.all():
        open_task(owner_page, case, flow.execute, system_id=execution.system_id)
        assert execution.system.name in owner_page.content()
        assert_accessible(owner_page)
        complete(owner_page, to=r"/behandeling/$")
    owner_page.context.close()


def start_assessment(page, officer, case, flow):
    """The officer logs in, establishes the identity from held data and opens the assessment,
    answering that it is an AVG request."""
    browser_login(page, officer)
    verify(page, case, flow)
    open_task(page, case, flow.assess)
    page.locator("input[name=is_avg_request][value=yes]").check()


def cvs_owned_by(organisation, owner):
    """The client tracking system, with `owner` as its system owner (who carries out changes)."""
    cvs = SourceSystem.objects.get(organisation=organisation, name="Cliëntvolgsysteem (CVS)")
    cvs.owners.add(owner)
    return cvs


def approve(browser, live_server, colleague, case, flow):
    approver = browser.new_context(base_url=live_server.url).new_page()
    browser_login(approver, colleague)
    open_task(approver, case, flow.approve)
    approver.locator("input[name=decision][value=approve]").check()
    complete(approver)
    approver.context.close()
