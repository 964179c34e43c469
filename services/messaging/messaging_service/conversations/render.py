"""Items of the messages table to API schemas (`render_<thing>`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from cruddur_common.people import Card
from messaging_service.conversations import keys
from messaging_service.conversations.repository import Item, is_expired
from messaging_service.conversations.schemas import (
    DELETED_ACCOUNT,
    CreatedMessage,
    Message,
    MessageGroup,
    MessageGroupSettings,
)


def _time(item: Item, field: str) -> datetime | None:
    value = item.get(field)
    return keys.parse_ts(value) if value is not None else None


def _card(item: Item, field: str, cards: Mapping[uuid.UUID, Card] | None) -> Card | None:
    """The current card of the person an item names in `field` (None: show the item's copy)."""
    value = item.get(field)
    return None if value is None or not cards else cards.get(uuid.UUID(value))


def render_group(entry: Item, *, now: str, cards: Mapping[uuid.UUID, Card] | None = None) -> MessageGroup:
    """My entry as the original `/api/message_groups` item, naming the other person as they are now;
    an expired preview shows no text, a deleted account no handle and no avatar."""
    # alike render_message by shape, but an entry names the other person and the last message, a
    # message item its sender: two item kinds, two schemas (kept apart on purpose)
    expired = is_expired(entry, now=now, field="last_message_expires_at")
    deleted = bool(entry.get("other_deleted"))  # the other deleted their account: their fields are gone
    card = _card(entry, "other_uuid", cards)
    return MessageGroup(
        uuid=entry["message_group_uuid"],
        handle=None if deleted else card.handle if card else entry["other_handle"],
        display_name=DELETED_ACCOUNT
        if deleted
        else card.display_name
        if card
        else entry["other_display_name"],
        avatar_url=None if deleted else card.avatar_url if card else entry["other_avatar_url"],
        message="" if expired else entry["last_message"],
        created_at=keys.parse_ts(entry["last_message_at"]),
        message_ttl=entry.get("message_ttl"),
        expires_at=_time(entry, "last_message_expires_at"),
        unread_count=int(entry.get("unread_count", 0)),
    )


def render_message(item: Item, *, cards: Mapping[uuid.UUID, Card] | None = None) -> Message:
    """A message item as the original `/api/messages/{uuid}` item, naming its sender as they are now
    (items before issue 15: plain messages)."""
    card = _card(item, "sender_uuid", cards)
    return Message(
        uuid=item["message_uuid"],
        handle=card.handle if card else item["sender_handle"],
        display_name=card.display_name if card else item["sender_display_name"],
        avatar_url=(card.avatar_url or "") if card else item["sender_avatar_url"],
        message=item["message"],
        created_at=keys.parse_ts(item["created_at"]),
        kind=item.get("kind", "message"),
        expires_at=_time(item, "expires_at"),
        message_ttl=item.get("message_ttl"),
    )


def render_created(item: Item) -> CreatedMessage:
    """The response of POST /api/messages."""
    return CreatedMessage(**render_message(item).model_dump(), message_group_uuid=item["message_group_uuid"])


def render_settings(group: Item) -> MessageGroupSettings:
    """A conversation's metadata item as its settings."""
    return MessageGroupSettings(
        uuid=group["message_group_uuid"],
        message_ttl=group.get("message_ttl"),
        updated_at=_time(group, "message_ttl_updated_at"),
        updated_by_handle=group.get("message_ttl_updated_by"),
    )
