"""What the user service tells others: author and follow projections (activity), follow notifications."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from user_service.avatars import avatar_url
from user_service.models import User
from user_service.outbox import repository

ACTIVITY = "activity"
NOTIFICATION = "notification"


def author(user: User) -> dict[str, Any]:
    """A user as the activity service's author projection stores them."""
    return {
        "uuid": str(user.uuid),
        "cognito_user_id": user.cognito_user_id,
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio or "",
        "avatar_url": avatar_url(user),
        "updated_at": user.updated_at.isoformat(),
    }


async def publish_author(session: AsyncSession, user: User) -> None:
    """Queue the user's public data for the activity service (call after any change, same transaction)."""
    await repository.enqueue(
        session, destination=ACTIVITY, method="PUT", path=f"/internal/authors/{user.uuid}", body=author(user)
    )


async def publish_follow(session: AsyncSession, *, follower: User, followee: User, following: bool) -> None:
    """Queue a follow edge change for the activity service, and a notification for a new follow."""
    body = {"follower": author(follower), "followee": author(followee)}
    path = "/internal/follows" if following else "/internal/follows/delete"
    await repository.enqueue(
        session, destination=ACTIVITY, method="PUT" if following else "POST", path=path, body=body
    )
    if following:
        await repository.enqueue(
            session,
            destination=NOTIFICATION,
            method="POST",
            path="/internal/notifications/events",
            body={
                "event_id": str(uuid.uuid4()),
                "kind": "follow",
                "recipient": {"uuid": str(followee.uuid), "sub": followee.cognito_user_id},
                "actor": {
                    "uuid": str(follower.uuid),
                    "handle": follower.handle,
                    "display_name": follower.display_name,
                    "avatar_url": avatar_url(follower),
                },
                "target": {},
                "created_at": datetime.now(UTC).isoformat(),
            },
        )
