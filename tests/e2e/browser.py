"""Small page helpers for the browser tests (the browser itself: devstack.chromium.launch)."""

from __future__ import annotations

import re
import struct
import sys
import zlib
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support import PASSWORD, TestUser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artifact (artifacts/ is git-ignored).

    Best effort: an artifact is no assertion. A fresh-clone CI run failed in the page fixture's teardown
    when this screenshot took over 15 s (a loaded machine, an ending crud's pulsing badge); animations
    are stopped for the shot, and a shot that still times out is reported, not raised.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, animations="disabled")
    except PlaywrightTimeoutError as exc:
        print(f"artifact screenshot {name} not taken: {exc.message.splitlines()[0]}", file=sys.stderr)


def png(size: int = 64, rgb: tuple[int, int, int] = (149, 0, 255)) -> bytes:
    """A small solid-colour PNG, made without an imaging library."""
    row = b"\x00" + bytes(rgb) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def sign_in_in_browser(page: Page, user: TestUser) -> None:
    """Sign an existing user in through the SPA's sign-in page and wait for the home feed."""
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_label("What would you like to say?")).to_be_visible()
