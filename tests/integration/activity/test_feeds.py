"""Home, explore and user page feeds: who is in them, order, keyset pagination, cursors."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.integration.activity.support import follow
from tests.support import expect_error

pytestmark = pytest.mark.integration


def _next(response: httpx.Response) -> str | None:
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))
    return match.group(1) if match else None


def test_signed_in_home_has_followed_and_own_cruds_only(api: httpx.Client, make_user, post) -> None:
    me, friend, stranger = make_user(), make_user(), make_user()
    follow(api, me, friend.handle)
    mine = post(me, "mine")
    theirs = post(friend, "friend's")
    other = post(stranger, "stranger's")
    reply = api.post(f"/api/activities/{theirs['uuid']}/reply", json={"message": "re"}, headers=me.headers)
    assert reply.status_code == 201
    home = api.get("/api/activities/home", headers=me.headers)
    assert home.status_code == 200
    uuids = [a["uuid"] for a in home.json()]
    assert uuids[:2] == [theirs["uuid"], mine["uuid"]]
    assert other["uuid"] not in uuids
    assert reply.json()["uuid"] not in uuids
    assert all(a["liked"] is False and a["reposted"] is False for a in home.json())


def test_signed_out_home_and_explore_are_global(api: httpx.Client, make_user, post) -> None:
    crud = post(make_user(), "for everyone")
    home = api.get("/api/activities/home").json()
    assert crud["uuid"] in [a["uuid"] for a in home]
    assert all(a["liked"] is None for a in home)
    explore = api.get("/api/activities/explore", params={"limit": 100}, headers=make_user().headers).json()
    assert crud["uuid"] in [a["uuid"] for a in explore["items"]]
    assert set(explore) == {"items", "next_cursor"}


def test_pages_have_no_duplicates_or_gaps_while_new_cruds_arrive(api: httpx.Client, make_user, post) -> None:
    me, friend = make_user(), make_user()
    follow(api, me, friend.handle)
    posted = [post(friend, f"n{i}")["uuid"] for i in range(7)]
    first = api.get("/api/activities/home", params={"limit": 3}, headers=me.headers)
    seen = [a["uuid"] for a in first.json()]
    link = _next(first)
    assert link and "limit=3" in link
    post(friend, "arrives during paging")
    while link:
        page = api.get(link, headers=me.headers)
        assert page.status_code == 200
        seen += [a["uuid"] for a in page.json()]
        link = _next(page)
    assert seen == list(reversed(posted))


def test_user_page_pagination_with_cursor_param(api: httpx.Client, make_user, post) -> None:
    author = make_user()
    posted = [post(author, f"p{i}")["uuid"] for i in range(5)]
    body = api.get(f"/api/activities/@{author.handle}", params={"limit": 2}).json()
    seen = [a["uuid"] for a in body["activities"]]
    while body["next_cursor"]:
        body = api.get(
            f"/api/activities/@{author.handle}", params={"limit": 2, "cursor": body["next_cursor"]}
        ).json()
        seen += [a["uuid"] for a in body["activities"]]
    assert seen == list(reversed(posted))


def test_explore_pages_with_next_cursor(api: httpx.Client, make_user, post) -> None:
    author = make_user()
    for i in range(3):
        post(author, f"e{i}")
    page = api.get("/api/activities/explore", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    second = api.get("/api/activities/explore", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert not {a["uuid"] for a in page["items"]} & {a["uuid"] for a in second["items"]}


@pytest.mark.parametrize("limit", [0, 101, -1, "ten"])
def test_limit_bounds(api: httpx.Client, limit: object) -> None:
    expect_error(api.get("/api/activities/home", params={"limit": limit}), 422, "validation_error")


def test_tampered_or_foreign_cursors_are_400(api: httpx.Client, make_user, post) -> None:
    author = make_user()
    for i in range(3):
        post(author, f"c{i}")
    cursor = api.get(f"/api/activities/@{author.handle}", params={"limit": 1}).json()["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    expect_error(api.get("/api/activities/explore", params={"cursor": tampered}), 400, "invalid_cursor")
    expect_error(api.get("/api/activities/explore", params={"cursor": cursor}), 400, "invalid_cursor")
    expect_error(api.get("/api/activities/home", params={"cursor": "!!!"}), 400, "invalid_cursor")


def test_repost_shows_who_reposted_in_followers_home(api: httpx.Client, make_user, post) -> None:
    me, friend, author = make_user(), make_user(), make_user()
    follow(api, me, friend.handle)
    crud = post(author, "worth sharing")
    assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=friend.headers).status_code == 200
    home = api.get("/api/activities/home", headers=me.headers).json()
    assert home[0]["uuid"] == crud["uuid"]
    assert home[0]["reposted_by"]["handle"] == friend.handle
    assert home[0]["reposts_count"] == 1
    assert home[0]["reposted"] is False
    api.delete(f"/api/activities/{crud['uuid']}/repost", headers=friend.headers)
    home = api.get("/api/activities/home", headers=me.headers).json()
    assert crud["uuid"] not in [a["uuid"] for a in home]


def test_home_pages_one_by_one_through_cruds_and_reposts(api: httpx.Client, make_user, post) -> None:
    # Page boundaries on originals and on reposts (whose timeline time is the repost's, not the crud's).
    me, friend, author = make_user(), make_user(), make_user()
    follow(api, me, friend.handle)
    older = post(author, "older, reposted later")
    first = post(friend, "friend's own")
    assert api.put(f"/api/activities/{older['uuid']}/repost", headers=friend.headers).status_code == 200
    last = post(friend, "friend's newest")
    expected = [(last["uuid"], None), (older["uuid"], friend.handle), (first["uuid"], None)]
    seen: list[tuple[str, str | None]] = []
    link: str | None = "/api/activities/home?limit=1"
    while link:
        page = api.get(link, headers=me.headers)
        assert page.status_code == 200, page.text
        for item in page.json():
            reposter = item["reposted_by"]["handle"] if item["reposted_by"] else None
            seen.append((item["uuid"], reposter))
            if reposter:
                assert item["reposted_at"] > item["created_at"]
            else:
                assert item["reposted_at"] is None
        link = _next(page)
    assert seen == expected


def test_profile_edit_shows_in_feeds_promptly(api: httpx.Client, make_user, post) -> None:
    from tests.support import wait_for

    author = make_user()
    crud = post(author, "before the rename")
    response = api.put(
        "/api/profile/update", json={"display_name": "Renamed Person", "bio": "hi"}, headers=author.headers
    )
    assert response.status_code == 200, response.text

    def renamed() -> bool:
        page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
        return bool(page["activity"]["display_name"] == "Renamed Person")

    wait_for(renamed, what="the new display name in the activity service", timeout=5)
    profile = api.get(f"/api/activities/@{author.handle}").json()["profile"]
    assert profile["bio"] == "hi"
