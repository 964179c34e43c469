"""Issue 18 in real Chromium: live "N new cruds" on home, from the notification stream's `home` event."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import sign_in_in_browser
from tests.support import TestUser, post_crud, wait_for

pytestmark = pytest.mark.e2e


def test_a_followed_crud_is_announced_live_and_shown_on_top(
    page: Page, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    me, author = make_user(), make_user(name="Bob Author")
    tag = uuid.uuid4().hex[:8]
    before, news = f"already here {tag}", f"fresh news {tag}"
    earlier = post_crud(api, before, user=author, ttl="1-day")["uuid"]
    assert api.put(f"/api/users/@{author.handle}/follow", headers=me.headers).is_success
    wait_for(
        lambda: before in api.get("/api/activities/home", headers=me.headers).text,
        what="the author's crud in my home (the follow projected)",
    )

    with page.expect_response(lambda r: "/api/notifications/stream" in r.url, timeout=30_000):
        sign_in_in_browser(page, me)
    expect(page.locator("article.crud", has_text=before)).to_have_count(1)
    page.wait_for_timeout(500)  # the stream subscribes just after its headers
    button = page.get_by_role("button", name="1 new crud")
    expect(button).to_have_count(0)

    # the author reposts the crud already on my screen (folded: no news), then posts a new one
    assert api.put(f"/api/activities/{earlier}/repost", headers=author.headers).is_success
    post_crud(api, news, user=author, ttl="1-day")
    expect(button).to_be_visible(timeout=15_000)  # no reload
    expect(page.locator(".new-cruds")).to_have_attribute("aria-live", "polite")
    expect(page.locator("article.crud", has_text=news)).to_have_count(0)
    page.wait_for_timeout(500)
    expect(button).to_have_text("1 new crud")  # the repost of what is on screen did not count

    page.mouse.wheel(0, 600)
    button.click()
    first = page.locator("article.crud").first
    expect(first).to_contain_text(news)
    expect(first).to_be_focused()
    expect(page.get_by_role("button", name="1 new crud")).to_have_count(0)
    expect(page.locator("article.crud", has_text=before)).to_have_count(1)  # still one card
    assert page.evaluate("window.scrollY") == 0
