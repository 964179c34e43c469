"""Stored rows to API shapes (`render_<thing>`)."""

from __future__ import annotations

from cruddur_common.contracts import Person
from notification_service.models import Notification as Row
from notification_service.notifications.schemas import Notification


def render_notification(row: Row) -> Notification:
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
