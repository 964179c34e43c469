"""The SPA and the API docs work in Chromium under the security headers' CSP, with no violation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from devstack.chromium import launch
from tests.e2e.browser import shot
from tests.support import PASSWORD, TestUser

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000
# Runs before any page script (Playwright injects it outside the page's CSP) and records violations.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as b:
        yield b


@pytest.fixture
def context(browser: Browser, gateway_url: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=gateway_url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT)
    ctx.add_init_script(WATCH)
    try:
        yield ctx
    finally:
        ctx.close()


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("console", lambda m: print(f"console {m.type}: {m.text}"))  # shown when the test fails
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    return problems


def _violations(page: Page, console: list[str]) -> list[str]:
    recorded: list[str] = page.evaluate("window.__violations")
    return [*recorded, *console]


def test_sign_in_and_the_home_feed_under_the_csp(
    context: BrowserContext, gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    text = f"csp check {uuid.uuid4().hex[:8]}"
    posted = httpx.post(
        f"{gateway_url}/api/activities",
        json={"message": text, "ttl": "1-day"},
        headers=user.headers,
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    page = context.new_page()
    console = _watch(page)
    shell = page.goto("/signin")
    assert shell is not None and "default-src 'self'" in shell.headers["content-security-policy"]
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_label("What would you like to say?")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(text).first).to_be_visible(timeout=TIMEOUT)
    shot(page, "csp-home")
    assert _violations(page, console) == []


def test_the_api_docs_render_under_the_csp(context: BrowserContext) -> None:
    page = context.new_page()
    console = _watch(page)
    page.goto("/docs/activity")
    expect(page.locator(".swagger-ui .info .title").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("/api/activities/home").first).to_be_visible(timeout=TIMEOUT)
    shot(page, "csp-docs")
    assert _violations(page, console) == []
