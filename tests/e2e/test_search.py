"""People search in Chromium (issue 18, finding 5): a surname finds the person; a #hashtag shows no people."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support import TestUser, wait_for

pytestmark = pytest.mark.e2e


def test_a_surname_finds_the_person(page: Page, gateway_url: str, make_user: Callable[..., TestUser]) -> None:
    surname = "".join(random.choices(string.ascii_lowercase, k=9)).title()
    person = make_user(name=f"Andrew {surname}")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:

        def projected() -> bool:
            found = api.get("/api/activities/search", params={"term": person.handle}).json()["users"]
            return any(u["handle"] == person.handle for u in found)

        wait_for(projected, what="the person projected into activity", timeout=30)
    page.goto(f"/search?term={surname}")
    people = page.get_by_role("region", name="People")
    expect(people.get_by_text(f"Andrew {surname}")).to_be_visible()
    expect(people.get_by_text(f"@{person.handle}")).to_be_visible()

    page.goto(f"/search?term=%23{surname.lower()}")
    expect(page.get_by_role("heading", name="Cruds")).to_be_visible()
    expect(page.get_by_role("heading", name="People")).to_have_count(0)
