"""Issue 15 end to end through the gateway: pictures go from the browser's upload through the real image
processor into every feed and end with their crud; the author moves a crud's end and every reader sees it;
a conversation timer makes messages disappear for both members.

Each service's own rules are tested beside it (tests/integration/activity/test_media.py,
test_expiry_edit.py, tests/integration/messaging/test_disappearing.py, tests/unit/avatar); these follow
one person's action across the services, the processor and the local edge.
"""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from devstack.stack import LocalStack
from tests.integration.activity.media import purge_all
from tests.integration.activity.support import Db
from tests.integration.avatar.support import keys_under, upload
from tests.support import TestUser, expect_error, post_crud, wait_for
from tests.unit.avatar import images

pytestmark = pytest.mark.integration

ASSETS = "cruddur-assets"


def _picture(api: httpx.Client, user: TestUser, data: bytes, content_type: str) -> str:
    """Grant, upload as the browser does, wait for the processor: the media id."""
    response = api.post("/api/activities/media", json={"content_type": content_type}, headers=user.headers)
    assert response.status_code == 201, response.text
    grant = dict(response.json())
    assert grant["max_bytes"] == 10 * 1024 * 1024
    upload({**grant, "content_type": content_type}, data)
    deadline = time.monotonic() + 30
    while True:
        status = api.get(f"/api/activities/media/{grant['id']}", headers=user.headers)
        assert status.status_code == 200, status.text
        if status.json()["status"] != "processing" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status.json()["status"] == "ready", status.text
    return str(grant["id"])


