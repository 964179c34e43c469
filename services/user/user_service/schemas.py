"""Request and response models of the user service."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

HANDLE_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,30}$")


class NewUser(BaseModel):
    """A user as the Cognito post-confirmation event describes them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    cognito_user_id: str = Field(min_length=1, max_length=128)
    email: EmailStr
    handle: str
    display_name: str = Field(min_length=1, max_length=50)

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not HANDLE_PATTERN.match(value):
            raise ValueError("a handle is 3-30 letters, digits or underscores")
        return value


class UserProfile(BaseModel):
    """The signed-in user's own profile."""

    uuid: uuid.UUID
    cognito_user_id: str
    handle: str
    email: str
    display_name: str
    bio: str
    avatar_url: str
    created_at: datetime
    updated_at: datetime


class InternalUser(BaseModel):
    """How other services see a user (internal API)."""

    uuid: uuid.UUID
    cognito_user_id: str
    handle: str
    display_name: str
    avatar_url: str
