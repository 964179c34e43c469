"""Block, through the gateway: idempotent, listed, both ways for follows, profiles, lists and suggestions."""

from __future__ import annotations

import uuid

import httpx
import pytest

from cruddur_common.registry import service
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.integration.user.support import kinds, queued, uuid_of
from tests.support import expect_error

pytestmark = pytest.mark.integration


def _block(api: httpx.Client, who, handle: str, *, method: str = "PUT") -> None:
    response = api.request(method, f"/api/users/@{handle}/block", headers=who.headers)
    assert response.status_code == 204, response.text
    assert response.content == b""


def _handles(page: dict[str, object]) -> list[str]:
    return [str(p["handle"]) for p in page["items"]]  # type: ignore[attr-defined]


def test_block_is_idempotent_listed_newest_first_and_lifted(api: httpx.Client, make_user) -> None:
    me, others = make_user(), [make_user() for _ in range(3)]
    for other in others:
        _block(api, me, other.handle)
        _block(api, me, other.handle.upper())  # again, any case: still 204
    first = api.get("/api/users/blocks", params={"limit": 2}, headers=me.headers).json()
    assert _handles(first) == [others[2].handle, others[1].handle]
    item = first["items"][0]
    assert set(item) == {"uuid", "handle", "display_name", "avatar_url", "created_at"}
    assert item["display_name"] == others[2].name and item["created_at"]
    rest = api.get("/api/users/blocks", params={"cursor": first["next_cursor"]}, headers=me.headers).json()
    assert _handles(rest) == [others[0].handle] and rest["next_cursor"] is None
    for _ in range(2):
        _block(api, me, others[1].handle, method="DELETE")
    listed = api.get("/api/users/blocks", headers=me.headers).json()
    assert _handles(listed) == [others[2].handle, others[0].handle]
    assert api.get("/api/users/blocks", headers=others[0].headers).json()["items"] == []  # never told


def test_block_errors(api: httpx.Client, make_user) -> None:
    me = make_user()
    for method in ("PUT", "DELETE"):
        path = f"/api/users/@{me.handle}/block"
        expect_error(api.request(method, path, headers=me.headers), 422, "cannot_block_self")
        path = "/api/users/@nobody_zz_here/block"
        expect_error(api.request(method, path, headers=me.headers), 404, "user_not_found")
        expect_error(api.request(method, f"/api/users/@{me.handle}/block"), 401)
    expect_error(api.get("/api/users/blocks"), 401)
    expect_error(
        api.get("/api/users/blocks", params={"cursor": "bad"}, headers=me.headers), 400, "invalid_cursor"
    )
    expect_error(
        api.get("/api/users/blocks", params={"limit": 0}, headers=me.headers), 422, "validation_error"
    )


def test_a_cursor_of_the_mutes_list_is_refused_by_the_blocks_list(api: httpx.Client, make_user) -> None:
    me, a, b = make_user(), make_user(), make_user()
    for other in (a, b):
        assert api.put(f"/api/users/@{other.handle}/mute", json={}, headers=me.headers).status_code == 204
    page = api.get("/api/users/mutes", params={"limit": 1}, headers=me.headers).json()
    assert page["next_cursor"]
    wrong = api.get("/api/users/blocks", params={"cursor": page["next_cursor"]}, headers=me.headers)
    expect_error(wrong, 400, "invalid_cursor")


@pytest.mark.parametrize("blocker_is_followed", [True, False])
def test_blocking_removes_follows_both_ways_and_refuses_new_ones(
    api: httpx.Client, make_user, blocker_is_followed: bool
) -> None:
    a, b, onlooker = make_user(), make_user(), make_user()
    api.put(f"/api/users/@{b.handle}/follow", headers=a.headers)
    api.put(f"/api/users/@{a.handle}/follow", headers=b.headers)
    blocker, blocked = (a, b) if blocker_is_followed else (b, a)
    _block(api, blocker, blocked.handle)
    for user in (a, b):
        followers = api.get(f"/api/users/@{user.handle}/followers", headers=onlooker.headers).json()
        following = api.get(f"/api/users/@{user.handle}/following", headers=onlooker.headers).json()
        assert followers["items"] == [] and following["items"] == []
    for follower, followee in ((a, b), (b, a)):
        refused = api.put(f"/api/users/@{followee.handle}/follow", headers=follower.headers)
        expect_error(refused, 403, "blocked")
        unfollowed = api.delete(f"/api/users/@{followee.handle}/follow", headers=follower.headers)
        assert unfollowed.json()["following"] is False  # unfollowing stays idempotent
    _block(api, blocker, blocked.handle, method="DELETE")
    assert api.get(f"/api/users/@{a.handle}/followers", headers=onlooker.headers).json()["items"] == []
    again = api.put(f"/api/users/@{blocked.handle}/follow", headers=blocker.headers)
    assert again.status_code == 200 and again.json()["following"] is True


