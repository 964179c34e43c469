"""Helpers of the messaging tests: sending messages and waiting for the stream processor."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import TestUser, wait_for


def send(api: httpx.Client, user: TestUser, text: str, **to: str) -> dict[str, Any]:
    """POST /api/messages and return the created message."""
    response = api.post("/api/messages", json={"message": text, **to}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def groups(api: httpx.Client, user: TestUser, **params: Any) -> list[dict[str, Any]]:
    """GET /api/message_groups."""
    response = api.get("/api/message_groups", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def wait_for_preview(api: httpx.Client, user: TestUser, *, handle: str, text: str) -> list[dict[str, Any]]:
    """Wait until `user`'s conversation with `handle` shows `text` as its last message."""
    seen: list[dict[str, Any]] = []

    def check() -> bool:
        seen[:] = groups(api, user)
        return any(g["handle"] == handle and g["message"] == text for g in seen)

    wait_for(check, what=f"@{user.handle}'s preview of @{handle} to be {text!r}")
    return seen


def me(api: httpx.Client, user: TestUser) -> dict[str, Any]:
    """The user's own profile (uuid, cognito_user_id, ...)."""
    response = api.get("/api/users/me", headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())
