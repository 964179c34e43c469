"""Item shapes of the messages table and their mapping to API schemas."""

from __future__ import annotations

import uuid

from messaging_service import keys
from messaging_service.repository import Item
from messaging_service.schemas import CreatedMessage, Message, MessageGroup, Person


def _member(person: Person) -> Item:
    return {
        "uuid": str(person.uuid),
        "sub": person.cognito_user_id,
        "handle": person.handle,
        "display_name": person.display_name,
        "avatar_url": person.avatar_url,
    }


def group_item(*, group_uuid: str, members: tuple[Person, Person], created_at: str) -> Item:
    """The conversation's metadata item: who is in it."""
    return {
        "pk": keys.group_pk(group_uuid),
        "sk": keys.GROUP_META_SK,
        "type": "group",
        "message_group_uuid": group_uuid,
        "created_at": created_at,
        "members": [_member(p) for p in members],
        "member_subs": [p.cognito_user_id for p in members],
    }


def entry_item(*, owner: Person, other: Person, group_uuid: str, first: Item) -> Item:
    """`owner`'s entry for the conversation with `other`, showing the first message."""
    return {
        "pk": keys.user_pk(owner.uuid),
        "sk": keys.entry_sk(other.uuid),
        "gsi1pk": keys.user_pk(owner.uuid),
        "gsi1sk": keys.entry_gsi1sk(first["created_at"], group_uuid),
        "type": "conversation",
        "message_group_uuid": group_uuid,
        "owner_uuid": str(owner.uuid),
        "other_uuid": str(other.uuid),
        "other_sub": other.cognito_user_id,
        "other_handle": other.handle,
        "other_display_name": other.display_name,
        "other_avatar_url": other.avatar_url,
        "last_message": first["message"],
        "last_message_at": first["created_at"],
        "last_message_sk": first["sk"],
    }


def message_item(*, group_uuid: str, sender: Person, recipient: Item, text: str, created_at: str) -> Item:
    """A message with denormalised sender fields and the recipient the stream processor notifies."""
    message_uuid = str(uuid.uuid4())
    return {
        "pk": keys.group_pk(group_uuid),
        "sk": keys.message_sk(created_at, message_uuid),
        "type": "message",
        "message_group_uuid": group_uuid,
        "message_uuid": message_uuid,
        "message": text,
        "created_at": created_at,
        "sender_uuid": str(sender.uuid),
        "sender_handle": sender.handle,
        "sender_display_name": sender.display_name,
        "sender_avatar_url": sender.avatar_url,
        "recipient_uuid": recipient["uuid"],
        "recipient_sub": recipient["sub"],
    }


def to_group(entry: Item) -> MessageGroup:
    """My entry as the original `/api/message_groups` item."""
    return MessageGroup(
        uuid=entry["message_group_uuid"],
        handle=entry["other_handle"],
        display_name=entry["other_display_name"],
        avatar_url=entry["other_avatar_url"],
        message=entry["last_message"],
        created_at=keys.parse_ts(entry["last_message_at"]),
    )


def to_message(item: Item) -> Message:
    """A message item as the original `/api/messages/{uuid}` item."""
    return Message(
        uuid=item["message_uuid"],
        handle=item["sender_handle"],
        display_name=item["sender_display_name"],
        avatar_url=item["sender_avatar_url"],
        message=item["message"],
        created_at=keys.parse_ts(item["created_at"]),
    )


def to_created(item: Item) -> CreatedMessage:
    """The response of POST /api/messages."""
    return CreatedMessage(**to_message(item).model_dump(), message_group_uuid=item["message_group_uuid"])
