"""Issue 18 in real Chromium: one card per crud, reposts on profiles, Back keeps the place, times tick.

Each flow is checked on screen and, where the server holds the truth, through the API as well.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import sign_in_in_browser
from tests.support import TestUser, post_crud, wait_for

pytestmark = pytest.mark.e2e


def _cards(page: Page, text: str) -> Locator:
    return page.locator("article.crud", has_text=text)


def test_a_repost_folds_into_the_one_card(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, author, friend = make_user(), make_user(), make_user(name="Friend Person")
    api_me = as_user(me)
    text = f"said once {uuid.uuid4().hex[:8]}"
    crud = post_crud(as_user(author), text, ttl="1-day")["uuid"]
    for whom in (author, friend):
        assert api_me.put(f"/api/users/@{whom.handle}/follow").is_success
    assert as_user(friend).put(f"/api/activities/{crud}/repost").is_success
    wait_for(lambda: text in api_me.get("/api/activities/home").text, what="the crud in my home")

    sign_in_in_browser(page, me)
    card = _cards(page, text)
    expect(card).to_have_count(1)  # the original and the friend's repost: one card
    expect(card).to_contain_text("Friend Person reposted")
    repost = card.get_by_role("button", name=re.compile(r"^Repost, "))
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "true")
    expect(repost).to_have_accessible_name("Repost, 2 reposts")
    expect(card).to_contain_text("You reposted")
    page.reload()
    card = _cards(page, text)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("You reposted")  # the server agrees: my repost is the newest reason
    repost = card.get_by_role("button", name=re.compile(r"^Repost, "))
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "false")
    expect(card).not_to_contain_text("You reposted")
    wait_for(lambda: api_me.get("/api/activities/home").json()[0]["reposted"] is False, what="the un-repost")
    page.reload()
    expect(_cards(page, text)).to_have_count(1)
    expect(_cards(page, text).get_by_role("button", name=re.compile(r"^Repost, "))).to_have_attribute(
        "aria-pressed", "false"
    )


def test_a_profile_shows_its_reposts(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, author = make_user(), make_user(name="Author Person")
    text = f"shared by me {uuid.uuid4().hex[:8]}"
    crud = post_crud(as_user(author), text, ttl="1-day")["uuid"]
    post_crud(as_user(me), f"my own, older {uuid.uuid4().hex[:8]}", ttl="1-day")
    assert as_user(me).put(f"/api/activities/{crud}/repost").is_success

    sign_in_in_browser(page, me)
    page.goto(f"/@{me.handle}")
    first = page.locator("article.crud").first
    expect(first).to_contain_text(text)
    expect(first).to_contain_text("You reposted")
    expect(first).to_contain_text("Author Person")


def test_back_keeps_the_place_in_explore(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    authors = [as_user(make_user()) for _ in range(3)]
    tag = uuid.uuid4().hex[:8]
    for n in range(65):  # more than three pages, however many cruds other tests left
        post_crud(authors[n % 3], f"filler {tag} number {n}", ttl="1-day")
    page.goto("/explore")
    cards = page.locator("article.crud")
    expect(cards.first).to_be_visible()
    while cards.count() < 45:  # scroll to the end of what is loaded until three pages are in
        loaded = cards.count()
        page.mouse.wheel(0, 20_000)
        expect(cards).not_to_have_count(loaded)
    target = cards.nth(40)
    page.mouse.wheel(0, -20_000 + 3_000)  # back up the page, then bring the 41st card into view
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    loaded, y, box = cards.count(), page.evaluate("window.scrollY"), target.bounding_box()
    assert y > 2_000
    assert box is not None and 0 <= box["y"] < 900 - box["height"]  # on screen: the click will not scroll
    message = target.locator(".crud__message").inner_text()
    feeds: list[str] = []
    page.on("request", lambda r: feeds.append(r.url) if "/api/activities/explore" in r.url else None)
    target.locator(".crud__message").click()
    page.wait_for_url(re.compile(r"/status/"))
    expect(page.get_by_role("heading", name="Crud")).to_be_visible()
    page.go_back()
    page.wait_for_url(re.compile(r"/explore$"))
    expect(cards).to_have_count(loaded)
    page.wait_for_function("y => Math.abs(window.scrollY - y) < 4", arg=y)
    back = page.locator("article.crud", has_text=message).bounding_box()
    assert back is not None and abs(back["y"] - box["y"]) < 4, (box, back)  # the card where it was
    assert feeds == [], feeds  # restored, not fetched again


def test_relative_times_tick(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me = make_user()
    text = f"fresh {uuid.uuid4().hex[:8]}"
    post_crud(as_user(me), text, ttl="1-day")
    page.clock.install()
    page.goto(f"/@{me.handle}")
    time = _cards(page, text).locator("time")
    expect(time).to_have_text("now")
    page.clock.fast_forward("02:05")
    expect(time).to_have_text("2m")
