"""Issue 16 end to end through the gateway: deleting an account removes it from every service within a
minute (and leaves reported evidence to the moderators), and a data export holds what the person made.

Each service's own part is tested beside it (tests/integration/user/test_account_deletion.py,
test_export.py, tests/integration/{activity,messaging,notification}/test_erasure.py, test_export.py);
these follow one person's leaving across all four services, as the people around them see it.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devstack import seed
from devstack.aws_bootstrap import add_moderator
from devstack.stack import LocalStack
from tests.integration.activity.support import Db, purge
from tests.support import PASSWORD, TestUser, expect_error, post_crud, sign_in, wait_for

pytestmark = pytest.mark.integration

ERASED_WITHIN = 60.0  # the "within a minute"


def _reply(api: httpx.Client, user: TestUser, crud: dict[str, Any], message: str) -> dict[str, Any]:
    response = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": message}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _crud_page(api: httpx.Client, reader: TestUser, author: TestUser, crud: dict[str, Any]) -> httpx.Response:
    return api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}", headers=reader.headers)


def _notified(api: httpx.Client, user: TestUser) -> list[dict[str, Any]]:
    response = api.get("/api/notifications", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _actors(api: httpx.Client, user: TestUser) -> set[str | None]:
    return {(n.get("actor") or {}).get("handle") for n in _notified(api, user)}


def _follow(api: httpx.Client, who: TestUser, whom: TestUser) -> None:
    assert api.put(f"/api/users/@{whom.handle}/follow", headers=who.headers).status_code == 200


def _dm(api: httpx.Client, sender: TestUser, **target: str) -> httpx.Response:
    return api.post(
        "/api/messages", json={"message": f"hello {uuid.uuid4().hex[:6]}", **target}, headers=sender.headers
    )


def _handles(api: httpx.Client, reader: TestUser, path: str) -> list[str]:
    response = api.get(path, params={"limit": 100}, headers=reader.headers)
    assert response.status_code == 200, response.text
    return [p["handle"] for p in response.json()["items"]]


def _moderator(stack: LocalStack, make_user: Callable[..., TestUser]) -> TestUser:
    user = make_user()
    add_moderator(stack.cfg.aws_url, user.email)
    assert stack.aws is not None
    user.token = sign_in(stack.cfg.gateway_url, stack.aws.client_id, user.email)
    return user


def test_a_deleted_account_is_gone_from_every_service_within_a_minute(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    leaver, friend, witness = make_user(), make_user(), make_user()
    moderator = _moderator(stack, make_user)
    _follow(api, leaver, friend)
    _follow(api, friend, leaver)
    _follow(api, witness, leaver)
    friends = post_crud(api, "the friend's crud", user=friend)
    leavers = post_crud(api, "the leaver's crud", user=leaver)
    reported = post_crud(api, "the leaver's reported crud", user=leaver)
    _reply(api, leaver, friends, "the leaver's reply")
    under_leavers = _reply(api, friend, leavers, "the friend's reply under the leaver's crud")
    for action in ("like", "repost"):
        assert (
            api.put(f"/api/activities/{friends['uuid']}/{action}", headers=leaver.headers).status_code == 200
        )
    assert api.put(f"/api/activities/{leavers['uuid']}/like", headers=friend.headers).status_code == 200
    sent = _dm(api, leaver, handle=friend.handle)
    assert sent.status_code == 201, sent.text
    group = sent.json()["message_group_uuid"]
    assert _dm(api, friend, message_group_uuid=group).status_code == 201
    report = api.post(
        "/api/reports",
        json={"target": {"type": "crud", "id": reported["uuid"]}, "category": "spam", "comment": ""},
        headers=witness.headers,
    )
    assert report.status_code == 201, report.text
    wait_for(lambda: leaver.handle in _actors(api, friend), what="the leaver's notifications to the friend")
    wait_for(lambda: friend.handle in _actors(api, leaver), what="the friend's notifications to the leaver")
    page = _crud_page(api, friend, friend, friends).json()["activity"]
    assert (page["likes_count"], page["reposts_count"], page["replies_count"]) == (1, 1, 1)  # the control

    deleted = api.delete("/api/users/me", headers=leaver.headers)
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["status"] == "deleting"

    def erased() -> bool:
        friends_page = _crud_page(api, friend, friend, friends)
        crud = friends_page.json()["activity"]
        groups = api.get("/api/message_groups", headers=friend.headers).json()
        return (
            (crud["likes_count"], crud["reposts_count"], crud["replies_count"]) == (0, 0, 0)
            and not friends_page.json()["replies"]
            and _crud_page(api, friend, leaver, leavers).status_code == 404
            and leaver.handle not in _actors(api, friend)
            and any(g["uuid"] == group and g["handle"] is None for g in groups)
        )

    started = time.monotonic()
    wait_for(erased, what="the account erased in activity, notification and messaging", timeout=ERASED_WITHIN)
    print(f"erased everywhere in {time.monotonic() - started:.1f} s")

    # The user service: the profile, follows both ways.
    expect_error(api.get(f"/api/users/@{leaver.handle}/short", headers=friend.headers), 404)
    assert leaver.handle not in _handles(api, friend, f"/api/users/@{friend.handle}/followers")
    assert leaver.handle not in _handles(api, friend, f"/api/users/@{friend.handle}/following")
    assert leaver.handle not in _handles(api, witness, f"/api/users/@{witness.handle}/following")
    # The other side of a reply thread went with its parent; the friend's own crud stays.
    expect_error(_crud_page(api, friend, friend, under_leavers), 404)
    assert _crud_page(api, witness, friend, friends).status_code == 200
    # Messages: the friend keeps the conversation, with a deleted account in the leaver's place.
    (conversation,) = [
        g for g in api.get("/api/message_groups", headers=friend.headers).json() if g["uuid"] == group
    ]
    assert (conversation["handle"], conversation["display_name"]) == (None, "Deleted account")
    lines = api.get(f"/api/messages/{group}", headers=friend.headers).json()
    assert lines and all(line["handle"] in (friend.handle, None) for line in lines)
    assert not [line for line in lines if line["handle"] is None and line.get("kind", "message") == "message"]
    expect_error(_dm(api, friend, message_group_uuid=group), 409, "recipient_deleted")
    # Cognito: the login is gone; the handle is reserved.
    assert stack.aws is not None
    client_id = stack.aws.client_id

    def login_gone() -> bool:
        try:
            seed.sign_in(stack.cfg.gateway_url, client_id, leaver.email, PASSWORD)
        except httpx.HTTPStatusError:
            return True
        return False

    wait_for(login_gone, what="the Cognito user deleted", timeout=ERASED_WITHIN)
    taker = seed.DemoUser(leaver.handle, "Impersonator", f"imp_{uuid.uuid4().hex[:8]}@example.com")
    with pytest.raises(RuntimeError, match=r"(?i)taken|reserved"):
        seed.sign_up(stack.cfg.gateway_url, client_id, taker, PASSWORD)

    # The reported crud is kept, expired, for the moderators; it goes after their decision and a purge.
    db = Db(stack.cfg.db_url)
    try:
        purge(stack)
        assert db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", reported["uuid"])
        expect_error(_crud_page(api, witness, leaver, reported), 404)
        queue = api.get("/api/moderation/reports", params={"status": "open"}, headers=moderator.headers)
        (held,) = [r for r in queue.json()["items"] if r["id"] == report.json()["id"]]
        assert held["content"]["message"] == "the leaver's reported crud"
        resolved = api.post(
            f"/api/moderation/reports/{held['id']}/resolve",
            json={"action": "dismiss", "note": "account gone"},
            headers=moderator.headers,
        )
        assert resolved.status_code == 200, resolved.text
        purge(stack)
        assert not db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", reported["uuid"])
    finally:
        db.close()


def test_an_export_holds_what_the_person_made(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    me, other = make_user(), make_user()
    _follow(api, me, other)
    _follow(api, other, me)
    others = post_crud(api, "someone else's crud", user=other)
    mine = post_crud(api, "my own crud ✨", user=me)
    _reply(api, me, others, "my reply")
    assert api.put(f"/api/activities/{others['uuid']}/like", headers=me.headers).status_code == 200
    assert _dm(api, me, handle=other.handle).status_code == 201

    requested = api.post("/api/users/me/export", headers=me.headers)
    assert requested.status_code == 202, requested.text
    assert requested.json()["status"] == "running"
    again = api.post("/api/users/me/export", headers=me.headers)
    expect_error(again, 429, "export_limit")
    assert int(again.headers["retry-after"]) > 0

    def ready() -> bool:
        status = api.get("/api/users/me/export", headers=me.headers)
        assert status.status_code == 200, status.text
        assert status.json()["status"] in ("running", "ready"), status.text
        return bool(status.json()["status"] == "ready")

    wait_for(ready, what="the export built", timeout=60)
    export = api.get("/api/users/me/export", headers=me.headers).json()
    download = httpx.get(export["url"], timeout=30)
    assert download.status_code == 200, download.text[:300]
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = set(archive.namelist())
    expected = {"README.txt", "profile.json", "cruds.json", "likes.json", "following.json", "followers.json"}
    assert expected | {"messages.json"} <= names, names

    def read(name: str) -> Any:
        return json.loads(archive.read(name).decode("utf-8"))

    assert read("profile.json")["handle"] == me.handle
    cruds = json.dumps(read("cruds.json"), ensure_ascii=False)
    assert "my own crud ✨" in cruds and "my reply" in cruds and "someone else's crud" not in cruds
    assert mine["uuid"] in cruds
    assert others["uuid"] in json.dumps(read("likes.json"))
    assert other.handle in json.dumps(read("following.json"))
    assert other.handle in json.dumps(read("followers.json"))
    assert other.handle in json.dumps(read("messages.json"))
    # Someone else cannot read it: the status is per person.
    expect_error(api.get("/api/users/me/export", headers=other.headers), 404, "export_not_found")
