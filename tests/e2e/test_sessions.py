"""Issue 18 findings 1-3 in Chromium: sessions that last (the clock driven, no real hour), one clean
sign-out when the refresh token is refused, two tabs refreshing once, the handle race at sign-up, a
new confirmation code, and a confirmed sign-in without a profile finishing it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from devstack import seed
from devstack.stack import LocalStack
from tests.e2e.browser import ARTIFACTS, shot, sign_in_in_browser
from tests.e2e.conftest import TIMEOUT
from tests.integration.activity.support import Db
from tests.support import PASSWORD, TestUser, unique_handle

pytestmark = pytest.mark.e2e
REFRESH_TARGETS = ("GetTokensFromRefreshToken", "InitiateAuth")


class Requests:
    """Every request a browser context makes: the flood of finding 1 shows here."""

    def __init__(self, context: BrowserContext) -> None:
        self.seen: list[tuple[str, str]] = []
        context.on("request", self._record)

    def _record(self, request: Request) -> None:
        target = (request.headers.get("x-amz-target") or "").rsplit(".", 1)[-1]
        if target == "InitiateAuth" and "REFRESH_TOKEN" not in (request.post_data or ""):
            target = "InitiateAuth (sign-in)"
        self.seen.append((request.url, target))

    def refreshes(self) -> int:
        """Refresh calls to the local Cognito (Amplify 6 uses GetTokensFromRefreshToken); not sign-ins."""
        return sum(1 for url, target in self.seen if "/cognito/" in url and target in REFRESH_TARGETS)

    def total(self) -> int:
        return len(self.seen)


@pytest.fixture
def context(browser: Browser, gateway_url: str, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A context whose clock the test drives (installed before any page loads); its pages' console and
    last screenshots land in artifacts/e2e/."""
    ctx = browser.new_context(base_url=gateway_url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT)
    ctx.clock.install()
    console: list[str] = []
    ctx.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    ctx.on("response", lambda r: console.append(f"http {r.status}: {r.url}") if r.status >= 400 else None)
    try:
        yield ctx
    finally:
        for n, tab in enumerate(ctx.pages):
            shot(tab, f"last-{request.node.name}-{n}")
        (ARTIFACTS / f"console-{request.node.name}.log").write_text("\n".join(console))
        ctx.close()


def _cognito(stack: LocalStack) -> Any:
    assert stack.aws is not None
    return boto3.client(
        "cognito-idp",
        endpoint_url=stack.cfg.aws_url,
        region_name=stack.aws.region,
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",
    )


def _wait(page: Page, check: Callable[[], bool], what: str) -> None:
    for _ in range(100):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_session_crosses_token_expiry_without_a_flood(
    context: BrowserContext, make_user: Callable[..., TestUser]
) -> None:
    me = make_user()
    requests = Requests(context)
    page = context.new_page()
    sign_in_in_browser(page, me)
    page.goto("/notifications")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    for hour in (1, 2, 3):
        page.clock.fast_forward("58:30")  # past the refresh point (2 min + jitter before expiry)
        _wait(page, lambda h=hour: requests.refreshes() >= h, f"refresh {hour}")
        page.clock.fast_forward("01:30")  # the old token has expired by now
        page.get_by_role("link", name="Home").first.click()
        expect(page.get_by_label("What would you like to say?")).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Notifications")).first.click()
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.wait_for_timeout(1000)
    assert requests.refreshes() == 3, "one refresh an hour"
    assert "/signin" not in page.url
    before = requests.total()
    page.wait_for_timeout(3000)
    assert requests.total() - before < 10, "no flood: a quiet page stays quiet"


def test_two_tabs_refresh_once(context: BrowserContext, make_user: Callable[..., TestUser]) -> None:
    me = make_user()
    requests = Requests(context)
    first = context.new_page()
    sign_in_in_browser(first, me)
    second = context.new_page()
    second.goto("/notifications")
    expect(second.get_by_role("heading", name="Notifications")).to_be_visible()
    first.clock.fast_forward("58:30")
    _wait(first, lambda: requests.refreshes() >= 1, "the refresh")
    first.wait_for_timeout(2000)
    assert requests.refreshes() == 1, "one tab refreshes, the other finds the new tokens"
    first.clock.fast_forward("01:30")
    second.reload()
    expect(second.get_by_role("heading", name="Notifications")).to_be_visible()
    assert "/signin" not in second.url and "/signin" not in first.url
    assert requests.refreshes() == 1


