"""Two people talk through the gateway against real moto; the stream processor keeps previews current."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from tests.integration.messaging.support import groups, send, wait_for_preview
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def test_two_people_converse_and_both_lists_follow(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    first = send(api, alice, "Hello Bob", handle=bob.handle)
    group = first["message_group_uuid"]
    assert first["handle"] == alice.handle and first["display_name"] == alice.name
    assert first["message"] == "Hello Bob" and first["avatar_url"]
    me = api.get("/api/users/me", headers=alice.headers).json()
    assert first["uuid"] != me["uuid"], "the message's own id, not the sender's"

    reply = send(api, bob, "Hi Alice", message_group_uuid=group)
    assert reply["message_group_uuid"] == group
    last = send(api, alice, "How are you?", message_group_uuid=group)

    alice_list = wait_for_preview(api, alice, handle=bob.handle, text="How are you?")
    bob_list = wait_for_preview(api, bob, handle=alice.handle, text="How are you?")
    assert [g["uuid"] for g in alice_list] == [group]
    assert alice_list[0]["display_name"] == bob.name
    assert bob_list[0]["uuid"] == group and bob_list[0]["display_name"] == alice.name
    assert alice_list[0]["created_at"] == last["created_at"]

    messages = api.get(f"/api/messages/{group}", headers=bob.headers)
    assert messages.status_code == 200
    assert [m["message"] for m in messages.json()] == ["Hello Bob", "Hi Alice", "How are you?"]
    assert [m["handle"] for m in messages.json()] == [alice.handle, bob.handle, alice.handle]
    assert "link" not in messages.headers

    found = api.get(f"/api/message_groups/@{bob.handle}", headers=alice.headers)
    assert found.status_code == 200 and found.json()["uuid"] == group
    assert found.json()["message"] == "How are you?"


def test_a_third_person_cannot_see_or_post(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_user: Callable[..., TestUser]
) -> None:
    alice, bob = pair
    carol = make_user()
    group = send(api, alice, "private", handle=bob.handle)["message_group_uuid"]
    expect_error(api.get(f"/api/messages/{group}", headers=carol.headers), 404, "message_group_not_found")
    posted = api.post(
        "/api/messages", json={"message": "hi", "message_group_uuid": group}, headers=carol.headers
    )
    expect_error(posted, 404, "message_group_not_found")
    expect_error(api.get(f"/api/message_groups/@{alice.handle}", headers=carol.headers), 404)
    assert groups(api, carol) == []
    texts = [m["message"] for m in api.get(f"/api/messages/{group}", headers=alice.headers).json()]
    assert texts == ["private"], "nothing half-written"


def test_starting_again_continues_the_one_conversation(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    group = send(api, alice, "one", handle=bob.handle)["message_group_uuid"]
    assert send(api, alice, "two", handle=bob.handle)["message_group_uuid"] == group
    assert send(api, bob, "three", handle=alice.handle.upper())["message_group_uuid"] == group
    wait_for_preview(api, alice, handle=bob.handle, text="three")
    assert len(groups(api, alice)) == 1 and len(groups(api, bob)) == 1


def test_both_starting_at_the_same_moment_make_one_conversation(
    gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    pairs = [(make_user(), make_user()) for _ in range(3)]

    async def race() -> list[tuple[str, str]]:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:

            async def start(sender: TestUser, other: TestUser) -> str:
                response = await client.post(
                    "/api/messages", json={"message": "hey!", "handle": other.handle}, headers=sender.headers
                )
                assert response.status_code == 201, response.text
                return str(response.json()["message_group_uuid"])

            results = []
            for a, b in pairs:
                results.append(tuple(await asyncio.gather(start(a, b), start(b, a))))
            return results  # type: ignore[return-value]

    for (a, b), (g1, g2) in zip(pairs, asyncio.run(race()), strict=True):
        assert g1 == g2
        with httpx.Client(base_url=gateway_url, timeout=30) as api:
            assert [g["uuid"] for g in groups(api, a)] == [g1]
            assert [g["uuid"] for g in groups(api, b)] == [g1]
            texts = [m["message"] for m in api.get(f"/api/messages/{g1}", headers=a.headers).json()]
            assert texts == ["hey!", "hey!"], "the losing start's message lands in the winner's conversation"


def test_conversations_sorted_by_last_activity_and_paged(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob, carol, dave = make_user(), make_user(), make_user(), make_user()
    g_bob = send(api, alice, "to bob", handle=bob.handle)["message_group_uuid"]
    send(api, alice, "to carol", handle=carol.handle)
    send(api, alice, "to dave", handle=dave.handle)
    send(api, bob, "bob again", message_group_uuid=g_bob)
    listed = wait_for_preview(api, alice, handle=bob.handle, text="bob again")
    assert [g["handle"] for g in listed] == [bob.handle, dave.handle, carol.handle]

    first = api.get("/api/message_groups", params={"limit": 2}, headers=alice.headers)
    assert [g["handle"] for g in first.json()] == [bob.handle, dave.handle]
    next_url = first.links["next"]["url"]
    second = api.get(next_url, headers=alice.headers)
    assert [g["handle"] for g in second.json()] == [carol.handle]
    assert "next" not in second.links
    stolen = api.get(next_url, headers=bob.headers)
    expect_error(stolen, 400, "invalid_cursor")


def test_pagination_across_many_messages(api: httpx.Client, pair: tuple[TestUser, TestUser]) -> None:
    alice, bob = pair
    group = send(api, alice, "m00", handle=bob.handle)["message_group_uuid"]
    for i in range(1, 45):
        sender = alice if i % 2 == 0 else bob
        send(api, sender, f"m{i:02d}", message_group_uuid=group)
    seen: list[str] = []
    url: str | None = f"/api/messages/{group}?limit=20"
    pages = 0
    while url:
        response = api.get(url, headers=bob.headers)
        assert response.status_code == 200
        page = [m["message"] for m in response.json()]
        assert page == sorted(page), "oldest first within a page"
        seen = page + seen
        pages += 1
        url = response.links.get("next", {}).get("url")
    assert pages == 3
    assert seen == [f"m{i:02d}" for i in range(45)]
    cursor_page = api.get(
        f"/api/messages/{group}",
        params={
            "limit": 5,
            "cursor": _cursor(api.get(f"/api/messages/{group}?limit=5", headers=bob.headers)),
        },
        headers=bob.headers,
    )
    assert [m["message"] for m in cursor_page.json()] == [f"m{i:02d}" for i in range(35, 40)]


def _cursor(response: httpx.Response) -> str:
    next_url = httpx.URL(response.links["next"]["url"])
    return str(next_url.params["cursor"])
