"""Generated default avatars: one small SVG per (colour, letter), uploaded once to the assets bucket."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import unicodedata
from typing import Any

from botocore.exceptions import ClientError
from fastapi import FastAPI

log = logging.getLogger(__name__)
# A letter on a colour, one SVG per (colour, letter), written once to the assets bucket.
DEFAULTS_PREFIX = "avatars/default/v1/"
PALETTE = ("#9500ff", "#d6336c", "#e8590c", "#2b8a3e", "#1971c2", "#0c8599", "#5f3dc4", "#495057")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
SENTINEL = f"{DEFAULTS_PREFIX}complete"
CACHE = "public, max-age=31536000, immutable"


def _letter(text: str) -> str | None:
    """The first letter or digit of `text`, accents folded ("Élodie" → E), when we have a picture for it."""
    first = next((ch for ch in text if ch.isalnum()), "")
    folded = unicodedata.normalize("NFKD", first)[:1].upper()
    return folded if folded and folded in LETTERS else None


def default_key(handle: str, display_name: str | None = None) -> str:
    """The generated default: the display name's first letter (else the handle's) on a colour derived from
    the handle, so a rename changes the letter but not the colour."""
    letter = _letter(display_name or "") or _letter(handle) or "0"
    colour = int.from_bytes(hashlib.sha256(handle.lower().encode()).digest()[:4], "big") % len(PALETTE)
    return f"{DEFAULTS_PREFIX}{colour}-{letter}.svg"


def default_svg(letter: str, colour: str) -> bytes:
    """A 128x128 circle-friendly square with one centred letter."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128" width="128" height="128" '
        f'role="img" aria-label="{letter}"><rect width="128" height="128" fill="{colour}"/>'
        '<text x="64" y="64" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" '
        f'font-size="60" font-weight="600">{letter}</text></svg>'
    ).encode()


def all_defaults() -> dict[str, bytes]:
    """Every default avatar by object key."""
    return {
        f"{DEFAULTS_PREFIX}{index}-{letter}.svg": default_svg(letter, colour)
        for index, colour in enumerate(PALETTE)
        for letter in LETTERS
    }


async def _exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        await s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


async def ensure_defaults(s3: Any, *, bucket: str, concurrency: int = 16) -> int:
    """Upload the defaults unless the sentinel says they are there; returns how many were written."""
    if await _exists(s3, bucket, SENTINEL):
        return 0
    gate = asyncio.Semaphore(concurrency)

    async def put(key: str, body: bytes) -> None:
        async with gate:
            await s3.put_object(
                Bucket=bucket, Key=key, Body=body, ContentType="image/svg+xml", CacheControl=CACHE
            )

    defaults = all_defaults()
    await asyncio.gather(*(put(key, body) for key, body in defaults.items()))
    await s3.put_object(Bucket=bucket, Key=SENTINEL, Body=b"v1", ContentType="text/plain")
    return len(defaults)


async def start_defaults(app: FastAPI) -> None:
    """Startup hook: make sure the defaults exist, in the background (readiness does not wait)."""
    settings = app.state.settings

    async def run() -> None:
        try:
            written = await ensure_defaults(app.state.aws["s3"], bucket=settings.assets_bucket)
            if written:
                log.info("default avatars written", extra={"count": written})
        except Exception as exc:  # without the defaults avatars still work; the next start retries
            log.warning("could not write the default avatars: %s", exc)

    app.state.avatar_defaults = asyncio.create_task(run())


async def stop_defaults(app: FastAPI) -> None:
    """Shutdown hook: stop the background upload if it still runs."""
    task = getattr(app.state, "avatar_defaults", None)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
