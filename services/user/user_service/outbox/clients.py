"""The HTTP call an outbox event stands for."""

from __future__ import annotations

from typing import Any

import httpx


class DeliveryFailed(Exception):
    """The peer did not accept the call (retry later)."""


class Rejected(Exception):
    """The peer refused the call for good (a 4xx other than 404/408/409/425/429): retrying cannot help."""


async def send(http: httpx.AsyncClient, *, base_url: str, method: str, path: str, body: Any) -> None:
    """Perform one call; raise DeliveryFailed (retry) or Rejected (drop)."""
    try:
        response = await http.request(method, base_url.rstrip("/") + path, json=body)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code < 300:
        return
    message = f"{response.status_code}: {response.text[:200]}"
    if 400 <= response.status_code < 500 and response.status_code not in (404, 408, 409, 425, 429):
        raise Rejected(message)
    raise DeliveryFailed(message)
