"""Typed calls to other services from the stream processor: notification events."""

from __future__ import annotations

from typing import Any

import httpx


class EventRejected(Exception):
    """The notification service refused an event as invalid (retrying cannot help)."""


class NotificationClient:
    """Posts events to the notification service's ingest endpoint (idempotent by event id)."""

    def __init__(self, *, http: httpx.AsyncClient, base_url: str) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/internal/notifications/events"

    async def send(self, event: dict[str, Any]) -> None:
        """Deliver one event; raise when the service did not accept it (the caller retries)."""
        response = await self._http.post(self._url, json=event)
        if response.status_code == 422:
            raise EventRejected(response.text[:300])
        response.raise_for_status()
