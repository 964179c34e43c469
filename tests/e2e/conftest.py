"""Browser fixtures shared by the SPA's Chromium tests: one browser per module, a fresh tab per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response

from devstack.chromium import launch
from tests.e2e.browser import ARTIFACTS, shot
from tests.support import TestUser

TIMEOUT = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with launch() as b:
        yield b


def _describe(response: Response) -> str:
    target = response.request.headers.get("x-amz-target", "")
    return f"http {response.status}: {response.request.method} {response.url} {target}".rstrip()


@pytest.fixture
def page(browser: Browser, gateway_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop-sized tab on the gateway; its last screenshot and console log land in artifacts/e2e/."""
    context = browser.new_context(base_url=gateway_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    tab.on("response", lambda r: console.append(_describe(r)) if r.status >= 400 else None)
    try:
        yield tab
    finally:
        shot(tab, f"last-{request.node.name}")
        (ARTIFACTS / f"console-{request.node.name}.log").write_text("\n".join(console))
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def as_user(gateway_url: str) -> Iterator[Callable[[TestUser], httpx.Client]]:
    """API clients signed in as given users, closed after the test (modules that still define their
    own copy override this one)."""
    clients: list[httpx.Client] = []

    def client(user: TestUser) -> httpx.Client:
        clients.append(httpx.Client(base_url=gateway_url, headers=user.headers, timeout=30))
        return clients[-1]

    yield client
    for c in clients:
        c.close()
