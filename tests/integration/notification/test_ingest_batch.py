"""The outboxes' batch ingest: one result per event, in order; a poison event is refused, the rest stored."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from cruddur_common.contracts import NOTIFICATION_BATCH_PATH
from tests.integration.notification.support import event, identity
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration


def test_a_poison_event_is_refused_and_the_events_after_it_are_stored(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    first = event("follow", recipient, actor)
    incomplete = {"kind": "like", "event_id": "not-a-uuid"}
    last = event("follow", recipient, actor)
    batch = [first, incomplete, last, first]  # the last one is a redelivery
    response = _post(notification_url, {"events": batch})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, True, True]
    assert results[1]["error"].startswith("invalid:")
    stored = api.get("/api/notifications", headers=user.headers).json()["items"]
    assert sorted(n["uuid"] for n in stored) == sorted([first["event_id"], last["event_id"]])


def test_a_batch_with_a_control_character_is_refused_whole_at_the_edge(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    """U+0000 never reaches Postgres; the outbox then resends one event at a time and parks only it."""
    recipient, actor = identity(api, make_user()), identity(api, make_user())
    nul = event("follow", recipient, actor | {"display_name": "Nul\u0000Name"})
    response = _post(notification_url, {"events": [event("follow", recipient, actor), nul]})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_characters")


@pytest.mark.parametrize("body", [{"events": []}, {"events": "x"}, {}])
def test_a_malformed_batch_is_a_4xx(notification_url: str, body: object) -> None:
    response = _post(notification_url, body)
    assert 400 <= response.status_code < 500 and response.status_code != 401, response.text


def _post(notification_url: str, body: object) -> httpx.Response:
    return httpx.post(
        f"{notification_url}{NOTIFICATION_BATCH_PATH}", json=body, auth=internal_auth(), timeout=10
    )
