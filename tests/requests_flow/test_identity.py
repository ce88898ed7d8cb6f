"""Identity (LEGAL.md 2.1, 2.2): the method per policy, masked ID copies in their protected
store, deleted with the check; the sweep for survivors."""

import datetime
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from organisations.models import IdentityPolicy, default_identity_methods
from requests_flow import identity, links, services
from requests_flow.constants import CaseStatus, IdentityMethod, InformationKind, Right
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, CaseDocument, IdDocumentCopy
from tests.domain_fixtures import login
from tests.requests_flow.test_access_flow import do_task, open_task
from tests.upload_samples import png, upload

pytestmark = pytest.mark.django_db


def ask_for_copy(client, case):
    return do_task(
        client,
        case,
        AccessFlow.verify_identity,
        {"established": "ask_id_copy", "reply_term_days": "14"},
    )


def reply_with_copy(client, case, content=None, name="id-afgeschermd.png"):
    info = case.information_requests.get(status="open")
    path = "/" + links.reply_url(info).split("://", 1)[1].split("/", 1)[1]
    return client.post(path, {"message": "", "id_copy": upload(content or png(), name)})


@pytest.fixture
def copy_received(client, access_case, officer):
    """The officer asked for a masked copy, the requester sent it, the officer took the check."""
    login(client, officer)
    ask_for_copy(client, access_case)
    client.logout()
    assert reply_with_copy(client, access_case).status_code == 200
    login(client, officer)
    task = open_task(access_case, AccessFlow.verify_identity)
    client.post(reverse("officer:task_assign", args=[task.pk]))
    return IdDocumentCopy.objects.get()


def test_asking_for_a_copy_pauses_and_says_how_to_mask_it(client, access_case, officer, mailoutbox):
    # LEGAL.md 2.2 and 1.5: asked in writing, with a reply term; masking guidance (KopieID)
    login(client, officer)
    ask_for_copy(client, access_case)
    info = access_case.information_requests.get()
    assert info.kind == InformationKind.MASKED_ID_COPY
    assert access_case.is_paused
    assert "KopieID" in info.what_is_needed
    page = client.get("/" + links.reply_url(info).split("://", 1)[1].split("/", 1)[1])
    assert "KopieID" in page.content.decode()


def test_copy_is_encrypted_at_rest_and_never_a_case_document(copy_received, access_case):
    # LEGAL.md 2.2: stored encrypted, in its own store, not among the documents
    stored = identity.stored_files()
    assert [p.name for p in stored] == [copy_received.stored_name]
    content = stored[0].read_bytes()
    assert b"PNG" not in content and b"IHDR" not in content
    assert not CaseDocument.objects.filter(kind="reply").exists()
    assert identity.read_decrypted(copy_received.stored_name, copy_received.wrapped_key) == png()


def test_only_the_verifying_officer_sees_the_copy(
    client, copy_received, colleague, fg, system_owner, other_officer, outsider
):
    # LEGAL.md 2.2, DESIGN rule 8: the holder of the check 200; colleagues who may verify but do
    # not hold it, the FG and staff without the permission 403; other organisations 404
    url = reverse("officer:id_copy", args=[copy_received.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join([response.content]) == png()
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user, expected in (
        (colleague, 403),
        (fg, 403),
        (system_owner, 403),
        (other_officer, 404),
        (outsider, 404),
    ):
        login(client, user)
        assert client.get(url).status_code == expected, user
        client.logout()


def test_verified_deletes_file_and_row_in_the_same_step(client, copy_received, access_case):
    # Acceptance 1, LEGAL.md 2.2: gone from storage and from the database with the check
    response = do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "masked_id_copy", "established": "yes"},
    )
    assert response.status_code == 302
    assert identity.stored_files() == []
    assert not IdDocumentCopy.objects.exists()
    assert access_case.status == CaseStatus.ASSESSMENT
    timeline = " ".join(
        AuditEntry.objects.filter(case=access_case).values_list("details", flat=True)
    )
    assert str(IdentityMethod.MASKED_ID_COPY.label) in timeline
    assert "id-afgeschermd" not in timeline and copy_received.stored_name not in timeline
    page = client.get(reverse("officer:case", args=[access_case.pk])).content.decode()
    assert "id-afgeschermd" not in page


def test_not_established_deletes_the_copy_too(client, copy_received, access_case):
    # LEGAL.md 2.2: "nothing of it stays once identity is verified or refused"
    do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "masked_id_copy", "established": "no", "note": "De kopie was onleesbaar."},
    )
    assert identity.stored_files() == [] and not IdDocumentCopy.objects.exists()
    assert access_case.status == CaseStatus.DRAFTING


def test_a_failed_check_keeps_nothing_half_deleted(client, copy_received, access_case):
    # an invalid form (no method) changes nothing: the copy stays for the real check
    response = do_task(client, access_case, AccessFlow.verify_identity, {"established": "yes"})
    assert response.status_code == 200
    assert IdDocumentCopy.objects.count() == 1 and len(identity.stored_files()) == 1


def test_copy_never_reaches_the_requester_or_an_answer(client, copy_received, access_case):
    # LEGAL.md 2.2: never shared, never forwarded: the answer and status pages list no copy
    client.logout()
    for url in (links.answer_url(access_case), links.status_url(access_case.request)):
        html = client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).content.decode()
        assert "id-afgeschermd" not in html


