"""Each API call makes the DynamoDB requests the table design promises (counted on the real client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from messaging_service.main import create_app
from messaging_service.settings import Settings
from tests.support import TestUser

pytestmark = pytest.mark.integration


@pytest.fixture
async def counted(aws_env: dict[str, str]) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """The messaging app in-process against the stack's moto and user service, counting DynamoDB calls."""
    app = create_app(Settings())
    operations: list[str] = []

    def count(model: Any, **_: Any) -> None:
        operations.append(model.name)

    async with app.router.lifespan_context(app):
        app.state.aws["dynamodb"].meta.events.register("before-call.dynamodb", count)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://messaging.test") as client:
            yield client, operations


async def test_one_query_per_page(
    counted: tuple[httpx.AsyncClient, list[str]], pair: tuple[TestUser, TestUser]
) -> None:
    client, operations = counted
    alice, bob = pair

    async def call(method: str, url: str, user: TestUser, **kwargs: Any) -> httpx.Response:
        operations.clear()
        response = await client.request(method, url, headers=user.headers, **kwargs)
        assert response.status_code < 300, response.text
        return response

    created = await call("POST", "/api/messages", alice, json={"message": "m0", "handle": bob.handle})
    assert operations == ["GetItem", "TransactWriteItems"]
    group = created.json()["message_group_uuid"]
    for i in range(1, 25):
        await call("POST", "/api/messages", bob, json={"message": f"m{i}", "message_group_uuid": group})
        assert operations == ["GetItem", "PutItem"]
    await call("POST", "/api/messages", alice, json={"message": "again", "handle": bob.handle})
    assert operations == ["GetItem", "PutItem"]

    await call("GET", "/api/message_groups", alice)
    assert operations == ["Query"]
    first = await call("GET", f"/api/messages/{group}", bob, params={"limit": 10})
    assert operations == ["Query"]
    await call("GET", first.links["next"]["url"], bob)
    assert operations == ["Query"]
    await call("GET", f"/api/message_groups/@{bob.handle}", alice)
    assert operations == ["GetItem"]
