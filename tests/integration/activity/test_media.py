"""Crud pictures through the gateway: grants, the processor's claim and verdict, attach, every feed shape,
every refusal, and deletion (crud expiry, author delete, orphans) down to the S3 objects.

The processor is driven through its two internal routes, as it calls them; its objects are put in moto's
assets bucket by hand, so the purge is seen deleting real objects.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.media import (
    RENDITIONS,
    claim,
    grant,
    objects_of,
    purge_all,
    ready_picture,
    report,
)
from tests.integration.activity.safety import activity_url
from tests.integration.activity.support import Db
from tests.internal import internal_auth
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration
MiB = 1024 * 1024


def _post(
    api: httpx.Client, user: TestUser, media: list[dict[str, Any]], message: str = "pictures"
) -> httpx.Response:
    return api.post(
        "/api/activities", json={"message": message, "ttl": "7-days", "media": media}, headers=user.headers
    )


def _media_ids_of(db: Db, activity: str) -> list[str]:
    rows = db.fetch("SELECT id FROM media WHERE activity_uuid = $1::uuid ORDER BY position", activity)
    return [str(r["id"]) for r in rows]


def test_the_grant_is_a_presigned_post_for_a_media_key(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user, "image/png")
    assert set(body) == {"id", "url", "fields", "max_bytes", "expires_at"}
    assert body["max_bytes"] == 10 * MiB
    key = body["fields"]["key"]
    assert key.startswith("uploads/media/") and key.endswith(".png")
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=4) < expires_at - datetime.now(UTC) <= timedelta(minutes=5)
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 10 * MiB] in conditions
    assert {"key": key} in conditions
    upload = httpx.post(
        body["url"],
        data=body["fields"] | {"Content-Type": "image/png"},
        files={"file": ("p.png", b"\x89PNG not really", "image/png")},
        timeout=30,
    )
    assert upload.status_code in (200, 201, 204), upload.text
    status = api.get(f"/api/activities/media/{body['id']}", headers=user.headers)
    assert status.json() == {
        "id": body["id"],
        "status": "processing",
        "reason": None,
        "message": None,
        "width": None,
        "height": None,
    }


def test_the_grant_needs_a_signed_in_caller_and_a_picture_type(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    expect_error(api.post("/api/activities/media", json={"content_type": "image/png"}), 401)
    user = make_user()
    for content_type in ("image/gif", "text/html", ""):
        response = api.post(
            "/api/activities/media", json={"content_type": content_type}, headers=user.headers
        )
        expect_error(response, 422)


def test_status_goes_processing_then_ready_and_only_its_owner_sees_it(
    api: httpx.Client, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    owner, other = make_user(), make_user()
    body = grant(api, owner)
    key, url = body["fields"]["key"], f"/api/activities/media/{body['id']}"
    claimed = claim(stack, key, uploaded_at=datetime.now(UTC))
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["kind"] == "media" and claimed.json()["content_type"] == "image/jpeg"
    assert key.endswith(f"/{claimed.json()['version']}.jpg")
    assert api.get(url, headers=owner.headers).json()["status"] == "processing"
    expect_error(api.get(url, headers=other.headers), 404, "media_not_found")
    expect_error(
        api.get(f"/api/activities/media/{uuid.uuid4()}", headers=owner.headers), 404, "media_not_found"
    )
    expect_error(api.get(url), 401)

    ready = {"status": "ready", "width": 1600, "height": 900, "thumbnail_width": 400, "thumbnail_height": 225}
    assert report(stack, key, **ready).status_code == 204
    assert api.get(url, headers=owner.headers).json() | {"id": None} == {
        "id": None,
        "status": "ready",
        "reason": None,
        "message": None,
        "width": 1600,
        "height": 900,
    }
    expect_error(claim(stack, key), 409, "upload_settled")  # a repeated event changes nothing
    expect_error(report(stack, key, **ready), 409, "upload_settled")


def test_a_refused_file_is_failed_with_its_reason(
    api: httpx.Client, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user)
    key = body["fields"]["key"]
    assert claim(stack, key).status_code == 200
    verdict = report(stack, key, status="failed", reason="not_an_image", message="This is not a picture.")
    assert verdict.status_code == 204, verdict.text
    status = api.get(f"/api/activities/media/{body['id']}", headers=user.headers).json()
    assert (status["status"], status["reason"], status["message"]) == (
        "failed",
        "not_an_image",
        "This is not a picture.",
    )


def test_the_processor_s_calls_refuse_what_no_one_was_granted(
    api: httpx.Client, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user)
    key = body["fields"]["key"]
    forged = key.replace(key.split("/")[2], str(uuid.uuid4()))  # someone else's folder, same token
    for unknown in (forged, f"uploads/media/{uuid.uuid4()}/{'x' * 24}.jpg", "uploads/../etc/passwd", ""):
        expect_error(claim(stack, unknown), 404, "upload_grant_not_found")
    avatar_key = key.replace("uploads/media/", "uploads/")  # an avatar key is not a picture's grant
    expect_error(claim(stack, avatar_key), 404, "upload_grant_not_found")
    expect_error(report(stack, forged, status="failed", reason="x"), 404, "upload_grant_not_found")
    naive = httpx.post(
        f"{activity_url(stack)}/internal/media/claim",
        json={"key": key, "uploaded_at": "2026-11-30T12:00:00"},
        auth=internal_auth(),
        timeout=10,
    )
    expect_error(naive, 422)  # a time without its zone cannot be compared with the grant's end
    expect_error(report(stack, key, status="ready"), 422)  # ready without its sizes
    expect_error(
        report(stack, key, status="ready", width=5000, height=1, thumbnail_width=1, thumbnail_height=1), 422
    )
    assert (
        api.get(f"/api/activities/media/{body['id']}", headers=user.headers).json()["status"] == "processing"
    )


def test_an_upload_after_its_grant_ended_is_refused(
    api: httpx.Client, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user)
    late = datetime.now(UTC) + timedelta(hours=1)
    expect_error(claim(stack, body["fields"]["key"], uploaded_at=late), 409, "upload_settled")
    status = api.get(f"/api/activities/media/{body['id']}", headers=user.headers).json()
    assert (status["status"], status["reason"]) == ("failed", "grant_expired")


def test_a_grant_whose_file_never_came_reads_failed(
    api: httpx.Client, db: Db, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user)
    db.execute(
        "UPDATE media SET grant_expires_at = now() - interval '1 hour' WHERE id = $1::uuid", body["id"]
    )
    status = api.get(f"/api/activities/media/{body['id']}", headers=user.headers).json()
    assert (status["status"], status["reason"]) == ("failed", "grant_expired")


def _expected_urls(picture: dict[str, Any], expires_at: str, assets: str) -> tuple[str, str]:
    epoch = int(datetime.fromisoformat(expires_at).timestamp())
    base = f"{assets}/{picture['prefix']}"
    return f"{base}/1600.webp?expires={epoch}", f"{base}/400.webp?expires={epoch}"


def test_pictures_show_in_every_shape_that_carries_the_crud(
    api: httpx.Client, stack: LocalStack, db: Db, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    first = ready_picture(api, stack, user)
    second = ready_picture(
        api,
        stack,
        user,
        sizes={"width": 900, "height": 1600, "thumbnail_width": 225, "thumbnail_height": 400},
    )
    word = f"pics{uuid.uuid4().hex[:10]}"
    response = _post(
        api, user, [{"id": second["id"], "alt": "  a tall one  "}, {"id": first["id"], "alt": ""}], word
    )
    assert response.status_code == 201, response.text
    crud = response.json()
    assets = f"{stack.cfg.gateway_url}/assets"
    url, thumbnail = _expected_urls(second, crud["expires_at"], assets)
    assert crud["media"][0] == {
        "url": url,
        "thumbnail_url": thumbnail,
        "width": 900,
        "height": 1600,
        "thumbnail_width": 225,
        "thumbnail_height": 400,
        "alt": "a tall one",
    }
    assert crud["media"][1]["url"] == _expected_urls(first, crud["expires_at"], assets)[0]
    assert crud["media"][1]["alt"] == ""
    assert _media_ids_of(db, crud["uuid"]) == [second["id"], first["id"]]

    def same(item: dict[str, Any]) -> None:
        assert item["uuid"] == crud["uuid"]
        assert item["media"] == crud["media"]

    handle = user.handle
    same(api.get("/api/activities/home", headers=user.headers).json()[0])
    same(
        next(
            i
            for i in api.get("/api/activities/explore", params={"limit": 100}).json()["items"]
            if i["uuid"] == crud["uuid"]
        )
    )
    same(api.get(f"/api/activities/@{handle}").json()["activities"][0])
    same(api.get(f"/api/activities/@{handle}/status/{crud['uuid']}").json()["activity"])
    same(api.get("/api/activities/search", params={"term": word}).json()["activities"][0])
    picture = api.get(crud["media"][0]["url"])  # served through the gateway's /assets
    assert picture.status_code == 200 and picture.content == b"picture"


def test_a_reply_carries_pictures_and_a_crud_without_has_none(
    api: httpx.Client, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    author, replier = make_user(), make_user()
    crud = _post(api, author, [])
    assert crud.status_code == 201 and crud.json()["media"] == []
    plain = api.post(
        "/api/activities", json={"message": "no media key", "ttl": "1-day"}, headers=author.headers
    )
    assert plain.status_code == 201 and plain.json()["media"] == []
    picture = ready_picture(api, stack, replier)
    reply = api.post(
        f"/api/activities/{crud.json()['uuid']}/reply",
        json={"message": "look", "media": [{"id": picture["id"], "alt": "a reply picture"}]},
        headers=replier.headers,
    )
    assert reply.status_code == 201, reply.text
    assert [m["alt"] for m in reply.json()["media"]] == ["a reply picture"]
    page = api.get(f"/api/activities/@{author.handle}/status/{crud.json()['uuid']}").json()
    assert page["activity"]["media"] == []
    assert page["replies"][0]["media"] == reply.json()["media"]


def test_every_refusal_has_its_code_and_writes_nothing(
    api: httpx.Client, stack: LocalStack, db: Db, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    mine = ready_picture(api, stack, user)
    theirs = ready_picture(api, stack, other)
    waiting = grant(api, user)  # granted, never processed
    failed = grant(api, user)
    assert claim(stack, failed["fields"]["key"]).status_code == 200
    assert report(stack, failed["fields"]["key"], status="failed", reason="not_an_image").status_code == 204
    used = ready_picture(api, stack, user)
    assert _post(api, user, [{"id": used["id"], "alt": ""}]).status_code == 201
    five = [ready_picture(api, stack, user)["id"] for _ in range(4)] + [mine["id"]]
    ok = {"id": mine["id"], "alt": "fine"}
    cases = [
        ([{"id": i, "alt": ""} for i in five], "too_many_media"),
        ([ok, {"id": mine["id"], "alt": "again"}], "media_duplicate"),
        ([ok, {"id": five[0], "alt": "x" * 1501}], "alt_too_long"),
        ([ok, {"id": five[0], "alt": "x" * 20_000}], "alt_too_long"),
        ([ok, {"id": str(uuid.uuid4()), "alt": ""}], "media_not_found"),
        ([ok, {"id": theirs["id"], "alt": ""}], "media_not_found"),
        ([ok, {"id": waiting["id"], "alt": ""}], "media_not_ready"),
        ([ok, {"id": failed["id"], "alt": ""}], "media_not_ready"),
        ([ok, {"id": used["id"], "alt": ""}], "media_in_use"),
    ]
    before = api.get(f"/api/activities/@{user.handle}").json()["activities"]
    for media, code in cases:
        error = expect_error(_post(api, user, media), 422, code)
        assert error["message"], error
    reply_to = before[0]["uuid"]
    expect_error(
        api.post(
            f"/api/activities/{reply_to}/reply",
            json={"message": "r", "media": [ok, {"id": used["id"]}]},
            headers=user.headers,
        ),
        422,
        "media_in_use",
    )
    # Nothing half-written: no crud, no reply, and `mine` (first in every refused list) is still free.
    assert api.get(f"/api/activities/@{user.handle}").json()["activities"] == before
    assert (
        db.fetch("SELECT activity_uuid FROM media WHERE id = $1::uuid", mine["id"])[0]["activity_uuid"]
        is None
    )
    assert api.get(f"/api/activities/@{user.handle}/status/{reply_to}").json()["replies"] == []
    expect_error(_post(api, user, [{"id": "not-a-uuid", "alt": ""}]), 422)
    expect_error(_post(api, user, [{"id": mine["id"], "alt": "\u202eevil"}]), 422, "bidi_control")
    assert _post(api, user, [ok]).status_code == 201  # and it still attaches


def test_an_expired_crud_s_pictures_are_purged_rows_and_objects(
    api: httpx.Client,
    stack: LocalStack,
    db: Db,
    make_user: Callable[..., TestUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()
    picture = ready_picture(api, stack, user)
    crud = _post(api, user, [{"id": picture["id"], "alt": "soon gone"}]).json()
    assert objects_of(stack, picture["prefix"]) == sorted(RENDITIONS)
    db.expire(crud["uuid"])
    counts = purge_all(stack, monkeypatch)
    assert counts.cruds >= 1 and counts.media_folders >= 1
    assert db.fetch("SELECT 1 FROM media WHERE id = $1::uuid", picture["id"]) == []
    assert db.fetch("SELECT 1 FROM media_deletions WHERE prefix = $1", picture["prefix"]) == []
    assert objects_of(stack, picture["prefix"]) == []


def test_the_author_s_delete_takes_the_objects_with_it(
    api: httpx.Client,
    stack: LocalStack,
    db: Db,
    make_user: Callable[..., TestUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()
    picture = ready_picture(api, stack, user)
    crud = _post(api, user, [{"id": picture["id"], "alt": ""}]).json()
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=user.headers).status_code == 204
    assert [
        r["prefix"]
        for r in db.fetch("SELECT prefix FROM media_deletions WHERE prefix = $1", picture["prefix"])
    ] == [picture["prefix"]]
    # S3 down (here: a bucket that does not exist): the folder stays queued for the next run.
    purge_all(stack, monkeypatch, assets_bucket="no-such-bucket")
    assert db.fetch("SELECT 1 FROM media_deletions WHERE prefix = $1", picture["prefix"]) != []
    assert objects_of(stack, picture["prefix"]) == sorted(RENDITIONS)
    purge_all(stack, monkeypatch)
    assert db.fetch("SELECT 1 FROM media_deletions WHERE prefix = $1", picture["prefix"]) == []
    assert objects_of(stack, picture["prefix"]) == []


def test_pictures_never_attached_are_deleted_after_a_day(
    api: httpx.Client,
    stack: LocalStack,
    db: Db,
    make_user: Callable[..., TestUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()
    old, fresh = ready_picture(api, stack, user), ready_picture(api, stack, user)
    never_uploaded, waiting = grant(api, user), grant(api, user)
    db.execute("UPDATE media SET created_at = now() - interval '25 hours' WHERE id = $1::uuid", old["id"])
    db.execute(
        "UPDATE media SET grant_expires_at = now() - interval '2 hours' WHERE id = $1::uuid",
        never_uploaded["id"],
    )
    counts = purge_all(stack, monkeypatch)
    assert counts.orphan_media >= 2
    left = {
        str(r["id"])
        for r in db.fetch(
            "SELECT id FROM media WHERE user_uuid = (SELECT user_uuid FROM media WHERE id = $1::uuid)",
            fresh["id"],
        )
    }
    assert left == {fresh["id"], waiting["id"]}
    assert objects_of(stack, old["prefix"]) == []
    assert objects_of(stack, fresh["prefix"]) == sorted(RENDITIONS)
    # the fresh one still attaches
    assert _post(api, user, [{"id": fresh["id"], "alt": ""}]).status_code == 201


def test_every_deletion_path_queues_the_objects(
    api: httpx.Client, stack: LocalStack, db: Db, make_user: Callable[..., TestUser]
) -> None:
    # A moderator's removal and an account's deletion (the author row going) delete the rows by cascade; the
    # trigger queues their folders all the same (attached or not; a granted-only row has no objects).
    user = make_user()
    removed, attached, loose = (ready_picture(api, stack, user) for _ in range(3))
    granted_only = grant(api, user)
    crud = _post(api, user, [{"id": removed["id"], "alt": ""}]).json()
    response = httpx.delete(
        f"{activity_url(stack)}/internal/cruds/{crud['uuid']}", auth=internal_auth(), timeout=10
    )
    assert response.status_code == 204, response.text
    assert _post(api, user, [{"id": attached["id"], "alt": ""}]).status_code == 201
    db.execute("DELETE FROM authors WHERE handle = $1", user.handle)
    folders = [removed["prefix"], attached["prefix"], loose["prefix"]]
    queued = db.fetch("SELECT prefix FROM media_deletions WHERE prefix = ANY($1::text[])", folders)
    assert sorted(r["prefix"] for r in queued) == sorted(folders)
    assert db.fetch("SELECT 1 FROM media WHERE id = $1::uuid", granted_only["id"]) == []
    user_folder = removed["prefix"].rsplit("/", 1)[0]
    everything = db.fetch("SELECT prefix FROM media_deletions WHERE prefix LIKE $1", user_folder + "/%")
    assert len(everything) == 3  # nothing queued for the grant that never got a file
