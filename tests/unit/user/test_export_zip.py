"""The export's zip (layout, README, JSON) and its collection from the peers, against fake peers."""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cruddur_common.contracts import EXPORT_PATH, ActivityExport, MessagingExport
from cruddur_common.http import create_internal_client
from cruddur_common.internal_auth import HEADER
from user_service.exports import archive, clients
from user_service.exports.errors import ExportFailed
from user_service.exports.render import render_cruds, render_messages, render_reactions
from user_service.settings import Settings

SETTINGS = Settings(activity_url="http://activity.test", messaging_url="http://messaging.test")
USER = uuid.UUID(int=42)
NOW = datetime(2026, 11, 30, 9, 25, tzinfo=UTC)
CRUD = uuid.UUID(int=1)
ACTIVITY = {
    "cruds": [
        {
            "uuid": str(CRUD),
            "message": "héllo, wörld ✨",
            "created_at": NOW.isoformat(),
            "expires_at": (NOW + timedelta(days=1)).isoformat(),
            "likes_count": 2,
            "pictures": [
                {"key": "media/a/t1/1600.jpg", "alt": "a cat"},
                {"key": "media/a/t2/1600.jpg", "alt": "gone"},
            ],
        }
    ],
    "likes": [
        {"activity_uuid": str(uuid.UUID(int=2)), "author_handle": "bob", "created_at": NOW.isoformat()}
    ],
    "reposts": [],
}
MESSAGING = {
    "conversations": [
        {
            "message_group_uuid": str(uuid.UUID(int=3)),
            "with_uuid": None,
            "with_handle": None,
            "with_display_name": "Deleted account",
            "messages": [
                {"uuid": str(uuid.UUID(int=4)), "mine": True, "message": "hi", "created_at": NOW.isoformat()}
            ],
        }
    ]
}


def test_the_zip_has_the_readme_the_documents_and_the_files(tmp_path: Path) -> None:
    activity = ActivityExport.model_validate(ACTIVITY)
    picture = tmp_path / "p1"
    picture.write_bytes(b"\xff\xd8jpeg")
    avatar = tmp_path / "a"
    avatar.write_bytes(b"\xff\xd8avatar")
    name = archive.picture_name(CRUD, 1)
    documents = {
        archive.CRUDS: archive.to_json(render_cruds(activity, files={"media/a/t1/1600.jpg": name})),
        archive.LIKES: archive.to_json(render_reactions(activity)),
        archive.MESSAGES: archive.to_json(render_messages(MessagingExport.model_validate(MESSAGING))),
    }
    files = {archive.avatar_name("avatars/x/v/512.jpg"): avatar, name: picture}
    path = tmp_path / "export.zip"
    readme = archive.readme(handle="alice", exported_at=NOW)

    size = archive.write_zip(path, readme_text=readme, documents=documents, files=files)

    assert size == path.stat().st_size
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == [
            "README.txt",
            "cruds.json",
            "likes.json",
            "messages.json",
            "avatar.jpg",
            f"pictures/{CRUD}-1.jpg",
        ]
        assert zf.read("avatar.jpg") == b"\xff\xd8avatar"
        assert zf.read(f"pictures/{CRUD}-1.jpg") == b"\xff\xd8jpeg"
        text = zf.read("README.txt").decode()
        assert "@alice asked for this export on 2026-11-30 09:25" in text
        for file in ("profile.json", "cruds.json", "likes.json", "following.json", "followers.json"):
            assert file in text  # every file is explained
        assert "messages.json" in text and "pictures/" in text and "avatar." in text
        raw = zf.read("cruds.json")
    cruds = json.loads(raw)
    assert "héllo, wörld ✨".encode() in raw  # UTF-8 as it is, not \u escapes
    assert raw.startswith(b'[\n  {\n    "created_at": "2026-11-30T09:25:00Z"')  # pretty, sorted, ISO
    assert cruds[0]["pictures"] == [
        {"file": f"pictures/{CRUD}-1.jpg", "alt": "a cat"},
        {"file": None, "alt": "gone"},  # gone when copied: kept, with its alt text
    ]
    assert cruds[0]["likes_count"] == 2 and cruds[0]["reply_to_activity_uuid"] is None


def test_json_is_stable() -> None:
    activity = ActivityExport.model_validate(ACTIVITY)
    first = archive.to_json(render_reactions(activity))
    assert first == archive.to_json(render_reactions(ActivityExport.model_validate(ACTIVITY)))
    assert first.endswith(b"}\n")
    assert json.loads(first)["likes"][0]["author_handle"] == "bob"


Handler = Callable[[httpx.Request], httpx.Response]


async def _collect(handler: Handler) -> tuple[ActivityExport, MessagingExport]:
    async with create_internal_client(
        settings=SETTINGS, caller="user", transport=httpx.MockTransport(handler)
    ) as http:
        activity = await clients.activity_export(http, settings=SETTINGS, user=USER)
        messaging = await clients.messaging_export(http, settings=SETTINGS, user=USER)
    return activity, messaging


async def test_the_parts_are_asked_of_each_peer_with_the_service_credential() -> None:
    seen: list[httpx.Request] = []

    def peers(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = ACTIVITY if request.url.host == "activity.test" else MESSAGING
        return httpx.Response(200, json=body)

    activity, messaging = await _collect(peers)

    path = EXPORT_PATH.format(user_uuid=USER)
    assert [(r.method, r.url.host, r.url.path) for r in seen] == [
        ("GET", "activity.test", path),
        ("GET", "messaging.test", path),
    ]
    assert all(r.headers.get(HEADER) for r in seen)
    assert activity.cruds[0].pictures[0].alt == "a cat"
    assert messaging.conversations[0].with_handle is None


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (httpx.Response(404, json={"error": {"code": "not_found"}}), "activity service did not answer"),
        (httpx.Response(503), "activity service did not answer"),
        (httpx.Response(200, json={"cruds": "nope"}), "activity service did not answer"),
    ],
)
async def test_a_peer_outside_the_contract_fails_the_collection_in_plain_words(
    answer: httpx.Response, words: str
) -> None:
    with pytest.raises(ExportFailed) as failed:
        await _collect(lambda request: answer)
    assert words in failed.value.message
    assert failed.value.message.startswith("Your cruds and likes could not be collected")


async def test_an_unreachable_peer_fails_the_collection() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        if request.url.host == "messaging.test":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=ACTIVITY)

    with pytest.raises(ExportFailed, match="Your messages could not be collected: the messaging service"):
        await _collect(down)
