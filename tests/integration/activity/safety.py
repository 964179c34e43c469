"""Helpers of the safety tests: relation events as the user service's outbox sends them, and the purge."""

from __future__ import annotations

from typing import Any

import httpx

from cruddur_common.registry import service
from devstack.stack import LocalStack
from tests.internal import internal_auth
from tests.support import TestUser


def activity_url(stack: LocalStack) -> str:
    """The activity service itself (internal endpoints are not routed by the gateway)."""
    return stack.cfg.service_url(service("activity"))


def send(stack: LocalStack, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """Post relation events to the projection, as one batch of the user service's outbox."""
    response = httpx.post(
        f"{activity_url(stack)}/internal/projection/events",
        json={"events": list(events)},
        auth=internal_auth(),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def user_uuid(api: httpx.Client, user: TestUser) -> str:
    """A user's uuid (the user service's /api/users/me)."""
    response = api.get("/api/users/me", headers=user.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["uuid"])


def block(blocker: str, blocked: str, *, on: bool = True) -> dict[str, Any]:
    """A `block` (or `unblock`) event."""
    return {"type": "block" if on else "unblock", "blocker": blocker, "blocked": blocked}


def mute(muter: str, muted: str, until: str | None = None) -> dict[str, Any]:
    """A `mute` event (until None: until unmuted)."""
    return {"type": "mute", "muter": muter, "muted": muted, "until": until}


def suspension(user: str, *, suspended: bool = True) -> dict[str, Any]:
    """A `suspension` event."""
    return {"type": "suspension", "user": user, "suspended": suspended}


def uuids(items: list[dict[str, Any]]) -> list[str]:
    """The uuids of feed items."""
    return [str(item["uuid"]) for item in items]
