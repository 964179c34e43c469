"""Items of the messages table to API schemas (`render_<thing>`)."""

from __future__ import annotations

from datetime import datetime

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


def render_group(entry: Item, *, now: str) -> MessageGroup:
    """My entry as the original `/api/message_groups` item; an expired preview shows no text, a deleted
    account no handle and no avatar."""
    # alike render_message by shape, but an entry names the other person and the last message, a
    # message item its sender: two item kinds, two schemas (kept apart on purpose)
    expired = is_expired(entry, now=now, field="last_message_expires_at")
    deleted = bool(entry.get("other_deleted"))  # the other deleted their account: their fields are gone
    return MessageGroup(
        uuid=entry["message_group_uuid"],
        handle=None if deleted else entry["other_handle"],
        display_name=DELETED_ACCOUNT if deleted else entry["other_display_name"],
        avatar_url=None if deleted else entry["other_avatar_url"],
        message="" if expired else entry["last_message"],
        created_at=keys.parse_ts(entry["last_message_at"]),
        message_ttl=entry.get("message_ttl"),
        expires_at=_time(entry, "last_message_expires_at"),
    )


def render_message(item: Item) -> Message:
    """A message item as the original `/api/messages/{uuid}` item (items before issue 15: plain messages)."""
    return Message(
        uuid=item["message_uuid"],
        handle=item["sender_handle"],
        display_name=item["sender_display_name"],
        avatar_url=item["sender_avatar_url"],
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
