"""The upload grammar both grants share: keys of each kind, what never parses, the presigned POST policy."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from cruddur_common.aws import AwsClients
from cruddur_common.settings import CommonSettings
from cruddur_common.uploads import (
    MAX_BYTES,
    media_folder,
    media_rendition_keys,
    new_upload_key,
    parse_upload_key,
    presigned_post,
)

OWNER = uuid.UUID("8d3e6f3a-5a7e-4d2b-9a41-0c0a1d2e3f40")
TOKEN = "aaaaaaaaaaaaaaaaaaaaaaaa"


def test_each_kind_has_its_folder_and_round_trips() -> None:
    avatar = new_upload_key("avatar", OWNER, "image/jpeg")
    media = new_upload_key("media", OWNER, "image/webp")
    assert avatar.key == f"uploads/{OWNER}/{avatar.token}.jpg"  # the avatar keys handed out before
    assert media.key == f"uploads/media/{OWNER}/{media.token}.webp"
    assert parse_upload_key(avatar.key) == avatar and parse_upload_key(media.key) == media
    assert (avatar.kind, media.kind, media.content_type) == ("avatar", "media", "image/webp")
    assert parse_upload_key(f"uploads/{OWNER}/{TOKEN}.png").kind == "avatar"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "key",
    [
        f"uploads/media/{OWNER}/short.jpg",
        f"uploads/media/{OWNER}/{TOKEN}.gif",
        f"uploads/media/media/{OWNER}/{TOKEN}.jpg",
        f"uploads/avatar/{OWNER}/{TOKEN}.jpg",
        f"uploads/media/{OWNER}/../{TOKEN}.jpg",
        f"uploads/media/{OWNER}/{TOKEN}.jpg/extra",
        f"media/{OWNER}/{TOKEN}.jpg",
        f"uploads/media/{str(OWNER).upper()}/{TOKEN}.jpg",
    ],
)
def test_keys_we_never_hand_out_do_not_parse(key: str) -> None:
    assert parse_upload_key(key) is None


def test_a_pictures_objects() -> None:
    assert media_folder(OWNER, TOKEN) == f"media/{OWNER}/{TOKEN}"
    assert media_rendition_keys(OWNER, TOKEN) == [
        f"media/{OWNER}/{TOKEN}/{name}" for name in ("1600.jpg", "1600.webp", "400.jpg", "400.webp")
    ]
    assert MAX_BYTES == {"avatar": 5 * 1024 * 1024, "media": 10 * 1024 * 1024}


async def test_presigned_post_pins_key_type_and_size(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ]:
        monkeypatch.setenv(name, value)
    clients = AwsClients()  # presigning is local: no request reaches the endpoint
    await clients.open(CommonSettings(aws_endpoint_url="http://127.0.0.1:9"), "s3")
    try:
        key = new_upload_key("media", OWNER, "image/png").key
        url, fields = await presigned_post(
            clients["s3"],
            bucket="cruddur-uploads",
            key=key,
            content_type="image/png",
            max_bytes=MAX_BYTES["media"],
            expires_in=300,
        )
    finally:
        await clients.close()
    assert "cruddur-uploads" in url
    assert fields["key"] == key and fields["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in policy["conditions"]
    assert {"key": key} in policy["conditions"]
