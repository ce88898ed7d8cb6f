from django import template
from django.db.models import Q

from notifications.models import DeliveryProblem, InboundEmail, OutboxMessage
from notifications.services import message_subject

register = template.Library()


@register.inclusion_tag("notifications/_case_messages.html")
def case_messages(case):
    """A case's correspondence for its page: open delivery problems, e-mail received, and every
    message sent or queued (each with a preview). `case` comes from the page's scoped lookup."""
    for_case = Q(case=case) | Q(case__isnull=True, request_id=case.request_id)
    return {
        "problems": DeliveryProblem.objects.open()
        .filter(for_case)
        .select_related("message")
        .order_by("opened_at", "pk"),
        "inbound_emails": InboundEmail.objects.filter(for_case)
        .prefetch_related("attachments")
        .order_by("received_at", "pk"),
        "outbox_messages": OutboxMessage.objects.filter(for_case).order_by("created", "pk"),
    }


@register.simple_tag
def subject_of(message):
    """`{% subject_of message %}`: the subject as sent, or as it will be."""
    return message_subject(message)
