"""Where a user's avatar is served from: the one function every API shape uses for `avatar_url`."""

from __future__ import annotations

import hashlib
from typing import Literal

from user_service.models import User
from user_service.settings import get_settings

# Default avatars: a letter on a colour, one SVG per (colour, letter), written once to the assets bucket.
DEFAULTS_PREFIX = "avatars/default/v1/"
PALETTE = ("#9500ff", "#d6336c", "#e8590c", "#2b8a3e", "#1971c2", "#0c8599", "#5f3dc4", "#495057")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def default_key(handle: str) -> str:
    """The generated default of a handle: its first letter on a colour derived from the whole handle."""
    letter = next((ch for ch in handle.upper() if ch in LETTERS), "0")
    colour = int.from_bytes(hashlib.sha256(handle.lower().encode()).digest()[:4], "big") % len(PALETTE)
    return f"{DEFAULTS_PREFIX}{colour}-{letter}.svg"


def avatar_key(user: User) -> str:
    """The object key of the avatar everyone sees: the processed 512 JPEG, else the default."""
    return user.avatar_key or default_key(user.handle)


def avatar_url(user: User) -> str:
    """The URL under assetsBaseUrl; a processed avatar's key is versioned, so a new one is a new URL."""
    return f"{get_settings().assets_base_url.rstrip('/')}/{avatar_key(user)}"


VariantFormat = Literal["jpg", "webp"]


def variant_urls(user: User) -> dict[tuple[int, VariantFormat], str]:
    """Every size and format of the processed avatar (the default SVG scales, so it is listed once)."""
    base = get_settings().assets_base_url.rstrip("/")
    if not user.avatar_key:
        return {}
    folder = user.avatar_key.rsplit("/", 1)[0]
    formats: tuple[VariantFormat, ...] = ("jpg", "webp")
    return {(size, fmt): f"{base}/{folder}/{size}.{fmt}" for size in (512, 128) for fmt in formats}
