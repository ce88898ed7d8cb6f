"""config.kombu_redis: production's Celery transport on Redis (CELERY_BROKER_URL redis://),
which keeps one Redis client per channel instead of building one per command."""

import uuid

from kombu import Connection

from config.kombu_redis import Channel

REDIS_DB = "redis://127.0.0.1:6379/10"  # this branch's own Redis database (never flushed)


def test_the_settings_choose_it_for_a_redis_broker(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis")
    assert settings.CELERY_BROKER_TRANSPORT == "config.kombu_redis:Transport"


def test_messages_go_through_one_client_per_channel_and_a_new_pool_gets_a_new_one():
    # DESIGN background work: every confirmation e-mail is handed to Celery after commit; the
    # hand-off must still deliver, through the channel's one client
    queue_name = f"test-{uuid.uuid4()}"
    with Connection(REDIS_DB, transport="config.kombu_redis:Transport") as connection:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        with connection.SimpleQueue(queue_name) as queue:
            queue.put({"message": 1})
            queue.put({"message": 2})
            with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
                assert first is second
                assert first.connection_pool is channel.pool
            assert [queue.get(timeout=5).payload for _ in range(2)] == [
                {"message": 1},
                {"message": 2},
            ]
            # kombu drops its pools after a connection error: the next command gets a client
            # on the new pool, not one bound to the old
            channel._disconnect_pools()
            with channel.conn_or_acquire() as after:
                assert after is not first
                assert after.connection_pool is channel.pool
            queue.put({"message": 3})
            assert queue.get(timeout=5).payload == {"message": 3}
            queue.queue.delete()
