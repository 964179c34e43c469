"""Issue 14's SPA flows in real Chromium: block from a profile, report a crud, a moderator resolves it.

Each test drives the SPA as one person and checks the effect through the API as the other, so a flow
that only looks right in the browser fails here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from devstack.aws_bootstrap import add_moderator
from devstack.stack import LocalStack
from tests.e2e.browser import shot, sign_in_in_browser
from tests.support import TestUser, expect_error, post_crud, sign_in, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def make_moderator(
    stack: LocalStack, client_id: str, make_user: Callable[..., TestUser]
) -> Callable[[], TestUser]:
    """Factory: a new user in the Cognito group `moderators`, with a token that carries the group."""

    def factory() -> TestUser:
        user = make_user(name="Moderator Person")
        add_moderator(stack.cfg.aws_url, user.email)
        user.token = sign_in(stack.cfg.gateway_url, client_id, user.email)
        return user

    return factory


def test_block_from_a_profile(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    me, them = make_user(name="Blocker Person"), make_user(name="Blocked Person")
    api_me, api_them = as_user(me), as_user(them)
    text = f"before the block {uuid.uuid4().hex[:8]}"
    post_crud(api_them, text, ttl="1-day")
    assert api_me.put(f"/api/users/@{them.handle}/follow").status_code in (200, 204)
    wait_for(lambda: text in api_me.get("/api/activities/home").text, what="their crud in my home")

    sign_in_in_browser(page, me)
    expect(page.locator("article.crud", has_text=text)).to_be_visible()
    page.goto(f"/@{them.handle}")
    page.get_by_role("button", name=f"More actions for @{them.handle}", exact=True).click()
    page.get_by_role("menuitem", name=f"Block @{them.handle}").click()
    dialog = page.get_by_role("dialog", name=f"Block @{them.handle}?")
    expect(dialog).to_contain_text("works both ways")
    expect(dialog).to_contain_text(f"@{them.handle} is not told")
    shot(page, "safety-01-block-confirm")
    dialog.get_by_role("button", name="Block", exact=True).click()
    expect(page.get_by_text(f"You blocked @{them.handle}")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(f"Follow @{them.handle}"))).to_have_count(0)
    shot(page, "safety-02-blocked-profile")

    # Both ways: they cannot follow me again and I no longer exist for them; no follow is left.
    expect_error(api_them.put(f"/api/users/@{me.handle}/follow"), 403, "blocked")
    wait_for(
        lambda: api_them.get(f"/api/activities/@{me.handle}").status_code == 404, what="my page 404 for them"
    )
    wait_for(lambda: text not in api_me.get("/api/activities/home").text, what="their crud out of my home")
    page.goto("/")
    expect(page.get_by_label("What would you like to say?")).to_be_visible()
    expect(page.locator("article.crud", has_text=text)).to_have_count(0)

    # Their profile still opens for me, without their cruds, saying I blocked them; Settings lists them too.
    page.goto(f"/@{them.handle}")
    expect(page.get_by_text(f"You blocked @{them.handle}")).to_be_visible()
    expect(page.locator("article.crud", has_text=text)).to_have_count(0)
    page.goto("/settings/blocked")
    page.get_by_role("button", name=f"Unblock @{them.handle}").click()
    expect(page.get_by_text(re.compile("You haven.t blocked anyone"))).to_be_visible()
    shot(page, "safety-03-settings")
    wait_for(lambda: api_me.get(f"/api/activities/@{them.handle}").status_code == 200, what="their page back")


def test_report_a_crud(
    page: Page, make_user: Callable[..., TestUser], as_user: Callable[[TestUser], httpx.Client]
) -> None:
    reporter, author = make_user(name="Reporter Person"), make_user(name="Reported Person")
    text = f"report me {uuid.uuid4().hex[:8]}"
    crud_uuid = post_crud(as_user(author), text, ttl="1-day")["uuid"]

    sign_in_in_browser(page, reporter)
    page.goto(f"/@{author.handle}/status/{crud_uuid}")
    crud = page.locator("article.crud", has_text=text)
    crud.get_by_role("button", name=f"More actions for @{author.handle}'s crud").click()
    page.get_by_role("menuitem", name="Report crud").click()
    dialog = page.get_by_role("dialog", name=f"Report @{author.handle}'s crud")
    dialog.get_by_role("radio", name=re.compile("Harassment")).check()
    dialog.get_by_label(re.compile("Anything a moderator should know")).fill("Keeps replying to me")
    shot(page, "safety-04-report-form")
    dialog.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("dialog", name="Report sent")).to_contain_text("a moderator will look at it")
    shot(page, "safety-05-report-sent")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    # The report is there: the same reporter's second report of that crud is the first one (200).
    again = as_user(reporter).post(
        "/api/reports", json={"target": {"type": "crud", "id": crud_uuid}, "category": "spam"}
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "open"

    # People who are not moderators have no Moderation page.
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation")).to_have_count(
        0
    )
    page.goto("/moderation")
    expect(page.get_by_text("Not available")).to_be_visible()


def test_a_moderator_resolves_a_report(
    page: Page,
    make_user: Callable[..., TestUser],
    make_moderator: Callable[[], TestUser],
    as_user: Callable[[TestUser], httpx.Client],
) -> None:
    author, reporter, moderator = (
        make_user(name="Rude Person"),
        make_user(name="Hurt Person"),
        make_moderator(),
    )
    text = f"resolve me {uuid.uuid4().hex[:8]}"
    crud_uuid = post_crud(as_user(author), text, ttl="1-day")["uuid"]
    api_reporter = as_user(reporter)
    filed = api_reporter.post(
        "/api/reports",
        json={
            "target": {"type": "crud", "id": crud_uuid},
            "category": "harassment",
            "comment": "Aimed at me",
        },
    )
    assert filed.status_code == 201, filed.text

    sign_in_in_browser(page, moderator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    card = page.locator("article.report", has_text=text)
    expect(card).to_contain_text(f"Reported by @{reporter.handle}")
    expect(card).to_contain_text("Aimed at me")
    shot(page, "safety-06-moderation-queue")
    card.get_by_label("Note for the audit log").fill("Harassment: removed")
    card.get_by_role("button", name="Remove crud").click()
    page.get_by_role("dialog", name="Remove this crud?").get_by_role(
        "button", name="Remove", exact=True
    ).click()
    expect(card).to_have_count(0)

    # Gone for everyone; the resolution and the audit entry say who did what.
    wait_for(
        lambda: api_reporter.get(f"/api/activities/@{author.handle}/status/{crud_uuid}").status_code == 404,
        what="the removed crud to be gone",
    )
    page.get_by_role("link", name="Resolved").click()
    expect(page.locator("article.report", has_text=text)).to_contain_text(f"Removed by @{moderator.handle}")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("list", name="Audit log, newest first")).to_contain_text("Harassment: removed")
    shot(page, "safety-07-audit")
