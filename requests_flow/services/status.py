"""The requester's status page: a new link, by e-mail only (issue 5)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from notifications.services import queue_message
from requests_flow import links
from requests_flow.constants import AuditAction
from requests_flow.models import Request
from requests_flow.services._common import _audit, _date


@transaction.atomic
def send_status_link(*, email: str, reference: str) -> bool:
    """Send a new status-page link to the address answers go to, when `email` is that address
    for the request `reference`. Returns whether a link was sent, which the caller never shows:
    the page answers the same either way, so nobody can test which pairs exist."""
    request_obj = (
        Request.objects.select_related("organisation")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if request_obj is None:
        return False
    correspondent = request_obj.correspondent_email
    if not correspondent or correspondent.lower() != email.strip().lower():
        return False
    valid_until = timezone.localdate() + datetime.timedelta(days=settings.STATUS_LINK_DAYS)
    with translation.override(request_obj.language):
        queue_message(
            template="status_link",
            to=correspondent,
            language=request_obj.language,
            organisation=request_obj.organisation,
            request=request_obj,
            context={
                "organisation_name": request_obj.organisation.name,
                "requester_name": request_obj.correspondent_name,
                "reference": request_obj.reference,
                "status_url": links.status_url(request_obj),
                "valid_until": _date(valid_until),
            },
        )
    _audit(request_obj, AuditAction.STATUS_LINK_SENT, details=correspondent)
    return True
