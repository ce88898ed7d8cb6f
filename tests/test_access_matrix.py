"""The access matrix: every officer and case URL, generated from the URL configuration, visited
as anonymous, outsider, officer of the other organisation, colleague without the permission and
owner (issue 10; DESIGN rule 8; DESIGN.md, Benchmarks and matrices).

A URL pattern that is neither in MATRIX nor in EXEMPT fails the test, so the matrix cannot go
stale: a new page must say here who may open it.
"""

import dataclasses
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from notifications.models import DeliveryProblem, InboundAttachment, InboundEmail, OutboxMessage
from requests_flow import services
from requests_flow.flows import AccessFlow
from requests_flow.models import Request
from tests.domain_fixtures import login, submit_access_request
from tests.upload_samples import png

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class Row:
    """Who may open one URL. `kwargs` picks real ids from the seeded case; a URL without an
    object id (`scoped=False`) is each user's own page: another organisation's officer may open
    theirs, but it must not show the seeded case."""

    kwargs: Callable[[dict], dict] = lambda seeded: {}
    owner: str = "officer"
    post_only: bool = False
    scoped: bool = True
    # staff of the same organisation without the permission (DESIGN rule 8: 403)
    no_permission: str = "system_owner"


def case_id(seeded):
    return {"pk": seeded["case"].pk}


def task_id(seeded):
    return {"task_pk": seeded["task"].pk}


MATRIX = {
    "officer:inbox": Row(scoped=False, no_permission=""),
    "officer:queue": Row(scoped=False, no_permission=""),
    "officer:case": Row(kwargs=case_id),
    "officer:case_chart": Row(kwargs=case_id),
    "officer:document": Row(kwargs=lambda seeded: {"pk": seeded["document"].pk}),
    "officer:task": Row(kwargs=task_id),
    "officer:task_assign": Row(kwargs=task_id, post_only=True),
    "officer:dashboard": Row(scoped=False),
    "officer:register_request": Row(scoped=False),
    "officer:case_extend": Row(kwargs=case_id),
    "officer:case_notice": Row(kwargs=case_id),
    # the national table of decreed days (Atw 3(3)): every staff member may read it
    "officer:decreed_days": Row(scoped=False, no_permission=""),
    "officer:login_log": Row(owner="fg", scoped=False, no_permission="officer"),
    "officer:password_change": Row(scoped=False, no_permission=""),
    "officer:recovery_codes": Row(scoped=False, no_permission=""),
    "officer:case_offer_access": Row(kwargs=case_id, post_only=True),
    # the processing register (AVG 30): the FG keeps it
    "officer:register": Row(owner="fg", scoped=False, no_permission="officer"),
    "officer:register_add": Row(owner="fg", scoped=False, no_permission="officer"),
    "officer:register_edit": Row(
        kwargs=lambda seeded: {"pk": seeded["activity"].pk}, owner="fg", no_permission="officer"
    ),
    "officer:triage": Row(scoped=False),
    "officer:triage_detail": Row(kwargs=lambda seeded: {"pk": seeded["inbound"].pk}),
    # routing a case (issue 6): forward, return to sender, record a transferred case's answer
    "officer:case_forward": Row(kwargs=case_id),
    "officer:case_return": Row(kwargs=case_id),
    "officer:case_transfer_answered": Row(kwargs=lambda seeded: {"pk": seeded["transferred"].pk}),
    # the FG's policy pages: always the user's own organisation
    "officer:organisation": Row(owner="fg", scoped=False, no_permission="officer"),
    "officer:forward_targets": Row(owner="fg", scoped=False, no_permission="officer"),
    "officer:forward_target": Row(
        kwargs=lambda seeded: {"pk": seeded["case"].organisation.forward_targets.first().pk},
        owner="fg",
        no_permission="officer",
    ),
    "mail:outbox": Row(scoped=False),
    "mail:problems": Row(scoped=False),
    "mail:preview": Row(kwargs=lambda seeded: {"pk": seeded["message"].pk}),
    "mail:preview_html": Row(kwargs=lambda seeded: {"pk": seeded["message"].pk}),
    "mail:problem": Row(kwargs=lambda seeded: {"pk": seeded["problem"].pk}),
    "mail:inbound_attachment": Row(kwargs=lambda seeded: {"pk": seeded["attachment"].pk}),
    # a masked ID copy: only the officer who holds the identity check (issue 5, LEGAL.md 2.2)
    "officer:id_copy": Row(kwargs=lambda seeded: {"pk": seeded["id_copy"].pk}),
    "officer:document_mark_id": Row(
        kwargs=lambda seeded: {"pk": seeded["document"].pk}, post_only=True
    ),
    # after the decision (issue 11): withdrawal, remedies, incidents, post, retention, reports
    "records:withdrawal": Row(kwargs=case_id),
    "records:remedies": Row(kwargs=case_id),
    "records:incident": Row(kwargs=case_id),
    "records:reconsider": Row(kwargs=lambda seeded: {"pk": seeded["remedy"].pk}, post_only=True),
    "records:revise": Row(kwargs=lambda seeded: {"pk": seeded["remedy"].pk}),
    "records:close_remedy": Row(kwargs=lambda seeded: {"pk": seeded["remedy"].pk}),
    "records:incidents": Row(owner="fg", scoped=False, no_permission="officer"),
    "records:incidents_csv": Row(owner="fg", scoped=False, no_permission="officer"),
    "records:post": Row(scoped=False),
    "records:post_batch_pdf": Row(kwargs=lambda seeded: {"pk": seeded["batch"].pk}),
    "records:post_dispatch": Row(kwargs=lambda seeded: {"pk": seeded["batch"].pk}),
    "records:destruction_runs": Row(owner="fg", scoped=False, no_permission="officer"),
    "records:destruction_run": Row(
        owner="fg", kwargs=lambda seeded: {"pk": seeded["run"].pk}, no_permission="officer"
    ),
    "reports:report": Row(owner="fg", scoped=False, no_permission="officer"),
    "reports:csv": Row(owner="fg", scoped=False, no_permission="officer"),
    "reports:yearly_pdf": Row(
        owner="fg",
        kwargs=lambda seeded: {"year": timezone.localdate().year},
        scoped=False,
        no_permission="officer",
    ),
}

