"""Request and response models of block and mute."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from user_service.profiles.schemas import UserCard

Duration = Literal["1-hour", "1-day", "7-days", "30-days"]


class MuteIn(BaseModel):
    """`PUT /api/users/@{handle}/mute`: how long (null or no body: until unmuted)."""

    duration: Duration | None = None


class BlockedUser(UserCard):
    """Someone the reader blocked, and since when."""

    created_at: datetime


class MutedUser(BlockedUser):
    """Someone the reader mutes, since when and until when (null: until unmuted)."""

    until: datetime | None


class BlockedPage(BaseModel):
    """A page of blocked people, newest block first."""

    items: list[BlockedUser]
    next_cursor: str | None


class MutedPage(BaseModel):
    """A page of muted people, newest mute first (lapsed mutes are not listed)."""

    items: list[MutedUser]
    next_cursor: str | None


class PairState(BaseModel):
    """`GET /internal/relations/{a}/{b}`: whether either of the two blocked the other."""

    blocked: bool
