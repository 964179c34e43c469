"""Helpers of the reports and moderation tests: reporting, resolving, and whether peers hold evidence yet."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import TestUser


def report(
    api: httpx.Client, user: TestUser, target_type: str, target_id: str, **extra: Any
) -> httpx.Response:
    """POST /api/reports as `user`."""
    body = {"target": {"type": target_type, "id": target_id}, "category": "harassment", **extra}
    return api.post("/api/reports", json=body, headers=user.headers)


def resolve(
    api: httpx.Client, moderator: TestUser, report_id: str, action: str, note: str = ""
) -> httpx.Response:
    """POST /api/moderation/reports/{id}/resolve as `moderator`."""
    body = {"action": action, "note": note}
    return api.post(f"/api/moderation/reports/{report_id}/resolve", json=body, headers=moderator.headers)


def queue(api: httpx.Client, moderator: TestUser, status: str = "open") -> list[dict[str, Any]]:
    """Every report of a list (all pages)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"status": status, "limit": 100}
    while True:
        page = api.get("/api/moderation/reports", params=params, headers=moderator.headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if page.json()["next_cursor"] is None:
            return items
        params["cursor"] = page.json()["next_cursor"]


def post(api: httpx.Client, user: TestUser, message: str = "a crud") -> dict[str, Any]:
    """Post a crud that lives an hour."""
    response = api.post("/api/activities", json={"message": message, "ttl": "1-hour"}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())
