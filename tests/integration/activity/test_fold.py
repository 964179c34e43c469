"""One crud, one card (issue 18): home folds a crud's entries into its newest; user pages show reposts."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.safety import block, mute, send, user_uuid
from tests.integration.activity.support import follow
from tests.support import TestUser

pytestmark = pytest.mark.integration

Entry = tuple[str, str | None]  # (crud uuid, reposter handle)


def _entries(items: list[dict[str, Any]]) -> list[Entry]:
    return [(str(a["uuid"]), (a.get("reposted_by") or {}).get("handle")) for a in items]


def _next(response: httpx.Response) -> str | None:
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))
    return match.group(1) if match else None


def _walk(api: httpx.Client, link: str | None, user: TestUser | None, key: str | None = None) -> list[Entry]:
    """Every entry of a list, one page at a time."""
    seen: list[Entry] = []
    while link:
        page = api.get(link, headers=user.headers if user else {})
        assert page.status_code == 200, page.text
        body = page.json()
        seen += _entries(body[key] if key else body)
        link = _next(page)
    return seen


def _home(api: httpx.Client, user: TestUser) -> list[Entry]:
    return _walk(api, "/api/activities/home?limit=50", user)


def _repost(api: httpx.Client, user: TestUser, crud: dict[str, Any], *, on: bool = True) -> None:
    url = f"/api/activities/{crud['uuid']}/repost"
    response = api.put(url, headers=user.headers) if on else api.delete(url, headers=user.headers)
    assert response.is_success, response.text


def test_a_reposted_crud_appears_once_at_its_newest_reason(api: httpx.Client, make_user, post) -> None:
    me, author, friend = make_user(), make_user(), make_user()
    follow(api, me, author.handle)
    follow(api, me, friend.handle)
    crud = post(author, "said once")
    newer = post(author, "said after")
    _repost(api, friend, crud)
    assert _home(api, me) == [(crud["uuid"], friend.handle), (newer["uuid"], None)]
    _repost(api, me, crud)  # the reader's own repost is the newest reason now
    home = api.get("/api/activities/home", headers=me.headers).json()
    assert _entries(home) == [(crud["uuid"], me.handle), (newer["uuid"], None)]
    assert home[0]["reposted"] is True and home[0]["reposts_count"] == 2
    _repost(api, me, crud, on=False)
    assert _home(api, me) == [(crud["uuid"], friend.handle), (newer["uuid"], None)]
    _repost(api, friend, crud, on=False)
    assert _home(api, me) == [(newer["uuid"], None), (crud["uuid"], None)]


def test_the_fold_holds_across_pages(api: httpx.Client, make_user, post) -> None:
    # The older entry of a folded crud would be on a later page: it never shows there either.
    me, author, friend = make_user(), make_user(), make_user()
    follow(api, me, author.handle)
    follow(api, me, friend.handle)
    old = post(author, "old, reposted later")
    middle = [post(author, f"in between {n}") for n in range(3)]
    _repost(api, friend, old)
    own = post(friend, "friend's newest")
    expected = [
        (own["uuid"], None),
        (old["uuid"], friend.handle),
        *[(m["uuid"], None) for m in reversed(middle)],
    ]
    for limit in (1, 2, 3):
        assert _walk(api, f"/api/activities/home?limit={limit}", me) == expected, limit


def test_a_muted_reposter_leaves_the_original(api: httpx.Client, make_user, post, stack: LocalStack) -> None:
    me, author, friend = make_user(), make_user(), make_user()
    follow(api, me, author.handle)
    follow(api, me, friend.handle)
    crud = post(author, "still mine to see")
    _repost(api, friend, crud)
    send(stack, mute(user_uuid(api, me), user_uuid(api, friend)))
    assert _home(api, me) == [(crud["uuid"], None)]


def test_a_user_page_shows_their_reposts_by_repost_time(api: httpx.Client, make_user, post) -> None:
    reposter, author, reader = make_user(), make_user(), make_user()
    first = post(reposter, "my first")
    theirs = post(author, "worth sharing")
    second = post(reposter, "my second")
    _repost(api, reposter, theirs)  # after `second`: on top, at the repost's time
    _repost(api, reposter, first)  # their own crud: still one entry, where it was
    expected = [(theirs["uuid"], reposter.handle), (second["uuid"], None), (first["uuid"], None)]
    page = f"/api/activities/@{reposter.handle}"
    for limit in (1, 2, 20):
        assert _walk(api, f"{page}?limit={limit}", reader, "activities") == expected, limit
        assert _walk(api, f"{page}?limit={limit}", None, "activities") == expected, limit
    item = api.get(page, headers=reader.headers).json()["activities"][0]
    assert item["reposted_at"] > item["created_at"] and item["handle"] == author.handle
    assert api.get(page).json()["profile"]["cruds_count"] == 2  # their own cruds, as before
    _repost(api, reposter, theirs, on=False)
    assert _walk(api, page, reader, "activities") == expected[1:]


def test_a_user_page_hides_reposts_of_someone_blocked(
    api: httpx.Client, make_user, post, stack: LocalStack
) -> None:
    reposter, author, reader = make_user(), make_user(), make_user()
    crud = post(author, "not for the reader")
    own = post(reposter, "visible")
    _repost(api, reposter, crud)
    send(stack, block(user_uuid(api, author), user_uuid(api, reader)))
    page = f"/api/activities/@{reposter.handle}"
    assert _walk(api, f"{page}?limit=1", reader, "activities") == [(own["uuid"], None)]
    assert _walk(api, f"/api/activities/@{reposter.handle}", None, "activities") == [
        (crud["uuid"], reposter.handle),
        (own["uuid"], None),
    ]
