"""Requests that reach us outside the web form: post, desk, phone or e-mail (LEGAL.md 1.1)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_flow import deadlines
from requests_flow.constants import AuditAction, Channel
from requests_flow.models import Request
from requests_flow.services._common import ServiceError
from requests_flow.services.intake import Requester, confirm_cases, submit_request


@transaction.atomic
def register_request(
    *,
    organisation,
    actor,
    channel: str,
    received_on: datetime.date,
    rights: list[str],
    requester: Requester,
    description: str = "",
    language: str = "nl",
) -> Request:
    """An officer registers a request received by post, at the desk, by phone or by e-mail.

    The clock starts on the day it reached any channel of the organisation, which the officer
    enters: it may lie in the past, never in the future (LEGAL.md 1.1). No e-mail confirmation
    is asked: the request did not come through the open web form. The acknowledgement goes out
    when an e-mail address is known.
    """
    if channel == Channel.WEB:
        raise ServiceError(_("Web requests come in through the form."))
    today = timezone.localdate()
    if received_on > today:
        raise ServiceError(_("The date of receipt cannot lie in the future."))
    received_at = (
        timezone.now()
        if received_on == today
        else deadlines.start_of_day(received_on) + datetime.timedelta(hours=12)
    )
    request_obj = submit_request(
        organisation=organisation,
        rights=rights,
        requester=requester,
        description=description,
        language=language,
        channel=channel,
        received_at=received_at,
        actor=actor,
        confirm_by_email=False,
    )
    confirm_cases(
        request_obj,
        request_obj.cases.select_related("process", "organisation"),
        actor=actor,
        action=AuditAction.REGISTERED,
        details=Channel(channel).label,
    )
    return request_obj
