"""Block, mute and suspension in the activity service (issue 14): every feed, page and write.

Relations reach the service as the user service's outbox sends them: events on /internal/projection/events.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.safety import block, mute, send, suspension, user_uuid, uuids
from tests.integration.activity.support import Db, follow
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def _home(api: httpx.Client, user: TestUser) -> list[str]:
    response = api.get("/api/activities/home", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return uuids(response.json())


def _reposts_in_home(api: httpx.Client, user: TestUser) -> list[tuple[str, str | None]]:
    items = api.get("/api/activities/home", params={"limit": 100}, headers=user.headers).json()
    return [(i["uuid"], (i["reposted_by"] or {}).get("handle")) for i in items]


def _explore(api: httpx.Client, user: TestUser | None) -> list[str]:
    headers = user.headers if user else None
    return uuids(api.get("/api/activities/explore", params={"limit": 100}, headers=headers).json()["items"])


def _search(api: httpx.Client, user: TestUser | None, term: str) -> dict[str, list[str]]:
    headers = user.headers if user else None
    found = api.get("/api/activities/search", params={"term": term}, headers=headers).json()
    return {"cruds": uuids(found["activities"]), "people": [u["handle"] for u in found["users"]]}


def _page(api: httpx.Client, user: TestUser | None, path: str) -> httpx.Response:
    return api.get(f"/api/activities/{path}", headers=user.headers if user else None)


class Scene:
    """Two users who will block each other, and a bystander who follows both and reposts one."""

    def __init__(self, api: httpx.Client, make_user: Any, post: Any) -> None:
        self.word = f"safe{uuid.uuid4().hex[:8]}"
        self.a, self.b, self.c = make_user(handle=f"{self.word}_a"), make_user(), make_user()
        self.ids = {u.handle: user_uuid(api, u) for u in (self.a, self.b, self.c)}
        for reader, author in ((self.a, self.c), (self.b, self.c), (self.c, self.a), (self.c, self.b)):
            follow(api, reader, author.handle)
        follow(api, self.a, self.b.handle)  # the block's unfollows are the user service's: not sent here
        self.crud_a = post(self.a, f"{self.word} from a")
        self.crud_b = post(self.b, f"{self.word} from b")
        self.crud_c = post(self.c, f"{self.word} from c")
        for crud in (self.crud_a, self.crud_b):  # c reposts both into a's and b's home feeds
            assert (
                api.put(f"/api/activities/{crud['uuid']}/repost", headers=self.c.headers).status_code == 200
            )
        reply = api.post(
            f"/api/activities/{self.crud_c['uuid']}/reply",
            json={"message": "b replies"},
            headers=self.b.headers,
        )
        assert reply.status_code == 201, reply.text
        self.reply_b = reply.json()

    def uuid(self, user: TestUser) -> str:
        return self.ids[user.handle]


@pytest.fixture
def scene(api: httpx.Client, make_user: Any, post: Any) -> Scene:
    return Scene(api, make_user, post)


def _sees(
    api: httpx.Client, scene: Scene, reader: TestUser, other: TestUser, crud: dict[str, Any]
) -> dict[str, bool]:
    """Where `reader` sees `other` and their crud."""
    crud_page = _page(api, reader, f"@{scene.c.handle}/status/{scene.crud_c['uuid']}").json()
    return {
        "home": crud["uuid"] in _home(api, reader),
        "explore": crud["uuid"] in _explore(api, reader),
        "search": crud["uuid"] in _search(api, reader, scene.word)["cruds"],
        "user page": _page(api, reader, f"@{other.handle}").status_code == 200
        and crud["uuid"] in uuids(_page(api, reader, f"@{other.handle}").json()["activities"]),
        "crud page": _page(api, reader, f"@{other.handle}/status/{crud['uuid']}").status_code == 200,
        "reply": scene.reply_b["uuid"] in uuids(crud_page["replies"]),
    }


def test_a_block_hides_each_from_the_other_everywhere_and_undoes(
    api: httpx.Client, stack: LocalStack, scene: Scene
) -> None:
    a, b, c = scene.a, scene.b, scene.c
    everywhere = dict.fromkeys(("home", "explore", "search", "user page", "crud page", "reply"), True)
    assert _sees(api, scene, a, b, scene.crud_b) == everywhere
    assert send(stack, block(scene.uuid(a), scene.uuid(b))) == [{"ok": True, "error": None}]

    nowhere = dict.fromkeys(everywhere, False)
    assert _sees(api, scene, a, b, scene.crud_b) == nowhere  # the blocker
    assert _sees(api, scene, b, a, scene.crud_a) == nowhere | {"reply": True}  # the blocked (b's own reply)
    # the reposts by c (followed by both) of the other's crud are gone too, c's own crud is not
    assert (scene.crud_b["uuid"], c.handle) not in _reposts_in_home(api, a)
    assert (scene.crud_a["uuid"], c.handle) not in _reposts_in_home(api, b)
    assert scene.crud_c["uuid"] in _home(api, a) and scene.crud_c["uuid"] in _home(api, b)
    # as if absent: the same answers as for a user or crud that does not exist
    expect_error(_page(api, b, f"@{a.handle}"), 404, "user_not_found")
    expect_error(_page(api, a, f"@{b.handle}/status/{scene.crud_b['uuid']}"), 404, "activity_not_found")
    # the blocker still finds the page of whom they blocked (to unblock), without their cruds
    blocked_page = _page(api, a, f"@{b.handle}")
    assert (blocked_page.status_code, blocked_page.json()["activities"]) == (200, [])
    assert b.handle not in _search(api, a, b.handle)["people"]
    assert a.handle not in _search(api, b, scene.word)["people"]

    # a bystander sees both, and counts shown to others are unchanged
    assert _sees(api, scene, c, b, scene.crud_b) == everywhere
    shown = _page(api, c, f"@{b.handle}/status/{scene.crud_b['uuid']}").json()["activity"]
    assert shown["reposts_count"] == 1
    assert (
        _page(api, c, f"@{c.handle}/status/{scene.crud_c['uuid']}").json()["activity"]["replies_count"] == 1
    )

    assert send(stack, block(scene.uuid(a), scene.uuid(b), on=False)) == [{"ok": True, "error": None}]
    assert _sees(api, scene, a, b, scene.crud_b) == everywhere
    assert _sees(api, scene, b, a, scene.crud_a) == everywhere


def test_each_sides_block_is_undone_on_its_own(api: httpx.Client, stack: LocalStack, scene: Scene) -> None:
    a, b = scene.uuid(scene.a), scene.uuid(scene.b)
    send(stack, block(a, b), block(b, a))
    send(stack, block(a, b, on=False))
    expect_error(_page(api, scene.a, f"@{scene.b.handle}"), 404, "user_not_found")  # b's block stands
    send(stack, block(b, a, on=False))
    assert _page(api, scene.a, f"@{scene.b.handle}").status_code == 200


def test_writes_across_a_block_are_403_blocked_both_ways(
    api: httpx.Client, stack: LocalStack, scene: Scene
) -> None:
    a, b = scene.a, scene.b
    like = f"/api/activities/{scene.crud_b['uuid']}/like"
    assert api.put(like, headers=a.headers).status_code == 200  # liked before the block
    send(stack, block(scene.uuid(b), scene.uuid(a)))
    for writer, crud in ((a, scene.crud_b), (b, scene.crud_a)):
        base = f"/api/activities/{crud['uuid']}"
        expect_error(
            api.post(f"{base}/reply", json={"message": "hi"}, headers=writer.headers), 403, "blocked"
        )
        expect_error(api.put(f"{base}/like", headers=writer.headers), 403, "blocked")
        expect_error(api.put(f"{base}/repost", headers=writer.headers), 403, "blocked")
    # taking one's own like back is still possible; nothing else was written
    assert api.delete(like, headers=a.headers).json()["likes_count"] == 0
    counts = _page(api, scene.c, f"@{b.handle}/status/{scene.crud_b['uuid']}").json()["activity"]
    assert (counts["replies_count"], counts["reposts_count"]) == (0, 1)
    # a bystander still can
    assert api.put(f"/api/activities/{scene.crud_b['uuid']}/like", headers=scene.c.headers).status_code == 200


def test_a_mute_hides_the_muted_from_the_muters_feeds_only_and_lapses(
    api: httpx.Client, stack: LocalStack, scene: Scene, db: Db
) -> None:
    a, b = scene.a, scene.b
    send(stack, mute(scene.uuid(a), scene.uuid(b)))
    feeds = ("home", "explore", "search")
    seen = _sees(api, scene, a, b, scene.crud_b)
    assert {k: seen[k] for k in feeds} == dict.fromkeys(feeds, False)
    assert seen["user page"] and seen["crud page"] and seen["reply"]  # pages are not feeds
    assert (scene.crud_b["uuid"], scene.c.handle) not in _reposts_in_home(api, a)  # c's repost of b: hidden
    assert b.handle in _search(api, a, b.handle)["people"]
    assert all(_sees(api, scene, b, a, scene.crud_a).values())  # one way only
    assert api.put(f"/api/activities/{scene.crud_b['uuid']}/like", headers=a.headers).status_code == 200

    later = "2999-01-01T00:00:00+00:00"
    send(stack, mute(scene.uuid(a), scene.uuid(b), until=later))  # a new duration replaces the old
    assert scene.crud_b["uuid"] not in _explore(api, a)
    db.execute(  # the duration passes
        "UPDATE hidden SET until = now() - interval '1 second' "
        "WHERE viewer_uuid = $1::uuid AND kind = 'mute'",
        scene.uuid(a),
    )
    assert scene.crud_b["uuid"] in _explore(api, a) and scene.crud_b["uuid"] in _home(api, a)

    send(
        stack,
        mute(scene.uuid(a), scene.uuid(b)),
        {"type": "unmute", "muter": scene.uuid(a), "muted": scene.uuid(b)},
    )
    assert scene.crud_b["uuid"] in _explore(api, a)


def test_a_suspended_user_is_hidden_from_everyone_and_cannot_write(
    api: httpx.Client, stack: LocalStack, scene: Scene
) -> None:
    a, b, c = scene.a, scene.b, scene.c
    send(stack, suspension(scene.uuid(b)))
    for reader in (a, c, None):
        assert scene.crud_b["uuid"] not in _explore(api, reader)
        assert (
            _search(api, reader, scene.word)["cruds"]
            and scene.crud_b["uuid"] not in _search(api, reader, scene.word)["cruds"]
        )
        assert b.handle not in _search(api, reader, b.handle)["people"]
        expect_error(_page(api, reader, f"@{b.handle}"), 404, "user_not_found")
        expect_error(
            _page(api, reader, f"@{b.handle}/status/{scene.crud_b['uuid']}"), 404, "activity_not_found"
        )
        replies = _page(api, reader, f"@{c.handle}/status/{scene.crud_c['uuid']}").json()["replies"]
        assert scene.reply_b["uuid"] not in uuids(replies)
    for reader in (a, c):
        assert scene.crud_b["uuid"] not in _home(api, reader)
    expect_error(
        api.put(f"/api/activities/{scene.crud_b['uuid']}/like", headers=c.headers), 404, "activity_not_found"
    )

    writes = [
        api.post("/api/activities", json={"message": "still here", "ttl": "1-day"}, headers=b.headers),
        api.post(f"/api/activities/{scene.crud_a['uuid']}/reply", json={"message": "x"}, headers=b.headers),
        api.put(f"/api/activities/{scene.crud_a['uuid']}/like", headers=b.headers),
        api.delete(f"/api/activities/{scene.crud_a['uuid']}/repost", headers=b.headers),
        api.delete(f"/api/activities/{scene.crud_b['uuid']}", headers=b.headers),  # no evidence destroyed
    ]
    for response in writes:
        expect_error(response, 403, "suspended")

    send(stack, suspension(scene.uuid(b), suspended=False))
    assert scene.crud_b["uuid"] in _explore(api, None) and _page(api, None, f"@{b.handle}").status_code == 200


def test_the_author_event_carries_suspension_and_its_absence_keeps_it(
    api: httpx.Client, stack: LocalStack, make_user: Any, db: Db
) -> None:
    user = make_user()
    me = api.get("/api/users/me", headers=user.headers).json()
    author = {
        "uuid": me["uuid"],
        "cognito_user_id": me["cognito_user_id"],
        "handle": me["handle"],
        "display_name": "Renamed",
        "updated_at": "2998-01-01T00:00:00+00:00",
    }

    def suspended() -> bool:
        return bool(
            db.fetch("SELECT suspended FROM authors WHERE uuid = $1::uuid", me["uuid"])[0]["suspended"]
        )

    assert send(stack, {"type": "author", "author": author | {"suspended": True}})[0]["ok"]
    assert suspended()
    assert send(stack, {"type": "author", "author": author | {"updated_at": "2998-01-02T00:00:00+00:00"}})[0][
        "ok"
    ]
    assert suspended()  # an author event without the field leaves it
    send(stack, suspension(me["uuid"], suspended=False))
    assert not suspended()


def test_relation_events_are_applied_as_their_net_effect_and_refused_alone(stack: LocalStack, db: Db) -> None:
    a, b, c = (str(uuid.uuid4()) for _ in range(3))  # users the projection never saw: no error either
    results = send(
        stack,
        block(a, b),
        block(a, a),  # refused: self
        block(a, b, on=False),
        block(a, b),
        mute(a, c, until="2999-01-01T00:00:00+00:00"),
        {"type": "unmute", "muter": a, "muted": c},
        mute(c, a),
        {"type": "mute", "muter": a, "muted": b, "until": "tomorrow"},  # refused: not a time
        suspension(c),
        {"type": "block", "blocker": a},  # refused: incomplete
    )
    assert [r["ok"] for r in results] == [True, False, True, True, True, True, True, False, True, False]
    rows = db.fetch(
        "SELECT viewer_uuid::text AS v, author_uuid::text AS a, kind FROM hidden "
        "WHERE viewer_uuid = ANY($1::uuid[]) ORDER BY kind",
        [a, b, c],
    )
    assert sorted((r["v"], r["a"], r["kind"]) for r in rows) == sorted(
        [(a, b, "block"), (b, a, "blocked"), (c, a, "mute")]
    )
    send(stack, block(a, b), mute(c, a))  # redelivered: idempotent
    assert len(db.fetch("SELECT 1 FROM hidden WHERE viewer_uuid = ANY($1::uuid[])", [a, b, c])) == 3
