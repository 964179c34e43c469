"""The author and follow projections' batch endpoint, and the unique-key clash of finding 9."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.internal import internal_auth

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def activity_url(stack: LocalStack) -> str:
    """The activity service itself (internal endpoints are not routed by the gateway)."""
    return stack.cfg.service_url(next(e for e in load_registry() if e.name == "activity"))


def _author(handle: str, *, age_s: float = 0, **fields: Any) -> dict[str, Any]:
    author_uuid = fields.pop("uuid", None) or str(uuid.uuid4())
    return {
        "uuid": author_uuid,
        "cognito_user_id": fields.pop("cognito_user_id", None) or f"sub-{author_uuid}",
        "handle": handle,
        "display_name": handle.title(),
        "bio": "",
        "avatar_url": "",
        "updated_at": (datetime.now(UTC) - timedelta(seconds=age_s)).isoformat(),
        **fields,
    }


def _handle() -> str:
    return f"p_{uuid.uuid4().hex[:12]}"


def _batch(url: str, events: list[Any]) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{url}/internal/projection/events", json={"events": events}, auth=internal_auth(), timeout=10
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_a_follow_whose_author_holds_a_stale_handle_is_applied_not_a_500(activity_url: str, db: Db) -> None:
    # Finding 9: a projected author still holding a handle its user gave up made every later edge a 500.
    taken = _handle()
    stale = _author(taken, age_s=60)
    assert _batch(activity_url, [{"type": "author", "author": stale}]) == [{"ok": True, "error": None}]
    follower, followee = _author(taken), _author(_handle())  # the handle's new owner, newer copy
    edge = {"follower": follower, "followee": followee}
    for _ in range(2):  # delivered twice: both are 200
        response = httpx.put(f"{activity_url}/internal/follows", json=edge, auth=internal_auth(), timeout=10)
        assert response.status_code == 200, response.text
    rows = db.fetch(
        "SELECT uuid::text AS uuid, handle FROM authors WHERE uuid = ANY($1::uuid[])",
        [
            stale["uuid"],
            follower["uuid"],
        ],
    )
    handles = {r["uuid"]: r["handle"] for r in rows}
    assert handles[follower["uuid"]] == taken
    assert handles[stale["uuid"]].startswith("~")  # until the stale user's own update arrives
    assert db.fetch(
        "SELECT 1 FROM follows WHERE follower_uuid = $1::uuid AND followee_uuid = $2::uuid",
        follower["uuid"],
        followee["uuid"],
    )


def test_an_older_copy_that_clashes_is_stored_with_a_placeholder_handle(activity_url: str, db: Db) -> None:
    taken = _handle()
    current, late = _author(taken), _author(taken, age_s=60)
    results = _batch(activity_url, [{"type": "author", "author": a} for a in (current, late)])
    assert [r["ok"] for r in results] == [True, True]
    (row,) = db.fetch("SELECT handle FROM authors WHERE uuid = $1::uuid", late["uuid"])
    assert row["handle"].startswith("~")


def test_a_batch_applies_in_order_and_refuses_bad_events_alone(activity_url: str, db: Db) -> None:
    a, b = _author(_handle()), _author(_handle())
    events = [
        {"type": "author", "author": a},
        {"type": "follow", "follower": a, "followee": a},  # self-follow: the projection refuses it
        {"type": "follow", "follower": a, "followee": b},
        {"type": "bogus"},
        {"type": "unfollow", "follower": a, "followee": b},
        {"type": "follow", "follower": a, "followee": b},
    ]
    results = _batch(activity_url, events)
    assert [r["ok"] for r in results] == [True, False, True, False, True, True]
    assert "CheckViolation" in results[1]["error"] and results[3]["error"].startswith("invalid:")
    assert db.fetch(
        "SELECT 1 FROM follows WHERE follower_uuid = $1::uuid AND followee_uuid = $2::uuid",
        a["uuid"],
        b["uuid"],
    )


def test_the_single_follow_route_refuses_what_cannot_be_applied_with_a_422(activity_url: str) -> None:
    a = _author(_handle())
    response = httpx.put(
        f"{activity_url}/internal/follows",
        json={"follower": a, "followee": a},
        auth=internal_auth(),
        timeout=10,
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "projection_refused"


def test_a_batch_leaves_what_applying_it_in_order_would(activity_url: str, db: Db) -> None:
    # Issue 12's soak: applied as its net effect (one write per author and per edge), a batch must end
    # where event-by-event application would: the last event of an edge wins, the newest author copy wins.
    a, b, c = _author(_handle()), _author(_handle(), age_s=30), _author(_handle())
    renamed_b = b | {"display_name": "B Renamed", "updated_at": datetime.now(UTC).isoformat()}
    events = [
        {"type": "follow", "follower": a, "followee": b},
        {"type": "unfollow", "follower": a, "followee": b},
        {"type": "author", "author": renamed_b},
        {"type": "follow", "follower": a, "followee": b},  # carries the older copy of b
        {"type": "follow", "follower": a, "followee": c},
        {"type": "unfollow", "follower": a, "followee": c},
    ]
    assert [r["ok"] for r in _batch(activity_url, events)] == [True] * 6
    followed = db.fetch(
        "SELECT followee_uuid::text AS f FROM follows WHERE follower_uuid = $1::uuid", a["uuid"]
    )
    assert [r["f"] for r in followed] == [b["uuid"]]
    (row,) = db.fetch("SELECT display_name FROM authors WHERE uuid = $1::uuid", b["uuid"])
    assert row["display_name"] == "B Renamed"
