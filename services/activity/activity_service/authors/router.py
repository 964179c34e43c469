"""Internal routes the user service calls to keep the author and follow projections current."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from activity_service.authors import service
from activity_service.authors.schemas import Applied, AuthorIn, FollowIn
from activity_service.db import PoolDep
from cruddur_common.errors import ERROR_RESPONSES, Unprocessable

router = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.put("/authors/{author_uuid}", response_model=Applied, summary="Upsert an author (user service)")
async def put_author(author_uuid: uuid.UUID, author: AuthorIn, pool: PoolDep) -> Applied:
    """Store the user service's current copy of a user; older copies are ignored."""
    if author.uuid != author_uuid:
        raise Unprocessable("The path and body uuids differ.", code="uuid_mismatch")
    return Applied(applied=await service.apply_author(pool, author))


@router.put("/follows", response_model=Applied, summary="Add a follow edge (user service)")
async def put_follow(edge: FollowIn, pool: PoolDep) -> Applied:
    """Record that `follower` follows `followee` (idempotent)."""
    return Applied(applied=await service.apply_follow(pool, edge, following=True))


@router.post("/follows/delete", response_model=Applied, summary="Remove a follow edge (user service)")
async def delete_follow(edge: FollowIn, pool: PoolDep) -> Applied:
    """Record that `follower` no longer follows `followee` (idempotent)."""
    return Applied(applied=await service.apply_follow(pool, edge, following=False))
