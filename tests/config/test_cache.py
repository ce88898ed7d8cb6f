"""config.cache: production's Redis cache (CACHE_REDIS), which holds the public pages' rate
limits, keeps one redis.Redis client per connection pool and counts like Django's own."""

import uuid

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from config.cache import SharedClientRedisCache

pytestmark = pytest.mark.django_db

REDIS_DB = "redis://127.0.0.1:6379/10"  # this branch's own Redis database (never flushed)


def redis_cache(prefix: str) -> dict:
    return {
        "BACKEND": "config.cache.SharedClientRedisCache",
        "LOCATION": REDIS_DB,
        "KEY_PREFIX": prefix,
    }


def test_one_client_per_pool_and_counts_like_djangos_cache():
    cache = SharedClientRedisCache(REDIS_DB, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    assert cache.add("hits", 0, 60)
    assert not cache.add("hits", 0, 60)
    assert [cache.incr("hits"), cache.incr("hits")] == [1, 2]
    with pytest.raises(ValueError):
        cache.incr("never-set")  # Django's contract, which django-ratelimit relies on
    cache.delete("hits")
    assert cache.get("hits") is None


class RecordingConnection(redis.Connection):
    """A real connection that notes the name of every command it sends."""

    sent: list[str] = []

    def send_command(self, *args, **kwargs):
        self.sent.append(str(args[0]).upper())
        return super().send_command(*args, **kwargs)


def test_incr_is_one_atomic_step_that_keeps_the_expiry():
    # DESIGN.md: the rate limit's window ends; a count that lost its expiry would refuse that
    # client address for good. One server-side step leaves no moment for the key to expire
    # between the check and the increment (Django's own incr sends EXISTS, then INCRBY).
    cache = SharedClientRedisCache(
        REDIS_DB,
        {
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
            "OPTIONS": {"connection_class": RecordingConnection},
        },
    )
    assert cache.add("window", 0, 60)
    cache.incr("window")  # the first call may load the script
    RecordingConnection.sent.clear()
    assert cache.incr("window", 5) == 6
    assert RecordingConnection.sent == ["EVALSHA"]
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_and_validate_key("window")) <= 60
    with pytest.raises(ValueError):
        cache.incr("gone")
    assert cache.get("gone") is None  # not created by the failed incr
    # a restarted Redis has forgotten the script: it is loaded again, and the count goes on
    client.script_flush()
    assert cache.incr("window") == 7
    cache.delete("window")


def test_the_intake_limit_holds_on_the_redis_cache(client, werkse, settings):
    # DESIGN.md: the public form is rate-limited per client address, across web processes
    settings.CACHES = {**settings.CACHES, "ratelimit": redis_cache(f"test-{uuid.uuid4()}")}
    settings.RATE_LIMIT_INTAKE = "2/h"
    url = reverse("public:request_form", args=[werkse.slug])
    for _ in range(2):
        assert client.post(url, {"name": ""}).status_code == 200  # re-shown with errors
    response = client.post(url, {"name": ""})
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    caches["ratelimit"].clear()
