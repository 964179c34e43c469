"""Response models of feeds, pages, search and trending (original field names kept)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from activity_service.schemas import ActivityItem


class Profile(BaseModel):
    """The header of a user page."""

    uuid: uuid.UUID
    handle: str
    display_name: str
    bio: str
    avatar_url: str
    cruds_count: int = Field(description="Live cruds (replies and expired cruds excluded)")
    followers_count: int
    following_count: int
    followed: bool | None = Field(default=None, description="Does the signed-in reader follow them")


class UserPage(BaseModel):
    """`GET /api/activities/@{handle}`: the profile and a page of their cruds."""

    profile: Profile
    activities: list[ActivityItem]
    next_cursor: str | None


class CrudPage(BaseModel):
    """`GET /api/activities/@{handle}/status/{uuid}`: the crud and a page of replies, oldest first."""

    activity: ActivityItem
    replies: list[ActivityItem]
    next_cursor: str | None


class Person(BaseModel):
    """A user in search results."""

    uuid: uuid.UUID
    handle: str
    display_name: str
    avatar_url: str


class SearchResult(BaseModel):
    """Ranked live cruds matching the term; people whose handle or name starts with it (first page)."""

    activities: list[ActivityItem]
    users: list[Person]
    next_cursor: str | None


class Trend(BaseModel):
    """A hashtag and how many live cruds of the last 24 hours used it."""

    hashtag: str
    count: int
