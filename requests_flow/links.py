"""Signed, expiring links for people without an account (requesters).

Nothing is stored: the link carries the object's id, signed with SECRET_KEY and a purpose salt,
and stops working after the configured number of days.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "avgflow.confirm-email"
ANSWER_SALT = "avgflow.answer"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_email_url(request_obj) -> str:
    token = signing.dumps(request_obj.pk, salt=CONFIRM_SALT, compress=True)
    return _absolute(reverse("public:confirm_email", args=[token]))


def read_confirm_token(token: str) -> int:
    """The request id in a confirmation token; raises signing.BadSignature (or its subclass
    SignatureExpired) for a tampered or expired link."""
    max_age = settings.EMAIL_CONFIRMATION_DAYS * 86400
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=max_age))


def answer_url(case) -> str:
    token = signing.dumps(case.pk, salt=ANSWER_SALT, compress=True)
    return _absolute(reverse("public:answer", args=[token]))


def read_answer_token(token: str) -> int:
    max_age = settings.DOWNLOAD_LINK_DAYS * 86400
    return int(signing.loads(token, salt=ANSWER_SALT, max_age=max_age))


REPLY_SALT = "avgflow.reply"


def reply_url(info_request) -> str:
    """The requester's link to answer an information request; valid until the reply term ends
    (checked against the request itself, so the term, not the link, decides)."""
    token = signing.dumps(info_request.pk, salt=REPLY_SALT, compress=True)
    return _absolute(reverse("public:reply", args=[token]))


def read_reply_token(token: str) -> int:
    # generous: the information request's own term decides whether a reply is still accepted
    return int(signing.loads(token, salt=REPLY_SALT, max_age=366 * 86400))


STATUS_SALT = "avgflow.status"


def status_url(request_obj) -> str:
    """The requester's status page of one request (all its cases), valid STATUS_LINK_DAYS."""
    token = signing.dumps(request_obj.pk, salt=STATUS_SALT, compress=True)
    return _absolute(reverse("public:status", args=[token]))


def read_status_token(token: str) -> int:
    max_age = settings.STATUS_LINK_DAYS * 86400
    return int(signing.loads(token, salt=STATUS_SALT, max_age=max_age))


WITHDRAW_SALT = "avgflow.withdraw"


def withdrawal_url(case) -> str:
    """The requester's link to withdraw a case; it works while the case is open (the page checks
    the case, so closing it ends the link whatever its age)."""
    token = signing.dumps(case.pk, salt=WITHDRAW_SALT, compress=True)
    return _absolute(reverse("records_public:withdraw", args=[token]))


def read_withdrawal_token(token: str) -> int:
    # generous: whether the case is still open decides, not the link's age
    return int(signing.loads(token, salt=WITHDRAW_SALT, max_age=366 * 86400))


FORWARDING_SALT = "avgflow.forwarding"


def forwarding_url(forwarding) -> str:
    """The forward target's link to confirm receipt and report the answer sent (no account)."""
    token = signing.dumps(forwarding.pk, salt=FORWARDING_SALT, compress=True)
    return _absolute(reverse("public:forwarding", args=[token]))


def read_forwarding_token(token: str) -> int:
    # a year: a transfer may take long to be answered; the forwarding's own state decides
    return int(signing.loads(token, salt=FORWARDING_SALT, max_age=366 * 86400))
