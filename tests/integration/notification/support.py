"""Helpers of the notification tests: events from "other services", and an SSE reader."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from cruddur_common.contracts import NOTIFICATION_BATCH_PATH, RELATIONS_BATCH_PATH
from devstack.stack import LocalStack
from notification_service.models import SCHEMA
from tests.internal import internal_auth
from tests.support import TestUser


def identity(api: httpx.Client, user: TestUser) -> dict[str, Any]:
    """uuid, sub, handle, display_name and avatar_url of a user."""
    response = api.get("/api/users/me", headers=user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return {
        "uuid": body["uuid"],
        "sub": body["cognito_user_id"],
        "handle": body["handle"],
        "display_name": body["display_name"],
        "avatar_url": body.get("avatar_url"),
    }


def event(kind: str, recipient: dict[str, Any], actor: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """An ingest event as the activity or messaging service sends it."""
    target: dict[str, Any] = {}
    if kind in ("reply", "mention", "like", "repost"):
        target = {
            "activity_uuid": str(uuid.uuid4()),
            "activity_handle": recipient["handle"],
            "preview": f"{kind}!",
        }
    elif kind == "message":
        target = {"message_group_uuid": str(uuid.uuid4()), "preview": "psst", "message": "psst"}
    body = {
        "event_id": str(uuid.uuid4()),
        "kind": kind,
        "recipient": {"uuid": recipient["uuid"], "sub": recipient["sub"]},
        "actor": {k: actor[k] for k in ("uuid", "handle", "display_name", "avatar_url")},
        "target": target,
        "created_at": datetime.now(UTC).isoformat(),
    }
    return body | overrides


def ingest(url: str, body: dict[str, Any]) -> httpx.Response:
    """POST an event to the internal ingest endpoint."""
    return httpx.post(f"{url}/internal/notifications/events", json=body, timeout=10, auth=internal_auth())


def relate(url: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """POST relation events (block, mute, suspension, erasure) as the user service's outbox does."""
    response = httpx.post(
        f"{url}{RELATIONS_BATCH_PATH}", json={"events": list(events)}, auth=internal_auth(), timeout=10
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def ingest_all(url: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """POST a batch of ingest events as an outbox does; one result per event."""
    response = httpx.post(
        f"{url}{NOTIFICATION_BATCH_PATH}", json={"events": events}, auth=internal_auth(), timeout=10
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def listed(api: httpx.Client, user: TestUser) -> list[str]:
    """The event ids of a user's notifications, newest first."""
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return [n["uuid"] for n in response.json()["items"]]


def sql(stack: LocalStack, statement: str, *args: Any) -> Any:
    """One statement on the notification schema; the first value of its result (or its status)."""

    def typed(value: Any) -> Any:  # uuids as text become uuid.UUID (a sub is cast back: `$1::uuid::text`)
        if isinstance(value, list):
            return [typed(v) for v in value]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return uuid.UUID(value)
        return value

    async def run() -> Any:
        conn = await asyncpg.connect(stack.cfg.db_url, server_settings={"search_path": SCHEMA})
        try:
            if statement.lstrip().upper().startswith("SELECT"):
                return await conn.fetchval(statement, *map(typed, args))
            return await conn.execute(statement, *map(typed, args))
        finally:
            await conn.close()

    return asyncio.run(run())


@dataclass
class SseEvent:
    """One received server-sent event and when it arrived."""

    id: int | None
    event: str
    data: Any
    received: float


@dataclass
class SseStream:
    """A live SSE connection read by a background task."""

    response: httpx.Response
    events: asyncio.Queue[SseEvent] = field(default_factory=asyncio.Queue)
    unread: asyncio.Queue[SseEvent] = field(default_factory=asyncio.Queue)  # the `unread` count events
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    keepalives: int = 0

    async def pump(self) -> None:
        """Parse the stream into events."""
        fields: dict[str, str] = {}
        async for line in self.response.aiter_lines():
            if line.startswith(":"):
                if "connected" in line:
                    self.connected.set()
                if "keep-alive" in line:
                    self.keepalives += 1
                continue
            if line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
                continue
            if "data" in fields:
                event_id = fields.get("id")
                queue = self.unread if fields.get("event") == "unread" else self.events
                await queue.put(
                    SseEvent(
                        id=int(event_id) if event_id else None,
                        event=fields.get("event", "message"),
                        data=json.loads(fields["data"]),
                        received=time.monotonic(),
                    )
                )
            fields = {}

    async def next(self, timeout: float = 5.0) -> SseEvent:
        """The next event (fails after `timeout`)."""
        return await asyncio.wait_for(self.events.get(), timeout=timeout)

    async def next_unread(self, timeout: float = 5.0) -> int:
        """The next unread count pushed (fails after `timeout`)."""
        got = await asyncio.wait_for(self.unread.get(), timeout=timeout)
        assert got.id is None, "an unread count is not in the replayed sequence"
        return int(got.data["unread_count"])


@contextlib.asynccontextmanager
async def open_stream(client: httpx.AsyncClient, url: str, **kwargs: Any) -> AsyncIterator[SseStream]:
    """Open an SSE stream and wait until the server has subscribed it."""
    async with client.stream("GET", url, **kwargs) as response:
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = SseStream(response)
        task = asyncio.create_task(stream.pump())
        try:
            await asyncio.wait_for(stream.connected.wait(), timeout=10)
            yield stream
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await task
