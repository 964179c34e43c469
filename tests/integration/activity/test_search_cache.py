"""Search's cached window (issue 19): the same for everyone, yet each page applies the reader's rules.

The service runs in-process on a connection of its own, whose cache the test makes first with a long TTL:
every search after the first is then served from the cached window, however slow the machine.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from activity_service.feeds import repository, service
from activity_service.feeds.recent import RecentByKey, recent_cache
from devstack.stack import LocalStack
from tests.integration.activity.safety import block, mute, send, user_uuid

pytestmark = pytest.mark.integration


def _long_lived(conn: asyncpg.Connection) -> RecentByKey[Any]:
    """The search caches of `conn` (windows, people), made before the service uses them: an hour's TTL."""
    recent_cache(conn, name="people", ttl=3600, size=repository.SEARCH_CACHE_TERMS)
    return recent_cache(conn, name="search", ttl=3600, size=repository.SEARCH_CACHE_TERMS)


async def _search(
    conn: asyncpg.Connection, term: str, reader: str | None, *, cursor: str | None = None, limit: int = 20
) -> dict[str, Any]:
    return await service.search(
        conn,
        term=term,
        reader=uuid.UUID(reader) if reader else None,
        cursor=cursor,
        limit=limit,
        secret="test-secret",
        assets_base_url="http://assets.invalid",
    )


async def _found(conn: asyncpg.Connection, term: str, reader: str | None) -> list[str]:
    return [str(a["uuid"]) for a in (await _search(conn, term, reader))["activities"]]


async def _people(conn: asyncpg.Connection, term: str, reader: str | None) -> list[str]:
    return [u["handle"] for u in (await _search(conn, term, reader))["users"]]


async def test_a_cached_search_still_hides_blocked_muted_and_expired(
    conn: asyncpg.Connection, api: httpx.Client, stack: LocalStack, make_user: Any, post: Any
) -> None:
    word = f"cached{uuid.uuid4().hex[:8]}"
    reader, blocked, muted, leaving = make_user(), make_user(), make_user(), make_user()
    ids = {u.handle: user_uuid(api, u) for u in (reader, blocked, muted, leaving)}
    cruds = {u.handle: post(u, f"{word} from {u.handle}")["uuid"] for u in (reader, blocked, muted, leaving)}
    cache = _long_lived(conn)

    assert sorted(await _found(conn, word, ids[reader.handle])) == sorted(cruds.values())
    assert cache.entry(word).computed == 1
    assert blocked.handle in await _people(conn, blocked.handle, ids[reader.handle])
    # After the window is cached: a new match (absent until the window is recomputed, which proves the
    # pages below come from the cache), a block, a mute and an expiry.
    late = post(leaving, f"{word} posted after the window was cached")["uuid"]
    send(stack, block(ids[reader.handle], ids[blocked.handle]), mute(ids[reader.handle], ids[muted.handle]))
    await conn.execute(  # its time is up (search reads only the crud's own expiry)
        "UPDATE activities SET created_at = now() - interval '2 hours', "
        "expires_at = now() - interval '1 hour' WHERE uuid = $1::uuid",
        cruds[leaving.handle],
    )

    assert await _found(conn, word, ids[reader.handle]) == [cruds[reader.handle]]
    signed_out = await _found(conn, word, None)  # the same window: nothing is hidden from them but the gone
    assert sorted(signed_out) == sorted(cruds[u.handle] for u in (reader, blocked, muted))
    both_ways = await _found(conn, word, ids[blocked.handle])  # the blocked no longer see the blocker
    assert sorted(both_ways) == sorted([cruds[blocked.handle], cruds[muted.handle]])
    assert cache.entry(word).computed == 1 and late not in signed_out, "served from the cached window"
    assert blocked.handle not in await _people(conn, blocked.handle, ids[reader.handle])
    assert blocked.handle in await _people(conn, blocked.handle, None)


async def test_a_page_is_full_when_the_reader_hides_some_of_the_window(
    conn: asyncpg.Connection, api: httpx.Client, stack: LocalStack, make_user: Any, post: Any
) -> None:
    """Hidden candidates are skipped before the LIMIT: later ones fill the page, and the cursor goes on."""
    word = f"fill{uuid.uuid4().hex[:8]}"
    reader, hidden, shown = make_user(), make_user(), make_user()
    ids = {u.handle: user_uuid(api, u) for u in (reader, hidden, shown)}
    mine = [post(shown, f"{word} {i}")["uuid"] for i in range(3)]
    theirs = [post(hidden, f"{word} {word} {i}")["uuid"] for i in range(4)]  # ranked first in the window
    send(stack, block(ids[reader.handle], ids[hidden.handle]))
    _long_lived(conn)

    assert sorted(await _found(conn, word, None)) == sorted(mine + theirs)
    first = await _search(conn, word, ids[reader.handle], limit=2)
    rest = await _search(conn, word, ids[reader.handle], cursor=first["next_cursor"], limit=2)
    found = [str(a["uuid"]) for a in first["activities"] + rest["activities"]]
    assert len(first["activities"]) == 2 and sorted(found) == sorted(mine) and rest["next_cursor"] is None
