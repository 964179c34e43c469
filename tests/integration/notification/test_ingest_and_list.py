"""Notifications: every kind arrives, duplicates are stored once, expiry, retraction, read marks, pages."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.integration.notification.support import event, identity, ingest
from tests.internal import internal_auth
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration
KINDS = ("reply", "mention", "like", "repost", "follow", "message")


@pytest.fixture
def people(api: httpx.Client, make_user: Callable[..., TestUser]) -> tuple[TestUser, dict, dict]:
    """A recipient (user and identity) and an actor identity."""
    recipient, actor = make_user(), make_user()
    return recipient, identity(api, recipient), identity(api, actor)


def listed(api: httpx.Client, user: TestUser, **params: object) -> dict:
    response = api.get("/api/notifications", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_every_kind_arrives_newest_first(api: httpx.Client, notification_url: str, people: tuple) -> None:
    user, recipient, actor = people
    sent = [event(kind, recipient, actor) for kind in KINDS]
    for body in sent:
        response = ingest(notification_url, body)
        assert response.status_code == 202 and response.json() == {"status": "stored"}
    page = listed(api, user)
    assert page["unread_count"] == 6 and page["next_cursor"] is None
    assert [n["kind"] for n in page["items"]] == list(reversed(KINDS))
    assert [n["id"] for n in page["items"]] == [6, 5, 4, 3, 2, 1]
    like = page["items"][3]
    assert like["uuid"] == sent[2]["event_id"] and like["read"] is False
    assert like["actor"] == {k: actor[k] for k in ("uuid", "handle", "display_name", "avatar_url")}
    assert like["activity_uuid"] == sent[2]["target"]["activity_uuid"]
    assert like["activity_handle"] == recipient["handle"] and like["preview"] == "like!"
    assert page["items"][0]["message_group_uuid"] == sent[5]["target"]["message_group_uuid"]

    original = api.get("/api/activities/notifications", headers=user.headers)
    assert original.status_code == 200 and original.headers["x-unread-count"] == "6"
    assert [n["uuid"] for n in original.json()] == [n["uuid"] for n in page["items"]]


def test_a_redelivered_event_is_stored_once(api: httpx.Client, notification_url: str, people: tuple) -> None:
    user, recipient, actor = people
    body = event("like", recipient, actor)
    assert ingest(notification_url, body).json() == {"status": "stored"}
    assert ingest(notification_url, body).json() == {"status": "duplicate"}

    racing = event("follow", recipient, actor)

    async def storm() -> list[int]:
        async with httpx.AsyncClient(base_url=notification_url, timeout=10, auth=internal_auth()) as client:
            sends = [client.post("/internal/notifications/events", json=racing) for _ in range(8)]
            return [r.status_code for r in await asyncio.gather(*sends)]

    assert asyncio.run(storm()) == [202] * 8
    page = listed(api, user)
    assert sorted(n["uuid"] for n in page["items"]) == sorted([body["event_id"], racing["event_id"]])
    assert [n["id"] for n in page["items"]] == [2, 1], "no sequence number lost to the duplicates"


def test_notifications_disappear_with_their_crud(
    api: httpx.Client, notification_url: str, people: tuple
) -> None:
    user, recipient, actor = people
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    assert (
        ingest(notification_url, event("like", recipient, actor, expires_at=past)).json()["status"]
        == "dropped"
    )
    short = event("reply", recipient, actor, expires_at=soon)
    assert ingest(notification_url, short).json()["status"] == "stored"
    ingest(notification_url, event("follow", recipient, actor))
    assert listed(api, user)["unread_count"] == 2
    time.sleep(2.5)
    page = listed(api, user)
    assert [n["kind"] for n in page["items"]] == ["follow"] and page["unread_count"] == 1
    purged = httpx.post(f"{notification_url}/internal/notifications/purge", timeout=10, auth=internal_auth())
    assert purged.status_code == 200 and purged.json()["deleted"] >= 1


def test_a_deleted_crud_retracts_its_notifications(
    api: httpx.Client, notification_url: str, people: tuple, make_user: Callable[..., TestUser]
) -> None:
    user, recipient, actor = people
    other_user = make_user()
    other = identity(api, other_user)
    like = event("like", recipient, actor)
    crud = like["target"]["activity_uuid"]
    reply = event("reply", other, actor, target={"activity_uuid": crud, "preview": "re"})
    for body in (like, reply, event("follow", recipient, actor)):
        ingest(notification_url, body)
    retract = {
        "event_id": str(uuid.uuid4()),
        "kind": "retract",
        "target": {"activity_uuid": crud},
        "created_at": datetime.now(UTC).isoformat(),
    }
    assert ingest(notification_url, retract).json() == {"status": "retracted"}
    assert ingest(notification_url, retract).status_code == 202
    assert [n["kind"] for n in listed(api, user)["items"]] == ["follow"]
    assert listed(api, other_user)["items"] == []
    late = event("repost", recipient, actor, target={"activity_uuid": crud})
    assert ingest(notification_url, late).json() == {"status": "dropped"}


def test_bad_events_are_refused(notification_url: str, api: httpx.Client, people: tuple) -> None:
    _, recipient, actor = people
    good = event("like", recipient, actor)
    for bad in (
        good | {"kind": "poke"},
        good | {"event_id": "nope"},
        {k: v for k, v in good.items() if k != "recipient"},
        good | {"target": {}},
        event("message", recipient, actor, target={"preview": "no group"}),
        good | {"target": good["target"] | {"preview": "x" * 141}},
        good | {"created_at": "2026-01-01T00:00:00"},
        {"event_id": str(uuid.uuid4()), "kind": "retract", "created_at": good["created_at"]},
    ):
        expect_error(ingest(notification_url, bad), 422, "validation_error")


def test_read_marks(api: httpx.Client, notification_url: str, people: tuple) -> None:
    user, recipient, actor = people
    for kind in ("like", "reply", "follow", "repost", "mention"):
        ingest(notification_url, event(kind, recipient, actor))
    items = listed(api, user)["items"]

    def read(body: object) -> httpx.Response:
        return api.post("/api/notifications/read", json=body, headers=user.headers)

    assert read({"up_to": 2}).json() == {"marked": 2, "unread_count": 3}
    assert read({"up_to": items[1]["uuid"]}).json() == {"marked": 2, "unread_count": 1}
    assert [n["read"] for n in listed(api, user)["items"]] == [False, True, True, True, True]
    expect_error(read({"up_to": str(uuid.uuid4())}), 404, "notification_not_found")
    expect_error(read({"up_to": "yesterday"}), 422, "validation_error")
    assert read({"up_to": items[0]["created_at"]}).json() == {"marked": 1, "unread_count": 0}
    ingest(notification_url, event("follow", recipient, actor))
    empty = api.post("/api/notifications/read", headers=user.headers)
    assert empty.json() == {"marked": 1, "unread_count": 0}
    expect_error(api.post("/api/notifications/read", json={}), 401)


def test_pages_and_cursors(
    api: httpx.Client, notification_url: str, people: tuple, make_user: Callable[..., TestUser]
) -> None:
    user, recipient, actor = people
    for _ in range(25):
        ingest(notification_url, event("like", recipient, actor))
    first = listed(api, user)
    assert len(first["items"]) == 20 and first["unread_count"] == 25
    second = listed(api, user, cursor=first["next_cursor"])
    assert [n["id"] for n in second["items"]] == [5, 4, 3, 2, 1] and second["next_cursor"] is None
    original = api.get("/api/activities/notifications", params={"limit": 10}, headers=user.headers)
    assert len(original.json()) == 10
    assert api.get(original.links["next"]["url"], headers=user.headers).json()[0]["id"] == 15
    h = user.headers
    for cursor in ("bogus", first["next_cursor"][:-2] + "xx"):
        expect_error(
            api.get("/api/notifications", params={"cursor": cursor}, headers=h), 400, "invalid_cursor"
        )
    stranger = make_user()
    stolen = api.get("/api/notifications", params={"cursor": first["next_cursor"]}, headers=stranger.headers)
    expect_error(stolen, 400, "invalid_cursor")
    expect_error(api.get("/api/notifications"), 401)
    expect_error(api.get("/api/notifications", params={"limit": 500}, headers=h), 422, "validation_error")
