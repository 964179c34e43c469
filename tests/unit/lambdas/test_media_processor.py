"""The one image processor with crud pictures: a media key is claimed from and reported to the activity
service (its media routes and codes), the renditions land under media/<user>/<token>/; avatars still go to
the user service. S3 is a real (in-process) moto server; both services are fakes (httpx.MockTransport)."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from PIL import Image

from cruddur_common.uploads import new_upload_key
from tests.unit.avatar import images
from tests.unit.lambdas.support import boto
from tests.unit.lambdas.test_avatar_processor import (
    ASSETS,
    UPLOADS,
    FakeGrantOwner,
    FakeUserService,
    processor_with_peers,
    s3_event,
    sqs_event,
)
from user_service.avatars.pipeline import Processor, process_event


class FakeActivityService(FakeGrantOwner):
    """The activity service's internal media API (issue 15 contract §1)."""

    prefix, not_found, settled = "/internal/media", "upload_grant_not_found", "upload_settled"

    def claim(self, user: uuid.UUID, version: str, key: str, ctype: str) -> dict[str, Any]:
        return {**super().claim(user, version, key, ctype), "kind": "media"}


@pytest.fixture
def users() -> FakeUserService:
    return FakeUserService()


@pytest.fixture
def activity() -> FakeActivityService:
    return FakeActivityService()


@pytest.fixture
async def processor(
    aws_env: str, users: FakeUserService, activity: FakeActivityService
) -> AsyncIterator[Processor]:
    peers = {"user": users, "activity": activity}
    async with processor_with_peers(aws_env, lambda request: peers[request.url.host].handler(request)) as p:
        yield p


@pytest.fixture
def put_media(aws_env: str, activity: FakeActivityService) -> Callable[..., str]:
    def put(data: bytes, content_type: str, *, granted: bool = True) -> str:
        key = new_upload_key("media", uuid.uuid4(), content_type).key
        boto("s3", aws_env).put_object(Bucket=UPLOADS, Key=key, Body=data, ContentType=content_type)
        if granted:
            activity.grants[key] = content_type
        return key

    return put


def _object(endpoint: str, key: str) -> dict[str, Any] | None:
    s3 = boto("s3", endpoint)
    if not s3.list_objects_v2(Bucket=ASSETS, Prefix=key).get("Contents"):
        return None
    return dict(s3.get_object(Bucket=ASSETS, Key=key))


async def test_a_media_upload_is_processed_for_the_activity_service(
    processor: Processor,
    put_media: Callable[..., str],
    users: FakeUserService,
    activity: FakeActivityService,
    aws_env: str,
) -> None:
    data = images.jpeg(4000, 3000, orientation=6)
    key = put_media(data, "image/jpeg")
    assert key.startswith("uploads/media/")
    result = await process_event(s3_event(key, len(data)), processor=processor)
    assert result["outcomes"] == [{"key": key, "status": "ready", "reason": None, "avatar_key": None}]
    assert activity.paths == ["/internal/media/claim", "/internal/media/result"] and users.paths == []
    assert activity.results == [
        {
            "key": key,
            "status": "ready",
            "width": 1200,
            "height": 1600,
            "thumbnail_width": 300,
            "thumbnail_height": 400,
            "reason": None,
            "message": None,
        }
    ]
    user, token = key.split("/")[2], key.split("/")[3].split(".")[0]
    for name, size in [("1600", (1200, 1600)), ("400", (300, 400))]:
        for fmt, content_type in [("jpg", "image/jpeg"), ("webp", "image/webp")]:
            stored = _object(aws_env, f"media/{user}/{token}/{name}.{fmt}")
            assert stored is not None, (name, fmt)
            assert stored["ContentType"] == content_type
            assert stored["CacheControl"] == "public, max-age=86400"  # not immutable: it ends with the crud
            image = Image.open(io.BytesIO(stored["Body"].read()))
            assert image.size == size and not image.getexif()
    assert _object(aws_env, f"avatars/{user}/") is None
    assert not boto("s3", aws_env).list_objects_v2(Bucket=UPLOADS, Prefix=key).get("Contents")


async def test_media_may_be_larger_than_an_avatar(
    processor: Processor, put_media: Callable[..., str], activity: FakeActivityService
) -> None:
    data = images.png(2000, 1500)
    key = put_media(data, "image/png")
    # The event says 7 MiB: over the avatar limit, under the picture limit; the object itself is read.
    result = await process_event(s3_event(key, 7 * 1024 * 1024), processor=processor)
    assert result["outcomes"][0]["status"] == "ready"
    oversized = put_media(data, "image/png")
    result = await process_event(s3_event(oversized, 11 * 1024 * 1024), processor=processor)
    assert result["outcomes"][0]["reason"] == "file_too_large"
    assert activity.results[-1]["reason"] == "file_too_large" and "10 MB" in activity.results[-1]["message"]


async def test_a_bad_picture_is_reported_failed_in_the_media_shape(
    processor: Processor, put_media: Callable[..., str], activity: FakeActivityService
) -> None:
    data = images.gif()
    key = put_media(data, "image/png")
    result = await process_event(s3_event(key, len(data)), processor=processor)
    assert result["outcomes"][0]["reason"] == "unsupported_type"
    (verdict,) = activity.results
    assert verdict["status"] == "failed" and verdict["reason"] == "unsupported_type" and verdict["message"]
    assert "avatar_key" not in verdict and verdict["width"] is None


async def test_the_activity_services_codes_mean_no_grant_and_settled(
    processor: Processor, put_media: Callable[..., str], activity: FakeActivityService
) -> None:
    data = images.webp()
    stranger = put_media(data, "image/webp", granted=False)
    result = await process_event(s3_event(stranger, len(data)), processor=processor)
    assert result["outcomes"][0]["reason"] == "no_grant" and activity.results == []
    key = put_media(data, "image/webp")
    await process_event(s3_event(key, len(data)), processor=processor)
    again = await process_event(s3_event(key, len(data)), processor=processor)
    assert again["outcomes"][0]["status"] == "skipped" and len(activity.results) == 1


async def test_one_batch_mixes_kinds_and_a_down_activity_service_retries_only_its_message(
    processor: Processor,
    put_media: Callable[..., str],
    aws_env: str,
    users: FakeUserService,
    activity: FakeActivityService,
) -> None:
    data = images.jpeg()
    avatar_key = f"uploads/{uuid.uuid4()}/{uuid.uuid4().hex}.jpg"
    boto("s3", aws_env).put_object(Bucket=UPLOADS, Key=avatar_key, Body=data, ContentType="image/jpeg")
    users.grants[avatar_key] = "image/jpeg"
    media_key = put_media(data, "image/jpeg")
    activity.fail_claims = True
    event = sqs_event(s3_event(avatar_key, len(data)), s3_event(media_key, len(data)))
    assert await process_event(event, processor=processor) == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}]
    }
    assert users.results[0]["status"] == "ready" and users.results[0]["avatar_key"].startswith("avatars/")
    assert boto("s3", aws_env).list_objects_v2(Bucket=UPLOADS, Prefix=media_key).get("Contents")