def test_a_refused_refresh_signs_out_once_and_returns_to_the_page(
    stack: LocalStack, context: BrowserContext, make_user: Callable[..., TestUser]
) -> None:
    assert stack.aws is not None
    me = make_user()
    requests = Requests(context)
    page = context.new_page()
    sign_in_in_browser(page, me)
    page.goto("/notifications")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    # Revoke every refresh token of the user (what Cognito does on a global sign-out elsewhere).
    _cognito(stack).admin_user_global_sign_out(UserPoolId=stack.aws.user_pool_id, Username=me.email)
    page.clock.fast_forward("58:30")
    page.wait_for_url(re.compile(r"/signin\?expired=1&next=%2Fnotifications$"))
    expect(page.get_by_text("Your session expired. Sign in again.")).to_be_visible()
    before = requests.total()
    page.wait_for_timeout(3000)
    assert requests.refreshes() == 1, "refused once, never retried"
    assert requests.total() - before < 10, "no flood after the sign-out"
    page.get_by_label("Email", exact=True).fill(me.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/notifications$"))
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()


def _sign_up_in_browser(page: Page, *, handle: str, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Name", exact=True).fill(handle.title())
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Username", exact=True).fill(handle)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def test_the_handle_race_is_refused_at_sign_up_and_a_new_code_can_be_sent(
    stack: LocalStack, page: Page
) -> None:
    assert stack.aws is not None
    handle = unique_handle("race")
    first = f"{unique_handle('a')}@example.com"
    _sign_up_in_browser(page, handle=handle, email=first)  # A signs up and does not confirm yet
    page.wait_for_url(re.compile(r"/confirm"))
    page.get_by_role("button", name="Send a new code").click()  # finding 3
    expect(page.get_by_text("A new code is on its way. Check your inbox.")).to_be_visible()

    _sign_up_in_browser(page, handle=handle, email=f"{unique_handle('b')}@example.com")  # B: same handle
    # Said once, with one period, under the Username field, which takes focus (finding 9).
    field = page.get_by_label("Username", exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    words = re.compile(rf"@{handle} is taken\. Choose another username\.$")
    expect(field).to_have_accessible_description(words)
    expect(page.get_by_text("is taken")).to_have_count(1)
    assert ".." not in page.locator("body").inner_text()
    assert "/signup" in page.url


def _drop_reservation(db_url: str, handle: str) -> None:
    db = Db(db_url)
    try:
        db.execute("DELETE FROM users.handle_reservations WHERE handle = $1", handle.lower())
    finally:
        db.close()


def test_a_confirmed_sign_in_without_a_profile_chooses_a_handle(stack: LocalStack, page: Page) -> None:
    assert stack.aws is not None
    handle, late = unique_handle("lost"), f"{unique_handle('a')}@example.com"
    gateway, client = stack.cfg.gateway_url, stack.aws.client_id
    attributes = {"email": late, "name": "Late Comer", "preferred_username": handle}
    signed_up = seed.cognito(
        gateway,
        "SignUp",
        {
            "ClientId": client,
            "Username": late,
            "Password": PASSWORD,
            "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
        },
    )
    assert signed_up.status_code == 200
    # older data: no reservation, and someone else took the handle first (asyncpg off Playwright's loop)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_drop_reservation, stack.cfg.db_url, handle).result()
    early = seed.DemoUser(handle, "Early", f"{unique_handle('b')}@example.com")
    seed.sign_up(gateway, client, early, PASSWORD)
    seed.cognito(gateway, "ConfirmSignUp", {"ClientId": client, "Username": late, "ConfirmationCode": "0"})

    page.goto("/signin?next=%2Fnotifications")
    page.get_by_label("Email", exact=True).fill(late)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/complete-profile\?next=%2Fnotifications$"))
    page.get_by_label("Username", exact=True).fill(handle)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"@{handle} is taken. Choose another username.")).to_be_visible()
    chosen = unique_handle("found")
    page.get_by_label("Username", exact=True).fill(chosen)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/notifications$"))
    page.goto(f"/@{chosen}")
    expect(page.get_by_role("heading", name="Late Comer", level=1)).to_be_visible()
