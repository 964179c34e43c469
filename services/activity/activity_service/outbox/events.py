"""Notification events (the notification service's ingest contract), queued in the action's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg

from activity_service.outbox import repository

NOTIFICATION = "notification"
INGEST_PATH = "/internal/notifications/events"
PREVIEW_CHARS = 140


def person(row: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    """The actor block of an event."""
    return {
        "uuid": str(row["uuid"]),
        "handle": row["handle"],
        "display_name": row["display_name"],
        "avatar_url": row["avatar_url"],
    }


def event(
    kind: str,
    *,
    actor: dict[str, Any],
    recipient: Mapping[str, Any] | None,
    activity_uuid: uuid.UUID,
    activity_handle: str,
    preview: str | None,
    expires_at: datetime | None,
) -> dict[str, Any]:
    """One event body; `recipient` is a row with uuid and cognito_user_id (omitted for retract)."""
    body: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "kind": kind,
        "actor": actor,
        "target": {"activity_uuid": str(activity_uuid), "activity_handle": activity_handle},
        "created_at": datetime.now(UTC).isoformat(),
    }
    if recipient is not None:
        body["recipient"] = {"uuid": str(recipient["uuid"]), "sub": recipient["cognito_user_id"]}
    if preview is not None:
        body["target"]["preview"] = preview[:PREVIEW_CHARS]
    if expires_at is not None:
        body["expires_at"] = expires_at.isoformat()
    return body


async def queue(conn: asyncpg.Connection, bodies: list[dict[str, Any]]) -> None:
    """Write notification events in the caller's transaction."""
    await repository.enqueue(conn, destination=NOTIFICATION, method="POST", path=INGEST_PATH, bodies=bodies)
