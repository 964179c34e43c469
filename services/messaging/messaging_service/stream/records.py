"""Decoding a DynamoDB stream record into a new message, refusing what no retry could ever deliver."""

from __future__ import annotations

import re
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from messaging_service.conversations import keys
from messaging_service.conversations import repository as conversations
from messaging_service.conversations.repository import Item
from messaging_service.conversations.schemas import MAX_MESSAGE_CHARS
from messaging_service.stream.failures import InvalidRecord

# C0 controls other than tab, newline and carriage return; Postgres refuses U+0000 in any text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StreamMessage(BaseModel):
    """A message item as the stream carries it (the fields the previews and the notification need)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    pk: str
    sk: str
    message_uuid: UUID
    message_group_uuid: UUID
    # Code points: the request's ceiling (MAX_MESSAGE_CHARS counts user-perceived characters)
    message: str = Field(min_length=1, max_length=16 * MAX_MESSAGE_CHARS)
    created_at: str
    sender_uuid: UUID
    sender_handle: str = Field(min_length=1, max_length=64)
    sender_display_name: str = Field(min_length=1, max_length=1000)
    sender_avatar_url: str | None = Field(default=None, max_length=2048)
    recipient_uuid: UUID
    recipient_sub: str = Field(min_length=1, max_length=128)
    kind: Literal["message", "timer"] = "message"
    expires_at: str | None = None
    message_ttl: str | None = Field(default=None, max_length=16)

    @field_validator("message_uuid", "message_group_uuid", "sender_uuid", "recipient_uuid", mode="before")
    @classmethod
    def _uuid_text(cls, value: Any) -> UUID:
        if not isinstance(value, str):
            raise ValueError("must be a string holding a UUID")
        return UUID(value)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError("contains a control character")
        return value

    @field_validator("created_at", "expires_at")
    @classmethod
    def _timestamp(cls, value: str | None) -> str | None:
        if value is not None:
            keys.parse_ts(value)  # the one stored format, or a ValueError
        return value

    def item(self) -> Item:
        """The fields a preview update reads, as the repository takes them."""
        return {
            "sk": self.sk,
            "message": self.message,
            "created_at": self.created_at,
            "message_group_uuid": str(self.message_group_uuid),
            "expires_at": self.expires_at,
            "sender_uuid": str(self.sender_uuid),  # whose it is: unread for the other member only
            "kind": self.kind,
        }


def _errors(exc: ValidationError) -> str:
    """Which fields are wrong and why, without their values (a DM's text must not reach a log line)."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in exc.errors())


class ExpiredMessage(BaseModel):
    """A disappearing message deleted from the table (TTL or the local sweep): whose previews to empty."""

    model_config = ConfigDict(extra="ignore", strict=True)

    sk: str
    expires_at: str
    sender_uuid: str
    recipient_uuid: str


def _image(record: Any, *, event: str, image: str) -> Item | None:
    """The deserialised `image` of a message item's `event` record; None for any other record."""
    if not isinstance(record, dict):
        raise InvalidRecord("a stream record must be an object")
    if record.get("eventName") != event:
        return None
    dynamodb = record.get("dynamodb")
    found = dynamodb.get(image) if isinstance(dynamodb, dict) else None
    if not found:
        return None
    try:
        item = conversations.deserialize(found)
    except (TypeError, ValueError, AttributeError) as exc:
        raise InvalidRecord(f"undecodable image: {type(exc).__name__}") from None
    if not keys.is_message_key(str(item.get("pk", "")), str(item.get("sk", ""))):
        return None
    return item


def decode_expired(record: Any) -> ExpiredMessage | None:
    """The disappearing message a record removes; None for any other record (a removed plain message is
    moderation's, which fixed the previews itself before deleting it)."""
    item = _image(record, event="REMOVE", image="OldImage")
    if item is None or "expires_at" not in item:
        return None
    try:
        return ExpiredMessage.model_validate(item)
    except ValidationError as exc:
        raise InvalidRecord(f"invalid message item: {_errors(exc)}") from None


def decode_message(record: Any) -> StreamMessage | None:
    """The new message a record inserts; None for any other record; InvalidRecord when it is malformed."""
    item = _image(record, event="INSERT", image="NewImage")
    if item is None:
        return None
    try:
        return StreamMessage.model_validate(item)
    except ValidationError as exc:
        raise InvalidRecord(f"invalid message item: {_errors(exc)}") from None
