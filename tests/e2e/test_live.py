"""Issue 18 findings 6 and 9 in real Chromium: the live pieces with two people and two tabs.

A rename reaches the other person's conversation list, message bubbles and notifications; the bell and
the Messages badge agree across two tabs of one person, and reading in one tab clears the other's
without a reload; a conversation's unread marker goes when it is opened. Each flow is checked through
the API as well, where the server holds the truth.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.browser import png, sign_in_in_browser
from tests.e2e.conftest import TIMEOUT
from tests.e2e.test_a11y import PHONE, axe_violations, describe
from tests.integration.avatar.support import grant, upload, wait_settled
from tests.support import TestUser, post_crud, wait_for

pytestmark = pytest.mark.e2e


def _dm(api: httpx.Client, handle: str, text: str) -> str:
    sent = api.post("/api/messages", json={"handle": handle, "message": text})
    assert sent.status_code == 201, sent.text
    return str(sent.json()["message_group_uuid"])


def _items(response: httpx.Response) -> list[dict[str, Any]]:
    """A list's items, from either shape the services use (a bare array, or `{items, ...}`)."""
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body if isinstance(body, list) else body["items"])


def _nav(page: Page, label: str) -> Locator:
    """The desktop navigation's link to `label` (its name says the unread count after a comma)."""
    return page.get_by_role("navigation").get_by_role("link", name=re.compile(rf"^{label}( ?, \d+ unread)?$"))


def _named(label: str, unread: int = 0) -> str | re.Pattern[str]:
    """A nav link's accessible name: the label, then the count (Chromium reads the hidden ", N unread"
    span of the desktop link with a space before it; the phone tab's aria-label without)."""
    return re.compile(rf"^{label} ?, {unread} unread$") if unread else label


def _listed(page: Page, name: str) -> Locator:
    """The conversation with `name` in the list of conversations."""
    return page.get_by_role("region", name="Conversations").get_by_role("link", name=re.compile(name))


def _bubbles(page: Page) -> Locator:
    return page.get_by_role("list", name="Messages").locator(".bubble")


