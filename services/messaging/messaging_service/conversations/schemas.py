"""Request and response models of the messaging service (original field names kept)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from cruddur_common.expiry import MESSAGE_TTLS

MAX_MESSAGE_CHARS = 1024
MessageKind = Literal["message", "timer"]
_TTL_DOC = f"One of {', '.join(MESSAGE_TTLS)}, or null: messages do not disappear."
_TTL_ENUM: JsonDict = {"enum": [*MESSAGE_TTLS, None]}  # documented as the enum it is
# Who a conversation shows in the place of a member who deleted their account (issue 16).
DELETED_ACCOUNT = "Deleted account"


class Person(BaseModel):
    """A participant as other services describe them (a cached copy of the user service's view)."""

    uuid: UUID
    cognito_user_id: str
    handle: str
    display_name: str
    avatar_url: str


class Relation(BaseModel):
    """Whether two people are in a block, as the user service answers `/internal/relations/{a}/{b}`."""

    blocked: bool


class MessageGroup(BaseModel):
    """One of my conversations: the other participant, the last message and its time."""

    uuid: UUID = Field(description="The conversation (message group) id.")
    handle: str | None = Field(description="The other participant's handle (null: a deleted account).")
    display_name: str = Field(
        description=f'The other participant\'s display name ("{DELETED_ACCOUNT}" for a deleted account).'
    )
    avatar_url: str | None = Field(description="The other participant's avatar (null: a deleted account).")
    message: str = Field(description='The last message of the conversation ("" once it has expired).')
    created_at: datetime = Field(description="When the last message was sent (UTC).")
    # defaults: the SPA builds an entry itself for a conversation it has just started
    message_ttl: str | None = Field(
        default=None, description=f"The conversation's message timer. {_TTL_DOC}", json_schema_extra=_TTL_ENUM
    )
    expires_at: datetime | None = Field(
        default=None, description="When the last message disappears (null: it does not)."
    )
    unread_count: int = Field(default=0, description="Messages from the other person since I last read it.")


class UnreadMessages(BaseModel):
    """What is unread in my conversations (the Messages badge)."""

    unread_count: int = Field(description="Unread messages in all my conversations.")
    conversations: int = Field(description="How many conversations have unread messages.")


class Message(BaseModel):
    """One direct message with its sender's handle, name and avatar."""

    uuid: UUID = Field(description="The message id.")
    handle: str
    display_name: str
    avatar_url: str
    message: str
    created_at: datetime
    kind: MessageKind = Field(
        default="message",
        description="`timer`: a system line, the sender changed the conversation's message timer.",
    )
    expires_at: datetime | None = Field(
        description="When the message disappears (sent while a timer was set); null: never."
    )
    message_ttl: str | None = Field(
        description="Timer lines only: the timer set (null: off).", json_schema_extra=_TTL_ENUM
    )


class CreatedMessage(Message):
    """The message just sent, and the conversation it is in."""

    message_group_uuid: UUID


class CreateMessage(BaseModel):
    """Send a message: into a conversation (`message_group_uuid`) or to a person (`handle`)."""

    model_config = ConfigDict(extra="ignore")

    # minLength in the docs only: blank text is 422 `message_blank`, not a generic validation error
    message: str = Field(
        max_length=16 * MAX_MESSAGE_CHARS,
        description="1-1024 characters.",
        json_schema_extra={"minLength": 1},
    )
    message_group_uuid: UUID | None = Field(default=None, description="An existing conversation.")
    handle: str | None = Field(
        default=None, max_length=64, description="Start (or continue) the conversation with this person."
    )


class UpdateMessageGroup(BaseModel):
    """Set or clear the conversation's message timer (either member)."""

    # a bad value is 422 `message_ttl_invalid` (the service checks it), not a generic validation error
    message_ttl: str | None = Field(max_length=64, description=_TTL_DOC, json_schema_extra=_TTL_ENUM)


class MessageGroupSettings(BaseModel):
    """A conversation's settings: its message timer and who changed it last."""

    uuid: UUID = Field(description="The conversation (message group) id.")
    message_ttl: str | None = Field(description=_TTL_DOC, json_schema_extra=_TTL_ENUM)
    updated_at: datetime | None = Field(description="When the timer was last changed (null: never).")
    updated_by_handle: str | None = Field(description="Who changed it last (null: never changed).")