def test_a_blocked_pair_cannot_see_each_others_profile_lists(api: httpx.Client, make_user) -> None:
    blocker, blocked, onlooker = make_user(), make_user(), make_user()
    _block(api, blocker, blocked.handle)
    # The blocked user finds nobody, exactly as for a handle that does not exist.
    gone = expect_error(
        api.get(f"/api/users/@{blocker.handle}/short", headers=blocked.headers), 404, "user_not_found"
    )
    assert gone["message"] == f"No user @{blocker.handle}."
    # The blocker still sees whom they blocked, flagged, so that they can unblock.
    short = api.get(f"/api/users/@{blocked.handle}/short", headers=blocker.headers).json()
    assert (short["handle"], short["blocking"], short["muted"]) == (blocked.handle, True, False)
    for viewer, other in ((blocked, blocker), (blocker, blocked)):
        for people in ("followers", "following"):
            path = f"/api/users/@{other.handle}/{people}"
            expect_error(api.get(path, headers=viewer.headers), 404, "user_not_found")
    # Everyone else, signed in or not, sees both as before.
    for other in (blocker, blocked):
        signed_out = api.get(f"/api/users/@{other.handle}/short").json()
        assert (signed_out["blocking"], signed_out["muted"]) == (None, None)  # no reader: null
        seen = api.get(f"/api/users/@{other.handle}/short", headers=onlooker.headers).json()
        assert (seen["handle"], seen["blocking"], seen["muted"]) == (other.handle, False, False)
        assert api.get(f"/api/users/@{other.handle}/followers", headers=onlooker.headers).status_code == 200
    _block(api, blocker, blocked.handle, method="DELETE")
    assert api.get(f"/api/users/@{blocker.handle}/short", headers=blocked.headers).status_code == 200
    assert api.get(f"/api/users/@{blocked.handle}/short", headers=blocker.headers).json()["blocking"] is False


def test_suggestions_leave_out_blocks_both_ways(api: httpx.Client, make_user) -> None:
    me, friend = make_user(), make_user()
    blocked, blocker, fine = make_user(), make_user(), make_user()
    api.put(f"/api/users/@{friend.handle}/follow", headers=me.headers)
    for candidate in (blocked, blocker, fine):  # followed by my friend: they would rank first
        api.put(f"/api/users/@{candidate.handle}/follow", headers=friend.headers)
    _block(api, me, blocked.handle)
    _block(api, blocker, me.handle)
    handles = _handles(api.get("/api/users/suggested", params={"limit": 5}, headers=me.headers).json())
    assert handles[0] == fine.handle
    assert blocked.handle not in handles and blocker.handle not in handles
    mine = _handles(api.get("/api/users/suggested", params={"limit": 5}, headers=blocker.headers).json())
    assert me.handle not in mine


def test_a_block_queues_the_unfollows_then_the_block_once(api: httpx.Client, make_user, held: Db) -> None:
    a, b = make_user(), make_user()
    ids = uuid_of(api, a), uuid_of(api, b)
    api.put(f"/api/users/@{b.handle}/follow", headers=a.headers)
    api.put(f"/api/users/@{a.handle}/follow", headers=b.headers)
    _block(api, a, b.handle)
    _block(api, a, b.handle)  # nothing changed: nothing more queued
    to_activity = queued(held, "activity", *ids)
    assert kinds(to_activity) == ["follow", "follow", "unfollow", "unfollow", "block"]
    unfollows = {(e["follower"]["uuid"], e["followee"]["uuid"]) for e in to_activity[2:4]}
    assert unfollows == {ids, ids[::-1]}
    assert to_activity[-1] == {"type": "block", "blocker": ids[0], "blocked": ids[1]}
    assert queued(held, "relations", *ids) == [to_activity[-1]]
    _block(api, a, b.handle, method="DELETE")
    _block(api, a, b.handle, method="DELETE")
    unblock = {"type": "unblock", "blocker": ids[0], "blocked": ids[1]}
    assert queued(held, "activity", *ids)[-1] == unblock
    assert queued(held, "relations", *ids) == [to_activity[-1], unblock]


def test_the_internal_pair_check(stack: LocalStack, api: httpx.Client, make_user) -> None:
    a, b, c = make_user(), make_user(), make_user()
    ids = uuid_of(api, a), uuid_of(api, b), uuid_of(api, c)
    _block(api, b, a.handle)
    base = stack.cfg.service_url(service("user")) + "/internal/relations"
    auth = stack.internal_auth()

    def blocked(x: str, y: str) -> bool:
        response = httpx.get(f"{base}/{x}/{y}", auth=auth, timeout=10)
        assert response.status_code == 200, response.text
        return bool(response.json()["blocked"])

    assert blocked(ids[0], ids[1]) and blocked(ids[1], ids[0])
    assert not blocked(ids[0], ids[2]) and not blocked(ids[2], ids[1])
    assert not blocked(str(uuid.uuid4()), ids[0])  # unknown: false, never 404
    expect_error(httpx.get(f"{base}/not-a-uuid/{ids[0]}", auth=auth, timeout=10), 422, "validation_error")
    expect_error(httpx.get(f"{base}/{ids[0]}/{ids[1]}", timeout=10), 401, "internal_credential_required")
    expect_error(api.get(f"/internal/relations/{ids[0]}/{ids[1]}"), 404)  # never routed from outside
