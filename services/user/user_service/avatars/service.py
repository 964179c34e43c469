"""Use cases of avatars; each owns its transaction. The processor reports through claim() and settle()."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.uploads import (
    EXTENSIONS,
    MAX_BYTES,
    UploadKey,
    new_upload_key,
    parse_upload_key,
    presigned_post,
)
from user_service.avatars import repository
from user_service.avatars.errors import UnsupportedExtension, UploadGrantNotFound, UploadSettled
from user_service.avatars.keys import rendition_keys
from user_service.avatars.render import render_status
from user_service.avatars.schemas import AvatarStatus, Claim, KeyUploadGrant, ResultRequest, UploadGrant
from user_service.errors import UserNotFound
from user_service.models import User
from user_service.outbox import events
from user_service.settings import Settings

log = logging.getLogger(__name__)
HISTORY = timedelta(days=7)


def _now() -> datetime:
    return datetime.now(UTC)


async def _new_grant(
    session: AsyncSession, *, user: User, content_type: str, settings: Settings
) -> tuple[UploadKey, datetime]:
    now = _now()
    await repository.prune(session, user.uuid, before=now - HISTORY)
    upload_key = new_upload_key("avatar", user.uuid, content_type)
    expires_at = now + timedelta(seconds=settings.avatar_grant_seconds)
    await repository.add_grant(
        session, key=upload_key.key, user_uuid=user.uuid, content_type=content_type, expires_at=expires_at
    )
    return upload_key, expires_at


async def grant_post(
    session: AsyncSession, s3: Any, *, user: User, content_type: str, settings: Settings
) -> UploadGrant:
    """A presigned POST whose policy pins the key, the content type and at most 5 MB."""
    upload_key, expires_at = await _new_grant(
        session, user=user, content_type=content_type, settings=settings
    )
    url, fields = await presigned_post(
        s3,
        bucket=settings.uploads_bucket,
        key=upload_key.key,
        content_type=content_type,
        max_bytes=MAX_BYTES["avatar"],
        expires_in=settings.avatar_grant_seconds,
    )
    await session.commit()
    return UploadGrant(
        url=url,
        fields=fields,
        key=upload_key.key,
        content_type=content_type,  # type: ignore[arg-type]
        max_bytes=MAX_BYTES["avatar"],
        expires_at=expires_at,
    )


async def grant_put(
    session: AsyncSession, s3: Any, *, user: User, extension: str, settings: Settings
) -> KeyUploadGrant:
    """The original route: a presigned PUT with the content type signed (size is checked by the processor)."""
    content_type = EXTENSIONS.get(extension.lower().lstrip("."))
    if content_type is None:
        raise UnsupportedExtension("Avatars are JPEG, PNG or WebP (jpg, jpeg, png, webp).")
    upload_key, expires_at = await _new_grant(
        session, user=user, content_type=content_type, settings=settings
    )
    url = await s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": settings.uploads_bucket, "Key": upload_key.key, "ContentType": content_type},
        ExpiresIn=settings.avatar_grant_seconds,
    )
    await session.commit()
    return KeyUploadGrant(
        url=url,
        key=upload_key.key,
        content_type=content_type,  # type: ignore[arg-type]
        max_bytes=MAX_BYTES["avatar"],
        expires_at=expires_at,
    )


async def status(session: AsyncSession, *, user: User, settings: Settings) -> AvatarStatus:
    """The caller's latest upload (processing, ready or failed with its reason) and current avatar."""
    upload = await repository.latest(session, user.uuid, now=_now())
    return render_status(user, upload, assets_base_url=settings.assets_base_url)


async def claim(
    session: AsyncSession, *, key: str, uploaded_at: datetime | None, settings: Settings
) -> Claim:
    """The grant behind an uploaded object: it must exist, match the key's owner and still be open."""
    parsed = parse_upload_key(key)
    upload = (
        await repository.get(session, key, for_update=True) if parsed and parsed.kind == "avatar" else None
    )
    if parsed is None or upload is None or upload.user_uuid != parsed.user_uuid:
        raise UploadGrantNotFound("No upload grant exists for this key.")
    if upload.status in ("ready", "failed"):
        raise UploadSettled(f"This upload was already processed ({upload.status}).")
    skew = timedelta(seconds=settings.avatar_grant_skew_seconds)
    late = uploaded_at is not None and uploaded_at > upload.expires_at + skew
    if late:
        await repository.set_status(
            session,
            key,
            status="failed",
            reason="grant_expired",
            message="The upload arrived after its grant expired.",
        )
        await session.commit()
        raise UploadSettled("The upload arrived after its grant expired.")
    await repository.set_status(session, key, status="processing")
    await session.commit()
    return Claim(key=key, user_uuid=upload.user_uuid, version=parsed.token, content_type=upload.content_type)  # type: ignore[arg-type]


async def settle(session: AsyncSession, s3: Any, *, result: ResultRequest, settings: Settings) -> None:
    """Record the processor's verdict; on success switch the avatar and delete the replaced version."""
    stale = await _settle(session, result=result, settings=settings)
    for key in stale:
        try:
            await s3.delete_object(Bucket=settings.assets_bucket, Key=key)
        except Exception as exc:  # cleanup is best effort; the bucket's lifecycle catches the rest
            log.warning("could not delete old avatar %s: %s", key, exc)


async def _settle(session: AsyncSession, *, result: ResultRequest, settings: Settings) -> list[str]:
    """Record the verdict (one transaction); the processed objects no one will see again."""
    upload = await repository.get(session, result.key, for_update=True)
    if upload is None:
        raise UploadGrantNotFound("No upload grant exists for this key.")
    user = await repository.get_user(session, upload.user_uuid, for_update=True)
    if user is None:
        raise UserNotFound("No such user.")
    if upload.status in ("ready", "failed"):
        raise UploadSettled(f"This upload was already processed ({upload.status}).")
    if result.status == "failed" or not result.avatar_key:
        await repository.set_status(
            session,
            result.key,
            status="failed",
            reason=result.reason or "processing_failed",
            message=result.message,
        )
        await session.commit()
        return []
    expected = f"avatars/{user.uuid}/"
    if not result.avatar_key.startswith(expected):
        raise UploadGrantNotFound("The processed avatar is not under the owner's folder.")
    await repository.set_status(session, result.key, status="ready", avatar_key=result.avatar_key)
    if await repository.newer_ready_exists(session, upload):  # a later upload already won
        await session.commit()
        return rendition_keys(result.avatar_key)
    previous = user.avatar_key
    await repository.set_avatar_key(session, user, result.avatar_key)
    # the profile-change propagation (outbox, same transaction)
    await events.publish_author(session, user, assets_base_url=settings.assets_base_url)
    await session.commit()
    return rendition_keys(previous) if previous else []
