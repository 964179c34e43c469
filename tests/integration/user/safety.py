"""Helpers of the reports and moderation tests: reporting, resolving, and whether peers hold evidence yet."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx

from activity_service.db import asyncpg_dsn
from activity_service.purge import purge_expired
from devstack.stack import LocalStack
from tests.support import TestUser


def report(
    api: httpx.Client, user: TestUser, target_type: str, target_id: str, **extra: Any
) -> httpx.Response:
    """POST /api/reports as `user`."""
    body = {"target": {"type": target_type, "id": target_id}, "category": "harassment", **extra}
    return api.post("/api/reports", json=body, headers=user.headers)


def resolve(
    api: httpx.Client, moderator: TestUser, report_id: str, action: str, note: str = ""
) -> httpx.Response:
    """POST /api/moderation/reports/{id}/resolve as `moderator`."""
    body = {"action": action, "note": note}
    return api.post(f"/api/moderation/reports/{report_id}/resolve", json=body, headers=moderator.headers)


def queue(api: httpx.Client, moderator: TestUser, status: str = "open") -> list[dict[str, Any]]:
    """Every report of a list (all pages)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"status": status, "limit": 100}
    while True:
        page = api.get("/api/moderation/reports", params=params, headers=moderator.headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if page.json()["next_cursor"] is None:
            return items
        params["cursor"] = page.json()["next_cursor"]


def post(api: httpx.Client, user: TestUser, message: str = "a crud") -> dict[str, Any]:
    """Post a crud that lives an hour."""
    response = api.post("/api/activities", json={"message": message, "ttl": "1-hour"}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def purge(stack: LocalStack) -> int:
    """Run the activity service's purge of expired cruds once, as the scheduled task does."""

    async def run() -> int:
        pool = await asyncpg.create_pool(
            asyncpg_dsn(stack.cfg.db_url), server_settings={"search_path": "activity,public"}
        )
        try:
            return await purge_expired(pool, batch_size=100)
        finally:
            await pool.close()

    return asyncio.run(run())
