"""Typed calls to the notification service: events from the stream processor, withdrawals by moderation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


class EventRejected(Exception):
    """The notification service refused an event as invalid (retrying cannot help)."""


class NotificationClient:
    """The notification service's ingest endpoint: post an event (idempotent by event id), withdraw one."""

    def __init__(self, *, http: httpx.AsyncClient, base_url: str) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/internal/notifications/events"

    async def send(self, event: dict[str, Any]) -> None:
        """Deliver one event; raise when the service did not accept it (the caller retries)."""
        response = await self._http.post(self._url, json=event)
        if response.status_code == 422:
            raise EventRejected(response.text[:300])
        response.raise_for_status()

    async def withdraw(self, event_id: uuid.UUID) -> None:
        """Delete the notification of an event (a removed message: its id is the event id); idempotent."""
        response = await self._http.delete(f"{self._url}/{event_id}")
        response.raise_for_status()
