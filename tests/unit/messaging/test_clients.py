"""The user directory caches lookups; the notification client tells permanent from transient failures."""

from __future__ import annotations

import uuid

import httpx
import pytest
from pydantic import ValidationError

from cruddur_common.errors import DependencyUnavailable
from messaging_service.conversations.clients import UserDirectory
from messaging_service.errors import UserNotFound
from messaging_service.stream.clients import EventRejected, NotificationClient

USER = {
    "uuid": str(uuid.uuid4()),
    "cognito_user_id": "sub-1",
    "handle": "alice",
    "display_name": "Alice",
    "avatar_url": "http://a/alice.svg",
}


async def test_lookups_are_cached_and_404_is_user_not_found() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.raw_path.decode())
        if request.url.path.lower().endswith(("/alice", "/sub-1")):
            return httpx.Response(200, json=USER)
        return httpx.Response(404, json={"error": {"code": "user_not_found", "message": "no"}})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        users = UserDirectory(http=http, base_url="http://user.test/", ttl=60)
        assert (await users.by_handle("Alice")).handle == "alice"
        assert (await users.by_handle("alice")).handle == "alice"
        assert (await users.by_sub("sub-1")).cognito_user_id == "sub-1"
        with pytest.raises(UserNotFound):
            await users.by_handle("nobody/../x")
    assert calls == [
        "/internal/users/by-handle/Alice",
        "/internal/users/by-sub/sub-1",
        "/internal/users/by-handle/nobody%2F..%2Fx",
    ]


@pytest.mark.parametrize(("status", "error"), [(422, EventRejected), (503, httpx.HTTPStatusError)])
async def test_notification_failures(status: int, error: type[Exception]) -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(status, json={}))
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(error):
            await NotificationClient(http=http, base_url="http://n.test").send({"event_id": "x"})


async def test_the_block_check_is_asked_every_time_and_fails_closed() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    answers = iter(
        [httpx.Response(200, json={"blocked": True}), httpx.Response(200, json={"blocked": False})]
    )
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return next(answers)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        users = UserDirectory(http=http, base_url="http://user.test/", ttl=60)
        assert [await users.blocked(a, b), await users.blocked(a, b)] == [True, False], "never cached"
    assert calls == [f"/internal/relations/{a}/{b}"] * 2


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(404, json={}), DependencyUnavailable),  # a user service without the route
        (httpx.Response(503, json={}), httpx.HTTPStatusError),  # the app answers 503 for this (outages.py)
        (httpx.Response(200, json={"blocked": "maybe"}), ValidationError),
    ],
)
async def test_a_block_check_without_an_answer_never_lets_a_message_through(
    answer: httpx.Response, error: type[Exception]
) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: answer)) as http:
        users = UserDirectory(http=http, base_url="http://user.test", ttl=0)
        with pytest.raises(error):
            await users.blocked(uuid.uuid4(), uuid.uuid4())
