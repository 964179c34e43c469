"""Short-lived copies of answers that are the same for everyone (trending, search windows: issue 19).

Each worker process keeps its own copies, per event loop (an asyncio.Lock belongs to one loop), per pool,
per cache name, then per key. A copy is served until its TTL runs out; nothing invalidates it early. What
a cached answer may hold and what each caller must still check is the caller's business
(feeds/repository.py says it for each use).
"""

from __future__ import annotations

import asyncio
import collections
import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Recent(Generic[T]):
    """One value, recomputed at most once per `ttl` seconds however many callers ask at once.

    A caller that finds the value stale takes the lock and recomputes; callers arriving meanwhile wait for
    that one computation instead of starting their own (no stampede on expiry). A failed computation keeps
    nothing: the next caller tries again.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.computed = 0  # how many times the value was computed (tests)
        self._value: T | None = None
        self._until = float("-inf")
        self._lock = asyncio.Lock()

    async def get(self, compute: Callable[[], Awaitable[T]]) -> T:
        """The value, computed by `compute` when older than the TTL."""
        if time.monotonic() < self._until:
            return self._value  # type: ignore[return-value]  # set with _until
        async with self._lock:
            if time.monotonic() < self._until:  # computed while this caller waited
                return self._value  # type: ignore[return-value]
            self._value = value = await compute()
            self.computed += 1
            self._until = time.monotonic() + self.ttl
            return value


class RecentByKey(Generic[T]):
    """A `Recent` value per key, for at most `size` keys: the least recently asked key goes first."""

    def __init__(self, *, ttl: float, size: int) -> None:
        self.ttl = ttl
        self.size = size
        self._by_key: collections.OrderedDict[Hashable, Recent[T]] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._by_key)

    def entry(self, key: Hashable) -> Recent[T]:
        """The key's `Recent` (new and empty for a key not seen or evicted)."""
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = Recent(self.ttl)
            if len(self._by_key) > self.size:  # a caller still waiting on the evicted one gets its value
                self._by_key.popitem(last=False)
        else:
            self._by_key.move_to_end(key)
        return found

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The key's value, computed by `compute` when older than the TTL."""
        return await self.entry(key).get(compute)


_caches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[int, str], RecentByKey[Any]]] = (
    weakref.WeakKeyDictionary()
)


def recent_cache(db: object, *, name: str, ttl: float, size: int) -> RecentByKey[Any]:
    """This process's cache `name` for the pool `db` (made on first use with this TTL and size)."""
    by_name = _caches.setdefault(asyncio.get_running_loop(), {})
    found = by_name.get((id(db), name))
    if found is None:
        found = by_name[(id(db), name)] = RecentByKey(ttl=ttl, size=size)
    return found
