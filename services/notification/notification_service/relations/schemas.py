"""The relation events the user service's outbox delivers (destination `relations`, issue 14 contract §1)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, TypeAlias

from pydantic import AwareDatetime, BaseModel, Field


class BlockEvent(BaseModel):
    """`blocker` blocked (`block`) or unblocked (`unblock`) `blocked`."""

    type: Literal["block", "unblock"]
    blocker: uuid.UUID
    blocked: uuid.UUID


class MuteEvent(BaseModel):
    """`muter` muted `muted` until `until` (null: until unmuted)."""

    type: Literal["mute"]
    muter: uuid.UUID
    muted: uuid.UUID
    until: AwareDatetime | None = None


class UnmuteEvent(BaseModel):
    """`muter` unmuted `muted`."""

    type: Literal["unmute"]
    muter: uuid.UUID
    muted: uuid.UUID


class SuspensionEvent(BaseModel):
    """A moderator suspended (`suspended: true`) or unsuspended `user`."""

    type: Literal["suspension"]
    user: uuid.UUID
    suspended: bool


RelationEvent: TypeAlias = Annotated[
    BlockEvent | MuteEvent | UnmuteEvent | SuspensionEvent, Field(discriminator="type")
]
