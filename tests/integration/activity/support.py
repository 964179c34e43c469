"""Helpers of the activity API tests: direct SQL on the activity schema, and following a user."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx

from activity_service.db import asyncpg_dsn
from activity_service.purge import purge_expired
from devstack.stack import LocalStack
from tests.support import TestUser, wait_for


class Db:
    """Synchronous helper around one asyncpg connection to the test stack's database (activity schema)."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn: asyncpg.Connection = self.loop.run_until_complete(
            asyncpg.connect(url, server_settings={"search_path": "activity,public"})
        )

    def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """Rows of a query."""
        return self.loop.run_until_complete(self.conn.fetch(sql, *args))

    def execute(self, sql: str, *args: Any) -> str:
        """Run a statement."""
        return self.loop.run_until_complete(self.conn.execute(sql, *args))

    def expire(self, activity_uuid: str) -> None:
        """Make a crud (and its thread) expired as if its time had passed."""
        self.execute(
            """
            WITH RECURSIVE t AS (
                SELECT uuid FROM activities WHERE uuid = $1::uuid
                UNION ALL SELECT a.uuid FROM activities a JOIN t ON a.reply_to_activity_uuid = t.uuid
            )
            UPDATE activities
            SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
            WHERE uuid IN (SELECT uuid FROM t)
            """,
            activity_uuid,
        )
        self.execute(
            "UPDATE hashtags SET expires_at = now() - interval '1 hour', "
            "created_at = now() - interval '2 hours' WHERE activity_uuid = $1::uuid",
            activity_uuid,
        )
        self.execute(
            "UPDATE reposts SET expires_at = now() - interval '1 hour' WHERE activity_uuid = $1::uuid",
            activity_uuid,
        )
        self.execute(
            "UPDATE timeline SET expires_at = now() - interval '1 hour' WHERE activity_uuid = $1::uuid",
            activity_uuid,
        )

    def close(self) -> None:
        """Close the connection and the loop."""
        self.loop.run_until_complete(self.conn.close())
        self.loop.close()


def follow(api: httpx.Client, user: TestUser, handle: str) -> None:
    """Follow through the user service and wait until the activity projection has the edge."""
    response = api.put(f"/api/users/@{handle}/follow", headers=user.headers)
    assert response.status_code == 200, response.text
    wait_for(lambda: _followed(api, user, handle), what=f"projection of {user.handle} -> {handle}")


def _followed(api: httpx.Client, user: TestUser, handle: str) -> bool:
    page = api.get(f"/api/activities/@{handle}", headers=user.headers)
    return bool(page.status_code == 200 and page.json()["profile"]["followed"])


def purge(stack: LocalStack, *, batch_size: int = 100) -> int:
    """Run the activity service's purge of expired cruds once, as the scheduled task does."""

    async def run() -> int:
        pool = await asyncpg.create_pool(
            asyncpg_dsn(stack.cfg.db_url), server_settings={"search_path": "activity,public"}
        )
        try:
            return await purge_expired(pool, batch_size=batch_size)
        finally:
            await pool.close()

    return asyncio.run(run())
