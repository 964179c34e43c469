"""The SPA end to end in real Chromium against the local stack (issue 5's journey).

sign up → confirm → signed in → post a crud → it shows with a countdown → another user replies,
likes and follows → the first user sees the notifications arrive live → they exchange messages live →
edit profile and upload an avatar → it shows on their cruds → search finds the crud → sign out.
Screenshots of each main page go to artifacts/e2e/.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import png, shot
from tests.support import PASSWORD, TestUser

pytestmark = pytest.mark.e2e


def sign_up_in_browser(page: Page, *, handle: str, name: str, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Username").fill(handle)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/confirm\?email="))
    expect(page.get_by_label("Email", exact=True)).to_have_value(email)  # prefilled from ?email=
    shot(page, "02-confirm")
    page.get_by_label("Confirmation code").fill("123456")  # the local Cognito accepts any code
    page.get_by_role("button", name="Confirm email").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_label("What would you like to say?")).to_be_visible()


def test_the_journey(page: Page, gateway_url: str, make_user: Callable[..., TestUser]) -> None:
    suffix = uuid.uuid4().hex[:8]
    handle, name, email = f"e2e_{suffix}", "Journey Person", f"e2e_{suffix}@example.com"
    tag = f"#journey{suffix}"
    other = make_user(name="Other Person")
    api = httpx.Client(base_url=gateway_url, headers=other.headers, timeout=30)

    # Signed out: the global feed and the join card; protected pages send to sign in and back.
    page.goto("/")
    expect(page.get_by_role("heading", name="Join the party!").first).to_be_visible()
    shot(page, "00-home-signed-out")
    page.goto("/notifications")
    page.wait_for_url(re.compile(r"/signin\?next=%2Fnotifications"))
    shot(page, "01-signin")

    # Sign up → confirm → signed in.
    sign_up_in_browser(page, handle=handle, name=name, email=email)
    expect(page.get_by_role("link", name="Profile")).to_have_attribute("href", f"/@{handle}")

    # Post a crud: it shows at the top of the feed with a live countdown.
    message = f"Hello from the browser journey {tag}"
    form = page.get_by_role("main").get_by_role("form", name="Post a crud")
    form.get_by_label("What would you like to say?").fill(message)
    form.get_by_role("button", name="Crud", exact=True).click()
    crud = page.locator("article.crud", has_text=message)
    expect(crud).to_be_visible()
    expect(crud.locator(".countdown")).to_contain_text(re.compile(r"6d 23h|7d 0h"))
    shot(page, "03-home-posted")
    href = crud.get_by_role("link", name=re.compile("open crud")).get_attribute("href") or ""
    crud_uuid = href.rsplit("/", 1)[-1]

    # Another user replies, likes and follows: the badge rises live, with no reload.
    assert api.post(f"/api/activities/{crud_uuid}/reply", json={"message": "Nice one!"}).status_code == 201
    assert api.put(f"/api/activities/{crud_uuid}/like").status_code in (200, 204)
    assert api.put(f"/api/users/@{handle}/follow").status_code in (200, 204)
    badge = page.locator(".shell__nav .badge")
    expect(badge).to_have_text(re.compile(r"^([3-9]|\d{2,}|99\+)$"))

    page.get_by_role("link", name=re.compile(r"^Notifications")).first.click()
    expect(page.get_by_text("replied to your crud")).to_be_visible()
    expect(page.get_by_text("liked your crud")).to_be_visible()
    expect(page.get_by_text("followed you")).to_be_visible()
    shot(page, "04-notifications")
    # While the page is open, a new notification arrives live.
    assert api.put(f"/api/activities/{crud_uuid}/repost").status_code in (200, 204)
    expect(page.get_by_text("reposted your crud")).to_be_visible()
    expect(badge).to_have_count(0)  # seeing the page marks them read, live ones included

    # The crud page shows the reply; the like count is there.
    page.goto(f"/@{handle}/status/{crud_uuid}")
    expect(page.get_by_text("Nice one!")).to_be_visible()
    shot(page, "05-crud")

    # Messages: start from the other person's profile, then both sides live.
    page.goto(f"/@{other.handle}")
    shot(page, "06-profile-other")
    page.get_by_role("link", name=f"Message @{other.handle}").click()
    page.wait_for_url(re.compile(rf"/messages/new/{other.handle}$"))
    page.get_by_label("Send a direct message").fill("Hi there!")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url(re.compile(r"/messages/[0-9a-f-]{36}$"))
    group_uuid = page.url.rsplit("/", 1)[-1]
    expect(page.locator(".bubble--mine", has_text="Hi there!")).to_be_visible()
    page.evaluate("window.__noReload = true")
    reply = {"message_group_uuid": group_uuid, "message": "Hello back!"}
    assert api.post("/api/messages", json=reply).status_code == 201
    expect(page.locator(".bubble", has_text="Hello back!")).to_be_visible()
    page.get_by_label("Send a direct message").fill("Live and well")
    page.keyboard.press("Enter")
    expect(page.locator(".bubble--mine", has_text="Live and well")).to_be_visible()
    assert page.evaluate("window.__noReload") is True, "sending a message must not reload the page"
    shot(page, "07-conversation")

    # Edit profile and upload an avatar: it shows on their cruds.
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("button", name="Edit profile").click()
    page.get_by_label("Display name").fill("Journey Renamed")
    page.get_by_label("Bio").fill("Here today, gone tomorrow.")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "avatar.png", "mimeType": "image/png", "buffer": png(256)}]
    )
    expect(page.get_by_text("New avatar is live.")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".profile__name")).to_have_text("Journey Renamed")
    page.reload()
    avatar = page.locator("article.crud", has_text=message).locator("img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"/assets/"))
    own_crud = page.locator("article.crud", has_text=message)
    expect(own_crud.get_by_role("link", name="Journey Renamed")).to_be_visible()
    shot(page, "08-profile-own")

    # Search finds the crud by its hashtag.
    page.goto("/")
    page.get_by_label("Search Cruddur").first.fill(tag)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?term="))
    expect(page.locator("article.crud", has_text=message)).to_be_visible()
    shot(page, "09-search")

    # Sign out: back to the signed-out home.
    page.get_by_role("button", name=re.compile("Journey Renamed")).click()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page.get_by_role("heading", name="Join the party!").first).to_be_visible()
    page.goto("/messages")
    page.wait_for_url(re.compile(r"/signin\?next=%2Fmessages"))
    api.close()


def test_phone_layout_and_deep_links(browser: Browser, gateway_url: str) -> None:
    """A 375 px phone gets the mobile layout; deep links and unknown pages render in the SPA."""
    context = browser.new_context(base_url=gateway_url, viewport={"width": 375, "height": 760})
    page = context.new_page()
    page.goto("/explore")
    expect(page.get_by_role("heading", name="Explore")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main (mobile)")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    shot(page, "10-phone-explore")
    page.goto("/about")
    expect(page.get_by_role("heading", name="About Cruddur")).to_be_visible()
    page.goto("/@nobody_here_xyz")
    expect(page.get_by_text(re.compile("This account doesn.t exist"))).to_be_visible()
    context.close()
