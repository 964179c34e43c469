"""`expire` events: a crud's author gave it a new end, and every notification about it takes that end."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from activity_service.db import asyncpg_dsn
from cruddur_common.contracts import NOTIFICATION_BATCH_PATH
from devstack.stack import LocalStack
from tests.integration.notification.support import event, identity, ingest
from tests.internal import internal_auth
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def _expire(crud: str, expires_at: datetime) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "kind": "expire",
        "target": {"activity_uuid": crud},
        "expires_at": expires_at.isoformat(),
        "created_at": datetime.now(UTC).isoformat(),
    }


def _ends(api: httpx.Client, user: TestUser) -> dict[str, str | None]:
    page = api.get("/api/notifications", headers=user.headers)
    assert page.status_code == 200, page.text
    return {n["uuid"]: n["expires_at"] for n in page.json()["items"]}


def _at(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


def test_an_expire_event_gives_every_notification_of_its_crud_the_new_end(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    old = datetime.now(UTC) + timedelta(days=7)
    like = event("like", recipient, actor, expires_at=old.isoformat())
    crud = like["target"]["activity_uuid"]
    repost = event("repost", recipient, actor, target=like["target"], expires_at=old.isoformat())
    unrelated = event("like", recipient, actor, expires_at=old.isoformat())
    for body in (like, repost, unrelated):
        assert ingest(notification_url, body).json() == {"status": "stored"}
    new = datetime.now(UTC) + timedelta(hours=1)
    assert ingest(notification_url, _expire(crud, new)).json() == {"status": "expired"}
    ends = _ends(api, user)
    assert _at(ends[like["event_id"]]) == new and _at(ends[repost["event_id"]]) == new
    assert _at(ends[unrelated["event_id"]]) == old


def test_an_expire_event_that_ended_the_crud_hides_its_notifications_and_the_purge_deletes_them(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    like = event("like", recipient, actor, expires_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    follow = event("follow", recipient, actor)
    for body in (like, follow):
        ingest(notification_url, body)
    ended = _expire(like["target"]["activity_uuid"], datetime.now(UTC) - timedelta(seconds=1))
    assert ingest(notification_url, ended).json() == {"status": "expired"}  # late delivery: still applied
    page = api.get("/api/notifications", headers=user.headers).json()
    assert [n["uuid"] for n in page["items"]] == [follow["event_id"]] and page["unread_count"] == 1
    purged = httpx.post(f"{notification_url}/internal/notifications/purge", timeout=10, auth=internal_auth())
    assert purged.status_code == 200 and purged.json()["deleted"] >= 1


def test_in_a_batch_events_before_an_expire_take_its_end_and_events_after_it_keep_their_own(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    old, new = (datetime.now(UTC) + timedelta(days=d) for d in (7, 1))
    later = datetime.now(UTC) + timedelta(days=2)
    before = event("like", recipient, actor, expires_at=old.isoformat())
    crud = before["target"]["activity_uuid"]
    after = event("repost", recipient, actor, target=before["target"], expires_at=later.isoformat())
    batch = {"events": [before, _expire(crud, new), after]}
    response = httpx.post(
        notification_url + NOTIFICATION_BATCH_PATH, json=batch, timeout=10, auth=internal_auth()
    )
    assert [r["ok"] for r in response.json()["results"]] == [True, True, True]
    ends = _ends(api, user)
    assert _at(ends[before["event_id"]]) == new and _at(ends[after["event_id"]]) == later


def test_an_expire_event_needs_its_crud_and_its_end(notification_url: str) -> None:
    good = _expire(str(uuid.uuid4()), datetime.now(UTC))
    for bad in (good | {"target": {}}, {k: v for k, v in good.items() if k != "expires_at"}):
        expect_error(ingest(notification_url, bad), 422, "validation_error")


def test_the_scheduled_purge_command_deletes_ended_notifications(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    like = event("like", recipient, actor, expires_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    ingest(notification_url, like)
    ingest(
        notification_url, _expire(like["target"]["activity_uuid"], datetime.now(UTC) - timedelta(seconds=1))
    )
    env = {**os.environ, "DATABASE_URL": stack.cfg.db_url}
    done = subprocess.run(
        [sys.executable, "-m", "notification_service.purge"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[1]) >= 1  # "purged N ended notifications"
    assert _stored(stack, like["event_id"]) == 0


def _stored(stack: LocalStack, event_id: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(asyncpg_dsn(stack.cfg.db_url))
        try:
            sql = "SELECT count(*) FROM notifications.notifications WHERE event_id = $1::uuid"
            return int(await conn.fetchval(sql, event_id))
        finally:
            await conn.close()

    return asyncio.run(count())
