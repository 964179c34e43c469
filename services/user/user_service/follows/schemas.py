"""Request and response models of the follow graph."""

from __future__ import annotations

from pydantic import BaseModel

from user_service.profiles.schemas import UserCard


class Person(UserCard):
    """A user in a list, with whether the signed-in reader follows them (null: signed out)."""

    bio: str = ""
    followed: bool | None = None


class PersonPage(BaseModel):
    """A page of people."""

    items: list[Person]
    next_cursor: str | None


class FollowState(BaseModel):
    """The reader's follow of a user after the call."""

    handle: str
    following: bool
    followers_count: int
