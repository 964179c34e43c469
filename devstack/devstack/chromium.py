"""Debian's Chromium as the e2e tests and the bench drive it (Playwright, never `playwright install`).

Playwright comes with the workspace's dev dependencies (make test, make bench), not with the devstack.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Headless in a container or CI: no sandbox (no user namespaces), no GPU, and none of the background
# traffic (updates, sync, first-run pages) that would add noise to a test or a measurement.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> str | None:
    """Where Debian's Chromium is, or None."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@contextmanager
def launch() -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is missing: scripts/bootstrap.sh browser installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()
