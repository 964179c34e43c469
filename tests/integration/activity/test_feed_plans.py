"""Query plans of the feeds on the test stack's Postgres (issue 19): what is planned once stays planned."""

from __future__ import annotations

import asyncpg
import pytest

from activity_service.feeds import repository, service

pytestmark = pytest.mark.integration


async def _plans(conn: asyncpg.Connection) -> list[tuple[int, int]]:
    query = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1"
    rows = await conn.fetch(query, "%FROM activities a%")
    return [(r["generic_plans"], r["custom_plans"]) for r in rows]


async def test_the_signed_out_first_page_is_not_planned_per_request(conn: asyncpg.Connection) -> None:
    for _ in range(8):  # Postgres tries five custom plans before it would settle on a generic one
        await repository.explore(conn, reader=None, before=service.TOP, limit=21)
    plans = await _plans(conn)
    assert len(plans) == 1 and plans[0][1] == 0, f"(generic, custom) plans: {plans}"


async def test_the_signed_out_first_page_is_the_explore_page(conn: asyncpg.Connection) -> None:
    shortcut = await repository.explore(conn, reader=None, before=service.TOP, limit=21)
    general = await conn.fetch(repository._EXPLORE, None, *service.TOP, 21)
    assert [dict(r) for r in shortcut] == [dict(r) for r in general]
