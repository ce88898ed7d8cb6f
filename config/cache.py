"""Django's Redis cache with one redis.Redis client per connection pool.

Django's own client builds a new `redis.Redis` for every cache call, and with it redis-py's
table of about 170 response callbacks: three times per public form submission (the rate
limiter's add, and incr's exists and incrby). A `redis.Redis` over a pool is safe to share
between threads (redis-py's documentation), so the client is kept per pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
