"""Disappearing messages (issue 15): a conversation's timer, expiry in every read, deletion, the janitor.

Expiry is made to happen by moving a message's stored times into the past (in moto, and its
notification's in Postgres) rather than by waiting an hour; the janitor's jobs are called directly.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from botocore.exceptions import ClientError

from cruddur_common.registry import load_registry
from devstack import janitor
from devstack.stack import LocalStack
from messaging_service.conversations import keys, repository
from messaging_service.conversations.repository import Table, serialize
from messaging_service.expiry import sweep_expired
from messaging_service.moderation import repository as moderation
from messaging_service.settings import Settings
from tests.integration.messaging.support import groups, me, send, wait_for_preview
from tests.integration.notification.support import open_stream
from tests.internal import internal_auth
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"


def _url(stack: LocalStack, service: str) -> str:
    return stack.cfg.service_url(next(e for e in load_registry() if e.name == service))


def _timer(api: httpx.Client, user: TestUser, group: str, ttl: object) -> httpx.Response:
    return api.put(f"/api/message_groups/{group}", json={"message_ttl": ttl}, headers=user.headers)


def _messages(api: httpx.Client, user: TestUser, group: str) -> list[dict[str, Any]]:
    response = api.get(f"/api/messages/{group}", headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def _notifications(api: httpx.Client, user: TestUser) -> dict[str, Any]:
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _expire(table: Table, stack: LocalStack, message: dict[str, Any]) -> None:
    """Move a message's end a minute into the past: its item (and `ttl` unless held), both previews that
    show it, and its notification."""
    past = datetime.now(UTC) - timedelta(minutes=1)
    found = await moderation.find_message(table, message_uuid=message["uuid"])
    assert found is not None
    values = {":e": keys.format_ts(past)}
    update = "SET expires_at = :e"
    if "ttl" in found:
        update, values = f"{update}, #ttl = :t", values | {":t": math.floor(past.timestamp())}
    await table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": found["pk"], "sk": found["sk"]}),
        UpdateExpression=update,
        ExpressionAttributeValues=serialize(values),
        **({"ExpressionAttributeNames": {"#ttl": "ttl"}} if "ttl" in found else {}),
    )
    ends = (found["sender_uuid"], found["recipient_uuid"])
    for owner, other in (ends, ends[::-1]):
        await _update_if(
            table.client,
            TableName=table.name,
            Key=serialize({"pk": keys.user_pk(owner), "sk": keys.entry_sk(other)}),
            UpdateExpression="SET last_message_expires_at = :e",
            ConditionExpression="last_message_sk = :sk",
            ExpressionAttributeValues=serialize({":e": values[":e"], ":sk": found["sk"]}),
        )  # only a preview that shows it
    conn = await asyncpg.connect(stack.cfg.db_url)
    try:
        await conn.execute(
            "UPDATE notifications.notifications SET expires_at = $1 WHERE event_id = $2",
            past,
            uuid.UUID(message["uuid"]),
        )
    finally:
        await conn.close()


async def _update_if(client: Any, **request: Any) -> None:
    """A conditional UpdateItem; a failed condition changes nothing and is fine."""
    try:
        await client.update_item(**request)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


async def _notification_rows(stack: LocalStack, message_uuid: str) -> int:
    conn = await asyncpg.connect(stack.cfg.db_url)
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM notifications.notifications WHERE event_id = $1", uuid.UUID(message_uuid)
        )
    finally:
        await conn.close()
    return int(count)


async def _stored(table: Table, message: dict[str, Any]) -> dict[str, Any] | None:
    return await moderation.find_message(table, message_uuid=message["uuid"])


def test_either_member_sets_changes_and_clears_the_timer(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_user: Callable[..., TestUser]
) -> None:
    alice, bob = pair
    group = send(api, alice, "hi", handle=bob.handle)["message_group_uuid"]

    day = _timer(api, alice, group, "1-day")
    assert day.status_code == 200, day.text
    settings = day.json()
    assert settings["uuid"] == group and settings["message_ttl"] == "1-day"
    assert settings["updated_by_handle"] == alice.handle and settings["updated_at"] is not None
    hour = _timer(api, bob, group, "1-hour").json()
    assert (hour["message_ttl"], hour["updated_by_handle"]) == ("1-hour", bob.handle)
    assert _timer(api, bob, group, "1-hour").json() == hour, "the same value again changes nothing"
    off = _timer(api, alice, group, None).json()
    assert (off["message_ttl"], off["updated_by_handle"]) == (None, alice.handle)

    for user in (alice, bob):
        lines = [m for m in _messages(api, user, group) if m["kind"] == "timer"]
        assert [(m["handle"], m["message_ttl"], m["message"]) for m in lines] == [
            (alice.handle, "1-day", f"{alice.name} set messages to disappear after 1 day"),
            (bob.handle, "1-hour", f"{bob.name} set messages to disappear after 1 hour"),
            (alice.handle, None, f"{alice.name} turned off disappearing messages"),
        ], "one line per change, in order, for both members"
        assert all(m["expires_at"] is None for m in lines), "timer lines stay"
    _timer(api, bob, group, "7-days")
    for user, other in ((alice, bob), (bob, alice)):
        wait_for_preview(
            api, user, handle=other.handle, text=f"{bob.name} set messages to disappear after 7 days"
        )
        assert groups(api, user)[0]["message_ttl"] == "7-days"
        found = api.get(f"/api/message_groups/@{other.handle}", headers=user.headers).json()
        assert found["message_ttl"] == "7-days"

    carol = make_user()
    expect_error(_timer(api, carol, group, "1-day"), 404, "message_group_not_found")
    expect_error(_timer(api, alice, str(uuid.uuid4()), "1-day"), 404, "message_group_not_found")
    for bad in ("2-days", "", "1-DAY", "12-hours"):
        expect_error(_timer(api, alice, group, bad), 422, "message_ttl_invalid")
    expect_error(_timer(api, alice, group, 3600), 422)
    missing = api.put(f"/api/message_groups/{group}", json={}, headers=alice.headers)
    expect_error(missing, 422)
    assert _timer(api, alice, group, "1-day").status_code == 200
    assert api.put(f"/api/message_groups/{group}", json={"message_ttl": None}).status_code == 401


async def test_the_other_member_gets_the_timer_line_live_without_a_bell(
    gateway_url: str, api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    group = send(api, alice, "hi", handle=bob.handle)["message_group_uuid"]
    wait_for(lambda: _notifications(api, bob)["unread_count"] == 1, what="bob's notification of 'hi'")
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=httpx.Timeout(10, read=None)) as client,
        open_stream(client, f"{STREAM}?access_token={bob.token}") as stream,
    ):
        changed = await client.put(
            f"/api/message_groups/{group}", json={"message_ttl": "1-day"}, headers=alice.headers
        )
        assert changed.status_code == 200, changed.text
        got = await stream.next(timeout=5)
        assert got.event == "message" and got.data["message_group_uuid"] == group
        line = got.data["message"]
        assert (line["kind"], line["message_ttl"], line["handle"]) == ("timer", "1-day", alice.handle)
        assert line["message"] == f"{alice.name} set messages to disappear after 1 day"
        assert line["expires_at"] is None

        sent = send(api, alice, "after the timer", message_group_uuid=group)
        after = await stream.next(timeout=5)
        assert after.id is not None and got.id is not None and after.id > got.id
        assert after.data["message"]["kind"] == "message"
        assert after.data["message"]["expires_at"] == sent["expires_at"]
    listed = _notifications(api, bob)
    assert listed["unread_count"] == 2, "the message raises the bell, the timer line does not"
    assert [n["kind"] for n in listed["items"]] == ["message", "message"]


async def test_expired_messages_are_gone_from_every_read_and_then_from_storage(
    api: httpx.Client, pair: tuple[TestUser, TestUser], table: Table, stack: LocalStack
) -> None:
    alice, bob = pair
    before = send(api, alice, "said before", handle=bob.handle)
    group = before["message_group_uuid"]
    assert before["expires_at"] is None and before["kind"] == "message"
    assert _timer(api, bob, group, "1-hour").status_code == 200
    secret = send(api, alice, "self-destructs", message_group_uuid=group)
    life = datetime.fromisoformat(secret["expires_at"]) - datetime.fromisoformat(secret["created_at"])
    assert life == timedelta(hours=1)
    by_handle = send(api, bob, "me too", handle=alice.handle)  # the send-by-handle path reads the timer too
    assert by_handle["expires_at"] is not None
    item = await _stored(table, secret)
    assert item is not None and int(item["ttl"]) == math.ceil(
        datetime.fromisoformat(secret["expires_at"]).timestamp()
    )
    old = await _stored(table, before)
    assert old is not None and "ttl" not in old and "expires_at" not in old, (
        "earlier messages keep their life"
    )
    wait_for_preview(api, bob, handle=alice.handle, text="me too")
    assert groups(api, bob)[0]["expires_at"] == by_handle["expires_at"]
    wait_for(
        lambda: _notifications(api, bob)["unread_count"] == 2, what="bob's notifications of both messages"
    )

    await _expire(table, stack, by_handle)
    await _expire(table, stack, secret)
    for user, other in ((alice, bob), (bob, alice)):
        shown = [m["message"] for m in _messages(api, user, group)]
        assert shown == ["said before", f"{bob.name} set messages to disappear after 1 hour"]
        (preview,) = groups(api, user)
        assert preview["message"] == "" and preview["created_at"] == by_handle["created_at"]
        assert preview["message_ttl"] == "1-hour" and preview["expires_at"] is not None
        found = api.get(f"/api/message_groups/@{other.handle}", headers=user.headers).json()
        assert found["message"] == ""
    listed = _notifications(api, bob)
    assert [n["preview"] for n in listed["items"]] == ["said before"] and listed["unread_count"] == 1
    hold = {"reporter": me(api, bob)["uuid"], "until": (datetime.now(UTC) + timedelta(days=90)).isoformat()}
    async with httpx.AsyncClient(base_url=_url(stack, "messaging"), auth=internal_auth()) as client:
        held = await client.put(f"/internal/messages/{secret['uuid']}/holds/{uuid.uuid4()}", json=hold)
    expect_error(held, 404, "not_found")  # an expired message cannot be reported

    assert await sweep_expired(table, now=datetime.now(UTC)) >= 2
    assert await _stored(table, secret) is None and await _stored(table, by_handle) is None
    assert await _stored(table, before) is not None

    ends = (item["sender_uuid"], item["recipient_uuid"])

    async def emptied() -> bool:
        entries = [
            await repository.get_entry(table, user_uuid=a, other_uuid=b) for a, b in (ends, ends[::-1])
        ]
        return all(e is not None and e["last_message"] == "" for e in entries)

    await _wait_async(emptied, what="the stream processor to empty both previews' stored text")
    assert await _notification_rows(stack, secret["uuid"]) == 1
    purged = httpx.post(
        f"{_url(stack, 'notification')}/internal/notifications/purge", timeout=10, auth=internal_auth()
    )
    assert purged.status_code == 200 and purged.json()["deleted"] >= 1
    assert await _notification_rows(stack, secret["uuid"]) == 0


async def test_a_held_message_survives_the_sweep_until_its_last_hold_ends(
    api: httpx.Client, pair: tuple[TestUser, TestUser], table: Table, stack: LocalStack
) -> None:
    alice, bob = pair
    group = send(api, alice, "hi", handle=bob.handle)["message_group_uuid"]
    _timer(api, alice, group, "1-hour")
    evidence = send(api, alice, "you will regret this", message_group_uuid=group)
    reports = [str(uuid.uuid4()) for _ in range(2)]
    hold = {"reporter": me(api, bob)["uuid"], "until": (datetime.now(UTC) + timedelta(days=90)).isoformat()}
    async with httpx.AsyncClient(base_url=_url(stack, "messaging"), auth=internal_auth()) as client:
        first = await client.put(f"/internal/messages/{evidence['uuid']}/holds/{reports[0]}", json=hold)
        assert first.status_code == 200, first.text
        item = await _stored(table, evidence)
        assert item is not None and "ttl" not in item, "held: DynamoDB's TTL must not delete it"

        await _expire(table, stack, evidence)
        again = await client.put(f"/internal/messages/{evidence['uuid']}/holds/{reports[1]}", json=hold)
        assert again.status_code == 200, "a held message can still be reported"
        await sweep_expired(table, now=datetime.now(UTC))
        assert await _stored(table, evidence) is not None, "a held message survives the sweep"
        assert "you will regret this" not in [m["message"] for m in _messages(api, bob, group)]

        assert (await client.delete(f"/internal/holds/{reports[0]}")).status_code == 204
        item = await _stored(table, evidence)
        assert item is not None and "ttl" not in item, "one hold is left"
        assert (await client.delete(f"/internal/holds/{reports[1]}")).status_code == 204
        item = await _stored(table, evidence)
        assert item is not None and int(item["ttl"]) == math.ceil(
            keys.parse_ts(item["expires_at"]).timestamp()
        )
    assert await sweep_expired(table, now=datetime.now(UTC)) >= 1
    assert await _stored(table, evidence) is None


async def test_the_janitor_runs_every_job_once(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    table: Table,
    stack: LocalStack,
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", stack.cfg.db_url)
    alice, bob = pair
    group = send(api, alice, "hi", handle=bob.handle)["message_group_uuid"]
    _timer(api, alice, group, "1-hour")
    doomed = send(api, alice, "gone soon", message_group_uuid=group)
    wait_for(lambda: _notifications(api, bob)["unread_count"] == 2, what="bob's notifications")
    await _expire(table, stack, doomed)

    counts = await janitor.run_once(Settings())
    assert set(counts) == {"cruds", "messages", "notifications"}
    assert all(isinstance(n, int) for n in counts.values()), counts
    assert counts["messages"] >= 1 and counts["notifications"] >= 1  # type: ignore[operator]
    assert await _stored(table, doomed) is None
    assert await _notification_rows(stack, doomed["uuid"]) == 0


async def _wait_async(check: Callable[[], Awaitable[bool]], *, what: str, timeout: float = 10.0) -> None:
    """Poll an async `check` until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
