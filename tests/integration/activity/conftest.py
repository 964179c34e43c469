"""Fixtures of the activity API tests: direct SQL for what only time would do (expiry), and posting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from activity_service.db import asyncpg_dsn
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.support import TestUser


@pytest.fixture
def db(stack: LocalStack) -> Iterator[Db]:
    """Direct access to the activity schema."""
    helper = Db(stack.cfg.db_url)
    try:
        yield helper
    finally:
        helper.close()


@pytest.fixture
async def conn(stack: LocalStack) -> AsyncIterator[asyncpg.Connection]:
    """An asyncpg connection as the service's pool opens one (the activity schema first, UTC)."""
    conn = await asyncpg.connect(
        asyncpg_dsn(stack.cfg.db_url), server_settings={"search_path": "activity,public", "timezone": "UTC"}
    )
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def post(api: httpx.Client) -> Callable[..., dict[str, Any]]:
    """Post a crud as a user; returns the created crud."""

    def create(user: TestUser, message: str = "hello", ttl: str = "7-days") -> dict[str, Any]:
        response = api.post("/api/activities", json={"message": message, "ttl": ttl}, headers=user.headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create
