"""One validator for URLs that clients render (avatars): https, a same-origin path, or http on loopback."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_URL_CHARS = 2048


def check_public_url(value: str) -> str:
    """The URL unchanged when a browser may load it safely; ValueError otherwise.

    Allowed: empty (none), a path on our own origin (`/assets/...`), `https://host/...`, and `http://` only
    to a loopback host (the local stack serves its assets base from http://127.0.0.1). Anything else
    (`javascript:`, `data:`, protocol-relative `//host`, credentials in the URL) could run script or
    leak the reader to another origin when rendered.
    """
    if not value:
        return value
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValueError("a URL cannot contain whitespace or control characters")
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    parts = urlsplit(value)
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValueError("a URL needs a host and no credentials")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return value
    raise ValueError("only https URLs (or http on loopback, locally) are allowed")


PublicUrl = Annotated[str, Field(max_length=MAX_URL_CHARS), AfterValidator(check_public_url)]
"""A URL field clients render: see check_public_url."""
