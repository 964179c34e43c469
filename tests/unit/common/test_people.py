"""The people directory: one batch call per list, cached a few seconds, bounded, stale when the user
service cannot answer."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from cruddur_common import people
from cruddur_common.people import PeopleDirectory


def _directory(calls: list[list[str]], *, fail: bool = False, ttl: float = 5.0) -> PeopleDirectory:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = json.loads(request.content)["uuids"]
        calls.append(asked)
        if fail:
            return httpx.Response(503)
        items = [{"uuid": u, "handle": f"h{u[:6]}", "display_name": f"Name {u[:4]}"} for u in asked]
        return httpx.Response(200, json={"items": items})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://user")
    return PeopleDirectory(http=http, base_url="http://user", ttl=ttl)


async def test_one_call_per_list_then_the_cache() -> None:
    calls: list[list[str]] = []
    directory = _directory(calls)
    wanted = [uuid.uuid4() for _ in range(3)]
    first = await directory.cards(wanted)
    again = await directory.cards(wanted)
    assert first == again and set(first) == set(wanted)
    assert len(calls) == 1


async def test_the_cache_is_bounded_and_keeps_the_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people, "MAX_CACHED", 3)
    calls: list[list[str]] = []
    directory = _directory(calls)
    everyone = [uuid.uuid4() for _ in range(5)]
    for person in everyone:
        await directory.cards([person])
    assert len(directory._cache) == 3
    assert set(directory._cache) == set(everyone[2:])


async def test_a_failed_lookup_shows_what_was_cached() -> None:
    calls: list[list[str]] = []
    directory = _directory(calls, ttl=0.0001)
    known = uuid.uuid4()
    await directory.cards([known])
    directory._http = _directory(calls, fail=True)._http
    shown = await directory.cards([known, uuid.uuid4()])
    assert list(shown) == [known]  # the stale card, and nothing for the unknown one
