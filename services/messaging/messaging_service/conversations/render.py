"""Items of the messages table to API schemas (`render_<thing>`)."""

from __future__ import annotations

from messaging_service.conversations import keys
from messaging_service.conversations.repository import Item
from messaging_service.conversations.schemas import CreatedMessage, Message, MessageGroup


def render_group(entry: Item) -> MessageGroup:
    """My entry as the original `/api/message_groups` item."""
    # alike render_message by shape, but an entry names the other person and the last message, a
    # message item its sender: two item kinds, two schemas (kept apart on purpose)
    return MessageGroup(
        uuid=entry["message_group_uuid"],
        handle=entry["other_handle"],
        display_name=entry["other_display_name"],
        avatar_url=entry["other_avatar_url"],
        message=entry["last_message"],
        created_at=keys.parse_ts(entry["last_message_at"]),
    )


def render_message(item: Item) -> Message:
    """A message item as the original `/api/messages/{uuid}` item."""
    return Message(
        uuid=item["message_uuid"],
        handle=item["sender_handle"],
        display_name=item["sender_display_name"],
        avatar_url=item["sender_avatar_url"],
        message=item["message"],
        created_at=keys.parse_ts(item["created_at"]),
    )


def render_created(item: Item) -> CreatedMessage:
    """The response of POST /api/messages."""
    return CreatedMessage(**render_message(item).model_dump(), message_group_uuid=item["message_group_uuid"])
