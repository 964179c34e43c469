"""User page and crud page: shapes, counts, 404s, replies oldest first."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.integration.activity.support import follow
from tests.support import expect_error

pytestmark = pytest.mark.integration


def test_user_page_profile_and_counts(api: httpx.Client, make_user, post) -> None:
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    first = post(author, "one")
    post(author, "two")
    api.post(f"/api/activities/{first['uuid']}/reply", json={"message": "self reply"}, headers=author.headers)
    page = api.get(f"/api/activities/@{author.handle.upper()}", headers=fan.headers).json()
    profile = page["profile"]
    assert profile["handle"] == author.handle
    assert profile["cruds_count"] == 2
    assert (profile["followers_count"], profile["following_count"]) == (1, 0)
    assert profile["followed"] is True
    assert profile["avatar_url"] and "cognito_user_uuid" not in profile  # a sub is not public
    assert [a["message"] for a in page["activities"]] == ["two", "one"]
    assert api.get(f"/api/activities/@{author.handle}").json()["profile"]["followed"] is None


def test_unknown_handle_is_404(api: httpx.Client) -> None:
    expect_error(api.get("/api/activities/@nobody_here_at_all"), 404, "user_not_found")


def test_crud_page_with_replies_oldest_first(api: httpx.Client, make_user, post) -> None:
    author, replier = make_user(), make_user()
    crud = post(author, "parent")
    for i in range(3):
        r = api.post(
            f"/api/activities/{crud['uuid']}/reply", json={"message": f"r{i}"}, headers=replier.headers
        )
        assert r.status_code == 201
        assert r.json()["reply_to_activity_uuid"] == crud["uuid"]
        assert r.json()["expires_at"] == crud["expires_at"]
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}", params={"limit": 2}).json()
    assert page["activity"]["replies_count"] == 3
    assert [r["message"] for r in page["replies"]] == ["r0", "r1"]
    rest = api.get(
        f"/api/activities/@{author.handle}/status/{crud['uuid']}", params={"cursor": page["next_cursor"]}
    ).json()
    assert [r["message"] for r in rest["replies"]] == ["r2"] and rest["next_cursor"] is None


def test_crud_page_404s(api: httpx.Client, make_user, post) -> None:
    author, other = make_user(), make_user()
    crud = post(author, "mine")
    expect_error(api.get(f"/api/activities/@{other.handle}/status/{crud['uuid']}"), 404, "activity_not_found")
    expect_error(
        api.get(f"/api/activities/@{author.handle}/status/{uuid.uuid4()}"), 404, "activity_not_found"
    )
    expect_error(api.get(f"/api/activities/@{author.handle}/status/not-a-uuid"), 422, "validation_error")


def test_reply_rules(api: httpx.Client, make_user, post) -> None:
    author = make_user()
    crud = post(author, "p")
    path = f"/api/activities/{crud['uuid']}/reply"
    ok = api.post(path, json={"message": "x" * 1024, "activity_uuid": crud["uuid"]}, headers=author.headers)
    assert ok.status_code == 201
    expect_error(
        api.post(path, json={"message": "x" * 1025}, headers=author.headers), 422, "message_too_long"
    )
    expect_error(api.post(path, json={"message": " "}, headers=author.headers), 422, "message_blank")
    missing = f"/api/activities/{uuid.uuid4()}/reply"
    expect_error(api.post(missing, json={"message": "hi"}, headers=author.headers), 404, "activity_not_found")
    expect_error(
        api.post("/api/activities/123/reply", json={"message": "hi"}, headers=author.headers),
        422,
        "validation_error",
    )
    expect_error(api.post(path, json={"message": "hi"}), 401)


def test_pages_are_byte_for_byte_what_their_models_would_write(api: httpx.Client, make_user, post) -> None:
    # The routes render plain data with orjson (activity_service/feeds/render.py); parsing each body with its
    # response model and dumping it again must give the same bytes: same keys, same order, same formats.
    from pydantic import TypeAdapter

    from activity_service.feeds.schemas import CrudPage, SearchResult, UserPage
    from activity_service.schemas import ActivityItem, ActivityPage

    me, friend = make_user(), make_user()
    follow(api, me, friend.handle)
    crud = post(friend, 'h\u00e9llo "page" <b>#bytes</b> \u2028')
    assert api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=me.headers
    ).is_success
    assert api.put(f"/api/activities/{crud['uuid']}/like", headers=me.headers).is_success
    assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=me.headers).is_success
    pages: list[tuple[str, dict[str, str], TypeAdapter]] = [
        ("/api/activities/home", me.headers, TypeAdapter(list[ActivityItem])),
        ("/api/activities/explore", me.headers, TypeAdapter(ActivityPage)),
        (f"/api/activities/@{friend.handle}", me.headers, TypeAdapter(UserPage)),
        (f"/api/activities/@{friend.handle}", {}, TypeAdapter(UserPage)),
        (f"/api/activities/@{friend.handle}/status/{crud['uuid']}", me.headers, TypeAdapter(CrudPage)),
        ("/api/activities/search?term=bytes", me.headers, TypeAdapter(SearchResult)),
        (f"/api/activities/search?term={friend.handle}", {}, TypeAdapter(SearchResult)),
    ]
    for url, headers, adapter in pages:
        response = api.get(url, headers=headers)
        assert response.status_code == 200, (url, response.text)
        assert response.content == adapter.dump_json(adapter.validate_json(response.content)), url
    assert (
        api.get(f"/api/activities/@{friend.handle}", headers=me.headers).json()["profile"]["followed"] is True
    )
