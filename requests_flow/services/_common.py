"""Helpers shared by the service modules: the audit entry, the status move and the check of
the dates officers record."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config import compiled_sql
from requests_flow.models import (
    AuditEntry,
)


class ServiceError(Exception):
    """A state change that the rules do not allow; the message is shown to the user."""


def _audit(request_obj, action, *, case=None, actor=None, from_status="", to_status="", details=""):
    return compiled_sql.create(
        AuditEntry,
        request=request_obj,
        case=case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def _move(case, to_status, action, *, actor=None, details=""):
    """Change a case's status and write the audit entry for it."""
    from_status = case.status
    case.status = to_status
    case.save()
    _audit(
        case.request,
        action,
        case=case,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def check_case_date(day: datetime.date, case) -> None:
    """A date an officer records for something done on `case` (a change carried out in a
    system, a recipient told (AVG 19), a notice of default received) lies between the request's
    receipt and today: nothing happens for a request before it arrived, and the audit trail must
    be true (AVG 5(2)). The forms call this too, to show the error beside the field."""
    received_on = case.request.received_on
    if day < received_on:
        raise ServiceError(
            _("The date cannot lie before the request was received (%(date)s).")
            % {"date": _date(received_on)}
        )
    if day > timezone.localdate():
        raise ServiceError(_("The date cannot lie in the future."))
