"""Mute, through the gateway: durations by the database's clock, lapsing by itself, one way only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.integration.activity.support import Db
from tests.integration.user.support import kinds, queued, uuid_of
from tests.support import expect_error

pytestmark = pytest.mark.integration


def _mute(api: httpx.Client, who, handle: str, **body: object) -> None:
    response = api.put(f"/api/users/@{handle}/mute", json=body, headers=who.headers)
    assert response.status_code == 204, response.text


def _mutes(api: httpx.Client, who) -> list[dict[str, object]]:
    return list(api.get("/api/users/mutes", headers=who.headers).json()["items"])


def _muted_flag(api: httpx.Client, who, handle: str) -> bool:
    return bool(api.get(f"/api/users/@{handle}/short", headers=who.headers).json()["muted"])


@pytest.mark.parametrize(
    ("duration", "span"),
    [
        ("1-hour", timedelta(hours=1)),
        ("1-day", timedelta(days=1)),
        ("7-days", timedelta(days=7)),
        ("30-days", timedelta(days=30)),
    ],
)
def test_a_timed_mute_lasts_its_duration(
    api: httpx.Client, make_user, duration: str, span: timedelta
) -> None:
    me, other = make_user(), make_user()
    _mute(api, me, other.handle, duration=duration)
    (item,) = _mutes(api, me)
    assert set(item) == {"uuid", "handle", "display_name", "avatar_url", "created_at", "until"}
    until = datetime.fromisoformat(str(item["until"]))
    assert abs(until - datetime.now(UTC) - span) < timedelta(minutes=1)
    assert _muted_flag(api, me, other.handle) is True
    assert _muted_flag(api, other, me.handle) is False  # one way: the muted user is not told
    assert _mutes(api, other) == []


def test_mute_until_unmuted_replace_and_unmute(api: httpx.Client, make_user) -> None:
    me, a, b = make_user(), make_user(), make_user()
    no_body = api.put(f"/api/users/@{a.handle}/mute", headers=me.headers)  # no body: until unmuted
    assert no_body.status_code == 204, no_body.text
    _mute(api, me, b.handle, duration="1-hour")
    _mute(api, me, b.handle, duration=None)  # a re-mute replaces the duration
    items = _mutes(api, me)
    assert [(i["handle"], i["until"]) for i in items] == [(b.handle, None), (a.handle, None)]
    first = api.get("/api/users/mutes", params={"limit": 1}, headers=me.headers).json()
    rest = api.get("/api/users/mutes", params={"cursor": first["next_cursor"]}, headers=me.headers).json()
    assert [i["handle"] for i in first["items"] + rest["items"]] == [b.handle, a.handle]
    for _ in range(2):
        gone = api.delete(f"/api/users/@{b.handle}/mute", headers=me.headers)
        assert gone.status_code == 204, gone.text
    assert [i["handle"] for i in _mutes(api, me)] == [a.handle]
    assert _muted_flag(api, me, b.handle) is False


def test_a_mute_changes_no_follow(api: httpx.Client, make_user) -> None:
    me, other = make_user(), make_user()
    _mute(api, me, other.handle)
    assert api.put(f"/api/users/@{other.handle}/follow", headers=me.headers).json()["following"] is True
    assert api.put(f"/api/users/@{me.handle}/follow", headers=other.headers).json()["following"] is True


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"duration": "2-days"}, 422, "validation_error"),
        ({"duration": 5}, 422, "validation_error"),
        ({"duration": ""}, 422, "validation_error"),
        (["1-day"], 400, "invalid_body"),  # not an object: the house's code for a body of the wrong shape
    ],
)
def test_mute_bad_duration(api: httpx.Client, make_user, body: object, status: int, code: str) -> None:
    me, other = make_user(), make_user()
    response = api.put(f"/api/users/@{other.handle}/mute", json=body, headers=me.headers)
    expect_error(response, status, code)
    assert _mutes(api, me) == []


def test_mute_errors(api: httpx.Client, make_user) -> None:
    me = make_user()
    for method in ("PUT", "DELETE"):
        path = f"/api/users/@{me.handle}/mute"
        expect_error(api.request(method, path, headers=me.headers), 422, "cannot_mute_self")
        path = "/api/users/@nobody_zz_here/mute"
        expect_error(api.request(method, path, headers=me.headers), 404, "user_not_found")
        expect_error(api.request(method, f"/api/users/@{me.handle}/mute"), 401)
    not_json = api.put(
        f"/api/users/@{me.handle}/mute",
        content=b"{",
        headers={**me.headers, "content-type": "application/json"},
    )
    expect_error(not_json, 400, "invalid_body")
    expect_error(api.get("/api/users/mutes"), 401)
    expect_error(
        api.get("/api/users/mutes", params={"cursor": "x"}, headers=me.headers), 400, "invalid_cursor"
    )


def test_a_lapsed_mute_is_absent_everywhere(api: httpx.Client, make_user, db: Db) -> None:
    me, friend, muted = make_user(), make_user(), make_user()
    api.put(f"/api/users/@{friend.handle}/follow", headers=me.headers)
    api.put(f"/api/users/@{muted.handle}/follow", headers=friend.headers)  # ranks first in my suggestions
    _mute(api, me, muted.handle, duration="1-hour")
    suggested = api.get("/api/users/suggested", params={"limit": 5}, headers=me.headers).json()
    assert muted.handle not in [p["handle"] for p in suggested["items"]]
    db.execute(
        "UPDATE mutes SET until = now() - interval '1 second' WHERE muter_uuid = $1::uuid",
        uuid_of(api, me),
    )
    assert _mutes(api, me) == []
    assert _muted_flag(api, me, muted.handle) is False
    suggested = api.get("/api/users/suggested", params={"limit": 5}, headers=me.headers).json()
    assert suggested["items"][0]["handle"] == muted.handle
    _mute(api, me, muted.handle, duration="1-day")  # muting again after the lapse works as new
    assert [i["handle"] for i in _mutes(api, me)] == [muted.handle]


def test_mute_events_are_queued_when_something_changed(api: httpx.Client, make_user, held: Db) -> None:
    me, other = make_user(), make_user()
    ids = uuid_of(api, me), uuid_of(api, other)
    _mute(api, me, other.handle, duration="1-day")
    _mute(api, me, other.handle, duration=None)
    _mute(api, me, other.handle, duration=None)  # the same mute again: nothing to tell
    api.delete(f"/api/users/@{other.handle}/mute", headers=me.headers)
    api.delete(f"/api/users/@{other.handle}/mute", headers=me.headers)
    for destination in ("activity", "relations"):
        events = queued(held, destination, *ids)
        assert kinds(events) == ["mute", "mute", "unmute"], destination
        timed, forever, unmute = events
        assert (timed["muter"], timed["muted"]) == ids
        until = datetime.fromisoformat(timed["until"])
        assert until.tzinfo is not None and until > datetime.now(UTC) + timedelta(hours=23)
        assert forever == {"type": "mute", "muter": ids[0], "muted": ids[1], "until": None}
        assert unmute == {"type": "unmute", "muter": ids[0], "muted": ids[1]}