# Not officer or case pages; each has tests of its own, named here.
EXEMPT = {
    "set_language": "language switch, no data (tests/e2e/test_smoke.py)",
    "login": "login page (tests/accounts/test_lockout.py)",
    "logout": "logout (tests/accounts/test_two_factor.py)",
    "two_factor_verify": "second login step (tests/accounts/test_two_factor.py)",
    "two_factor_setup": "enrolment (tests/accounts/test_two_factor.py)",
    "healthz": "health probe, no personal data (tests/config/test_healthz.py)",
    "public:home": "public list of organisations (tests/e2e/test_inzage_journey.py)",
    "public:request_form": "public form (tests/requests_flow/test_access_flow.py)",
    # signed public links (DESIGN.md: exempt by name, tested on their own)
    "public:submitted": "signed link (test_signed_links_refuse_tampering_and_other_cases)",
    "public:confirm_email": "signed link (test_tampered_and_expired_confirmation_links)",
    "public:answer": "signed link (test_signed_links_refuse_tampering_and_other_cases)",
    "public:answer_document": "signed link (test_signed_links_refuse_tampering_and_other_cases)",
    "public:reply": "signed link (test_reply_in_time_resumes_with_shifted_dates, and below)",
    "public:status": "signed link (tests/requests_flow/test_status_page.py)",
    "public:status_document": "signed link (test_another_requests_link_and_documents_stay_apart)",
    "public:new_link": "asks for a link, never tells whether a request exists "
    "(test_new_link_answers_the_same_for_known_and_unknown_pairs)",
    "public:new_link_sent": "the same page for everyone (test_new_link_answers_the_same_...)",
    "records_public:withdraw": "signed link (tests/records/test_withdrawal.py)",
    "public:forwarding": "forward target's signed link (test_tampered_forwarding_link)",
    "public:brand_css": "organisation's colours, no personal data (tests/organisations)",
    "public:logo": "logo, no personal data (test_logo_goes_on_letters_and_public_pages)",
}
# anymail's webhooks: authenticated by the shared secret, not by a login; tested in
# tests/notifications/test_inbound.py and test_delivery.py (an unauthenticated post is refused)
EXEMPT_PREFIXES = {"anymail:": "provider webhooks, shared-secret authentication"}


