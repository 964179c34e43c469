"""The outboxes' batch ingest: one result per event, in order; a poison event is refused, the rest stored."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from cruddur_common.contracts import NOTIFICATION_BATCH_PATH
from tests.integration.notification.conftest import event, identity
from tests.support import TestUser

pytestmark = pytest.mark.integration


def test_a_poison_event_is_refused_and_the_events_after_it_are_stored(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    first = event("follow", recipient, actor)
    nul = event("follow", recipient, actor | {"display_name": "Nul\u0000Name"})  # Postgres refuses U+0000
    incomplete = {"kind": "like", "event_id": "not-a-uuid"}
    last = event("follow", recipient, actor)
    batch = [first, nul, incomplete, last, first]  # the last one is a redelivery
    response = httpx.post(f"{notification_url}{NOTIFICATION_BATCH_PATH}", json={"events": batch}, timeout=10)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, False, True, True]
    assert results[2]["error"].startswith("invalid:")
    stored = api.get("/api/notifications", headers=user.headers).json()["items"]
    assert sorted(n["uuid"] for n in stored) == sorted([first["event_id"], last["event_id"]])


@pytest.mark.parametrize("body", [{"events": []}, {"events": "x"}, {}])
def test_a_malformed_batch_is_a_4xx(notification_url: str, body: object) -> None:
    response = httpx.post(f"{notification_url}{NOTIFICATION_BATCH_PATH}", json=body, timeout=10)
    assert 400 <= response.status_code < 500
