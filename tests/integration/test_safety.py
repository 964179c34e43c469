"""Issue 14 end to end through the gateway: a block reaches every service, a mute one way, a report's
evidence outlives its crud until a moderator decides, a suspension hides an account and is reversible.

Each service's own rules are tested beside it (tests/integration/{user,activity,notification,messaging});
these tests follow one person's action across all four services, as the people involved would see it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devstack.aws_bootstrap import add_moderator
from devstack.stack import LocalStack
from tests.integration.activity.support import Db, purge
from tests.support import TestUser, expect_error, post_crud, sign_in, wait_for

pytestmark = pytest.mark.integration


def _uuids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return [item["uuid"] for item in items]


def _home(api: httpx.Client, user: TestUser) -> list[str]:
    return _uuids(api.get("/api/activities/home", params={"limit": 100}, headers=user.headers))


def _explore(api: httpx.Client, user: TestUser) -> list[str]:
    return _uuids(api.get("/api/activities/explore", params={"limit": 100}, headers=user.headers))


def _search(api: httpx.Client, user: TestUser, term: str) -> list[str]:
    response = api.get("/api/activities/search", params={"term": term}, headers=user.headers)
    assert response.status_code == 200, response.text
    return [item["uuid"] for item in response.json()["activities"]]


def _notified(api: httpx.Client, user: TestUser) -> list[dict[str, Any]]:
    response = api.get("/api/notifications", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _from(notes: list[dict[str, Any]], actor: TestUser, kind: str) -> bool:
    return any(n["kind"] == kind and n["actor"]["handle"] == actor.handle for n in notes)


def _follow(api: httpx.Client, who: TestUser, handle: str) -> httpx.Response:
    return api.put(f"/api/users/@{handle}/follow", headers=who.headers)


def _dm(api: httpx.Client, sender: TestUser, handle: str, text: str) -> httpx.Response:
    return api.post("/api/messages", json={"handle": handle, "message": text}, headers=sender.headers)


def test_a_block_reaches_every_service_both_ways(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    word = f"w{uuid.uuid4().hex[:10]}"
    for a, b in ((alice, bob), (bob, alice), (alice, carol)):
        assert _follow(api, a, b.handle).status_code == 200
    bobs = post_crud(api, f"bob says {word}", user=bob)
    alices = post_crud(api, f"alice says {word}", user=alice)
    assert api.put(f"/api/activities/{bobs['uuid']}/repost", headers=carol.headers).status_code == 200
    assert _dm(api, alice, bob.handle, "hello before").status_code == 201
    wait_for(lambda: bobs["uuid"] in _home(api, alice), what="bob's crud in alice's home")

    assert api.put(f"/api/users/@{bob.handle}/block", headers=alice.headers).status_code == 204

    def hidden_everywhere() -> bool:
        return (
            bobs["uuid"] not in _home(api, alice)  # neither bob's crud nor carol's repost of it
            and alices["uuid"] not in _home(api, bob)
            and bobs["uuid"] not in _explore(api, alice)
            and alices["uuid"] not in _explore(api, bob)
            and bobs["uuid"] not in _search(api, alice, word)
            and alices["uuid"] not in _search(api, bob, word)
        )

    wait_for(hidden_everywhere, what="the block in every feed", timeout=10)
    assert bobs["uuid"] in _search(api, carol, word)  # others still see both
    assert alices["uuid"] in _search(api, carol, word)
    # Bob, whom alice blocked, finds no alice; alice finds bob's page (to unblock) without his cruds.
    expect_error(api.get(f"/api/activities/@{alice.handle}", headers=bob.headers), 404, "user_not_found")
    bobs_page = api.get(f"/api/activities/@{bob.handle}", headers=alice.headers)
    assert (bobs_page.status_code, bobs_page.json()["activities"]) == (200, [])
    for reader, author, crud in ((alice, bob, bobs), (bob, alice, alices)):
        page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}", headers=reader.headers)
        expect_error(page, 404)
        expect_error(_follow(api, reader, author.handle), 403, "blocked")
        expect_error(api.put(f"/api/activities/{crud['uuid']}/like", headers=reader.headers), 403, "blocked")
        expect_error(
            api.put(f"/api/activities/{crud['uuid']}/repost", headers=reader.headers), 403, "blocked"
        )
        reply = api.post(
            f"/api/activities/{crud['uuid']}/reply", json={"message": "hi"}, headers=reader.headers
        )
        expect_error(reply, 403, "blocked")
        expect_error(_dm(api, reader, author.handle, "still there?"), 403, "blocked")
    # The short profile: the blocker sees their block (to undo it); the blocked person finds nobody.
    short = api.get(f"/api/users/@{bob.handle}/short", headers=alice.headers)
    assert (short.status_code, short.json()["blocking"]) == (200, True)
    expect_error(api.get(f"/api/users/@{alice.handle}/short", headers=bob.headers), 404)
    following = api.get(f"/api/users/@{alice.handle}/following", headers=carol.headers).json()
    assert bob.handle not in [p["handle"] for p in following["items"]]

    # A mention does not notify across the block; a third person's does (so the check can fail).
    post_crud(api, f"@{alice.handle} are you there", user=bob)
    post_crud(api, f"@{alice.handle} hi from carol", user=carol)
    wait_for(lambda: _from(_notified(api, alice), carol, "mention"), what="carol's mention")
    assert not _from(_notified(api, alice), bob, "mention")

    # Someone who blocked you cannot be found to report; whom you blocked, you can still report.
    bob_uuid = api.get("/api/users/me", headers=bob.headers).json()["uuid"]
    alice_uuid = api.get("/api/users/me", headers=alice.headers).json()["uuid"]
    report = {"category": "harassment", "comment": ""}
    by_bob = api.post(
        "/api/reports", json={**report, "target": {"type": "user", "id": alice_uuid}}, headers=bob.headers
    )
    expect_error(by_bob, 404, "user_not_found")
    by_alice = api.post(
        "/api/reports", json={**report, "target": {"type": "user", "id": bob_uuid}}, headers=alice.headers
    )
    assert by_alice.status_code == 201, by_alice.text

    blocks = api.get("/api/users/blocks", headers=alice.headers).json()
    assert [p["handle"] for p in blocks["items"]] == [bob.handle]
    assert api.get("/api/users/blocks", headers=bob.headers).json()["items"] == []  # bob is not told

    assert api.delete(f"/api/users/@{bob.handle}/block", headers=alice.headers).status_code == 204
    wait_for(
        lambda: api.get(f"/api/activities/@{bob.handle}", headers=alice.headers).status_code == 200,
        what="bob's page again",
    )
    assert _follow(api, alice, bob.handle).status_code == 200


def test_a_mute_hides_one_way_and_lets_messages_through(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    mine = post_crud(api, "alice's own", user=alice)
    response = api.put(f"/api/users/@{bob.handle}/mute", json={"duration": "1-day"}, headers=alice.headers)
    assert response.status_code == 204
    bobs = post_crud(api, "bob, muted", user=bob)
    wait_for(lambda: bobs["uuid"] in _explore(api, carol), what="bob's crud in explore")
    wait_for(lambda: bobs["uuid"] not in _explore(api, alice), what="the mute in alice's explore")
    assert mine["uuid"] in _explore(api, bob)  # one way
    assert api.get(f"/api/activities/@{bob.handle}", headers=alice.headers).status_code == 200

    assert api.put(f"/api/activities/{mine['uuid']}/like", headers=bob.headers).status_code == 200
    assert api.put(f"/api/activities/{mine['uuid']}/like", headers=carol.headers).status_code == 200
    wait_for(lambda: _from(_notified(api, alice), carol, "like"), what="carol's like")
    assert not _from(_notified(api, alice), bob, "like")
    assert _dm(api, bob, alice.handle, "a message still arrives").status_code == 201
    groups = api.get("/api/message_groups", headers=alice.headers).json()
    assert bob.handle in [g["handle"] for g in groups]
    mutes = api.get("/api/users/mutes", headers=alice.headers).json()["items"]
    assert [(m["handle"], m["until"] is not None) for m in mutes] == [(bob.handle, True)]


def _moderator(stack: LocalStack, make_user: Callable[..., TestUser]) -> TestUser:
    """A new user added to the `moderators` group, signed in again so the token carries the group."""
    user = make_user()
    add_moderator(stack.cfg.aws_url, user.email)
    assert stack.aws is not None
    user.token = sign_in(stack.cfg.gateway_url, stack.aws.client_id, user.email)
    return user


def test_reported_evidence_outlives_its_crud_until_a_moderator_removes_it(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    victim, harasser = make_user(), make_user()
    moderator = _moderator(stack, make_user)
    crud = post_crud(api, "something nasty", user=harasser, ttl="1-hour")
    body = {"target": {"type": "crud", "id": crud["uuid"]}, "category": "harassment", "comment": "mean"}
    first = api.post("/api/reports", json=body, headers=victim.headers)
    assert first.status_code == 201, first.text
    again = api.post("/api/reports", json=body, headers=victim.headers)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    expect_error(api.get("/api/moderation/reports", headers=victim.headers), 403, "forbidden")

    db = Db(stack.cfg.db_url)
    try:
        db.expire(crud["uuid"])
        purge(stack)
        assert db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", crud["uuid"])  # held
        expect_error(api.get(f"/api/activities/@{harasser.handle}/status/{crud['uuid']}"), 404)

        queue = api.get("/api/moderation/reports", params={"status": "open"}, headers=moderator.headers)
        assert queue.status_code == 200, queue.text
        (report,) = [r for r in queue.json()["items"] if r["id"] == first.json()["id"]]
        assert report["content"]["message"] == "something nasty"
        assert (report["reporter"]["handle"], report["target"]["user"]["handle"]) == (
            victim.handle,
            harasser.handle,
        )

        resolve = api.post(
            f"/api/moderation/reports/{report['id']}/resolve",
            json={"action": "remove", "note": "harassment"},
            headers=moderator.headers,
        )
        assert resolve.status_code == 200, resolve.text
        assert not db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", crud["uuid"])
        again_resolve = api.post(
            f"/api/moderation/reports/{report['id']}/resolve",
            json={"action": "dismiss", "note": ""},
            headers=moderator.headers,
        )
        expect_error(again_resolve, 409, "already_resolved")
    finally:
        db.close()
    audit = api.get("/api/moderation/audit", headers=moderator.headers).json()["items"]
    assert any(e["report_id"] == report["id"] and e["action"] == "remove" for e in audit)


def test_a_suspension_hides_the_account_and_is_reversible(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    reporter, spammer = make_user(), make_user()
    moderator = _moderator(stack, make_user)
    crud = post_crud(api, "buy now", user=spammer)
    me = api.get("/api/users/me", headers=spammer.headers).json()
    body = {"target": {"type": "user", "id": me["uuid"]}, "category": "spam", "comment": ""}
    report = api.post("/api/reports", json=body, headers=reporter.headers)
    assert report.status_code == 201, report.text
    resolve = api.post(
        f"/api/moderation/reports/{report.json()['id']}/resolve",
        json={"action": "suspend", "note": "spam account"},
        headers=moderator.headers,
    )
    assert resolve.status_code == 200, resolve.text
    wait_for(lambda: crud["uuid"] not in _explore(api, reporter), what="the suspended account hidden")
    suggested = api.get("/api/users/suggested", params={"limit": 50}, headers=reporter.headers).json()[
        "items"
    ]
    assert spammer.handle not in [p["handle"] for p in suggested]

    unsuspend = api.post(f"/api/moderation/users/@{spammer.handle}/unsuspend", headers=moderator.headers)
    assert unsuspend.status_code == 204, unsuspend.text
    wait_for(lambda: crud["uuid"] in _explore(api, reporter), what="the account back")
    audit = api.get("/api/moderation/audit", headers=moderator.headers).json()["items"]
    actions = [e["action"] for e in audit if e["user"] and e["user"]["handle"] == spammer.handle]
    assert actions[:2] == ["unsuspend", "suspend"]
