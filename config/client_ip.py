"""The client's address, also behind reverse proxies (STACK-FACTS, Security pieces).

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so with
``TRUSTED_PROXY_COUNT`` proxies of our own in front, the client is the entry that many places
from the right; anything further left was written by the client and cannot be trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # fewer hops than configured proxies: the request did not come through them all
        return remote
    return forwarded[-proxies]
