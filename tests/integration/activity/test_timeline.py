"""The home timeline fanned out on write: posting, reposting, follow back-fill, unfollow, delete, expiry."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.activity.support import follow, purge
from tests.support import wait_for

pytestmark = pytest.mark.integration
ZERO = "00000000-0000-0000-0000-000000000000"


def _home(api: httpx.Client, user) -> list[dict]:
    response = api.get("/api/activities/home", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def _rows(db, activity_uuid: str) -> list[tuple[str, str]]:
    rows = db.fetch(
        "SELECT owner_uuid::text AS o, reposter_uuid::text AS r FROM timeline WHERE activity_uuid = $1::uuid",
        activity_uuid,
    )
    return sorted((r["o"], r["r"]) for r in rows)


def _uuid(api: httpx.Client, user) -> str:
    return str(api.get("/api/users/me", headers=user.headers).json()["uuid"])


def _unfollow(api: httpx.Client, user, handle: str) -> None:
    assert api.delete(f"/api/users/@{handle}/follow", headers=user.headers).status_code in (200, 204)

    def gone() -> bool:
        page = api.get(f"/api/activities/@{handle}", headers=user.headers).json()
        return page["profile"]["followed"] is False

    wait_for(gone, what=f"projection of {user.handle} unfollowing {handle}")


def test_post_fans_out_to_author_and_followers_not_replies(api: httpx.Client, make_user, post, db) -> None:
    author, fan, stranger = make_user(), make_user(), make_user()
    follow(api, fan, author.handle)
    crud = post(author, "to my followers")
    expected = sorted([(_uuid(api, author), ZERO), (_uuid(api, fan), ZERO)])
    assert _rows(db, crud["uuid"]) == expected
    reply = api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=author.headers)
    assert _rows(db, reply.json()["uuid"]) == []
    assert crud["uuid"] not in [a["uuid"] for a in _home(api, stranger)]


def test_follow_backfills_and_unfollow_removes(api: httpx.Client, make_user, post) -> None:
    me, author, reposter, other = make_user(), make_user(), make_user(), make_user()
    old = [post(author, f"before the follow {i}")["uuid"] for i in range(3)]
    shared = post(other, "reposted before the follow")
    assert api.put(f"/api/activities/{shared['uuid']}/repost", headers=reposter.headers).status_code == 200
    follow(api, me, author.handle)
    follow(api, me, reposter.handle)
    home = _home(api, me)
    assert [a["uuid"] for a in home] == [shared["uuid"], *reversed(old)]
    assert home[0]["reposted_by"]["handle"] == reposter.handle
    _unfollow(api, me, author.handle)
    _unfollow(api, me, reposter.handle)
    assert _home(api, me) == []


def test_unfollow_keeps_a_followed_reposter_entry(api: httpx.Client, make_user, post) -> None:
    me, author, friend = make_user(), make_user(), make_user()
    follow(api, me, author.handle)
    follow(api, me, friend.handle)
    crud = post(author, "original")
    api.put(f"/api/activities/{crud['uuid']}/repost", headers=friend.headers)
    # one card for the crud, at its newest entry (issue 18); the original's entry stays underneath
    assert [(a["uuid"], (a.get("reposted_by") or {}).get("handle")) for a in _home(api, me)] == [
        (crud["uuid"], friend.handle),
    ]
    _unfollow(api, me, author.handle)
    home = _home(api, me)
    assert [(a["uuid"], a["reposted_by"]["handle"]) for a in home] == [(crud["uuid"], friend.handle)]


def test_repost_rows_come_and_go(api: httpx.Client, make_user, post, db) -> None:
    fan, reposter, author = make_user(), make_user(), make_user()
    follow(api, fan, reposter.handle)
    crud = post(author, "share me")
    for _ in range(2):  # idempotent
        assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=reposter.headers).status_code == 200
    ids = {"author": _uuid(api, author), "fan": _uuid(api, fan), "reposter": _uuid(api, reposter)}
    assert _rows(db, crud["uuid"]) == sorted(
        [(ids["author"], ZERO), (ids["fan"], ids["reposter"]), (ids["reposter"], ids["reposter"])]
    )
    api.delete(f"/api/activities/{crud['uuid']}/repost", headers=reposter.headers)
    assert _rows(db, crud["uuid"]) == [(ids["author"], ZERO)]


def test_delete_cascades_out_of_timelines(api: httpx.Client, make_user, post, db) -> None:
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    crud = post(author, "regrettable")
    api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers)
    assert len(_rows(db, crud["uuid"])) == 3
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code == 204
    assert _rows(db, crud["uuid"]) == []
    assert crud["uuid"] not in [a["uuid"] for a in _home(api, fan)]


def test_expired_entries_are_hidden_then_purged(stack, api: httpx.Client, make_user, post, db) -> None:
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    gone, live = post(author, "short-lived"), post(author, "lasting")
    db.expire(gone["uuid"])
    assert [a["uuid"] for a in _home(api, fan)] == [live["uuid"]]

    assert purge(stack) >= 1
    assert _rows(db, gone["uuid"]) == []
    assert len(_rows(db, live["uuid"])) == 2
