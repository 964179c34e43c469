"""Test helpers: real users in the local Cognito, signed in through the gateway."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from devstack import seed

PASSWORD = "Test-password-1"


@dataclass
class TestUser:
    """A confirmed, signed-in user of the test stack."""

    __test__ = False

    handle: str
    email: str
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header for this user."""
        return {"authorization": f"Bearer {self.token}"}


def unique_handle(prefix: str = "u") -> str:
    """A handle no other test uses (3-30 letters, digits, underscores)."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def create_user(
    gateway_url: str, client_id: str, *, handle: str | None = None, name: str | None = None
) -> TestUser:
    """Sign up, confirm (runs the post-confirmation trigger), sign in."""
    handle = handle or unique_handle()
    email = f"{handle.lower()}@example.com"
    name = name or handle.replace("_", " ").title()
    seed.sign_up(gateway_url, client_id, seed.DemoUser(handle, name, email), PASSWORD)
    token = seed.sign_in(gateway_url, client_id, email, PASSWORD)
    return TestUser(handle=handle, email=email, name=name, token=token)


def sign_in(gateway_url: str, client_id: str, email: str) -> str:
    """A fresh access token."""
    return seed.sign_in(gateway_url, client_id, email, PASSWORD)


def post_crud(
    api: httpx.Client, message: str, *, user: TestUser | None = None, ttl: str = "7-days", **body: Any
) -> dict[str, Any]:
    """Post a crud as `user` (default: the client's own Authorization); returns it, asserting the 201."""
    headers = user.headers if user is not None else None
    response = api.post("/api/activities", json={"message": message, "ttl": ttl, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def expect_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, object]:
    """Assert a JSON error with this status (and code); return the error object."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert "error" in body, body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def wait_for(check: Callable[[], bool], *, what: str, timeout: float = 10.0) -> None:
    """Poll until `check()` is true (asynchronous projections, outboxes and stream processors)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
