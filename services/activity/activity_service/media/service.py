"""Use cases of crud pictures: grant an upload, report its status, the processor's claim and verdict, attach.

The image processor (user_service.lambdas.avatar_processor, the local avatar worker) handles both upload
kinds and reports media through claim() and settle(); a ready picture is attached by the crud or reply
that carries it, inside that post's transaction (attach()).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from activity_service.authors.service import check_writer
from activity_service.db import transaction
from activity_service.errors import (
    AltTooLong,
    MediaDuplicate,
    MediaInUse,
    MediaNotReady,
    MediaUnknown,
    TooManyMedia,
)
from activity_service.media import repository
from activity_service.media.errors import MediaNotFound, UploadGrantNotFound, UploadSettled
from activity_service.media.render import GRANT_EXPIRED, render_status, stored_media
from activity_service.media.schemas import (
    MAX_ALT_CHARS,
    MAX_BYTES,
    MAX_MEDIA,
    Claim,
    MediaRef,
    MediaStatus,
    MediaUploadGrant,
    ResultRequest,
)
from activity_service.settings import Settings
from cruddur_common.text import clean_text, over_limit, text_length
from cruddur_common.uploads import new_upload_key, parse_upload_key, presigned_post


def _now() -> datetime:
    return datetime.now(UTC)


async def grant(
    pool: asyncpg.Pool, s3: Any, *, user: uuid.UUID, content_type: str, settings: Settings
) -> MediaUploadGrant:
    """A presigned POST to the uploads bucket whose policy pins the key, the type and 1 byte to 10 MiB."""
    upload_key = new_upload_key("media", user, content_type)
    expires_at = _now() + timedelta(seconds=settings.media_grant_seconds)
    url, fields = await presigned_post(
        s3,
        bucket=settings.uploads_bucket,
        key=upload_key.key,
        content_type=content_type,
        max_bytes=MAX_BYTES,
        expires_in=settings.media_grant_seconds,
    )
    async with transaction(pool) as conn:
        await check_writer(conn, user)
        media_id = await repository.insert_grant(
            conn,
            user_uuid=user,
            upload_key=upload_key.key,
            token=upload_key.token,
            content_type=content_type,
            grant_expires_at=expires_at,
        )
    return MediaUploadGrant(id=media_id, url=url, fields=fields, max_bytes=MAX_BYTES, expires_at=expires_at)


async def status(
    pool: asyncpg.Pool, *, owner: uuid.UUID, media_id: uuid.UUID, settings: Settings
) -> MediaStatus:
    """The owner's picture: processing, ready (with its size) or failed with a reason; 404 for anyone else."""
    row = await repository.owned(pool, media_id, owner=owner)
    if row is None:
        raise MediaNotFound("No picture with this id.")
    skew = timedelta(seconds=settings.media_grant_skew_seconds)
    return render_status(row, grant_over=row["grant_expires_at"] + skew < _now())


async def claim(pool: asyncpg.Pool, *, key: str, uploaded_at: datetime | None, settings: Settings) -> Claim:
    """The grant behind an uploaded object: it must exist, match the key's owner and still be open."""
    parsed = parse_upload_key(key)
    if parsed is None or parsed.kind != "media":
        raise UploadGrantNotFound("No upload grant exists for this key.")
    skew = timedelta(seconds=settings.media_grant_skew_seconds)
    async with transaction(pool) as conn:
        row = await repository.by_key(conn, key)
        if row is None or row["user_uuid"] != parsed.user_uuid:
            raise UploadGrantNotFound("No upload grant exists for this key.")
        if row["status"] in ("ready", "failed"):
            raise UploadSettled(f"This upload was already processed ({row['status']}).")
        late = uploaded_at is not None and uploaded_at > row["grant_expires_at"] + skew
        if late:  # recorded (committed), then refused
            message = "The upload arrived after its grant expired."
            await repository.set_status(conn, key, status="failed", reason=GRANT_EXPIRED, message=message)
        else:
            await repository.set_status(conn, key, status="processing")
    if late:
        raise UploadSettled("The upload arrived after its grant expired.")
    return Claim(key=key, user_uuid=row["user_uuid"], version=row["token"], content_type=row["content_type"])


async def settle(pool: asyncpg.Pool, *, result: ResultRequest) -> None:
    """Record the processor's verdict: ready with the sizes it wrote, or failed with its reason."""
    async with transaction(pool) as conn:
        row = await repository.by_key(conn, result.key)
        if row is None:
            raise UploadGrantNotFound("No upload grant exists for this key.")
        if row["status"] in ("ready", "failed"):
            raise UploadSettled(f"This upload was already processed ({row['status']}).")
        if result.status == "failed":
            reason = result.reason or "processing_failed"
            await repository.set_status(
                conn, result.key, status="failed", reason=reason, message=result.message
            )
            return
        sizes = (result.width, result.height, result.thumbnail_width, result.thumbnail_height)
        await repository.set_status(conn, result.key, status="ready", sizes=sizes)


def checked_refs(refs: Sequence[MediaRef] | None) -> tuple[list[uuid.UUID], list[str]]:
    """The pictures a post carries, checked before any write: ids in order and their trimmed alt texts."""
    refs = refs or []
    if len(refs) > MAX_MEDIA:
        raise TooManyMedia(
            f"A crud carries at most {MAX_MEDIA} pictures.", details={"max": MAX_MEDIA, "count": len(refs)}
        )
    ids: list[uuid.UUID] = []
    alts: list[str] = []
    for ref in refs:
        if ref.id in ids:
            raise MediaDuplicate("The same picture is given twice.", details={"id": str(ref.id)})
        alt = clean_text(ref.alt, field="alt")
        if over_limit(alt, MAX_ALT_CHARS):
            length = text_length(alt)
            raise AltTooLong(
                f"The alt text has {length} characters; at most {MAX_ALT_CHARS} are allowed.",
                details={"id": str(ref.id), "max": MAX_ALT_CHARS, "length": length},
            )
        ids.append(ref.id)
        alts.append(alt)
    return ids, alts


async def attach(
    conn: asyncpg.Connection, *, activity: uuid.UUID, owner: uuid.UUID, ids: list[uuid.UUID], alts: list[str]
) -> list[dict[str, Any]] | None:
    """Attach checked pictures to a new crud in its transaction; 422 (the caller rolls back) if any cannot be.

    Returns what `activities.media` now holds (None: no pictures).
    """
    if not ids:
        return None
    rows = await repository.attach(conn, activity=activity, owner=owner, ids=ids, alts=alts)
    if len(rows) < len(ids):
        await _refuse(conn, ids=ids, owner=owner, attached={r["id"] for r in rows})
    stored = stored_media(rows)
    await repository.set_activity_media(conn, activity, stored)
    return stored


async def _refuse(
    conn: asyncpg.Connection, *, ids: list[uuid.UUID], owner: uuid.UUID, attached: set[uuid.UUID]
) -> None:
    """Raise the reason of the first picture that could not be attached."""
    missing = [i for i in ids if i not in attached]
    found = await repository.states(conn, missing)
    for media_id in missing:
        details = {"id": str(media_id)}
        row = found.get(media_id)
        if row is None or row["user_uuid"] != owner:
            raise MediaUnknown("No picture of yours with this id.", details=details)
        if row["status"] != "ready":
            raise MediaNotReady(f"This picture is not ready ({row['status']}).", details=details)
        raise MediaInUse("This picture is attached to a crud already.", details=details)
