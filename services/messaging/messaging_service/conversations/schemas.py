"""Request and response models of the messaging service (original field names kept)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

MAX_MESSAGE_CHARS = 1024


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
    handle: str = Field(description="The other participant's handle.")
    display_name: str = Field(description="The other participant's display name.")
    avatar_url: str = Field(description="The other participant's avatar.")
    message: str = Field(description="The last message of the conversation.")
    created_at: datetime = Field(description="When the last message was sent (UTC).")


class Message(BaseModel):
    """One direct message with its sender's handle, name and avatar."""

    uuid: UUID = Field(description="The message id.")
    handle: str
    display_name: str
    avatar_url: str
    message: str
    created_at: datetime


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
