"""The image processor: S3 "object created" records in, processed images and a verdict out.

One processor for both upload kinds, told apart by the key (`cruddur_common.uploads`): an avatar is claimed
from and reported to the user service, a crud picture (media) to the activity service, which owns its rows.
The Lambda (S3 event, or SQS-wrapped S3 events) and the local worker (SQS) both run `process_event` with
the processor `open_processor` builds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError
from pydantic import BaseModel

from cruddur_common.aws import AwsClients
from cruddur_common.http import create_internal_client
from cruddur_common.uploads import MAX_BYTES, MEDIA_SIZES, UploadKind, media_folder, parse_upload_key
from user_service.avatars.clients import AVATAR_API, MEDIA_API, GrantClient
from user_service.avatars.errors import AvatarRejected, UploadGrantNotFound, UploadSettled
from user_service.avatars.keys import rendition_key
from user_service.avatars.processing import PROCESSORS, Processed, Rendition, too_large
from user_service.avatars.schemas import Claim, MediaResultRequest, ResultRequest
from user_service.settings import Settings

log = logging.getLogger(__name__)
# An avatar version is a new URL each time: cached forever. A picture ends with its crud: a day at most
# here, and the edge bounds it by the crud's remaining life (the `expires` query; docs/deletion.md).
CACHE: dict[UploadKind, str] = {
    "avatar": "public, max-age=31536000, immutable",
    "media": "public, max-age=86400",
}
CpuRunner = Callable[..., Awaitable[Processed]]


@dataclass(frozen=True, slots=True)
class UploadedObject:
    """One S3 ObjectCreated record."""

    bucket: str
    key: str
    size: int
    event_time: datetime | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one uploaded object."""

    key: str
    status: str  # ready | rejected | skipped
    reason: str | None = None
    avatar_key: str | None = None


def uploaded_objects(s3_event: dict[str, Any]) -> list[UploadedObject]:
    """The ObjectCreated records of an S3 notification (test events and other kinds are ignored)."""
    found: list[UploadedObject] = []
    for record in s3_event.get("Records", []):
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith(
            "ObjectCreated"
        ):
            continue
        s3 = record["s3"]
        event_time = record.get("eventTime")
        found.append(
            UploadedObject(
                bucket=s3["bucket"]["name"],
                key=unquote_plus(s3["object"]["key"]),
                size=int(s3["object"].get("size", 0)),
                event_time=datetime.fromisoformat(event_time.replace("Z", "+00:00")) if event_time else None,
            )
        )
    return found


async def _inline(func: Callable[..., Processed], /, *args: Any, **kwargs: Any) -> Processed:
    return func(*args, **kwargs)


@dataclass(kw_only=True)
class Processor:
    """Everything the processor talks to: S3, the grant owners of each kind, and where CPU work runs."""

    s3: Any
    users: GrantClient  # avatars: the user service
    activity: GrantClient  # crud pictures: the activity service
    assets_bucket: str
    run_cpu: CpuRunner = _inline

    async def handle(self, obj: UploadedObject) -> Outcome:
        """Verify, process, publish and report one upload; infrastructure errors propagate (retry)."""
        upload = parse_upload_key(obj.key)
        if upload is None:
            return await self._drop(obj, "bad_key", "The key is not an upload key we hand out.")
        grants = self.users if upload.kind == "avatar" else self.activity
        try:
            claim = await grants.claim(obj.key, uploaded_at=obj.event_time)
        except UploadGrantNotFound:
            return await self._drop(obj, "no_grant", "Nobody was granted an upload to this key.")
        except UploadSettled:
            return await self._drop(obj, None, "Already processed.", status="skipped")
        try:
            processed = await self._verify_and_process(obj, claim, upload.kind)
        except AvatarRejected as rejected:
            await grants.report(obj.key, _failed(upload.kind, obj.key, rejected))
            return await self._drop(obj, rejected.reason, rejected.message)
        await self._publish(upload.kind, claim, processed)
        result = _ready(upload.kind, obj.key, claim, processed)
        await grants.report(obj.key, result)
        await self._delete_upload(obj)
        avatar_key = result.avatar_key if isinstance(result, ResultRequest) else None
        log.info("%s ready", upload.kind, extra={"key": obj.key, "avatar_key": avatar_key})
        return Outcome(key=obj.key, status="ready", avatar_key=avatar_key)

    async def _verify_and_process(self, obj: UploadedObject, claim: Claim, kind: UploadKind) -> Processed:
        if rejected := too_large(obj.size, kind):
            raise rejected
        max_bytes = MAX_BYTES[kind]
        try:
            response = await self.s3.get_object(Bucket=obj.bucket, Key=obj.key, Range=f"bytes=0-{max_bytes}")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise AvatarRejected("upload_missing", "The uploaded file is gone.") from exc
            raise
        stored_type = str(response.get("ContentType", "")).split(";")[0].strip().lower()
        async with response["Body"] as body:
            data = await body.read()
        if rejected := too_large(_total_size(response, len(data)), kind):
            raise rejected
        if stored_type and stored_type != claim.content_type:
            raise AvatarRejected(
                "type_mismatch", f"The upload says {stored_type} but the grant was for {claim.content_type}."
            )
        return await self.run_cpu(PROCESSORS[kind], data, declared_type=claim.content_type)

    async def _publish(self, kind: UploadKind, claim: Claim, processed: Processed) -> None:
        async def put(rendition: Rendition) -> None:
            await self.s3.put_object(
                Bucket=self.assets_bucket,
                Key=_published_key(kind, claim, rendition.size, rendition.fmt),
                Body=rendition.data,
                ContentType=rendition.content_type,
                CacheControl=CACHE[kind],
            )

        await asyncio.gather(*(put(r) for r in processed.renditions))

    async def _drop(
        self, obj: UploadedObject, reason: str | None, message: str, status: str = "rejected"
    ) -> Outcome:
        log.warning("upload %s: %s", status, message, extra={"key": obj.key, "reason": reason})
        await self._delete_upload(obj)
        return Outcome(key=obj.key, status=status, reason=reason)

    async def _delete_upload(self, obj: UploadedObject) -> None:
        await self.s3.delete_object(Bucket=obj.bucket, Key=obj.key)


