"""The avatar processor fed real-shaped S3 and SQS events; S3 is a real (in-process) moto server and the
user service is a fake peer (httpx.MockTransport)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from cruddur_common.aws import AwsClients
from cruddur_common.settings import CommonSettings
from cruddur_common.uploads import parse_upload_key
from tests.unit.avatar import images
from tests.unit.lambdas.support import boto
from user_service.avatars.clients import AVATAR_API, MEDIA_API, GrantClient
from user_service.avatars.pipeline import Processor, process_event

UPLOADS, ASSETS = "lambda-test-uploads", "lambda-test-assets"


def s3_event(key: str, size: int, *, bucket: str = UPLOADS, quoted: str | None = None) -> dict[str, Any]:
    """An S3 ObjectCreated:Post notification as AWS delivers it (key URL-encoded)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-11-22T12:00:00.000Z",
                "eventName": "ObjectCreated:Post",
                "userIdentity": {"principalId": "AWS:AROAEXAMPLE:uploader"},
                "requestParameters": {"sourceIPAddress": "203.0.113.7"},
                "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "avatar-uploads",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quoted or key.replace("/", "%2F"),
                        "size": size,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": "0055AED6DCD90281E5",
                    },
                },
            }
        ]
    }


def sqs_event(*bodies: dict[str, Any]) -> dict[str, Any]:
    """An SQS event carrying S3 notifications, as a Lambda event source mapping delivers it."""
    return {
        "Records": [
            {
                "messageId": f"msg-{i}",
                "receiptHandle": f"handle-{i}",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795356000000"},
                "messageAttributes": {},
                "md5OfBody": "x",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:cruddur-avatar-uploads",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }


class FakeGrantOwner:
    """A grant owner's internal upload API (the user service's here): grants by key, verdicts recorded."""

    prefix, not_found, settled = "/internal/avatars", "avatar_grant_not_found", "avatar_upload_settled"

    def __init__(self) -> None:
        self.grants: dict[str, str] = {}
        self.results: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.fail_claims = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.paths.append(request.url.path)
        if request.url.path == f"{self.prefix}/claim":
            if self.fail_claims:
                return httpx.Response(503, json={"error": {"code": "unavailable", "message": "down"}})
            ctype = self.grants.get(body["key"])
            if ctype is None:
                return httpx.Response(404, json={"error": {"code": self.not_found, "message": "no"}})
            if any(r["key"] == body["key"] for r in self.results):
                return httpx.Response(409, json={"error": {"code": self.settled, "message": "done"}})
            upload = parse_upload_key(body["key"])
            assert upload is not None
            return httpx.Response(200, json=self.claim(upload.user_uuid, upload.token, body["key"], ctype))
        assert request.url.path == f"{self.prefix}/result", request.url
        self.results.append(body)
        return httpx.Response(204)

    def claim(self, user: uuid.UUID, version: str, key: str, ctype: str) -> dict[str, Any]:
        return {"key": key, "user_uuid": str(user), "version": version, "content_type": ctype}


class FakeUserService(FakeGrantOwner):
    """The user service's internal avatar API."""


@pytest.fixture
def peer() -> FakeUserService:
    return FakeUserService()


@asynccontextmanager
async def processor_with_peers(
    aws_env: str, handler: Callable[[httpx.Request], httpx.Response]
) -> AsyncIterator[Processor]:
    """A processor on the module's moto S3 whose grant owners (http://user, http://activity) are `handler`."""
    s3 = boto("s3", aws_env)
    for bucket in (UPLOADS, ASSETS):
        s3.create_bucket(Bucket=bucket)
    clients = AwsClients()
    await clients.open(CommonSettings(aws_endpoint_url=aws_env), "s3")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        yield Processor(
            s3=clients["s3"],
            users=GrantClient(http, base_url="http://user", api=AVATAR_API),
            activity=GrantClient(http, base_url="http://activity/", api=MEDIA_API),
            assets_bucket=ASSETS,
        )
    await clients.close()


@pytest.fixture
async def processor(aws_env: str, peer: FakeUserService) -> AsyncIterator[Processor]:
    async with processor_with_peers(aws_env, peer.handler) as processor:
        yield processor


@pytest.fixture
def put_upload(aws_env: str, peer: FakeUserService) -> Callable[..., str]:
    def put(data: bytes, content_type: str, *, granted: bool = True, ext: str = "jpg") -> str:
        key = f"uploads/{uuid.uuid4()}/{uuid.uuid4().hex}.{ext}"
        boto("s3", aws_env).put_object(Bucket=UPLOADS, Key=key, Body=data, ContentType=content_type)
        if granted:
            peer.grants[key] = content_type
        return key

    return put


def _exists(endpoint: str, bucket: str, key: str) -> bool:
    listed = boto("s3", endpoint).list_objects_v2(Bucket=bucket, Prefix=key)
    return bool(listed.get("Contents"))


async def test_s3_event_makes_four_renditions_and_reports_ready(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService, aws_env: str
) -> None:
    data = images.jpeg(1200, 800, orientation=3)
    key = put_upload(data, "image/jpeg")
    result = await process_event(s3_event(key, len(data)), processor=processor)
    (outcome,) = result["outcomes"]
    assert outcome["status"] == "ready", outcome
    folder = outcome["avatar_key"].rsplit("/", 1)[0]
    for name in ("512.jpg", "512.webp", "128.jpg", "128.webp"):
        assert _exists(aws_env, ASSETS, f"{folder}/{name}")
    assert peer.results == [
        {"key": key, "status": "ready", "avatar_key": outcome["avatar_key"], "reason": None, "message": None}
    ]
    assert not _exists(aws_env, UPLOADS, key)


async def test_repeated_event_is_idempotent(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService
) -> None:
    data = images.png()
    key = put_upload(data, "image/png", ext="png")
    await process_event(s3_event(key, len(data)), processor=processor)
    again = await process_event(s3_event(key, len(data)), processor=processor)
    assert again["outcomes"][0]["status"] == "skipped"
    assert len(peer.results) == 1


async def test_upload_without_a_grant_is_deleted_and_not_reported(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService, aws_env: str
) -> None:
    data = images.jpeg()
    key = put_upload(data, "image/jpeg", granted=False)
    result = await process_event(s3_event(key, len(data)), processor=processor)
    assert result["outcomes"][0] == {
        "key": key,
        "status": "rejected",
        "reason": "no_grant",
        "avatar_key": None,
    }
    assert peer.results == [] and not _exists(aws_env, UPLOADS, key)


async def test_bad_image_is_reported_failed_with_its_reason(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService, aws_env: str
) -> None:
    data = images.png()
    key = put_upload(data, "image/jpeg")  # PNG bytes under a .jpg grant
    result = await process_event(s3_event(key, len(data)), processor=processor)
    assert result["outcomes"][0]["reason"] == "type_mismatch"
    assert peer.results[0]["status"] == "failed" and peer.results[0]["reason"] == "type_mismatch"
    assert not _exists(aws_env, UPLOADS, key)


async def test_oversized_upload_is_refused_from_the_event_size(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService
) -> None:
    key = put_upload(b"x" * 100, "image/jpeg")
    result = await process_event(s3_event(key, 6 * 1024 * 1024), processor=processor)
    assert result["outcomes"][0]["reason"] == "file_too_large"


async def test_foreign_keys_and_test_events_are_ignored_or_dropped(
    processor: Processor, aws_env: str, peer: FakeUserService
) -> None:
    boto("s3", aws_env).put_object(Bucket=UPLOADS, Key="uploads/not a uuid/x y.jpg", Body=b"x")
    event = s3_event("uploads/not a uuid/x y.jpg", 1, quoted="uploads%2Fnot+a+uuid%2Fx+y.jpg")
    result = await process_event(event, processor=processor)
    assert result["outcomes"][0]["reason"] == "bad_key"
    assert not _exists(aws_env, UPLOADS, "uploads/not a uuid/")
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": UPLOADS}
    assert await process_event(test_event, processor=processor) == {"outcomes": []}
    assert peer.results == []


async def test_sqs_batch_reports_only_the_failed_messages(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService
) -> None:
    good = images.webp()
    key = put_upload(good, "image/webp", ext="webp")
    ok_body = s3_event(key, len(good))
    test_body = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": UPLOADS}
    assert await process_event(sqs_event(ok_body, test_body), processor=processor) == {
        "batchItemFailures": []
    }

    key2 = put_upload(good, "image/webp", ext="webp")
    peer.fail_claims = True  # the user service is down: retry this message, not the others
    result = await process_event(sqs_event(test_body, s3_event(key2, len(good))), processor=processor)
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


async def test_s3_event_raises_when_the_user_service_is_down(
    processor: Processor, put_upload: Callable[..., str], peer: FakeUserService, aws_env: str
) -> None:
    data = images.jpeg()
    key = put_upload(data, "image/jpeg")
    peer.fail_claims = True
    with pytest.raises(httpx.HTTPStatusError):
        await process_event(s3_event(key, len(data)), processor=processor)
    assert _exists(aws_env, UPLOADS, key)  # kept for S3's retry of the invocation
