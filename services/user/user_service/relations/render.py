"""Blocked and muted people as the lists show them."""

from __future__ import annotations

from datetime import datetime

from user_service.models import User
from user_service.profiles.render import render_short_user
from user_service.relations.schemas import BlockedUser, MutedUser


def render_blocked(user: User, *, since: datetime, assets_base_url: str) -> BlockedUser:
    """A blocked person with the time of the block."""
    short = render_short_user(user, assets_base_url=assets_base_url)
    return BlockedUser(**short.model_dump(), created_at=since)


def render_muted(user: User, *, since: datetime, until: datetime | None, assets_base_url: str) -> MutedUser:
    """A muted person with the time of the mute and when it lapses."""
    short = render_short_user(user, assets_base_url=assets_base_url)
    return MutedUser(**short.model_dump(), created_at=since, until=until)
