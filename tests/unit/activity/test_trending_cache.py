"""Trending and search windows: computed at most once per TTL per process and key (issue 19)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from activity_service.feeds import repository
from activity_service.feeds.recent import Recent, RecentByKey


class _Db:
    """Stands in for the pool: counts statements, each taking a little while (as a query would)."""

    def __init__(self) -> None:
        self.calls = 0

    async def fetch(self, query: str, *args: Any) -> list[dict[str, Any]]:
        self.calls += 1
        await asyncio.sleep(0.05)
        return [{"hashtag": "cruddur", "count": self.calls}]


def test_concurrent_callers_share_one_computation() -> None:
    async def main() -> None:
        db = _Db()
        pages = await asyncio.gather(*(repository.trending(db, limit=10) for _ in range(50)))
        assert db.calls == 1, "one statement for 50 concurrent callers, not a stampede"
        assert all(page == [{"hashtag": "cruddur", "count": 1}] for page in pages)
        assert await repository.trending(db, limit=10) == pages[0]
        assert db.calls == 1, "served from the cache within the TTL"

    asyncio.run(main())


def test_recomputed_once_after_the_ttl() -> None:
    async def main() -> None:
        recent = Recent(ttl=0.1)
        db = _Db()
        first = await recent.get(lambda: db.fetch(""))
        await asyncio.sleep(0.15)
        again = await asyncio.gather(*(recent.get(lambda: db.fetch("")) for _ in range(20)))
        assert db.calls == recent.computed == 2
        assert first != again[0] and all(page == again[0] for page in again)

    asyncio.run(main())


def test_a_failed_computation_is_not_kept() -> None:
    async def main() -> None:
        recent = Recent(ttl=60)

        async def broken() -> list[Any]:
            raise ConnectionError("down")

        with pytest.raises(ConnectionError):
            await recent.get(broken)
        db = _Db()
        assert await recent.get(lambda: db.fetch("")) == [{"hashtag": "cruddur", "count": 1}]

    asyncio.run(main())


def test_each_limit_and_pool_has_its_own_copy() -> None:
    async def main() -> None:
        one, other = _Db(), _Db()
        await repository.trending(one, limit=10)
        await repository.trending(one, limit=5)
        await repository.trending(other, limit=10)
        assert (one.calls, other.calls) == (2, 1)

    asyncio.run(main())


def test_each_key_has_its_own_copy_and_the_least_recently_asked_goes_first() -> None:
    async def main() -> None:
        cache: RecentByKey[list[Any]] = RecentByKey(ttl=60, size=2)
        db = _Db()
        for key in ("a", "b", "a", "c"):  # "b" was asked least recently when "c" came
            await cache.get(key, lambda: db.fetch(""))
        assert db.calls == 3 and len(cache) == 2
        await cache.get("a", lambda: db.fetch(""))
        assert db.calls == 3, "a is still cached"
        await cache.get("b", lambda: db.fetch(""))
        assert db.calls == 4, "b was evicted and is computed again"

    asyncio.run(main())
