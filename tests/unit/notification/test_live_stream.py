"""Issue 19: a stream gets its state before its headers (else a clean 503), and writes a batch at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import sqlalchemy.exc
from fastapi import FastAPI
from starlette.requests import ClientDisconnect

from cruddur_common.auth import Principal, stream_principal
from cruddur_common.errors import install_error_handlers
from notification_service.dependencies import get_stream_context
from notification_service.live import broker, service
from notification_service.live.router import EventStream
from notification_service.live.router import router as live_router


def _pool_exhausted() -> Any:
    """A session factory whose checkout times out, as the pool does when every connection is taken."""

    @asynccontextmanager
    async def session() -> AsyncIterator[None]:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")
        yield

    return session


def _context(sessions: Any = None) -> service.StreamContext:
    return service.StreamContext(sessions=sessions, broker=broker.LocalBroker(), keepalive_seconds=5)


async def test_a_stream_without_its_state_is_a_503_with_retry_after_before_any_header() -> None:
    """Opening 100 streams at once took every pooled connection; the streams that waited past the pool's
    timeout failed after their 200 had been sent. Now the state is read first: the client is told to retry."""
    ctx = _context(_pool_exhausted())
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(live_router)
    app.dependency_overrides[stream_principal] = lambda: Principal(
        sub="a", username="a", token="t", claims={}
    )
    app.dependency_overrides[get_stream_context] = lambda: ctx
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notification") as client:
        response = await client.get("/api/notifications/stream")
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["error"]["code"] == "dependency_unavailable"
    assert ctx.broker.hub.connections == 0, "the refused stream left the hub"


async def test_a_batch_reaches_a_stream_in_one_write_framed_once() -> None:
    ctx = _context()
    hub = ctx.broker.hub
    opened = service.OpenStream(inbox=hub.join("a"), last=6, replay=[])
    twin = hub.join("a")
    stream = service.events(ctx, opened, expires_at=None)
    assert (await anext(stream)).endswith(b": connected\n\n")
    notification = {"id": 7, "event": "notification", "data": {"uuid": "x"}}
    unread = {"id": None, "event": "unread", "data": {"unread_count": 1}}
    await ctx.broker.publish_each([("a", notification), ("a", unread)])
    assert twin.pending[0].data is opened.inbox.pending[0].data, "one frame for every stream of the person"
    chunk = await anext(stream)
    assert chunk == broker.frame(notification) + broker.frame(unread), "one write for the batch"
    await ctx.broker.publish_each([("a", notification), ("a", {**notification, "id": 8})])
    assert await anext(stream) == broker.frame({**notification, "id": 8}), "an event seen once is not resent"
    await stream.aclose()


async def test_a_deleted_account_gets_its_goodbye_and_a_response_always_leaves_the_hub() -> None:
    ctx = _context()
    opened = service.OpenStream(inbox=ctx.broker.hub.join("a"), last=None, replay=[])
    chunks = [c async for c in service.events(ctx, opened, expires_at=None)]
    assert chunks == [b"retry: 3000\n: connected\n\n" + service.goodbye(broker.ACCOUNT_DELETED)]

    async def gone(message: Any) -> None:
        raise OSError("the client went away before the headers")

    async def receive() -> dict[str, str]:
        return {"type": "http.disconnect"}

    response = EventStream(
        service.events(ctx, opened, expires_at=None), leave=lambda: ctx.broker.hub.leave(opened.inbox)
    )
    with contextlib.suppress(ClientDisconnect):
        await response({"type": "http", "asgi": {"spec_version": "2.4"}}, receive, gone)
    assert ctx.broker.hub.connections == 0