def test_sweep_deletes_survivors_and_logs_it(copy_received, access_case, caplog, settings):
    # LEGAL.md 2.2: a copy older than a few days that somehow survived is deleted and logged
    from notifications.sweeps import run_periodic_work

    settings.ID_COPY_MAX_AGE_DAYS = 5
    IdDocumentCopy.objects.update(received_at=timezone.now() - datetime.timedelta(days=4))
    assert services.sweep_id_copies() == 0
    IdDocumentCopy.objects.update(received_at=timezone.now() - datetime.timedelta(days=6))
    with caplog.at_level(logging.WARNING):
        result = run_periodic_work()
    assert result.id_copies_deleted == 1
    assert identity.stored_files() == [] and not IdDocumentCopy.objects.exists()
    assert "deleted a masked ID copy" in caplog.text
    assert AuditEntry.objects.filter(case=access_case, action="id_copy_deleted").exists()


def test_sweep_deletes_stray_files_of_rolled_back_uploads(db, caplog):
    # a file whose row never committed holds nothing readable; the sweep still removes it
    identity.write_encrypted(b"left over", "stray")
    assert services.sweep_id_copies() == 0  # younger than the grace period
    later = timezone.now() + datetime.timedelta(hours=2)
    with caplog.at_level(logging.WARNING):
        assert services.sweep_id_copies(now=later) == 1
    assert identity.stored_files() == []
    assert "stray file" in caplog.text


def test_officer_moves_an_unasked_id_document_into_the_store(client, access_case, officer):
    # LEGAL.md 2.2: an ID copy sent unasked is marked so and falls under the same rule
    document = services.add_case_document(
        case=access_case,
        actor=None,
        uploaded=SimpleUploadedFile("paspoort.png", png(), "image/png"),
        title="paspoort.png",
        kind="reply",
        shared=False,
    )
    login(client, officer)
    response = client.post(reverse("officer:document_mark_id", args=[document.pk]))
    assert response.status_code == 302
    assert not CaseDocument.objects.filter(pk=document.pk).exists()
    copy = IdDocumentCopy.objects.get()
    assert identity.read_decrypted(copy.stored_name, copy.wrapped_key) == png()


def test_marking_needs_the_permission(client, access_case, system_owner, other_officer):
    # DESIGN rule 8
    document = services.add_case_document(
        case=access_case,
        actor=None,
        uploaded=SimpleUploadedFile("x.png", png(), "image/png"),
        title="x",
        kind="reply",
    )
    url = reverse("officer:document_mark_id", args=[document.pk])
    login(client, system_owner)
    assert client.post(url).status_code == 403
    client.logout()
    login(client, other_officer)
    assert client.post(url).status_code == 404
    assert CaseDocument.objects.filter(pk=document.pk).exists()


# --- the organisation's policy -------------------------------------------------------------


def test_default_policy_follows_legal_md(werkse):
    # LEGAL.md 2.1: a confirmed e-mail alone never for inzage or portability; may for objection
    assert IdentityMethod.EMAIL_CONFIRMED not in default_identity_methods(Right.ACCESS)
    assert IdentityMethod.EMAIL_CONFIRMED not in default_identity_methods(Right.PORTABILITY)
    assert IdentityMethod.EMAIL_CONFIRMED in default_identity_methods(Right.OBJECTION)
    assert werkse.identity_methods_for(Right.ACCESS) == default_identity_methods(Right.ACCESS)


def test_organisation_policy_sets_what_suffices(client, access_case, officer, werkse):
    # LEGAL.md 2.1, configurable per organisation and right: stricter for inzage here
    for method in (IdentityMethod.DESK_ID_SHOWN, IdentityMethod.MASKED_ID_COPY):
        IdentityPolicy.objects.create(organisation=werkse, right=Right.ACCESS, method=method)
    login(client, officer)
    response = do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "held_data", "matched_items": ["name"], "established": "yes"},
    )
    assert response.status_code == 200
    # the policy's refusal, in the language the page is served in
    refusal = gettext("%(method)s is not enough for %(right)s under the policy of %(org)s.")
    assert refusal.split("%(right)s")[0].split("%(method)s")[1] in response.content.decode()
    assert access_case.status == CaseStatus.IDENTITY
    with pytest.raises(services.ServiceError):
        services.verify_identity(
            case=access_case,
            actor=officer,
            method=IdentityMethod.HELD_DATA_MATCHED,
            established=True,
            matched_items=["name"],
        )
    do_task(
        client, access_case, AccessFlow.verify_identity, {"method": "desk_id", "established": "yes"}
    )
    assert access_case.status == CaseStatus.ASSESSMENT


def test_held_data_match_records_the_items(client, access_case, officer):
    # LEGAL.md 2.1: the officer ticks which items matched; recorded, shown on the case
    login(client, officer)
    response = do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "held_data", "established": "yes"},
    )
    assert response.status_code == 200  # no item ticked
    do_task(
        client,
        access_case,
        AccessFlow.verify_identity,
        {"method": "held_data", "matched_items": ["name", "client_number"], "established": "yes"},
    )
    request_obj = access_case.request
    request_obj.refresh_from_db()
    assert request_obj.identity_matched_items == "name,client_number"
    assert request_obj.identity_checked_by == officer
    entry = AuditEntry.objects.get(case=access_case, action="identity_verified")
    assert "Client or personnel number" in entry.details or "klantnummer" in entry.details.lower()
