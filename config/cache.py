"""Django's Redis cache with one redis.Redis client per connection pool, and an atomic incr.

Django's own client builds a new `redis.Redis` for every cache call, and with it redis-py's
table of about 170 response callbacks: three times per public form submission (the rate
limiter's add, and incr's exists and incrby). A `redis.Redis` over a pool is safe to share
between threads (redis-py's documentation), so the client is kept per pool.

Django's `incr` asks EXISTS, then INCRBY: two round trips, and a key that expires between them
comes back from INCRBY without an expiry, so that client address would stay counted, and in
the end refused, for good. Here one Lua script increments only a key that exists.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# INCRBY a key that exists, in one step on the server; nil (None) for a missing key
_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
            self._incr_scripts[id(pool)] = client.register_script(_INCR_IF_EXISTS)
        return client

    def incr(self, key, delta):
        """Django's contract (ValueError for a missing key), in one atomic round trip."""
        client = self.get_client(key, write=True)
        script = self._incr_scripts[id(client.connection_pool)]
        count = script(keys=[key], args=[delta], client=client)
        if count is None:
            raise ValueError(f"Key '{key}' not found.")
        return count


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
