"""Stored rows to API shapes and SSE events."""

from __future__ import annotations

from notification_service.broker import Envelope
from notification_service.models import Notification as Row
from notification_service.schemas import LiveMessage, MessageEvent, Notification, Person


def notification(row: Row) -> Notification:
    """A stored notification as the recipient sees it."""
    return Notification(
        id=row.seq,
        uuid=row.event_id,
        kind=row.kind,  # type: ignore[arg-type]
        actor=Person(
            uuid=row.actor_uuid,
            handle=row.actor_handle,
            display_name=row.actor_display_name,
            avatar_url=row.actor_avatar_url,
        ),
        activity_uuid=row.activity_uuid,
        activity_handle=row.activity_handle,
        message_group_uuid=row.message_group_uuid,
        preview=row.preview,
        read=row.read_at is not None,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def envelope(row: Row) -> Envelope:
    """The SSE event of a stored notification: `message` for a direct message, `notification` otherwise."""
    if row.kind == "message" and row.message_group_uuid is not None:
        data = MessageEvent(
            message_group_uuid=row.message_group_uuid,
            message=LiveMessage(
                uuid=row.event_id,
                handle=row.actor_handle,
                display_name=row.actor_display_name,
                avatar_url=row.actor_avatar_url,
                message=row.body or row.preview or "",
                created_at=row.created_at,
            ),
        )
        return {"id": row.seq, "event": "message", "data": data.model_dump(mode="json")}
    return {"id": row.seq, "event": "notification", "data": notification(row).model_dump(mode="json")}
