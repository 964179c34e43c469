"""Avatars end to end through the gateway, moto's S3 -> SQS notification and the avatar worker."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import httpx
import pytest

from cruddur_common.registry import service
from devstack.stack import LocalStack
from tests.integration.avatar.support import grant, image_at, keys_under, upload, wait_settled
from tests.internal import internal_auth
from tests.support import TestUser, create_user, expect_error
from tests.unit.avatar import images

pytestmark = pytest.mark.integration


def _me(api: httpx.Client, user: TestUser) -> dict[str, object]:
    response = api.get("/api/users/me", headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _upload_ok(api: httpx.Client, user: TestUser, data: bytes, content_type: str) -> dict[str, object]:
    body = grant(api, user, content_type)
    upload(body, data)
    settled = wait_settled(api, user)
    assert settled["status"] == "ready", settled
    return settled


def test_new_user_has_a_generated_default(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    status = wait_settled(api, user)
    assert status["status"] == "ready" and status["is_default"] is True and status["variants"] == []
    url = str(status["avatar_url"])
    assert url == _me(api, user)["avatar_url"]
    assert "/assets/avatars/default/" in url and url.endswith(".svg")
    response = api.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert f">{user.handle[0].upper()}</text>" in response.text


def test_upload_grant_is_a_presigned_post_for_the_callers_key(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    body = grant(api, user, "image/png")
    uuid = _me(api, user)["uuid"]
    assert body["key"].startswith(f"uploads/{uuid}/") and body["key"].endswith(".png")
    assert body["fields"]["key"] == body["key"] and body["fields"]["Content-Type"] == "image/png"
    assert "policy" in body["fields"] and body["max_bytes"] == 5 * 1024 * 1024
    assert wait_settled(api, user, timeout=0)["status"] == "processing"


def test_grant_requires_auth_and_an_allowed_type(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    expect_error(api.post("/api/profile/avatar", json={"content_type": "image/jpeg"}), 401)
    user = make_user()
    response = api.post("/api/profile/avatar", json={"content_type": "image/gif"}, headers=user.headers)
    expect_error(response, 422, "validation_error")
    expect_error(api.get("/api/profile/avatar"), 401)


def test_full_pipeline_grant_upload_process_serve(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    user = make_user()
    default_url = _me(api, user)["avatar_url"]
    status = _upload_ok(api, user, images.jpeg(1600, 1200, orientation=6), "image/jpeg")
    assert status["is_default"] is False and status["avatar_url"] != default_url
    assert _me(api, user)["avatar_url"] == status["avatar_url"]
    assert {(v["size"], v["format"]) for v in status["variants"]} == {
        (512, "jpg"),
        (512, "webp"),
        (128, "jpg"),
        (128, "webp"),
    }
    for variant in status["variants"]:
        image = image_at(api, variant["url"])
        assert image.size == (variant["size"], variant["size"])
        assert not image.getexif()
    top = image_at(api, str(status["avatar_url"])).getpixel((256, 30))
    assert top[0] > 150, top  # EXIF orientation applied: red is on top
    uuid = _me(api, user)["uuid"]
    assert keys_under(stack, "cruddur-uploads", f"uploads/{uuid}/") == []  # the upload is cleaned up

    second = _upload_ok(api, user, images.webp(700, 700), "image/webp")
    assert second["avatar_url"] != status["avatar_url"]  # a new version is a new URL (no stale caches)
    assert api.get(str(status["avatar_url"])).status_code == 404  # the replaced avatar is deleted
    assert len(keys_under(stack, "cruddur-assets", f"avatars/{uuid}/")) == 4


def test_the_feed_shows_the_new_avatar_on_the_users_cruds(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    created = api.post("/api/activities", json={"message": "new face", "ttl": "7-days"}, headers=user.headers)
    if created.status_code in (404, 405, 501):
        pytest.skip("the cruds API is not there yet")
    assert created.status_code in (200, 201), created.text
    status = _upload_ok(api, user, images.png(900, 600), "image/png")
    for _ in range(50):
        feed = api.get(f"/api/activities/@{user.handle}", headers=user.headers)
        assert feed.status_code == 200, feed.text
        cruds = feed.json()["activities"]
        if cruds and all(c.get("avatar_url") == status["avatar_url"] for c in cruds):
            break
        time.sleep(0.2)
    assert cruds and cruds[0]["avatar_url"] == status["avatar_url"], cruds


def test_original_key_upload_route_still_works(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    user = make_user()
    response = api.post("/avatars/key_upload", json={"extension": "png"}, headers=user.headers)
    assert response.status_code == 200, response.text
    url = response.json()["url"]
    put = httpx.put(url, content=images.png(), headers={"content-type": "image/png"}, timeout=30)
    assert put.status_code == 200, put.text
    status = wait_settled(api, user)
    assert status["status"] == "ready" and status["is_default"] is False, status
    bad = api.post("/avatars/key_upload", json={"extension": "exe"}, headers=user.headers)
    expect_error(bad, 422, "unsupported_extension")
    expect_error(api.post("/avatars/key_upload", json={"extension": "png"}), 401)


BAD_INPUTS = [  # id, bytes, the grant's type, the Content-Type sent, the reason
    ("not-an-image", b"just some text, not pixels" * 50, "image/jpeg", "image/jpeg", "not_an_image"),
    ("lying-extension", images.png(), "image/jpeg", "image/jpeg", "type_mismatch"),
    ("lying-content-type", images.jpeg(), "image/png", "image/png", "type_mismatch"),
    ("content-type-not-granted", images.png(), "image/png", "image/jpeg", "type_mismatch"),
    ("6-mb", os.urandom(6 * 1024 * 1024), "image/jpeg", "image/jpeg", "file_too_large"),
    ("1x100000", images.long_thin_png(), "image/png", "image/png", "bad_dimensions"),
    ("decompression-bomb", images.png_bomb(), "image/png", "image/png", "decompression_bomb"),
    ("truncated", images.truncated_jpeg(), "image/jpeg", "image/jpeg", "truncated_image"),
]


@pytest.fixture(scope="module")
def user_with_avatar(gateway_url: str, client_id: str) -> tuple[TestUser, str]:
    """One user with a processed avatar, shared by the bad-input cases (each must leave it in place)."""
    user = create_user(gateway_url, client_id)
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        status = _upload_ok(api, user, images.jpeg(), "image/jpeg")
    return user, str(status["avatar_url"])


@pytest.mark.parametrize(
    ("data", "granted", "sent", "reason"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_is_refused_with_a_reason_and_the_old_avatar_stays(
    api: httpx.Client,
    user_with_avatar: tuple[TestUser, str],
    data: bytes,
    granted: str,
    sent: str,
    reason: str,
) -> None:
    user, avatar_url = user_with_avatar
    upload(grant(api, user, granted), data, content_type=sent)
    status = wait_settled(api, user)
    assert status["status"] == "failed", status
    assert status["reason"] == reason and status["message"], status
    assert status["avatar_url"] == avatar_url
    assert _me(api, user)["avatar_url"] == avatar_url
    assert api.get(avatar_url).status_code == 200


def test_upload_to_someone_elses_key_is_refused(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    victim, attacker = make_user(), make_user()
    victim_uuid = _me(api, victim)["uuid"]
    before = wait_settled(api, victim)
    body = grant(api, attacker, "image/jpeg")
    token = body["key"].rsplit("/", 1)[1]
    forged = f"uploads/{victim_uuid}/{token}"
    upload(body, images.jpeg(), key=forged)  # moto does not check the policy; the processor must
    for _ in range(100):
        if not keys_under(stack, "cruddur-uploads", forged):
            break
        time.sleep(0.1)
    assert keys_under(stack, "cruddur-uploads", forged) == []
    assert keys_under(stack, "cruddur-assets", f"avatars/{victim_uuid}/") == []
    assert wait_settled(api, victim) == before


def test_an_older_upload_finishing_late_does_not_replace_a_newer_avatar(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    user = make_user()
    older, newer = grant(api, user, "image/jpeg"), grant(api, user, "image/png")
    upload(newer, images.png(800, 800))
    current = wait_settled(api, user)
    assert current["status"] == "ready", current
    upload(older, images.jpeg(640, 640))
    uuid = _me(api, user)["uuid"]
    token = older["key"].rsplit("/", 1)[1].split(".")[0]
    for _ in range(100):  # the older upload is processed, then its renditions are dropped
        if not keys_under(stack, "cruddur-uploads", older["key"]):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    assert wait_settled(api, user)["avatar_url"] == current["avatar_url"]
    assert keys_under(stack, "cruddur-assets", f"avatars/{uuid}/{token}/") == []


def test_the_processor_s_claim_refuses_a_time_without_its_zone(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    user = make_user()
    key = grant(api, user)["key"]
    naive = httpx.post(
        f"{user_url(stack)}/internal/avatars/claim",
        json={"key": key, "uploaded_at": "2026-11-30T12:00:00"},
        auth=internal_auth(),
        timeout=10,
    )
    expect_error(naive, 422, "validation_error")  # it cannot be compared with the grant's end: not a 500


def user_url(stack: LocalStack) -> str:
    """The user service itself (internal endpoints are not routed by the gateway)."""
    return stack.cfg.service_url(service("user"))
