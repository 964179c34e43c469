"""Request and response models of profiles."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from cruddur_common import handles
from cruddur_common.expiry import TTLS
from cruddur_common.text import over_limit

HANDLE_PATTERN = re.compile(handles.HANDLE_PATTERN)  # the one definition, for the sign-up trigger
MAX_DISPLAY_NAME = 50  # user-perceived characters (cruddur_common.text.text_length)


class NewUser(BaseModel):
    """A user as the Cognito post-confirmation event describes them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    cognito_user_id: str = Field(min_length=1, max_length=128)
    email: EmailStr
    handle: str
    display_name: str = Field(min_length=1, max_length=1000)  # code points; the limit is below

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        if over_limit(value, MAX_DISPLAY_NAME):
            raise ValueError(f"a display name is at most {MAX_DISPLAY_NAME} characters")
        return value

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not handles.is_handle(value):
            raise ValueError("a handle is 3-30 letters, digits or underscores")
        return value

    @classmethod
    def from_cognito(cls, sub: str, attributes: Mapping[str, str]) -> NewUser:
        """The user Cognito's attributes describe (ValidationError when they cannot make one)."""
        return cls(
            cognito_user_id=sub,
            email=attributes.get("email", ""),
            handle=attributes.get("preferred_username", ""),
            display_name=attributes.get("name") or attributes.get("preferred_username", ""),
        )


class UserProfile(BaseModel):
    """The signed-in user's own profile."""

    uuid: uuid.UUID
    cognito_user_id: str
    handle: str
    email: str
    display_name: str
    bio: str
    avatar_url: str
    default_ttl: str | None = Field(
        description="The crud preset the composer starts from (null: none chosen)",
        json_schema_extra={"enum": [*TTLS, None]},
    )
    created_at: datetime
    updated_at: datetime


class Me(UserProfile):
    """`GET /api/users/me`: the own profile, and whether the caller moderates (so the SPA shows the queue)."""

    moderator: bool = Field(
        description="In the Cognito group `moderators` (the access token's `cognito:groups`)."
    )


class InternalUser(BaseModel):
    """How other services see a user (internal API)."""

    uuid: uuid.UUID
    cognito_user_id: str
    handle: str
    display_name: str
    avatar_url: str


class InternalUserFull(InternalUser):
    """The internal shape plus what the author projection needs."""

    bio: str
    updated_at: datetime


class InternalBatch(BaseModel):
    """Look several users up at once (each list at most 100)."""

    uuids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    handles: list[str] = Field(default_factory=list, max_length=100)
    subs: list[str] = Field(default_factory=list, max_length=100)


class InternalUsers(BaseModel):
    """The users found (unknown ones are left out)."""

    items: list[InternalUserFull]


class UserCard(BaseModel):
    """Name and avatar of a user, as lists show them."""

    uuid: uuid.UUID
    handle: str
    display_name: str
    avatar_url: str


class ShortUser(UserCard):
    """`GET /api/users/@{handle}/short`: the original shape plus avatar_url, blocking and muted."""

    blocking: bool | None = None  # the reader blocked them (null: signed out, as `followed` in lists)
    muted: bool | None = None  # the reader mutes them now (null: signed out)


class ProfileCompletion(BaseModel):
    """`POST /api/users/me/profile`: the handle (and name) of a confirmed sign-in that has no profile yet."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    handle: str = Field(pattern=handles.HANDLE_PATTERN, max_length=30)
    # null: the name given at sign-up; minLength in the docs only (blank is 422 `display_name_blank`)
    display_name: str | None = Field(default=None, max_length=1000, json_schema_extra={"minLength": 1})


class ProfileUpdate(BaseModel):
    """`PUT|POST /api/profile/update`: display name 1-50 and bio 0-160 characters (null bio = empty).

    `default_ttl` changes only when sent: a preset, or null to clear it (422 `ttl_invalid` otherwise).
    """

    model_config = ConfigDict(extra="ignore")

    # minLength in the docs only: a blank name is 422 `display_name_blank`, checked after trimming
    display_name: str = Field(max_length=1000, json_schema_extra={"minLength": 1})
    bio: str | None = Field(default=None, max_length=10_000)
    # The enum in the docs only: another value is 422 `ttl_invalid` (as a crud's ttl), checked by the service
    default_ttl: str | None = Field(
        default=None,
        max_length=32,
        description="The crud preset the composer starts from; null clears it; absent keeps it. One of: "
        + ", ".join(TTLS),
        json_schema_extra={"enum": [*TTLS, None]},
    )
