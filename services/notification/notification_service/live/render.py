"""Stored rows to server-sent events (`render_<thing>`)."""

from __future__ import annotations

from cruddur_common.contracts import HomeEvent
from notification_service.live.broker import Envelope
from notification_service.live.schemas import (
    HomeEntryEvent,
    LiveMessage,
    MessageEvent,
    MessageKind,
    UnreadEvent,
)
from notification_service.models import Notification as Row
from notification_service.notifications.render import render_notification


def render_envelope(row: Row, *, kind: MessageKind = "message", message_ttl: str | None = None) -> Envelope:
    """The SSE event of a notification: `message` for a direct message, `notification` otherwise.

    A conversation's timer line (never stored) is a `message` event of kind `timer`, naming `message_ttl`.
    """
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
                expires_at=row.expires_at,
                kind=kind,
                message_ttl=message_ttl,
            ),
        )
        return {"id": row.seq, "event": "message", "data": data.model_dump(mode="json")}
    return {"id": row.seq, "event": "notification", "data": render_notification(row).model_dump(mode="json")}


def render_unread(count: int) -> Envelope:
    """The `unread` SSE event: the person's unread count changed (no id: it is not replayed)."""
    return {"id": None, "event": "unread", "data": UnreadEvent(unread_count=count).model_dump(mode="json")}


def render_home(event: HomeEvent) -> Envelope:
    """The `home` SSE event: a crud entered the recipients' home timelines (no id: not stored or replayed)."""
    data = HomeEntryEvent(
        activity_uuid=event.activity_uuid,
        author_uuid=event.author_uuid,
        reposter_uuid=event.reposter_uuid,
        created_at=event.created_at,
    )
    return {"id": None, "event": "home", "data": data.model_dump(mode="json")}
