"""Issue 15's SPA flows in real Chromium: pictures on a crud, a disappearing message, a crud's new end.

Each test drives the SPA as one person and checks the effect through the API, so a flow that only
looks right in the browser fails here. They need issue 15's API (media, message timers, PATCH on a
crud) merged into the stack: until then they fail at the first call to it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.e2e.browser import png, shot, sign_in_in_browser
from tests.support import TestUser, wait_for

pytestmark = pytest.mark.e2e


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_post_a_crud_with_two_pictures(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me = make_user(name="Picture Person")
    text = f"two pictures {uuid.uuid4().hex[:8]}"
    sign_in_in_browser(page, me)

    form = page.get_by_role("main").get_by_role("form", name="Post a crud")
    form.get_by_label("What would you like to say?").fill(text)
    files: list[FilePayload] = [
        {"name": "purple.png", "mimeType": "image/png", "buffer": png(640, (149, 0, 255))},
        {"name": "gold.png", "mimeType": "image/png", "buffer": png(480, (255, 209, 102))},
    ]
    form.locator("input[type=file]").set_input_files(files=files)
    post = form.get_by_role("button", name="Crud", exact=True)
    expect(post).to_be_disabled()  # while the pictures upload and process
    form.get_by_label(re.compile("Describe picture 1 for people who can.t see it")).fill("A purple square")
    form.get_by_label(re.compile("Describe picture 2 for people who can.t see it")).fill("A gold square")
    expect(form.get_by_text("Ready", exact=True)).to_have_count(2, timeout=60_000)
    shot(page, "ephemeral-01-composer-pictures")
    post.click()

    crud = page.locator("article.crud", has_text=text)
    expect(crud).to_be_visible()
    expect(crud.locator(".media-grid--2 img")).to_have_count(2)
    # Both pictures load (WebP from the assets edge), with the size the API gave so nothing shifts.
    wait_for(
        lambda: crud.locator("img").evaluate_all(
            "imgs => imgs.filter(i => i.closest('.media-grid')).every(i => i.complete && i.naturalWidth > 0)"
        ),
        what="both pictures loaded",
        timeout=20,
    )
    first = crud.locator(".media-grid img").first
    expect(first).to_have_attribute("alt", "A purple square")
    expect(first).to_have_attribute("width", re.compile(r"^\d+$"))
    shot(page, "ephemeral-02-crud-pictures")

    crud.get_by_role("button", name="Open picture 2 of 2: A gold square").click()
    dialog = page.get_by_role("dialog", name="Picture 2 of 2")
    expect(dialog).to_contain_text("A gold square")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("dialog", name="Picture 1 of 2")).to_contain_text("A purple square")
    shot(page, "ephemeral-03-lightbox")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # The API agrees: the crud carries both pictures, in order, with their alt text.
    home = as_user(me).get("/api/activities/home").json()
    items = home["items"] if isinstance(home, dict) else home
    posted = next(a for a in items if a["message"] == text)
    assert [m["alt"] for m in posted["media"]] == ["A purple square", "A gold square"]
    assert all(f"expires={int(_when(posted['expires_at']).timestamp())}" in m["url"] for m in posted["media"])


def test_a_disappearing_message_leaves_the_screen_at_its_end(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, them = make_user(name="Timer Person"), make_user(name="Other Timer Person")
    api_me, api_them = as_user(me), as_user(them)
    first = api_them.post("/api/messages", json={"handle": me.handle, "message": "before the timer"})
    assert first.status_code == 201, first.text
    group_uuid = first.json()["message_group_uuid"]

    page.clock.install()  # the page's clock, moved by hand below; the server keeps real time
    sign_in_in_browser(page, me)
    page.goto(f"/messages/{group_uuid}")
    expect(page.locator(".bubble", has_text="before the timer")).to_be_visible()
    page.get_by_label("Disappearing messages").select_option("1-hour")
    expect(page.locator(".system-line", has_text=re.compile("disappear after 1 hour"))).to_be_visible()
    group = api_me.get(f"/api/message_groups/@{them.handle}").json()
    assert group["message_ttl"] == "1-hour"

    # Their next message arrives live with a countdown; the older one keeps its own life.
    body = {"message_group_uuid": group_uuid, "message": "gone in an hour"}
    sent = api_them.post("/api/messages", json=body)
    assert sent.status_code == 201, sent.text
    assert sent.json()["expires_at"]
    bubble = page.locator(".bubble", has_text="gone in an hour")
    expect(bubble).to_be_visible()
    expect(bubble.locator(".bubble__countdown")).to_contain_text(re.compile(r"59m|1h 0m|60m"))
    before = page.locator(".bubble", has_text="before the timer")
    expect(before.locator(".bubble__countdown")).to_have_count(0)
    shot(page, "ephemeral-04-timer")

    page.clock.fast_forward("01:00:05")
    expect(bubble).to_have_count(0)
    expect(before).to_be_visible()
    shot(page, "ephemeral-05-message-gone")
    # The screen dropped it at its end; the server still has it until its real expiry.
    messages = api_me.get(f"/api/messages/{group_uuid}").text
    assert "gone in an hour" in messages


def test_change_when_a_crud_ends(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me = make_user(name="Expiry Person")
    api = as_user(me)
    text = f"ends sooner {uuid.uuid4().hex[:8]}"
    created = api.post("/api/activities", json={"message": text, "ttl": "7-days"})
    assert created.status_code == 201, created.text
    crud_uuid = created.json()["uuid"]

    sign_in_in_browser(page, me)
    page.goto(f"/@{me.handle}/status/{crud_uuid}")
    crud = page.locator("article.crud", has_text=text)
    expect(crud.locator(".countdown")).to_contain_text(re.compile(r"6d 23h|7d 0h"))
    crud.get_by_role("button", name="More actions for your crud").click()
    page.get_by_role("menuitem", name="Change when it ends").click()
    dialog = page.get_by_role("dialog", name="Change when it ends")
    expect(dialog).to_contain_text("A crud can live at most 30 days from when it was posted")
    dialog.get_by_role("radio", name="3 hours").check()
    shot(page, "ephemeral-06-change-end")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(crud.locator(".countdown")).to_contain_text(re.compile(r"2h 5\dm|3h 0m"))

    shown = api.get(f"/api/activities/@{me.handle}/status/{crud_uuid}").json()["activity"]
    left = _when(shown["expires_at"]) - datetime.now(UTC)
    assert timedelta(hours=2, minutes=50) < left <= timedelta(hours=3)

    # End now: confirmed, then gone for everyone.
    crud.get_by_role("button", name="More actions for your crud").click()
    page.get_by_role("menuitem", name="Change when it ends").click()
    page.get_by_role("dialog", name="Change when it ends").get_by_role("button", name="End now…").click()
    page.get_by_role("dialog", name="End this crud now?").get_by_role("button", name="End now").click()
    crud_path = f"/api/activities/@{me.handle}/status/{crud_uuid}"
    wait_for(lambda: api.get(crud_path).status_code == 404, what="the crud gone")
