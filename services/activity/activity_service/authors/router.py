"""Internal routes the user service calls to keep the author and follow projections current."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks

from activity_service.account import service as account_service
from activity_service.authors import service
from activity_service.authors.schemas import Applied, AuthorIn, FollowIn
from activity_service.db import PoolDep
from activity_service.dependencies import S3Dep, SettingsDep
from cruddur_common.contracts import BatchIn, BatchResult
from cruddur_common.errors import ERROR_RESPONSES, Unprocessable

router = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


async def _apply_one(pool: PoolDep, event: dict[str, object]) -> Applied:
    """The single-event routes go through the batch path, so both refuse the same things the same way."""
    (result,) = (await service.apply_events(pool, [event])).results
    if not result.ok:
        raise Unprocessable(f"The projection refused the event: {result.error}", code="projection_refused")
    return Applied(applied=True)


@router.put("/authors/{author_uuid}", response_model=Applied, summary="Upsert an author (user service)")
async def put_author(author_uuid: uuid.UUID, author: AuthorIn, pool: PoolDep) -> Applied:
    """Store the user service's current copy of a user; older copies are ignored."""
    if author.uuid != author_uuid:
        raise Unprocessable("The path and body uuids differ.", code="uuid_mismatch")
    return Applied(applied=await service.apply_author(pool, author))


@router.put("/follows", response_model=Applied, summary="Add a follow edge (user service)")
async def put_follow(edge: FollowIn, pool: PoolDep) -> Applied:
    """Record that `follower` follows `followee` (idempotent: a redelivered edge is a 200)."""
    return await _apply_one(pool, {"type": "follow", **edge.model_dump(mode="json")})


@router.post("/follows/delete", response_model=Applied, summary="Remove a follow edge (user service)")
async def delete_follow(edge: FollowIn, pool: PoolDep) -> Applied:
    """Record that `follower` no longer follows `followee` (idempotent)."""
    return await _apply_one(pool, {"type": "unfollow", **edge.model_dump(mode="json")})


@router.post(
    "/projection/events",
    response_model=BatchResult,
    summary="Apply a batch of author and follow events in order (the user service's outbox)",
)
async def projection_events(
    batch: BatchIn, pool: PoolDep, s3: S3Dep, settings: SettingsDep, background: BackgroundTasks
) -> BatchResult:
    """One result per event; an event refused for good (invalid data) does not stop the ones after it.

    An erased user's pictures leave S3 right after the answer (the purge retries what is left).
    """

    def drain(user: uuid.UUID) -> None:
        background.add_task(account_service.drain_media, pool, s3, bucket=settings.assets_bucket, user=user)

    return await service.apply_events(pool, batch.events, on_erased=drain)
