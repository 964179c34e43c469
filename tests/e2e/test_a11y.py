"""Accessibility in real Chromium (issue 18): axe-core on every page, both widths and both themes, and
the phone details (the floating Crud button's whole circle is tappable, a long name keeps the handle).

axe-core is the SPA's pinned dev dependency (frontend-react-js/package.json); it is evaluated in the page
over the DevTools protocol, so the page's Content-Security-Policy stays as it ships.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.browser import ARTIFACTS, sign_in_in_browser
from tests.e2e.conftest import TIMEOUT
from tests.support import TestUser

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "frontend-react-js" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# The WCAG rules and axe's best practices (region, heading-order, landmarks) that are serious or critical.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical axe violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "tags => window.axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    serious = []
    for v in result["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        serious.append(v)
    return serious


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:4]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


@pytest.fixture
def context_for(browser: Browser, gateway_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """New browser contexts at a size and colour scheme; all closed after the test."""
    made: list[BrowserContext] = []

    def make(viewport: dict[str, int], color_scheme: str = "dark") -> BrowserContext:
        context = browser.new_context(base_url=gateway_url, viewport=viewport, color_scheme=color_scheme)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def world(gateway_url: str, make_user: Callable[..., TestUser]) -> dict[str, str]:
    """Two people, a crud with a reply, a conversation and a notification: every page has content."""
    me, other = make_user(name="Axe Reader"), make_user(name="Axe Other")
    tag = f"axe{uuid.uuid4().hex[:6]}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        crud = api.post(
            "/api/activities",
            json={"message": f"Checking contrast #{tag} https://example.com", "ttl": "1-day"},
            headers=me.headers,
        )
        assert crud.status_code == 201, crud.text
        crud_uuid = crud.json()["uuid"]
        ending = {"message": f"Ending soon #{tag}", "ttl": "1-hour"}  # its countdown shows as urgent
        assert api.post("/api/activities", json=ending, headers=me.headers).status_code == 201
        reply = api.post(
            f"/api/activities/{crud_uuid}/reply", json={"message": "Looks fine"}, headers=other.headers
        )
        assert reply.status_code == 201, reply.text
        assert api.put(f"/api/activities/{crud_uuid}/like", headers=other.headers).status_code in (200, 204)
        dm = {"handle": me.handle, "message": "Hello, reader"}
        sent = api.post("/api/messages", json=dm, headers=other.headers)
        assert sent.status_code == 201, sent.text
        return {
            "handle": me.handle,
            "email": me.email,
            "token": me.token,
            "name": me.name,
            "other": other.handle,
            "crud": f"/@{me.handle}/status/{crud_uuid}",
            "tag": tag,
            "group": str(sent.json()["message_group_uuid"]),
        }


def _check(page: Page, route: str, ready: Callable[[Page], None], label: str, found: dict[str, str]) -> None:
    page.goto(route)
    ready(page)
    page.wait_for_timeout(150)  # let lazy images and late layout settle
    violations = axe_violations(page)
    if violations:
        found[label] = describe(violations)
        print(f"{label}:\n{found[label]}", flush=True)


def visible(locator: Locator) -> None:
    """Wait for it as long as any browser action (a cold page on a busy machine can take seconds)."""
    expect(locator).to_be_visible(timeout=2 * TIMEOUT)


def _heading(page: Page) -> None:
    visible(page.get_by_role("main").get_by_role("heading").first)


def _signed_out_routes(world: dict[str, str]) -> list[tuple[str, Callable[[Page], None]]]:
    crud_ready: Callable[[Page], None] = lambda p: visible(p.get_by_text("Looks fine"))  # noqa: E731
    return [
        ("/signin", _heading),
        ("/signup", _heading),
        (f"/confirm?email={world['email']}", _heading),
        ("/", lambda p: visible(p.locator("article.crud").first)),
        ("/explore", lambda p: visible(p.locator("article.crud").first)),
        (f"/@{world['handle']}", lambda p: visible(p.locator("article.crud").first)),
        (world["crud"], crud_ready),
        (f"/search?term=%23{world['tag']}", lambda p: visible(p.locator("article.crud").first)),
    ]


def _signed_in_routes(world: dict[str, str]) -> list[tuple[str, Callable[[Page], None]]]:
    return [
        *_signed_out_routes(world)[3:],
        ("/notifications", lambda p: visible(p.get_by_text("liked your crud").first)),
        ("/messages", lambda p: visible(p.get_by_text("Hello, reader").first)),
        (f"/messages/{world['group']}", lambda p: visible(p.locator(".bubble").first)),
        ("/settings/profile", _heading),
        ("/settings/appearance", lambda p: visible(p.get_by_role("radio", name="Light"))),
    ]


@pytest.mark.timeout(1200)  # about 20 pages, each loaded cold and checked whole
@pytest.mark.parametrize("scheme", ["dark", "light"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_axe_violations_on_any_page(
    context_for: Callable[..., BrowserContext], world: dict[str, str], width: str, scheme: str
) -> None:
    found: dict[str, str] = {}
    context = context_for(WIDTHS[width], scheme)
    page = context.new_page()
    for route, ready in _signed_out_routes(world):
        _check(page, route, ready, f"signed out {route}", found)

    sign_in_in_browser_as(page, world)
    for route, ready in _signed_in_routes(world):
        _check(page, route, ready, f"signed in {route}", found)

    report = "\n\n".join(f"{where}:\n{what}" for where, what in found.items())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{width}-{scheme}.txt").write_text(report or "no serious or critical violations\n")
    assert not found, f"axe at {width} width, {scheme} theme:\n{report}"


def sign_in_in_browser_as(page: Page, world: dict[str, str]) -> None:
    """Sign the world's reader in through the sign-in page (phone or desktop layout)."""
    user = TestUser(handle=world["handle"], email=world["email"], name=world["name"], token=world["token"])
    sign_in_in_browser(page, user)


