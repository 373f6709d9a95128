"""The shared cache on Redis, degrading to a miss when Redis is down.

Django's RedisCache raises on a refused or timed-out connection, which would turn
every page that reads the cache (the axes in every header, the leadership
pathway) into a 500 while Redis is down. Nothing in the cache is the only copy
of anything — sessions and sign-in throttling live in the database — so this
backend answers as an empty cache instead: reads miss, writes and deletes do
nothing, and the pages are built from the database.

After a failure the process stops asking Redis for ``RETRY_AFTER`` seconds, so a
page that reads the cache ten times does not wait ten connection timeouts; one
warning is logged per outage. A delete that failed cannot be repeated later:
entries written before the outage may outlive a change made during it, at most
until their own timeout (an hour for the site's entries).
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Refused, timed out, still loading its data, a wrong password, something else
# answering at its address: for a cache, all mean "not available now".
UNAVAILABLE = RedisError
RETRY_AFTER = 5.0

# Per process and server list: when Redis may be asked again (monotonic clock).
_down_until = {}

# What ``read_ahead`` read for the code running now: (the cache's identity,
# {key: value or _ABSENT}); each entry answers one get().
_ahead = ContextVar("cache_read_ahead", default=None)
_ABSENT = object()


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every command, and
    redis-py's constructor fills a table of some 170 reply handlers each time:
    a tenth of a signed-in page's Redis time (#26). One per connection pool
    serves every command; redis-py's clients are safe to share between
    threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _call(self, method, fallback, *args, **kwargs):
        servers = tuple(self._servers)
        down_until = _down_until.get(servers)
        if down_until is not None and down_until > time.monotonic():
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except UNAVAILABLE as error:
            if down_until is None:
                logger.warning(
                    "Cache unavailable, pages are served without it: %s", error
                )
            _down_until[servers] = time.monotonic() + RETRY_AFTER
            return fallback
        if down_until is not None:
            _down_until.pop(servers, None)
            logger.warning("Cache available again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def _identity(self):
        return (tuple(self._servers), self.key_prefix)

    @contextmanager
    def read_ahead(self, keys):
        """Read ``keys`` now, in one round trip; inside the block, the first
        get() of each (default version) is answered with what was read. A
        request knows at its start a few keys it will read (the content
        generation, its session): one round trip instead of one each."""
        found = self.get_many(keys)
        token = _ahead.set(
            (self._identity(), {key: found.get(key, _ABSENT) for key in keys})
        )
        try:
            yield
        finally:
            _ahead.reset(token)

    def get(self, key, default=None, version=None):
        ahead = _ahead.get()
        if ahead is not None and version is None and ahead[0] == self._identity():
            value = ahead[1].pop(key, None)
            if value is not None:
                return default if value is _ABSENT else value
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call("incr", missing, key, delta, version)
        if value is missing:
            # What Django's caches say of a key they do not have.
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