def _items(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    if isinstance(body, list):  # the original routes answer a bare list
        return body
    return list(body["items"] if "items" in body else body["activities"])


def _find(items: list[dict[str, Any]], crud_uuid: str) -> dict[str, Any] | None:
    return next((item for item in items if item["uuid"] == crud_uuid), None)


def _image(api: httpx.Client, url: str) -> Image.Image:
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def _expires(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["expires"][0])


def test_pictures_reach_every_feed_and_end_with_their_crud(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = make_user(), make_user()
    assert api.put(f"/api/users/@{alice.handle}/follow", headers=bob.headers).status_code == 200
    photo = _picture(api, alice, images.jpeg(4000, 3000, orientation=6), "image/jpeg")
    drawing = _picture(api, alice, images.png(600, 400, alpha=True), "image/png")
    word = f"w{uuid.uuid4().hex[:10]}"
    crud = post_crud(
        api,
        f"two pictures {word}",
        user=alice,
        media=[{"id": photo, "alt": "A red roof over a white wall"}, {"id": drawing, "alt": "A sketch"}],
    )
    assert [m["alt"] for m in crud["media"]] == ["A red roof over a white wall", "A sketch"]

    shapes = {
        "home": lambda: _items(api.get("/api/activities/home", params={"limit": 100}, headers=bob.headers)),
        "explore": lambda: _items(api.get("/api/activities/explore", params={"limit": 100})),
        "user page": lambda: _items(api.get(f"/api/activities/@{alice.handle}")),
        "search": lambda: _items(api.get("/api/activities/search", params={"term": word})),
        "crud page": lambda: [
            api.get(f"/api/activities/@{alice.handle}/status/{crud['uuid']}").json()["activity"]
        ],
    }
    wait_for(lambda: _find(shapes["home"](), crud["uuid"]) is not None, what="the crud in bob's home")
    for name, read in shapes.items():
        item = _find(read(), crud["uuid"])
        assert item is not None, name
        assert item["media"] == crud["media"], name

    first = crud["media"][0]
    display = _image(api, first["url"])
    assert max(display.size) == 1600 and display.size == (first["width"], first["height"])
    assert display.size[1] > display.size[0]  # EXIF orientation 6 applied: the 4000x3000 photo stands up
    assert not display.getexif() and "icc_profile" not in display.info
    thumbnail = _image(api, first["thumbnail_url"])
    assert max(thumbnail.size) <= 400
    assert thumbnail.size == (first["thumbnail_width"], first["thumbnail_height"])
    assert _image(api, first["url"].replace(".webp", ".jpg")).format == "JPEG"
    assert _expires(first["url"]) == int(datetime.fromisoformat(crud["expires_at"]).timestamp())

    owner = crud["media"][0]["url"].split("/media/")[1].split("/")[0]
    assert len(keys_under(stack, ASSETS, f"media/{owner}/")) == 8  # two pictures x two sizes x two formats
    db = Db(stack.cfg.db_url)
    try:
        db.expire(crud["uuid"])
    finally:
        db.close()
    counts = purge_all(stack, monkeypatch)  # what the scheduled job (AWS) and the janitor (make run) run
    assert counts.media_folders >= 2
    assert keys_under(stack, ASSETS, f"media/{owner}/") == []
    for media in crud["media"]:
        assert api.get(media["url"]).status_code == 404
        assert api.get(media["thumbnail_url"]).status_code == 404


def test_someone_elses_picture_cannot_be_attached(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, mallory = make_user(), make_user()
    photo = _picture(api, alice, images.jpeg(800, 600), "image/jpeg")
    response = api.post(
        "/api/activities",
        json={"message": "mine now", "ttl": "1-day", "media": [{"id": photo, "alt": ""}]},
        headers=mallory.headers,
    )
    expect_error(response, 422, "media_not_found")
    assert api.get(f"/api/activities/media/{photo}", headers=mallory.headers).status_code == 404


def test_the_author_moves_the_end_and_every_reader_sees_it(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    assert api.put(f"/api/users/@{alice.handle}/follow", headers=bob.headers).status_code == 200
    photo = _picture(api, alice, images.jpeg(800, 600), "image/jpeg")
    crud = post_crud(api, "ends later", user=alice, media=[{"id": photo, "alt": "x"}])
    wait_for(
        lambda: _find(_items(api.get("/api/activities/home", headers=bob.headers)), crud["uuid"]) is not None,
        what="the crud in bob's home",
    )
    by_bob = api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": "1-hour"}, headers=bob.headers)
    expect_error(by_bob, 403, "not_author")
    response = api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": "1-hour"}, headers=alice.headers)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["expires_at"] < crud["expires_at"]
    seen = _find(_items(api.get("/api/activities/home", headers=bob.headers)), crud["uuid"])
    assert seen is not None and seen["expires_at"] == moved["expires_at"]
    assert _expires(seen["media"][0]["url"]) < _expires(crud["media"][0]["url"])  # the edge sees the new end
    expect_error(
        api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": "30-days"}, headers=alice.headers),
        422,
        "ttl_too_long",
    )
    ended = api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": "now"}, headers=alice.headers)
    assert ended.status_code in (200, 204), ended.text
    assert _find(_items(api.get("/api/activities/home", headers=bob.headers)), crud["uuid"]) is None
    assert api.get(f"/api/activities/@{alice.handle}/status/{crud['uuid']}").status_code == 404


def test_a_conversation_timer_makes_messages_disappear_for_both(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    first = api.post("/api/messages", json={"handle": bob.handle, "message": "before"}, headers=alice.headers)
    assert first.status_code == 201, first.text
    group = first.json()["message_group_uuid"]
    assert first.json()["expires_at"] is None
    timer = api.put(f"/api/message_groups/{group}", json={"message_ttl": "1-hour"}, headers=bob.headers)
    assert timer.status_code == 200, timer.text
    assert timer.json()["message_ttl"] == "1-hour"
    outsider = make_user()
    expect_error(
        api.put(f"/api/message_groups/{group}", json={"message_ttl": "1-day"}, headers=outsider.headers), 404
    )
    sent = api.post(
        "/api/messages", json={"message_group_uuid": group, "message": "soon gone"}, headers=alice.headers
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["expires_at"] is not None
    for reader in (alice, bob):
        messages = api.get(f"/api/messages/{group}", headers=reader.headers).json()
        kinds = [(m.get("kind"), m["message"]) for m in messages]
        assert ("message", "before") in kinds and ("message", "soon gone") in kinds
        assert any(kind == "timer" for kind, _ in kinds)
