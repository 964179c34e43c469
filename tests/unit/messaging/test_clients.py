"""The user directory caches lookups; the notification client tells permanent from transient failures."""

from __future__ import annotations

import uuid

import httpx
import pytest

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