def url_names(patterns=None, namespace=""):
    """Every named URL pattern of the project, with its namespace ("officer:case")."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"unnamed URL pattern {entry.pattern}: name it and list it here"
            yield f"{namespace}{entry.name}"


def test_every_url_pattern_is_in_the_matrix_or_exempt():
    names = {n for n in url_names() if not n.startswith(tuple(EXEMPT_PREFIXES))}
    missing = names - MATRIX.keys() - EXEMPT.keys()
    assert not missing, f"URL patterns not covered by the access matrix: {sorted(missing)}"
    stale = (MATRIX.keys() | EXEMPT.keys()) - names
    assert not stale, f"entries for URL patterns that no longer exist: {sorted(stale)}"
    officer = {name for name in names if name.startswith("officer:")}
    assert officer <= MATRIX.keys()


@pytest.fixture
def seeded(access_case, officer):
    document = services.add_case_document(
        case=access_case,
        actor=officer,
        uploaded=SimpleUploadedFile("uittreksel.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        title="Uittreksel",
    )
    task = access_case.process.task_set.get(flow_task=AccessFlow.verify_identity)
    # the officer holds the identity check, with a masked ID copy to look at
    services.assign_task(task=task, actor=officer)
    task.refresh_from_db()
    id_copy = services.store_id_copy(
        case=access_case, uploaded=SimpleUploadedFile("id.png", png(), "image/png")
    )
    message = OutboxMessage.objects.filter(request=access_case.request).first()
    problem = DeliveryProblem.objects.create(
        message=message,
        organisation=access_case.organisation,
        request=access_case.request,
        case=access_case,
        reason="failed",
    )
    dossier = Request.objects.create(
        organisation=access_case.organisation,
        channel="email",
        received_on=timezone.localdate(),
        requester_name="Anna de Vries",
        requester_email="anna@example.org",
        relation="client",
    )
    inbound = InboundEmail.objects.create(
        organisation=access_case.organisation,
        request=dossier,
        message_id="<matrix@example.org>",
        esp_name="postmark",
        from_email="anna@example.org",
        subject="Inzageverzoek",
        received_at=timezone.now(),
    )
    attachment = InboundAttachment.objects.create(
        email=inbound,
        filename="brief.pdf",
        file=SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        content_type="application/pdf",
        size=15,
    )
    # a pending remedy under reconsideration, an empty postal batch and a proposed destruction
    # run, made directly: the matrix checks who may open their pages, not how they came about
    from records.models import DestructionRun, PostalBatch, Remedy

    remedy = Remedy.objects.create(
        case=access_case,
        organisation=access_case.organisation,
        kind="objection",
        received_on=timezone.localdate(),
        status="reconsidering",
        registered_by=officer,
    )
    batch = PostalBatch.objects.create(organisation=access_case.organisation, created_by=officer)
    run = DestructionRun.objects.create(
        organisation=access_case.organisation, proposed_for=timezone.localdate()
    )
    transferred = submit_access_request(
        access_case.organisation, email="bea@example.org"
    ).cases.get()
    services.confirm_email(transferred.request)
    services.forward_case(
        case=transferred,
        actor=officer,
        target=access_case.organisation.forward_targets.get(same_controller=True),
        scope="whole",
        what="",
        reason="Bijstand: gemeente Delft.",
    )
    return {
        "remedy": remedy,
        "batch": batch,
        "run": run,
        "case": access_case,
        "transferred": transferred,
        "document": document,
        "task": task,
        "message": message,
        "problem": problem,
        "inbound": inbound,
        "attachment": attachment,
        "id_copy": id_copy,
        "activity": access_case.organisation.processing_activities.first(),
    }


def test_access_matrix(client, seeded, officer, fg, system_owner, other_officer, outsider, capsys):
    # DESIGN rule 8: anonymous -> login; outsider and other organisation -> 404; same
    # organisation without the permission -> 403; owner -> 200 (405 for a GET of a POST-only URL)
    users = {"officer": officer, "fg": fg, "system_owner": system_owner}
    case = seeded["case"]
    secrets = (case.request.reference, case.request.requester_name)
    checked = 0

    def visit(user, url, method):
        nonlocal checked
        client.logout()
        if user is not None:
            login(client, user)
        checked += 1
        return getattr(client, method)(url)

    for name, row in MATRIX.items():
        url = reverse(name, kwargs=row.kwargs(seeded))
        for method in ("get", "post"):
            response = visit(None, url, method)
            assert response.status_code == 302, (name, method, "anonymous")
            assert response["Location"].startswith(reverse("login") + "?next="), name
            assert visit(outsider, url, method).status_code == 404, (name, method, "outsider")
        if row.scoped:
            for method in ("get", "post"):
                response = visit(other_officer, url, method)
                assert response.status_code == 404, (name, method, "other organisation")
        else:
            response = visit(other_officer, url, "get")
            assert response.status_code in (200, 403), (name, "other organisation")
            assert not any(s in response.content.decode() for s in secrets), name
        if row.no_permission:
            response = visit(users[row.no_permission], url, "get")
            assert response.status_code == 403, (name, "no permission")
        response = visit(users[row.owner], url, "get")
        assert response.status_code == (405 if row.post_only else 200), (name, "owner")

    names = set(url_names())
    webhooks = {n for n in names if n.startswith(tuple(EXEMPT_PREFIXES))}
    total = len(names)
    with capsys.disabled():
        print(
            f"\naccess matrix: {len(MATRIX)} officer and case URL patterns, {checked} requests "
            f"checked; {len(EXEMPT)} exempt by name, {len(webhooks)} provider webhooks; "
            f"{total} URL patterns in all"
        )
    assert len(MATRIX) + len(EXEMPT) + len(webhooks) == total


def test_signed_links_refuse_tampering_and_other_cases(client, werkse, officer):
    # AVG 32, DESIGN.md: a signed public link opens only its own request's shared documents
    from requests_flow import links
    from tests.domain_fixtures import submit_access_request

    first, second = (submit_access_request(werkse).cases.get() for _ in range(2))
    shared = {}
    for case in (first, second):
        shared[case] = services.add_case_document(
            case=case,
            actor=officer,
            uploaded=SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
            title="Besluit",
            # a letter: the rest of an answer shows only once the decision is sent (issue 5)
            kind="letter",
        )
    hidden = services.add_case_document(
        case=first,
        actor=officer,
        uploaded=SimpleUploadedFile("notitie.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        title="Interne notitie",
        shared=False,
    )
    token = links.answer_url(first).rstrip("/").rsplit("/", 1)[-1]
    assert client.get(reverse("public:answer", args=[token])).status_code == 200
    own = reverse("public:answer_document", args=[token, shared[first].pk])
    assert client.get(own).status_code == 200
    for document in (shared[second], hidden):
        url = reverse("public:answer_document", args=[token, document.pk])
        assert client.get(url).status_code == 404
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.get(reverse("public:answer", args=[tampered])).status_code == 404
    url = reverse("public:answer_document", args=[tampered, shared[first].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("public:submitted", args=[tampered])).status_code == 404
    assert client.get(reverse("public:reply", args=[tampered])).status_code == 404
