"""Notification events (cruddur_common.contracts.IngestEvent), queued in the action's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg

from cruddur_common import outbox
from cruddur_common.contracts import (
    PREVIEW_MAX,
    EventRecipient,
    EventTarget,
    IngestEvent,
    Kind,
    Person,
    Undoable,
)
from cruddur_common.text import shorten

NOTIFICATION = "notification"


def person(row: asyncpg.Record | Mapping[str, Any]) -> dict[str, Any]:
    """The actor block of an event."""
    return {
        "uuid": str(row["uuid"]),
        "handle": row["handle"],
        "display_name": row["display_name"],
        "avatar_url": row["avatar_url"],
    }


def event(
    kind: Kind | str,
    *,
    actor: Mapping[str, Any] | None,
    recipient: Mapping[str, Any] | None,
    activity_uuid: uuid.UUID,
    activity_handle: str | None,
    preview: str | None,
    expires_at: datetime | None,
    undoes: Undoable | None = None,
) -> dict[str, Any]:
    """One event, checked against the contract; `recipient` is a row with uuid and cognito_user_id.

    `retract` and `expire` are about the crud itself: no recipient (and `expire` no actor either).
    """
    built = IngestEvent(
        event_id=uuid.uuid4(),
        kind=kind,  # type: ignore[arg-type]  # the contract validates it
        actor=None if actor is None else Person.model_validate(actor),
        recipient=None
        if recipient is None
        else EventRecipient(uuid=recipient["uuid"], sub=recipient["cognito_user_id"]),
        target=EventTarget(
            activity_uuid=activity_uuid,
            activity_handle=activity_handle,
            preview=None if preview is None else shorten(preview, PREVIEW_MAX),
            undoes=undoes,
        ),
        expires_at=expires_at,
        created_at=datetime.now(UTC),
    )
    return built.model_dump(mode="json", exclude_none=True)


def retract(
    activity_uuid: uuid.UUID, *, actor: Mapping[str, Any] | None = None, activity_handle: str | None = None
) -> dict[str, Any]:
    """A `retract` event: the crud is gone, its notifications go."""
    return event(
        "retract",
        actor=actor,
        recipient=None,
        activity_uuid=activity_uuid,
        activity_handle=activity_handle,
        preview=None,
        expires_at=None,
    )


async def queue(conn: asyncpg.Connection, bodies: list[dict[str, Any]]) -> None:
    """Write notification events in the caller's transaction."""
    await outbox.enqueue(conn, destination=NOTIFICATION, bodies=bodies)
