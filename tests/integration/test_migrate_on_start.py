"""Containers apply their own migrations on start (MIGRATE_ON_START), one task at a time."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.settings import CommonSettings
from devstack.stack import LocalStack

pytestmark = pytest.mark.integration


async def test_two_tasks_starting_together_migrate_once(stack: LocalStack) -> None:
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(stack.cfg.db_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = stack.cfg.db_url.rsplit("/", 1)[0] + f"/{name}"
    settings = CommonSettings(database_url=url, migrate_on_start=True)

    def app() -> object:
        spec = ServiceSpec(
            name="user", title="t", description="t", settings=settings, routers=[], db_schema="users"
        )
        return create_service_app(spec)

    async def start_and_stop(instance: object) -> None:
        async with instance.router.lifespan_context(instance):  # type: ignore[attr-defined]
            pass

    await asyncio.gather(start_and_stop(app()), start_and_stop(app()))
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT to_regclass('users.users')") is not None
        versions = await conn.fetch("SELECT version_num FROM users.alembic_version")
        assert len(versions) == 1
    finally:
        await conn.close()
