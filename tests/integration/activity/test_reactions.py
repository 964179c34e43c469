"""Likes, reposts and deletion: idempotency, exact counts under concurrency, authorization."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.support import create_user, expect_error

pytestmark = pytest.mark.integration


def test_like_is_idempotent_and_counted(api: httpx.Client, make_user, post) -> None:
    author, fan = make_user(), make_user()
    crud = post(author, "like me")
    path = f"/api/activities/{crud['uuid']}/like"
    for _ in range(2):
        state = api.put(path, headers=fan.headers).json()
        assert state == {"activity_uuid": crud["uuid"], "liked": True, "likes_count": 1}
    shown = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}", headers=fan.headers).json()
    assert shown["activity"]["liked"] is True and shown["activity"]["likes_count"] == 1
    for _ in range(2):
        assert api.delete(path, headers=fan.headers).json()["likes_count"] == 0
    expect_error(
        api.put(f"/api/activities/{uuid.uuid4()}/like", headers=fan.headers), 404, "activity_not_found"
    )
    expect_error(api.put(path), 401)


def test_hundred_concurrent_likes_are_counted_exactly(
    api: httpx.Client, gateway_url: str, client_id: str, make_user, post
) -> None:
    author = make_user()
    crud = post(author, "popular")
    fans = [make_user() for _ in range(20)]

    async def like_all() -> list[int]:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as client:
            calls = [
                client.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers)
                for fan in fans
                for _ in range(5)  # 20 users x 5 concurrent repeats = 100 concurrent likes
            ]
            return [r.status_code for r in await asyncio.gather(*calls)]

    statuses = asyncio.run(like_all())
    assert statuses == [200] * 100
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["likes_count"] == 20


def test_hundred_distinct_users_liking_at_once(
    gateway_url: str, client_id: str, make_user, post, api
) -> None:
    author = make_user()
    crud = post(author, "very popular")
    fans = [create_user(gateway_url, client_id) for _ in range(100)]

    async def like_all() -> None:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as client:
            responses = await asyncio.gather(
                *(client.put(f"/api/activities/{crud['uuid']}/like", headers=f.headers) for f in fans)
            )
            assert [r.status_code for r in responses] == [200] * 100

    asyncio.run(like_all())
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["likes_count"] == 100


def test_repost_is_idempotent(api: httpx.Client, make_user, post) -> None:
    author, fan = make_user(), make_user()
    crud = post(author, "share me")
    path = f"/api/activities/{crud['uuid']}/repost"
    assert api.put(path, headers=fan.headers).json()["reposts_count"] == 1
    assert api.put(path, headers=fan.headers).json()["reposts_count"] == 1
    assert api.delete(path, headers=fan.headers).json() == {
        "activity_uuid": crud["uuid"],
        "reposted": False,
        "reposts_count": 0,
    }


def test_delete_own_crud_only(api: httpx.Client, make_user, post) -> None:
    author, other = make_user(), make_user()
    crud = post(author, "short lived")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "r"}, headers=other.headers
    ).json()
    expect_error(api.delete(f"/api/activities/{crud['uuid']}", headers=other.headers), 403, "not_author")
    expect_error(api.delete(f"/api/activities/{crud['uuid']}"), 401)
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code == 204
    expect_error(api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}"), 404)
    expect_error(api.get(f"/api/activities/@{other.handle}/status/{reply['uuid']}"), 404)
    expect_error(
        api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers), 404, "activity_not_found"
    )


def test_deleting_a_reply_fixes_the_parent_count(api: httpx.Client, make_user, post) -> None:
    author, other = make_user(), make_user()
    crud = post(author, "parent")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "r"}, headers=other.headers
    ).json()
    assert api.delete(f"/api/activities/{reply['uuid']}", headers=other.headers).status_code == 204
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["replies_count"] == 0 and page["replies"] == []
