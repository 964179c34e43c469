"""Internal models of the author, follow and relation projections (pushed by the user service)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, Field

from cruddur_common.contracts import ErasureEvent, RelationEvent
from cruddur_common.urls import PublicUrl


class AuthorIn(BaseModel):
    """A user as the user service publishes them."""

    uuid: uuid.UUID
    cognito_user_id: str = Field(min_length=1, max_length=128)
    handle: str = Field(pattern=r"^[A-Za-z0-9_]{3,30}$")
    # The user service's request ceilings in code points: its limits (50, 160) count user-perceived
    # characters (cruddur_common.text.text_length), and one of those may be several code points.
    display_name: str = Field(min_length=1, max_length=1000)
    bio: str = Field(default="", max_length=10_000)
    avatar_url: PublicUrl = ""  # rendered as <img src>: never javascript: or another scheme
    updated_at: datetime
    # Absent (the user service's /api/users/me, older events): a new author is not suspended, a known one
    # keeps what the `suspension` events said.
    suspended: bool | None = None


class FollowIn(BaseModel):
    """A follow edge, with both ends so the projection never misses an author."""

    follower: AuthorIn
    followee: AuthorIn


class AuthorEvent(BaseModel):
    """Outbox event: a user's current public data."""

    type: Literal["author"]
    author: AuthorIn


class FollowEvent(FollowIn):
    """Outbox event: a follow edge added (`follow`) or removed (`unfollow`)."""

    type: Literal["follow", "unfollow"]


ProjectionEvent: TypeAlias = Annotated[
    AuthorEvent | FollowEvent | RelationEvent | ErasureEvent, Field(discriminator="type")
]


class Applied(BaseModel):
    """Acknowledgement of a projection update."""

    applied: bool
