"""kombu's Redis transport, with one client per channel for its plain commands.

kombu builds a new `redis.Redis` for every plain command of a channel (`conn_or_acquire`), and
with it redis-py's table of about 170 response callbacks: once for every message the web
processes hand to Celery (the confirmation e-mail of each public submission), about a quarter of
that hand-off's CPU. A `redis.Redis` over a pool is safe to share between threads (redis-py's
documentation), so the channel keeps one for its pool and makes a new one when kombu replaces
the pool (after a connection error). Active with CELERY_BROKER_URL on redis:// (settings).
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _plain_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        if self._plain_client is None or self._plain_client.connection_pool is not pool:
            self._plain_client = self._create_client()
        yield self._plain_client


class Transport(redis.Transport):
    Channel = Channel
