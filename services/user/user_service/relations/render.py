"""Blocked and muted people as the lists show them."""

from __future__ import annotations

from datetime import datetime

from user_service.models import User
from user_service.profiles.render import render_user_card
from user_service.relations.schemas import BlockedUser, MutedUser


def render_blocked(user: User, *, since: datetime, assets_base_url: str) -> BlockedUser:
    """A blocked person with the time of the block."""
    card = render_user_card(user, assets_base_url=assets_base_url)
    return BlockedUser(**card.model_dump(), created_at=since)


def render_muted(user: User, *, since: datetime, until: datetime | None, assets_base_url: str) -> MutedUser:
    """A muted person with the time of the mute and when it lapses."""
    card = render_user_card(user, assets_base_url=assets_base_url)
    return MutedUser(**card.model_dump(), created_at=since, until=until)
