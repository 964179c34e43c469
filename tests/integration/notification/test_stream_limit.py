"""Finding 8: streams are capped per person, and held streams never starve ordinary requests."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from devstack.aws_bootstrap import client as aws_client
from devstack.stack import LocalStack
from tests.integration.notification.support import SseStream, event, identity, ingest, open_stream
from tests.support import PASSWORD, TestUser

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"
SSE = {"accept": "text/event-stream"}  # what EventSource sends
LIMIT = 5  # the notification service's default max_streams_per_user


def _tokens(stack: LocalStack, count: int) -> list[str]:
    """Access tokens of `count` new Cognito users (a stream needs only a valid token, not a profile)."""
    assert stack.aws is not None
    cognito = aws_client("cognito-idp", stack.cfg.aws_url)
    pool, tokens = stack.aws.user_pool_id, []
    for _ in range(count):
        email = f"s_{uuid.uuid4().hex[:12]}@example.com"
        cognito.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=PASSWORD, Permanent=True)
        auth = cognito.initiate_auth(
            ClientId=stack.aws.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )
        tokens.append(auth["AuthenticationResult"]["AccessToken"])
    return tokens


async def test_a_sixth_stream_closes_the_oldest(
    gateway_url: str, notification_url: str, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    recipient, actor = identity(api, alice), identity(api, bob)
    headers = alice.headers | SSE
    timeout = httpx.Timeout(10, read=None)
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=timeout) as client,
        contextlib.AsyncExitStack() as held,
    ):
        streams: list[SseStream] = []
        for _ in range(LIMIT + 1):
            streams.append(await held.enter_async_context(open_stream(client, STREAM, headers=headers)))
        goodbye = await streams[0].next(timeout=5)
        assert goodbye.event == "closed" and goodbye.data == {"reason": "stream_limit"}
        assert ingest(notification_url, event("like", recipient, actor)).status_code == 202
        for stream in streams[1:]:
            got = await stream.next(timeout=5)
            assert got.event == "notification" and got.id == 1
        assert streams[0].events.empty(), "the closed stream gets nothing more"


async def test_500_held_streams_leave_ordinary_requests_fast(
    stack: LocalStack, gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    carol = make_user()
    tokens = _tokens(stack, 100)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    opened: list[SseStream] = []
    release = asyncio.Event()

    async def hold(client: httpx.AsyncClient, token: str) -> None:
        headers = {"authorization": f"Bearer {token}"} | SSE
        async with open_stream(client, STREAM, headers=headers) as stream:
            opened.append(stream)
            await release.wait()

    async with httpx.AsyncClient(
        base_url=gateway_url, timeout=httpx.Timeout(60, read=None), limits=limits
    ) as client:
        # 100 people with the limit's 5 streams each
        holders = [asyncio.create_task(hold(client, t)) for t in tokens for _ in range(LIMIT)]
        try:
            deadline = time.monotonic() + 240
            while len(opened) < 500:
                failed = [h for h in holders if h.done()]
                assert not failed, failed[0].exception()
                assert time.monotonic() < deadline, f"only {len(opened)} streams opened"
                await asyncio.sleep(0.2)
            async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as other:
                timings = []
                for _ in range(3):
                    started = time.monotonic()
                    response = await other.get("/api/users/me", headers=carol.headers)
                    timings.append(round(time.monotonic() - started, 3))
                    assert response.status_code == 200, response.text
            assert min(timings) < 1.0, timings
            assert all(s.events.empty() for s in opened), "no stream was closed: 5 per person is allowed"
        finally:
            release.set()
            await asyncio.gather(*holders, return_exceptions=True)
