"""Issue 18: like -> unlike -> like is one notification, an undo takes back an unread one, likes and
reposts of one crud group, names are the actor's current ones, and every tab gets the unread count."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.notification.support import event, identity, ingest, ingest_all, open_stream
from tests.support import TestUser

pytestmark = pytest.mark.integration


def undo(like: dict[str, Any]) -> dict[str, Any]:
    """The unlike (un-repost, unfollow) of an event, as its producer sends it."""
    return event(
        "undo",
        {"uuid": like["recipient"]["uuid"], "sub": like["recipient"]["sub"], "handle": "x"},
        like["actor"],
        target={k: v for k, v in like["target"].items() if k == "activity_uuid"} | {"undoes": like["kind"]},
    )


def page(api: httpx.Client, user: TestUser) -> dict[str, Any]:
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
def people(api: httpx.Client, make_user: Callable[..., TestUser]) -> tuple[TestUser, dict, dict]:
    recipient, actor = make_user(), make_user()
    return recipient, identity(api, recipient), identity(api, actor)


@pytest.mark.parametrize("kind", ["like", "repost", "follow"])
def test_toggling_makes_one_notification(
    api: httpx.Client, notification_url: str, people: tuple, kind: str
) -> None:
    user, recipient, actor = people
    first = event(kind, recipient, actor)
    again = event(kind, recipient, actor, target=first["target"])
    assert ingest(notification_url, first).json() == {"status": "stored"}
    assert ingest(notification_url, undo(first)).json() == {"status": "undone"}
    assert page(api, user) == {"items": [], "unread_count": 0, "next_cursor": None}, "the undo took it back"
    assert ingest(notification_url, again).json() == {"status": "stored"}
    if kind != "follow":  # a crud is liked once per person; following again after a while is news
        # a producer that never sends the undo (toggled twice more): still one notification
        repeat = event(kind, recipient, actor, target=first["target"])
        assert ingest(notification_url, repeat).json() == {"status": "dropped"}
    listed = page(api, user)
    assert [n["uuid"] for n in listed["items"]] == [again["event_id"]] and listed["unread_count"] == 1


def test_an_undo_leaves_a_read_notification_and_a_new_like_adds_none(
    api: httpx.Client, notification_url: str, people: tuple
) -> None:
    user, recipient, actor = people
    like = event("like", recipient, actor)
    assert ingest(notification_url, like).json() == {"status": "stored"}
    assert api.post("/api/notifications/read", json={}, headers=user.headers).status_code == 200
    assert ingest(notification_url, undo(like)).json() == {"status": "undone"}
    assert ingest(notification_url, event("like", recipient, actor, target=like["target"])).json() == {
        "status": "dropped"
    }
    listed = page(api, user)
    assert [n["uuid"] for n in listed["items"]] == [like["event_id"]] and listed["unread_count"] == 0


def test_a_batch_of_like_unlike_like_stores_one(
    api: httpx.Client, notification_url: str, people: tuple
) -> None:
    user, recipient, actor = people
    like = event("like", recipient, actor)
    relike = event("like", recipient, actor, target=like["target"])
    results = ingest_all(notification_url, [like, undo(like), relike, undo(relike), relike])
    assert [r["ok"] for r in results] == [True] * 5
    assert [n["uuid"] for n in page(api, user)["items"]] == [relike["event_id"]]


def test_an_undo_needs_what_it_undoes(notification_url: str, people: tuple) -> None:
    _, recipient, actor = people
    for target in ({}, {"undoes": "like"}, {"undoes": "reply", "activity_uuid": str(uuid.uuid4())}):
        response = ingest(notification_url, event("undo", recipient, actor, target=target))
        assert response.status_code == 422, response.text


def test_likes_and_reposts_of_one_crud_group(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    recipient = identity(api, user)
    actors = [identity(api, make_user()) for _ in range(4)]
    crud = {"activity_uuid": str(uuid.uuid4()), "activity_handle": recipient["handle"], "preview": "hi"}
    likes = [event("like", recipient, a, target=crud) for a in actors]
    repost = event("repost", recipient, actors[0], target=crud)
    other = event("like", recipient, actors[0])  # another crud: its own notification
    results = ingest_all(notification_url, [*likes[:2], other, *likes[2:], repost])
    assert [r["ok"] for r in results] == [True] * 6
    listed = page(api, user)
    assert [n["uuid"] for n in listed["items"]] == [
        repost["event_id"],
        likes[3]["event_id"],
        other["event_id"],
    ]
    assert listed["unread_count"] == 3, "a group counts once"
    group = listed["items"][1]
    assert group["actor"]["uuid"] == actors[3]["uuid"] and group["others_count"] == 3
    assert [p["uuid"] for p in group["others"]] == [actors[2]["uuid"], actors[1]["uuid"]]
    assert listed["items"][0]["others_count"] == 0 and listed["items"][0]["others"] == []

    read = api.post("/api/notifications/read", json={"up_to": group["id"]}, headers=user.headers)
    assert read.json() == {"marked": 5, "unread_count": 1}
    assert ingest(notification_url, undo(likes[3])).json() == {"status": "undone"}  # read: it stays
    fresh = event("like", recipient, identity(api, make_user()), target=crud)
    assert ingest(notification_url, fresh).json() == {"status": "stored"}
    listed = page(api, user)
    assert listed["items"][0]["uuid"] == fresh["event_id"] and listed["items"][0]["others_count"] == 4
    assert listed["unread_count"] == 2


def test_names_are_the_current_ones(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, bob = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, bob)
    assert ingest(notification_url, event("follow", recipient, actor)).json() == {"status": "stored"}
    edit = {"display_name": "Renamed Person"}
    assert api.put("/api/profile/update", json=edit, headers=bob.headers).status_code == 200
    shown = page(api, user)["items"][0]["actor"]  # the first read after the edit: nothing cached yet
    assert shown["display_name"] == "Renamed Person" and shown["handle"] == actor["handle"]


async def test_every_stream_gets_the_unread_count(
    gateway_url: str, notification_url: str, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    recipient, actor = identity(api, alice), identity(api, bob)
    timeout = httpx.Timeout(10, read=None)
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=timeout) as one,
        httpx.AsyncClient(base_url=gateway_url, timeout=timeout) as two,
        open_stream(one, "/api/notifications/stream", headers=alice.headers) as tab1,
        open_stream(two, "/api/notifications/stream", headers=alice.headers) as tab2,
    ):
        like = event("like", recipient, actor)
        assert ingest(notification_url, like).json() == {"status": "stored"}
        assert [await tab1.next_unread(), await tab2.next_unread()] == [1, 1]
        assert (await tab1.next()).data["uuid"] == like["event_id"]
        read = await one.post("/api/notifications/read", json={}, headers=alice.headers)
        assert read.status_code == 200
        assert [await tab1.next_unread(), await tab2.next_unread()] == [0, 0], (
            "read in one tab, cleared in all"
        )
        again = event("like", recipient, actor)
        assert ingest(notification_url, again).json() == {"status": "stored"}
        assert await tab2.next_unread() == 1
        assert ingest(notification_url, undo(again)).json() == {"status": "undone"}
        assert await tab2.next_unread() == 0, "an unlike takes the badge back in every tab"
