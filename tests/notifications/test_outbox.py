"""The outbox: queued in the caller's transaction, sent after commit, never twice, never lost."""

import datetime
import logging
import threading
import time

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections, transaction
from django.test import override_settings
from django.utils import timezone

from notifications.constants import MessageStatus
from notifications.models import OutboxMessage
from notifications.services import (
    UnknownMessageTemplate,
    queue_message,
    send_message,
    send_pending_messages,
    stuck_messages,
)
from organisations.models import Organisation


class ProviderDownOnceBackend(LocmemBackend):
    """A provider that fails its first call and accepts mail after that."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise ConnectionError("provider unavailable")
        return super().send_messages(messages)


class ProviderDownBackend(LocmemBackend):
    """A provider that never accepts anything."""

    def send_messages(self, messages):
        raise ConnectionError("provider unavailable")


class ProviderAcceptsNothingBackend(LocmemBackend):
    """A provider that raises nothing and sends nothing."""

    def send_messages(self, messages):
        return 0


class SlowProviderBackend(LocmemBackend):
    """A provider that takes a moment per message, so concurrent senders interleave."""

    def send_messages(self, messages):
        time.sleep(0.002)
        return super().send_messages(messages)


def _queue(organisation, contexts, *, template="confirm_email", to="jan@example.org", **kwargs):
    return queue_message(
        template=template,
        to=to,
        context=contexts[template],
        organisation=organisation,
        **kwargs,
    )


# DESIGN rule 2: outbox rows are written in the same transaction as the state change
def test_queue_message_is_one_insert_in_the_callers_transaction(
    organisation, contexts, outbox, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with django_assert_num_queries(1):
            message = _queue(organisation, contexts)
        assert OutboxMessage.objects.filter(pk=message.pk).exists()

    # committed, but in sweep mode nothing is sent or enqueued before the sweep runs
    assert callbacks == []
    assert outbox == []
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.subject == ""

    assert send_pending_messages() == 1
    assert len(outbox) == 1


# DESIGN rule 2: a rolled-back state change sends nothing
def test_rolled_back_transaction_leaves_no_message(organisation, contexts, outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(organisation, contexts)
        raise RuntimeError("the state change failed")

    assert not OutboxMessage.objects.exists()
    assert send_pending_messages() == 0
    assert outbox == []


# Outbox contract: an unknown template fails when queued, not at send time
@pytest.mark.parametrize(
    ("template", "language"),
    [("no_such_message", "nl"), ("confirm_email", "de"), ("../confirm_email", "nl")],
)
def test_unknown_template_or_language_raises_at_queue_time(
    organisation, contexts, template, language
):
    with pytest.raises(UnknownMessageTemplate, match="template|language"):
        queue_message(
            template=template,
            to="jan@example.org",
            context=contexts["confirm_email"],
            language=language,
            organisation=organisation,
        )
    assert not OutboxMessage.objects.exists()


# LEGAL 5.7: no e-mail address, no e-mail (the letter goes by post)
def test_message_without_address_raises(organisation, contexts):
    with pytest.raises(ValueError, match="no address"):
        _queue(organisation, contexts, to="")
    assert not OutboxMessage.objects.exists()


# Outbox contract: the context holds JSON values only (callers pass formatted strings)
def test_context_that_is_not_json_raises(organisation, contexts):
    context = {**contexts["acknowledgement"], "received_on": datetime.date(2026, 3, 5)}
    with pytest.raises(ValueError, match="JSON"):
        _queue(organisation, {"acknowledgement": context}, template="acknowledgement")
    assert not OutboxMessage.objects.exists()


# LEGAL 5.6: each message goes out in the requester's language, as text and HTML
@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend")
def test_sweep_sends_text_and_html_in_the_requesters_language(organisation, contexts, outbox):
    dutch = _queue(organisation, contexts, template="acknowledgement", to="jan@example.org")
    english = _queue(
        organisation, contexts, template="acknowledgement", to="ann@example.org", language="en"
    )

    assert send_pending_messages() == 2

    by_recipient = {email.to[0]: email for email in outbox}
    nl_email, en_email = by_recipient["jan@example.org"], by_recipient["ann@example.org"]
    assert nl_email.subject == "Wij hebben uw verzoek ontvangen (AVG-2026-00001)"
    assert en_email.subject == "We have received your request (AVG-2026-00001)"
    for email, words in ((nl_email, "Volgens de wet"), (en_email, "By law")):
        params = email.anymail_test_params
        assert words in params["text_body"]
        # anymail hands the text/html alternative to the provider as the HTML body
        assert words in params["html_body"]
        assert "alternatives" not in params
        assert params["reply_to"][0].addr_spec == "privacy@werkse.example"
        assert params["metadata"] == {
            "outbox_id": str(dutch.pk if email is nl_email else english.pk)
        }
    assert '<html lang="nl">' in nl_email.alternatives[0][0]
    assert '<html lang="en">' in en_email.alternatives[0][0]

    for message in (dutch, english):
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT
        assert message.sent_at is not None
        assert message.subject
        email = by_recipient[message.to]
        # anymail's test backend uses the message's position in the outbox as its id
        assert message.provider_message_id == str(outbox.index(email))


# STACK-FACTS E-mail: a failed send is retried with backoff and sent exactly once
def test_provider_down_once_retries_later_and_sends_once(
    organisation, contexts, outbox, settings, time_machine, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.ProviderDownOnceBackend"
    ProviderDownOnceBackend.calls = 0
    time_machine.move_to(timezone.now(), tick=False)
    message = _queue(organisation, contexts)

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert send_pending_messages() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error == "ConnectionError: provider unavailable"
    assert message.next_attempt_at == timezone.now() + datetime.timedelta(minutes=2)
    assert f"Outbox message {message.pk} (confirm_email) failed" in caplog.text
    assert "jan@example.org" not in caplog.text  # no personal data in the logs

    # not due yet: the backoff holds
    assert send_pending_messages() == 0
    time_machine.shift(datetime.timedelta(minutes=2))
    assert send_pending_messages() == 1
    assert send_pending_messages() == 0

    assert ProviderDownOnceBackend.calls == 2
    assert len(outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.last_error == ""


# STACK-FACTS E-mail: after OUTBOX_MAX_ATTEMPTS failures a message is failed, not retried forever
def test_message_fails_after_max_attempts_with_growing_backoff(
    organisation, contexts, outbox, settings, time_machine, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.ProviderDownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 4
    time_machine.move_to(timezone.now(), tick=False)
    message = _queue(organisation, contexts)

    delays = []
    for _ in range(3):
        send_pending_messages()
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        delays.append(message.next_attempt_at - timezone.now())
        time_machine.shift(delays[-1])
    assert delays == [datetime.timedelta(minutes=m) for m in (2, 4, 8)]

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        assert send_pending_messages() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 4
    assert "failed for good after 4 attempts" in caplog.text

    time_machine.shift(datetime.timedelta(days=1))
    assert send_pending_messages() == 0
    message.refresh_from_db()
    assert message.attempts == 4
    assert outbox == []


# Outbox contract: a backend that sends nothing without raising is a failure, not a success
def test_backend_that_sends_nothing_is_a_failure(organisation, contexts, settings):
    settings.EMAIL_BACKEND = f"{__name__}.ProviderAcceptsNothingBackend"
    message = _queue(organisation, contexts)

    assert send_pending_messages() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "RuntimeError: The e-mail backend accepted nothing."


# STACK-FACTS E-mail: a row stuck in `sending` is listed for an officer, never resent blindly
def test_message_stuck_in_sending_is_listed_and_not_resent(
    organisation, contexts, outbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    stuck = _queue(organisation, contexts)
    recent = _queue(organisation, contexts, to="ann@example.org")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    OutboxMessage.objects.filter(pk=recent.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert send_pending_messages() == 0
    assert send_message(stuck.pk) is False
    assert outbox == []
    assert list(stuck_messages(datetime.timedelta(minutes=15))) == [stuck]


# Outbox contract: sending one message by id sends it once, however often it is asked
def test_send_message_by_id_sends_once(organisation, contexts, outbox):
    message = _queue(organisation, contexts)
    assert send_message(message.pk) is True
    assert send_message(message.pk) is False
    assert send_pending_messages() == 0
    assert len(outbox) == 1


# DESIGN background work: in Celery mode the message is enqueued after commit, not before
def test_celery_mode_enqueues_after_commit(
    organisation, contexts, outbox, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    settings.BACKGROUND_MODE = "celery"
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                message = _queue(organisation, contexts)
            assert outbox == []
    finally:
        app.conf.task_always_eager = False

    assert len(callbacks) == 1
    assert len(outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


# STACK-FACTS E-mail: "never twice": two senders racing over the same rows send each one once
def test_two_concurrent_senders_send_each_message_exactly_once(
    concurrent_db, contexts, outbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.SlowProviderBackend"
    organisation = Organisation.objects.create(
        name="Werkse!", slug="werkse", legal_form="public_body"
    )
    recipients = [f"person{i}@example.org" for i in range(100)]
    for to in recipients:
        _queue(organisation, contexts, to=to)

    start = threading.Barrier(2)
    sent_by_thread = []
    errors = []

    def sender():
        try:
            start.wait()
            sent_by_thread.append(send_pending_messages(limit=100))
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(sent_by_thread) == 100
    assert sorted(email.to[0] for email in outbox) == sorted(recipients)
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == 100
