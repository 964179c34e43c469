"""Demo data through the front doors, and a small version of the large data set."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from devstack.seed import DEMO_USERS, seed_demo
from devstack.seed_large import Plan, load

pytestmark = pytest.mark.integration


def test_demo_seed_is_idempotent(gateway_url: str, client_id: str, tmp_path: Path, api: httpx.Client) -> None:
    for _ in range(2):
        seed_demo(gateway_url=gateway_url, client_id=client_id, data_dir=tmp_path)
    page = api.get("/api/activities/@andrewbrown").json()
    assert page["profile"]["followers_count"] == len(DEMO_USERS) - 1
    assert [a["message"] for a in page["activities"]] == ["This was imported as seed data! #cruddur"]
    assert page["activities"][0]["replies_count"] == 1 and page["activities"][0]["likes_count"] == 1


def test_large_seed_shape_and_counters(stack, api: httpx.Client) -> None:
    plan = Plan(users=40, cruds=2_000, replies=300, likes=1_500, reposts=100, seed=7)
    assert asyncio.run(load(stack.cfg.db_url, plan)) is True
    assert asyncio.run(load(stack.cfg.db_url, plan)) is False
    page = api.get("/api/activities/@user0001").json()
    assert page["profile"]["followers_count"] > 0
    for item in page["activities"][:5]:
        # a profile lists the person's reposts too: open each crud under its author's handle
        path = f"/api/activities/@{item['handle']}/status/{item['uuid']}"
        crud = api.get(path, params={"limit": 100}).json()
        assert crud["activity"]["replies_count"] == len(crud["replies"])


def test_large_seed_scale_adds_content_not_people_or_timelines(stack, db) -> None:
    plan = Plan(users=40, cruds=2_000, replies=300, likes=1_500, reposts=100, seed=7)
    asyncio.run(load(stack.cfg.db_url, plan))  # scale 1 (loaded once per stack)
    seeded = "(SELECT uuid FROM authors WHERE cognito_user_id LIKE 'seed-%')"

    def count(sql: str) -> int:
        return int(db.fetch(f"SELECT count(*) AS n FROM {sql}")[0]["n"])  # noqa: S608 - constant test SQL

    cruds = f"activities WHERE reply_to_activity_uuid IS NULL AND user_uuid IN {seeded}"
    timelines = f"timeline WHERE owner_uuid IN {seeded}"
    before = (count(cruds), count(timelines), count(f"authors WHERE uuid IN {seeded}"))
    twice = Plan(**{**plan.__dict__, "scale": 2})
    assert asyncio.run(load(stack.cfg.db_url, twice)) is True
    assert asyncio.run(load(stack.cfg.db_url, twice)) is False, "the scale is remembered"
    assert count(cruds) == before[0] + plan.cruds, "one more batch of cruds"
    assert count(timelines) == before[1], "timelines stay at scale 1"
    assert count(f"authors WHERE uuid IN {seeded}") == before[2], "the same people"
    wrong = (
        f"activities a WHERE a.user_uuid IN {seeded}"  # noqa: S608 - constant test SQL
        " AND a.likes_count <> (SELECT count(*) FROM likes l WHERE l.activity_uuid = a.uuid)"
    )
    assert count(wrong) == 0, "counters computed from the generated rows"