def test_theme_follows_the_system_and_the_toggle_is_remembered(
    context_for: Callable[..., BrowserContext], make_user: Callable[..., TestUser]
) -> None:
    me = make_user(name="Theme Person")
    page = context_for(DESKTOP, "light").new_page()
    page.goto("/")
    background = "getComputedStyle(document.querySelector('main')).backgroundColor"
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    light = page.evaluate(background)

    sign_in_in_browser(page, me)
    page.goto("/settings/appearance")
    expect(page.get_by_role("radio", name="Match the system")).to_be_checked()
    page.get_by_role("radio", name="Dark").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = page.evaluate(background)
    assert dark != light, (dark, light)

    page.reload()  # remembered in localStorage, over the system's light preference
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("radio", name="Dark")).to_be_checked()

    page.get_by_role("radio", name="Match the system").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.emulate_media(color_scheme="dark")  # the system changes while the page is open
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def test_on_a_phone_the_whole_crud_button_opens_the_composer(
    context_for: Callable[..., BrowserContext], make_user: Callable[..., TestUser]
) -> None:
    me = make_user(name="A Remarkably Long Display Name That Goes On And On")
    context = context_for(PHONE)
    page = context.new_page()
    sign_in_in_browser(page, me)
    fab = page.get_by_role("button", name="Post a crud")
    box = fab.bounding_box()
    assert box is not None
    tabs = page.get_by_role("navigation", name="Main (mobile)").bounding_box()
    assert tabs is not None
    assert box["y"] + box["height"] <= tabs["y"], f"the Crud button {box} overlaps the tab bar {tabs}"
    # What the finger hits at the button's lower edge is the button itself.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 6
    under = "([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.ariaLabel ?? null"
    hit = page.evaluate(under, [x, y])
    assert hit == "Post a crud"
    page.mouse.click(x, y)
    expect(page.get_by_role("dialog", name="New crud")).to_be_visible()
    composer = page.get_by_role("dialog", name="New crud")
    composer.get_by_label("What would you like to say?").fill("From a phone")
    page.keyboard.press("Escape")  # a typed draft is not thrown away without asking
    expect(page.get_by_role("dialog", name="Discard this crud?")).to_be_visible()
    page.get_by_role("button", name="Keep writing").click()
    expect(composer.get_by_label("What would you like to say?")).to_have_value("From a phone")
    composer.get_by_role("button", name="Crud", exact=True).click()
    crud = page.locator("article.crud", has_text="From a phone").first
    expect(crud).to_be_visible()

    # The long name gives way; the handle stays whole.
    handle = crud.locator(".crud__handle")
    expect(handle).to_have_text(f"@{me.handle}")
    width = handle.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width[0] <= width[1], f"the handle is cut: {width}"
    assert re.search(r"\S", crud.locator(".crud__name").inner_text())
