"""Helpers shared by the service modules: the audit entry and the status move."""

import datetime

from django.utils import formats

from requests_flow.models import (
    AuditEntry,
)


class ServiceError(Exception):
    """A state change that the rules do not allow; the message is shown to the user."""


def _audit(request_obj, action, *, case=None, actor=None, from_status="", to_status="", details=""):
    return AuditEntry.objects.create(
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
