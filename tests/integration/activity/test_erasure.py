"""Account erasure in the activity service: the `erasure` event of the user service's projection batch.

A deleted account's cruds and replies go (as the purge deletes expired cruds: what hangs off them goes
too), its likes and reposts of others' cruds go with their counts, its follows, blocks and mutes both
ways, its timelines and pictures (S3 objects too); what an evidence hold keeps stays for the moderators
until the release. The author row becomes a tombstone no later event brings back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.media import RENDITIONS, objects_of, ready_picture
from tests.integration.activity.safety import activity_url, block, mute, send, user_uuid, uuids
from tests.integration.activity.support import Db, follow, purge
from tests.internal import internal_auth
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration
LATER = "2999-01-01T00:00:00+00:00"


def _erasure(db: Db, user: str) -> dict[str, Any]:
    (row,) = db.fetch("SELECT cognito_user_id FROM authors WHERE uuid = $1::uuid", user)
    return {"type": "erasure", "user": user, "sub": row["cognito_user_id"]}


def _author(db: Db, user: str, **changes: Any) -> dict[str, Any]:
    """The user's author copy as the user service would send it (an `author` event's body)."""
    (row,) = db.fetch(
        "SELECT uuid::text AS uuid, cognito_user_id, handle, display_name, bio, avatar_url FROM authors "
        "WHERE uuid = $1::uuid",
        user,
    )
    return {**dict(row), "updated_at": datetime.now(UTC).isoformat(), **changes}


def _exists(db: Db, *cruds: str) -> list[bool]:
    rows = db.fetch("SELECT uuid FROM activities WHERE uuid = ANY($1::uuid[])", cruds)
    found = {str(r["uuid"]) for r in rows}
    return [c in found for c in cruds]


def _counts(db: Db, crud: str) -> tuple[int, int, int]:
    (row,) = db.fetch(
        "SELECT replies_count, likes_count, reposts_count FROM activities WHERE uuid = $1::uuid", crud
    )
    return row["replies_count"], row["likes_count"], row["reposts_count"]


def _edges(db: Db, user: str) -> dict[str, int]:
    (row,) = db.fetch(
        """
        SELECT (SELECT count(*) FROM follows WHERE follower_uuid = $1::uuid OR followee_uuid = $1::uuid) AS f,
               (SELECT count(*) FROM hidden WHERE viewer_uuid = $1::uuid OR author_uuid = $1::uuid) AS h,
               (SELECT count(*) FROM timeline WHERE owner_uuid = $1::uuid OR reposter_uuid = $1::uuid) AS t,
               (SELECT count(*) FROM likes WHERE user_uuid = $1::uuid) AS l,
               (SELECT count(*) FROM reposts WHERE user_uuid = $1::uuid) AS r,
               (SELECT count(*) FROM media WHERE user_uuid = $1::uuid) AS m
        """,
        user,
    )
    return dict(row)


def _reply(api: httpx.Client, user: TestUser, crud: str, message: str = "re") -> dict[str, Any]:
    response = api.post(f"/api/activities/{crud}/reply", json={"message": message}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _react(api: httpx.Client, user: TestUser, crud: str, what: str) -> None:
    response = api.put(f"/api/activities/{crud}/{what}", headers=user.headers)
    assert response.status_code == 200, response.text


def _home(api: httpx.Client, user: TestUser) -> list[tuple[str, str | None]]:
    response = api.get("/api/activities/home", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return [(item["uuid"], (item.get("reposted_by") or {}).get("handle")) for item in response.json()]


@pytest.fixture
def people(api: httpx.Client, db: Db, make_user: Callable[..., TestUser]) -> dict[str, tuple[TestUser, str]]:
    """The leaver, someone they follow and who follows them, and a fan, each projected into activity."""
    users = {name: make_user() for name in ("leaver", "other", "fan")}
    found = {name: (user, user_uuid(api, user)) for name, user in users.items()}
    ids = [user_id for _, user_id in found.values()]

    def projected() -> bool:  # the user outbox delivers author copies asynchronously (slower under load)
        return len(db.fetch("SELECT 1 FROM authors WHERE uuid = ANY($1::uuid[])", ids)) == len(ids)

    wait_for(projected, what="the three authors projected", timeout=30)
    return found


def test_an_erasure_removes_the_user_s_cruds_reactions_edges_timelines_and_pictures(
    api: httpx.Client, stack: LocalStack, db: Db, people: dict[str, tuple[TestUser, str]]
) -> None:
    (leaver, leaver_id), (other, other_id), (fan, fan_id) = people["leaver"], people["other"], people["fan"]
    follow(api, leaver, other.handle)
    follow(api, other, leaver.handle)
    picture = ready_picture(api, stack, leaver)
    pictured = api.post(
        "/api/activities",
        json={"message": "mine", "ttl": "7-days", "media": [{"id": picture["id"], "alt": "mine"}]},
        headers=leaver.headers,
    )
    assert pictured.status_code == 201, pictured.text
    mine = pictured.json()["uuid"]
    theirs = api.post(
        "/api/activities", json={"message": "theirs", "ttl": "7-days"}, headers=other.headers
    ).json()["uuid"]
    my_reply = _reply(api, leaver, theirs)["uuid"]  # a reply under another's crud: its count drops
    fans_reply = _reply(api, fan, mine)["uuid"]  # another's reply under the leaver's crud goes with it
    for what in ("like", "repost"):
        _react(api, leaver, theirs, what)
        _react(api, fan, theirs, what)  # stays counted
    _react(api, other, mine, "like")
    assert _counts(db, theirs) == (1, 2, 2)
    assert (mine, None) in _home(api, other) and (theirs, leaver.handle) in _home(api, other)
    relations = send(stack, block(fan_id, leaver_id), mute(leaver_id, other_id))
    assert relations == [{"ok": True, "error": None}] * 2
    assert objects_of(stack, picture["prefix"]) == sorted(RENDITIONS)

    assert send(stack, _erasure(db, leaver_id)) == [{"ok": True, "error": None}]

    assert _exists(db, mine, my_reply, fans_reply, theirs) == [False, False, False, True]
    assert _counts(db, theirs) == (0, 1, 1)
    assert _edges(db, leaver_id) == {"f": 0, "h": 0, "t": 0, "l": 0, "r": 0, "m": 0}
    assert _home(api, other) == [(theirs, None)]
    (author,) = db.fetch(
        "SELECT handle, display_name, bio, avatar_url, erased_at FROM authors WHERE uuid = $1::uuid",
        leaver_id,
    )
    assert author["handle"].startswith("~") and author["display_name"] == "Deleted account"
    assert (author["bio"], author["avatar_url"]) == ("", "") and author["erased_at"] is not None
    expect_error(api.get(f"/api/activities/@{leaver.handle}"), 404, "user_not_found")
    search = api.get("/api/activities/search", params={"term": leaver.handle}).json()
    assert search["users"] == []
    wait_for(lambda: objects_of(stack, picture["prefix"]) == [], what="the erased user's pictures leave S3")
    assert db.fetch("SELECT 1 FROM media_deletions WHERE prefix = $1", picture["prefix"]) == []
    # what the leaver's still valid token may do: no more writes
    expect_error(
        api.post("/api/activities", json={"message": "back", "ttl": "1-day"}, headers=leaver.headers),
        401,
        "account_deleted",
    )
    expect_error(api.put(f"/api/activities/{theirs}/like", headers=leaver.headers), 401, "account_deleted")

    # redelivered: a no-op (the fan's like and repost stay counted)
    assert send(stack, _erasure(db, leaver_id)) == [{"ok": True, "error": None}]
    assert _counts(db, theirs) == (0, 1, 1)
    (again,) = db.fetch("SELECT erased_at FROM authors WHERE uuid = $1::uuid", leaver_id)
    assert again["erased_at"] == author["erased_at"]


def test_older_events_delivered_after_the_erasure_do_not_bring_the_user_back(
    api: httpx.Client, stack: LocalStack, db: Db, people: dict[str, tuple[TestUser, str]]
) -> None:
    (leaver, leaver_id), other_id, fan_id = people["leaver"], people["other"][1], people["fan"][1]
    before = _author(db, leaver_id, handle=leaver.handle, display_name="Still Here")
    peer = _author(db, other_id)
    assert send(stack, _erasure(db, leaver_id)) == [{"ok": True, "error": None}]
    late = [
        {"type": "author", "author": before},
        {"type": "follow", "follower": peer, "followee": before},
        {"type": "follow", "follower": before, "followee": peer},
        block(leaver_id, fan_id),
        mute(other_id, leaver_id, LATER),
        {"type": "suspension", "user": leaver_id, "suspended": True},
    ]
    assert [r["ok"] for r in send(stack, *late)] == [True] * len(late)
    (author,) = db.fetch(
        "SELECT handle, display_name, suspended FROM authors WHERE uuid = $1::uuid", leaver_id
    )
    assert author["handle"].startswith("~") and author["display_name"] == "Deleted account"
    assert not author["suspended"]
    assert _edges(db, leaver_id)["f"] == 0 and _edges(db, leaver_id)["h"] == 0
    # the single routes apply the same code
    assert httpx.put(
        f"{activity_url(stack)}/internal/authors/{leaver_id}", json=before, auth=internal_auth(), timeout=10
    ).json() == {"applied": False}
    expect_error(api.get(f"/api/activities/@{leaver.handle}"), 404, "user_not_found")


def test_an_erasure_in_the_middle_of_a_batch_wins_over_the_events_around_it(
    stack: LocalStack, db: Db, people: dict[str, tuple[TestUser, str]]
) -> None:
    (_, leaver_id), (_, other_id) = people["leaver"], people["other"]
    leaver, peer = _author(db, leaver_id), _author(db, other_id)
    renamed = leaver | {"display_name": "Renamed"}
    events = [
        {"type": "follow", "follower": peer, "followee": leaver},
        {"type": "author", "author": renamed},
        _erasure(db, leaver_id),
        {"type": "follow", "follower": leaver, "followee": peer},
        {"type": "author", "author": renamed | {"updated_at": datetime.now(UTC).isoformat()}},
    ]
    assert [r["ok"] for r in send(stack, *events)] == [True] * len(events)
    (author,) = db.fetch("SELECT display_name, erased_at FROM authors WHERE uuid = $1::uuid", leaver_id)
    assert author["display_name"] == "Deleted account" and author["erased_at"] is not None
    assert _edges(db, leaver_id)["f"] == 0


def test_an_erasure_of_a_user_never_projected_is_remembered(stack: LocalStack, db: Db) -> None:
    stranger = str(uuid.uuid4())
    assert send(stack, {"type": "erasure", "user": stranger, "sub": f"sub-{stranger}"}) == [
        {"ok": True, "error": None}
    ]
    copy = {
        "uuid": stranger,
        "cognito_user_id": f"sub-{stranger}",
        "handle": f"s_{stranger[:8]}",
        "display_name": "Stranger",
        "updated_at": datetime.now(UTC).isoformat(),
    }
    assert send(stack, {"type": "author", "author": copy}) == [{"ok": True, "error": None}]
    (author,) = db.fetch("SELECT display_name, erased_at FROM authors WHERE uuid = $1::uuid", stranger)
    assert author["display_name"] == "Deleted account" and author["erased_at"] is not None


def _hold(stack: LocalStack, crud: str, reporter: str) -> str:
    report = str(uuid.uuid4())
    response = httpx.put(
        f"{activity_url(stack)}/internal/cruds/{crud}/holds/{report}",
        json={"reporter": reporter, "until": LATER},
        auth=internal_auth(),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return report


def _moderators_view(stack: LocalStack, crud: str) -> httpx.Response:
    return httpx.get(f"{activity_url(stack)}/internal/cruds/{crud}", auth=internal_auth(), timeout=10)


def test_a_held_crud_stays_for_moderators_and_goes_after_the_release_and_the_purge(
    api: httpx.Client, stack: LocalStack, db: Db, people: dict[str, tuple[TestUser, str]]
) -> None:
    (leaver, leaver_id), (other, other_id), fan = people["leaver"], people["other"], people["fan"][0]
    follow(api, other, leaver.handle)
    word = f"held{uuid.uuid4().hex[:8]}"
    held = api.post(
        "/api/activities", json={"message": f"{word} reported", "ttl": "7-days"}, headers=leaver.headers
    ).json()["uuid"]
    unheld = api.post(
        "/api/activities", json={"message": "x", "ttl": "7-days"}, headers=leaver.headers
    ).json()
    _react(api, fan, held, "repost")
    report = _hold(stack, held, other_id)

    assert send(stack, _erasure(db, leaver_id)) == [{"ok": True, "error": None}]
    assert _exists(db, held, unheld["uuid"]) == [True, False]
    view = _moderators_view(stack, held).json()
    assert (view["expired"], view["held"], view["author"]["uuid"]) == (True, True, leaver_id)
    expect_error(api.get(f"/api/activities/@{leaver.handle}/status/{held}"), 404)
    assert held not in uuids(api.get("/api/activities/explore", params={"limit": 100}).json()["items"])
    assert api.get("/api/activities/search", params={"term": word}).json()["activities"] == []
    assert _home(api, other) == [] and _home(api, fan) == []  # the fan's repost of it ended too

    purge(stack)
    assert _exists(db, held) == [True]
    response = httpx.delete(
        f"{activity_url(stack)}/internal/holds/{report}", auth=internal_auth(), timeout=10
    )
    assert response.status_code == 204
    purge(stack)
    assert _exists(db, held) == [False]
    expect_error(_moderators_view(stack, held), 404, "not_found")


def test_the_batch_answers_quickly_for_a_user_with_thousands_of_cruds(
    api: httpx.Client, stack: LocalStack, db: Db, people: dict[str, tuple[TestUser, str]]
) -> None:
    (leaver, leaver_id), (other, other_id) = people["leaver"], people["other"]
    follow(api, other, leaver.handle)
    theirs = api.post(
        "/api/activities", json={"message": "theirs", "ttl": "7-days"}, headers=other.headers
    ).json()["uuid"]
    # 3,000 cruds in the follower's timeline, 2,000 replies under another's crud, 1,000 likes
    db.execute(
        """
        WITH c AS (
            INSERT INTO activities (user_uuid, message, expires_at, created_at)
            SELECT $1::uuid, 'bulk ' || i, now() + interval '1 day', now() - i * interval '1 second'
            FROM generate_series(1, 3000) i RETURNING uuid, created_at, expires_at
        )
        INSERT INTO timeline (owner_uuid, created_at, activity_uuid, expires_at)
        SELECT o, c.created_at, c.uuid, c.expires_at FROM c, unnest(ARRAY[$1::uuid, $2::uuid]) o
        """,
        leaver_id,
        other_id,
    )
    db.execute(
        """
        INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at)
        SELECT $1::uuid, 'bulk reply ' || i, $2::uuid, p.expires_at
        FROM generate_series(1, 2000) i, activities p WHERE p.uuid = $2::uuid
        """,
        leaver_id,
        theirs,
    )
    db.execute("UPDATE activities SET replies_count = 2000 WHERE uuid = $1::uuid", theirs)
    db.execute(
        """
        WITH l AS (
            INSERT INTO likes (activity_uuid, user_uuid)
            SELECT uuid, $2::uuid FROM activities WHERE user_uuid = $1::uuid LIMIT 1000
            RETURNING activity_uuid
        )
        UPDATE activities SET likes_count = likes_count + 1 WHERE uuid IN (SELECT activity_uuid FROM l)
        """,
        leaver_id,
        other_id,
    )

    started = time.monotonic()
    assert send(stack, _erasure(db, leaver_id)) == [{"ok": True, "error": None}]
    took = time.monotonic() - started
    assert db.fetch("SELECT count(*) FROM activities WHERE user_uuid = $1::uuid", leaver_id)[0][0] == 0
    assert _counts(db, theirs) == (0, 0, 0)
    assert _home(api, other) == [(theirs, None)]
    # measured 7.7 s on the shared 2-core machine under load (docs/activity.md); one round trip per crud
    # would be 5,000 of them and more
    assert took < 20, f"the erasure of 5,000 cruds took {took:.1f} s"
