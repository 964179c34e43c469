"""Stored rows to API shapes (`render_<thing>`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from cruddur_common.contracts import Person
from cruddur_common.people import Card
from notification_service.models import Notification as Row
from notification_service.notifications.schemas import Notification


def render_actor(row: Row, cards: Mapping[uuid.UUID, Card]) -> Person:
    """Who did it: their current name and avatar, else the copy the event carried."""
    card = cards.get(row.actor_uuid)
    if card is not None:
        return Person(
            uuid=card.uuid, handle=card.handle, display_name=card.display_name, avatar_url=card.avatar_url
        )
    return Person(
        uuid=row.actor_uuid,
        handle=row.actor_handle,
        display_name=row.actor_display_name,
        avatar_url=row.actor_avatar_url,
    )


def render_notification(
    row: Row,
    *,
    cards: Mapping[uuid.UUID, Card] | None = None,
    others: Sequence[Row] = (),
    group_size: int = 1,
) -> Notification:
    """A stored notification as the recipient sees it; a group's head names the next actors of it."""
    cards = cards or {}
    return Notification(
        id=row.seq,
        uuid=row.event_id,
        kind=row.kind,  # type: ignore[arg-type]
        actor=render_actor(row, cards),
        activity_uuid=row.activity_uuid,
        activity_handle=row.activity_handle,
        message_group_uuid=row.message_group_uuid,
        preview=row.preview,
        read=row.read_at is not None,
        created_at=row.created_at,
        expires_at=row.expires_at,
        others=[render_actor(o, cards) for o in others],
        others_count=max(group_size - 1, 0),
    )