def _published_key(kind: UploadKind, claim: Claim, size: int, fmt: str) -> str:
    """avatars/<user>/<token>/{512,128}.{jpg,webp} or media/<user>/<token>/{1600,400}.{jpg,webp}."""
    if kind == "media":
        return f"{media_folder(claim.user_uuid, claim.version)}/{size}.{fmt}"
    return rendition_key(claim.user_uuid, claim.version, size=size, fmt=fmt)


def _ready(kind: UploadKind, key: str, claim: Claim, processed: Processed) -> BaseModel:
    """The verdict on a processed upload: an avatar's 512 JPEG, a picture's two sizes."""
    if kind == "avatar":
        return ResultRequest(key=key, status="ready", avatar_key=_published_key(kind, claim, 512, "jpg"))
    display, thumbnail = (next(r for r in processed.renditions if r.size == side) for side in MEDIA_SIZES)
    return MediaResultRequest(
        key=key,
        status="ready",
        width=display.width,
        height=display.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
    )


def _failed(kind: UploadKind, key: str, rejected: AvatarRejected) -> BaseModel:
    result = ResultRequest if kind == "avatar" else MediaResultRequest
    return result(key=key, status="failed", reason=rejected.reason, message=rejected.message)


def _total_size(response: dict[str, Any], read: int) -> int:
    content_range = str(response.get("ContentRange", ""))  # "bytes 0-5242880/6291456"
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    return read


@asynccontextmanager
async def open_processor(settings: Settings, *, run_cpu: CpuRunner = _inline) -> AsyncIterator[Processor]:
    """A processor with its own aioboto3 S3 and httpx clients, closed on exit."""
    aws = AwsClients()
    http = create_internal_client(settings=settings, caller="avatar_processor")
    try:
        await aws.open(settings, "s3")
        yield Processor(
            s3=aws["s3"],
            users=GrantClient(http, base_url=settings.user_url, api=AVATAR_API),
            activity=GrantClient(http, base_url=settings.activity_url, api=MEDIA_API),
            assets_bucket=settings.assets_bucket,
            run_cpu=run_cpu,
        )
    finally:
        await aws.close()
        await http.aclose()


async def process_event(event: dict[str, Any], *, processor: Processor) -> dict[str, Any]:
    """S3 event: every record, or raise (S3 retries the invocation). SQS event: partial batch failures."""
    records = event.get("Records", [])
    if records and records[0].get("eventSource") == "aws:sqs":
        failures: list[dict[str, str]] = []
        for record in records:
            try:
                for obj in uploaded_objects(json.loads(record["body"])):
                    await processor.handle(obj)
            except Exception:
                log.exception("upload processing failed; the message will be retried")
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    outcomes = [await processor.handle(obj) for obj in uploaded_objects(event)]
    return {"outcomes": [_as_dict(o) for o in outcomes]}


def _as_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "key": outcome.key,
        "status": outcome.status,
        "reason": outcome.reason,
        "avatar_key": outcome.avatar_key,
    }