def test_a_rename_reaches_the_conversation_and_the_notifications(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, bea = make_user(name="Ann Reader"), make_user(name="Bea Before")
    api_me, api_bea = as_user(me), as_user(bea)
    crud = post_crud(api_me, f"liked by Bea {uuid.uuid4().hex[:8]}", ttl="1-day")["uuid"]
    assert api_bea.put(f"/api/activities/{crud}/like").is_success
    group = _dm(api_bea, me.handle, "Hello from Bea")

    sign_in_in_browser(page, me)
    page.goto(f"/messages/{group}")
    conversations = page.get_by_role("region", name="Conversations")
    expect(conversations.get_by_text("Bea Before")).to_be_visible()
    expect(_bubbles(page).first).to_contain_text("Bea Before:")

    assert api_bea.get("/api/message_groups").status_code == 200  # Bea has her messages open, too
    renamed = api_bea.put("/api/profile/update", json={"display_name": "Bea After", "bio": ""})
    assert renamed.status_code == 200, renamed.text
    upload(grant(api_bea, bea, "image/png"), png(128))  # and a picture of her own
    assert wait_settled(api_bea, bea)["status"] == "ready"
    picture = api_bea.get("/api/users/me").json()["avatar_url"]
    assert "/default/" not in picture, picture
    # The API: every list the reader can open names Bea as she is now (within the services' cache).
    wait_for(
        lambda: (
            [(g["display_name"], g["avatar_url"]) for g in _items(api_me.get("/api/message_groups"))]
            == [("Bea After", picture)]
        ),
        what="the new name in the conversation list",
    )
    wait_for(
        lambda: {m["display_name"] for m in _items(api_me.get(f"/api/messages/{group}"))} == {"Bea After"},
        what="the new name on every message",
    )
    wait_for(  # the message's notification and the like's
        lambda: (
            [n["actor"]["display_name"] for n in _items(api_me.get("/api/notifications"))]
            == ["Bea After", "Bea After"]
        ),
        what="the new name in the notifications",
    )

    # Live, with no navigation: Bea writes again; her new line, her old one, the header and the list
    # entry all carry one name, the current one.
    conversation = page.get_by_role("region", name="Conversation")
    sent = api_bea.post("/api/messages", json={"message_group_uuid": group, "message": "Still me"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["display_name"] == "Bea After"
    expect(_bubbles(page)).to_have_count(2)
    expect(_bubbles(page).filter(has_text="Bea After:")).to_have_count(2)
    expect(conversation.locator(".conversation__header")).to_contain_text("Bea After")
    expect(conversations.get_by_role("link", name=re.compile("Bea After"))).to_contain_text("Still me")
    expect(page.get_by_role("main")).not_to_contain_text("Bea Before")
    pictures = [conversations.locator("img.avatar"), conversation.locator(".conversation__header img.avatar")]
    for img in [*pictures, *_bubbles(page).locator("img.avatar").all()]:
        expect(img).to_have_attribute("src", picture)

    # After a navigation (names are resolved when a list is read: docs/frontend.md).
    _nav(page, "Notifications").click()
    notifications = page.get_by_role("main").locator(".notification")
    expect(notifications.filter(has_text="liked your crud")).to_contain_text("Bea After")
    expect(notifications.filter(has_text="Still me")).to_contain_text("Bea After")
    expect(page.get_by_role("main")).not_to_contain_text("Bea Before")
    _nav(page, "Messages").click()
    conversations.get_by_role("link", name=re.compile("Bea After")).click()
    page.wait_for_url(re.compile(rf"/messages/{group}$"))
    expect(_bubbles(page).filter(has_text="Bea After:")).to_have_count(2)
    expect(conversation.locator(".conversation__header")).to_contain_text("Bea After")
    expect(page.get_by_role("main")).not_to_contain_text("Bea Before")


def _two_tabs(context: BrowserContext, me: TestUser) -> tuple[Page, Page]:
    first = context.pages[0] if context.pages else context.new_page()
    sign_in_in_browser(first, me)
    second = context.new_page()  # the same person in another tab (the tokens are shared)
    second.goto("/explore")
    expect(second.get_by_role("heading", name="Explore")).to_be_visible()
    return first, second


def test_the_bell_agrees_across_tabs(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, fan = make_user(), make_user(name="Fan Person")
    crud = post_crud(as_user(me), f"liked live {uuid.uuid4().hex[:8]}", ttl="1-day")["uuid"]
    first, second = _two_tabs(page.context, me)
    for tab in (first, second):
        expect(_nav(tab, "Notifications")).to_have_accessible_name(_named("Notifications"))

    assert as_user(fan).put(f"/api/activities/{crud}/like").is_success
    for tab in (first, second):  # live, in both tabs, without a reload
        expect(_nav(tab, "Notifications")).to_have_accessible_name(_named("Notifications", 1))
        expect(_nav(tab, "Notifications").locator(".badge")).to_have_text("1")

    _nav(first, "Notifications").click()  # seeing the page reads it
    expect(first.get_by_text("liked your crud")).to_be_visible()
    for tab in (first, second):
        expect(_nav(tab, "Notifications")).to_have_accessible_name(_named("Notifications"))
        expect(_nav(tab, "Notifications").locator(".badge")).to_have_count(0)
    assert as_user(me).get("/api/notifications").json()["unread_count"] == 0


def test_a_message_raises_the_messages_badge_and_marks_its_conversation(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, sender = make_user(), make_user(name="Dee Sender")
    api_me, api_sender = as_user(me), as_user(sender)
    first, second = _two_tabs(page.context, me)
    first.goto("/messages")
    expect(first.get_by_role("heading", name="Messages")).to_be_visible()
    for tab in (first, second):
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages"))

    group = _dm(api_sender, me.handle, "Are you there?")
    for tab in (first, second):  # live in both tabs
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages", 1))
    entry = _listed(first, "Dee Sender")
    expect(entry).to_contain_text("Are you there?")
    expect(entry.get_by_test_id("unread-marker")).to_have_text("1, 1 unread")
    assert api_me.get("/api/message_groups/unread").json()["unread_count"] == 1

    entry.click()  # opening the conversation reads it: both tabs' badges and the marker go
    first.wait_for_url(re.compile(rf"/messages/{group}$"))
    expect(_bubbles(first).first).to_contain_text("Are you there?")
    for tab in (first, second):
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages"))
        expect(_nav(tab, "Messages").locator(".badge")).to_have_count(0)
    expect(entry.get_by_test_id("unread-marker")).to_have_count(0)
    assert api_me.get("/api/message_groups/unread").json()["unread_count"] == 0

    # A message into the open conversation is read where it lands: no badge in either tab.
    api_sender.post("/api/messages", json={"message_group_uuid": group, "message": "Good, you are"})
    expect(_bubbles(first)).to_have_count(2)
    wait_for(
        lambda: api_me.get("/api/message_groups/unread").json()["unread_count"] == 0,
        what="the open conversation read",
    )
    for tab in (first, second):
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages"))

    # Away from the conversation, a third line is unread again; the second tab opens it by its address
    # (the list and the mark-read race there): no marker beside the open conversation, no badges.
    _nav(first, "Explore").click()
    api_sender.post("/api/messages", json={"message_group_uuid": group, "message": "Third"})
    for tab in (first, second):
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages", 1))
    second.goto(f"/messages/{group}")
    listed = _listed(second, "Dee Sender")
    expect(listed).to_contain_text("Third")
    expect(_bubbles(second)).to_have_count(3)
    for tab in (first, second):
        expect(_nav(tab, "Messages")).to_have_accessible_name(_named("Messages"))
    expect(listed.get_by_test_id("unread-marker")).to_have_count(0)
    second.wait_for_timeout(500)  # nothing brings it back
    expect(listed.get_by_test_id("unread-marker")).to_have_count(0)


def test_on_a_phone_a_conversation_has_a_heading_and_passes_axe(
    browser: Browser,
    gateway_url: str,
    make_user: Callable[..., TestUser],
    as_user: Callable[[TestUser], httpx.Client],
) -> None:
    me, other = make_user(), make_user(name="Phone Friend")
    group = _dm(as_user(other), me.handle, "Seen on a phone")
    as_user(me).post("/api/messages", json={"message_group_uuid": group, "message": "Yes, here"})
    context = browser.new_context(base_url=gateway_url, viewport=PHONE)
    context.set_default_timeout(TIMEOUT)
    try:
        page = context.new_page()
        sign_in_in_browser(page, me)
        page.goto(f"/messages/{group}")
        expect(_bubbles(page)).to_have_count(2)
        main = page.get_by_role("main")
        # The page's heading (the list's, out of sight on a phone) and the conversation's, on screen.
        expect(main.get_by_role("heading", name="Messages", level=1)).to_have_count(1)
        heading = main.get_by_role("heading", level=2, name=re.compile("Phone Friend"))
        expect(heading).to_be_visible()
        box = heading.bounding_box()
        assert box is not None and box["y"] < 844 / 3 and box["x"] + box["width"] <= PHONE["width"], box
        expect(page.locator(".messages__list .group").first).not_to_be_visible()  # the list is out of sight
        found = axe_violations(page)
        assert not found, describe(found)
    finally:
        context.close()
