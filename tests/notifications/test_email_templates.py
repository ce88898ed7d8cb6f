"""The e-mail templates: every message, in both languages, as subject, text and HTML."""

import pytest
from django.utils.html import escape

from notifications.models import OutboxMessage
from notifications.services import render_message

MESSAGES = ["confirm_email", "acknowledgement", "decision_ready", "officer_task"]


# LEGAL 5.6: Dutch and English; LEGAL 5.1/5.7: every context item reaches the reader
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("template", MESSAGES)
def test_every_message_renders_all_its_context(template, language, contexts):
    context = contexts[template]
    message = OutboxMessage(template=template, language=language, context=context)

    subject, text, html = render_message(message)

    assert subject and "\n" not in subject
    assert f'<html lang="{language}">' in html
    assert f"<title>{escape(subject)}</title>" in html
    for key, value in context.items():
        assert value in text, f"{key} missing from the text part"
        assert escape(value) in html, f"{key} missing from the HTML part"
    # the text part is not HTML: no entities; the HTML part escapes what the requester typed
    assert "&amp;" not in text
    if "requester_name" in context:
        assert "Jan &amp; Ans" in html


# LEGAL 5.1: the acknowledgement names the internal target and the legal deadline (D1)
def test_acknowledgement_separates_target_from_legal_deadline(contexts):
    message = OutboxMessage(
        template="acknowledgement", language="nl", context=contexts["acknowledgement"]
    )
    _, text, _ = render_message(message)
    assert "Wij willen u uiterlijk op 2 april 2026 antwoorden." in text
    assert "Volgens de wet moeten wij u uiterlijk op 7 april 2026 antwoorden." in text


# LEGAL 5.7: the decision is not attached; a new link can be asked for, or a letter by post
@pytest.mark.parametrize(("language", "words"), [("nl", "per post"), ("en", "by post")])
def test_decision_ready_offers_a_new_link_or_post(contexts, language, words):
    message = OutboxMessage(
        template="decision_ready", language=language, context=contexts["decision_ready"]
    )
    _, text, html = render_message(message)
    assert words in text and words in html
