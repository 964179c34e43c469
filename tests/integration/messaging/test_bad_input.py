"""Bad input gets a 4xx with a stable code, never a 500, and writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.integration.messaging.support import groups, send
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def test_messages_are_validated(api: httpx.Client, pair: tuple[TestUser, TestUser]) -> None:
    alice, bob = pair

    def post(body: object) -> httpx.Response:
        return api.post("/api/messages", json=body, headers=alice.headers)

    expect_error(post({"message": "   ", "handle": bob.handle}), 422, "message_blank")
    expect_error(post({"message": "x" * 1025, "handle": bob.handle}), 422, "message_too_long")
    expect_error(post({"message": "x" * 100_000, "handle": bob.handle}), 422, "validation_error")
    expect_error(post({"message": "hi", "handle": alice.handle}), 422, "cannot_message_self")
    expect_error(post({"message": "hi", "handle": "nobody_" + uuid.uuid4().hex[:8]}), 404, "user_not_found")
    expect_error(post({"message": "hi"}), 422, "recipient_required")
    group = str(uuid.uuid4())
    expect_error(
        post({"message": "hi", "handle": bob.handle, "message_group_uuid": group}), 422, "recipient_required"
    )
    expect_error(post({"message": "hi", "message_group_uuid": "not-a-uuid"}), 422, "validation_error")
    expect_error(post({"message": "hi", "message_group_uuid": group}), 404, "message_group_not_found")
    expect_error(post({"handle": bob.handle}), 422, "validation_error")
    expect_error(post(["not", "an", "object"]), 400, "invalid_body")
    raw = api.post(
        "/api/messages", content=b"{nope", headers=alice.headers | {"content-type": "application/json"}
    )
    expect_error(raw, 400, "invalid_body")
    expect_error(api.post("/api/messages", json={"message": "hi", "handle": bob.handle}), 401)
    assert groups(api, alice) == [] and groups(api, bob) == [], "nothing half-written"

    exact = send(api, alice, "x" * 1024, handle=bob.handle)
    assert len(exact["message"]) == 1024


def test_reads_reject_bad_ids_and_cursors(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_user: Callable[..., TestUser]
) -> None:
    alice, bob = pair
    group = send(api, alice, "one", handle=bob.handle)["message_group_uuid"]
    send(api, bob, "two", message_group_uuid=group)
    send(api, alice, "three", message_group_uuid=group)
    h = alice.headers
    expect_error(api.get("/api/messages/not-a-uuid", headers=h), 422, "validation_error")
    expect_error(api.get(f"/api/messages/{uuid.uuid4()}", headers=h), 404, "message_group_not_found")
    expect_error(api.get(f"/api/messages/{group}", params={"limit": 0}, headers=h), 422, "validation_error")
    expect_error(api.get(f"/api/messages/{group}", params={"limit": 101}, headers=h), 422, "validation_error")
    for cursor in ("garbage", "eyJhIjoxfQ", "A" * 40, "%%%"):
        expect_error(
            api.get(f"/api/messages/{group}", params={"cursor": cursor}, headers=h), 400, "invalid_cursor"
        )
        expect_error(
            api.get("/api/message_groups", params={"cursor": cursor}, headers=h), 400, "invalid_cursor"
        )
    page = api.get(f"/api/messages/{group}", params={"limit": 1}, headers=h)
    next_url = page.links["next"]["url"]
    cursor = str(httpx.URL(next_url).params["cursor"])
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    expect_error(
        api.get(f"/api/messages/{group}", params={"cursor": tampered}, headers=h), 400, "invalid_cursor"
    )
    carol = make_user()
    expect_error(api.get(next_url, headers=carol.headers), 400, "invalid_cursor")
    other_group = send(api, carol, "elsewhere", handle=alice.handle)["message_group_uuid"]
    moved = api.get(f"/api/messages/{other_group}", params={"cursor": cursor}, headers=h)
    expect_error(moved, 400, "invalid_cursor")
    expect_error(api.get(f"/api/message_groups/@{alice.handle}", headers=h), 404, "message_group_not_found")
    expect_error(api.get("/api/message_groups/@nobody_zz_unknown", headers=h), 404, "user_not_found")
