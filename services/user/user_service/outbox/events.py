"""What the user service tells others: author, follow and relation projections, follow notifications,
erasures."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common import outbox
from cruddur_common.contracts import (
    BlockEvent,
    ErasureEvent,
    EventRecipient,
    EventTarget,
    IngestEvent,
    MuteEvent,
    Person,
    RelationEvent,
    SuspensionEvent,
    UnmuteEvent,
)
from user_service.avatars.urls import avatar_url
from user_service.models import User

ACTIVITY = "activity"
NOTIFICATION = "notification"
RELATIONS = "relations"  # block/mute/suspension/erasure events for the notification service
MESSAGING = "messaging"  # erasure events for the messaging service (issue 16)
Notify = Callable[[], None]  # wakes the deliverer after a commit that queued events


def author(user: User, *, assets_base_url: str) -> dict[str, Any]:
    """A user as the activity service's author projection stores them."""
    return {
        "uuid": str(user.uuid),
        "cognito_user_id": user.cognito_user_id,
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio or "",
        "avatar_url": avatar_url(user, assets_base_url=assets_base_url),
        "updated_at": user.updated_at.isoformat(),
        "suspended": user.suspended,
    }


async def publish_author(session: AsyncSession, user: User, *, assets_base_url: str) -> None:
    """Queue the user's public data for the activity service (call after any change, same transaction)."""
    body = {"type": "author", "author": author(user, assets_base_url=assets_base_url)}
    await outbox.enqueue(session, destination=ACTIVITY, bodies=[body])


def follow_notification(
    *, follower: User, followee: User, assets_base_url: str, following: bool = True
) -> dict[str, Any]:
    """A new follower's notification (for an unfollow, the `undo` that takes it back while unread)."""
    event = IngestEvent(
        event_id=uuid.uuid4(),
        kind="follow" if following else "undo",
        recipient=EventRecipient(uuid=followee.uuid, sub=followee.cognito_user_id),
        actor=Person(
            uuid=follower.uuid,
            handle=follower.handle,
            display_name=follower.display_name,
            avatar_url=avatar_url(follower, assets_base_url=assets_base_url),
        ),
        target=EventTarget() if following else EventTarget(undoes="follow"),
        created_at=datetime.now(UTC),
    )
    return event.model_dump(mode="json", exclude_none=True)


async def publish_follow(
    session: AsyncSession, *, follower: User, followee: User, following: bool, assets_base_url: str
) -> None:
    """Queue a follow edge change for the activity service, and its notification (or its undo)."""
    edge = {
        "type": "follow" if following else "unfollow",
        "follower": author(follower, assets_base_url=assets_base_url),
        "followee": author(followee, assets_base_url=assets_base_url),
    }
    await outbox.enqueue(session, destination=ACTIVITY, bodies=[edge])
    body = follow_notification(
        follower=follower, followee=followee, assets_base_url=assets_base_url, following=following
    )
    await outbox.enqueue(session, destination=NOTIFICATION, bodies=[body])


async def publish_relation(session: AsyncSession, event: RelationEvent) -> None:
    """Queue a block, mute or suspension event for activity and notification (same transaction)."""
    body = event.model_dump(mode="json")
    await outbox.enqueue(session, destination=ACTIVITY, bodies=[body])
    await outbox.enqueue(session, destination=RELATIONS, bodies=[body])


async def publish_block(
    session: AsyncSession, *, blocker: uuid.UUID, blocked: uuid.UUID, blocking: bool
) -> None:
    """Queue a block or unblock (after the `unfollow` events of the follows the block removed)."""
    await publish_relation(
        session, BlockEvent(type="block" if blocking else "unblock", blocker=blocker, blocked=blocked)
    )


async def publish_mute(
    session: AsyncSession, *, muter: uuid.UUID, muted: uuid.UUID, until: datetime | None
) -> None:
    """Queue a mute (`until` null: until unmuted; consumers compare it with their clock)."""
    await publish_relation(session, MuteEvent(type="mute", muter=muter, muted=muted, until=until))


async def publish_unmute(session: AsyncSession, *, muter: uuid.UUID, muted: uuid.UUID) -> None:
    """Queue the end of a mute."""
    await publish_relation(session, UnmuteEvent(type="unmute", muter=muter, muted=muted))


async def publish_suspension(session: AsyncSession, user: User, *, assets_base_url: str) -> None:
    """Queue a (un)suspension: the author's new copy for activity, then the `suspension` event for both."""
    await publish_author(session, user, assets_base_url=assets_base_url)
    await publish_relation(
        session, SuspensionEvent(type="suspension", user=user.uuid, suspended=user.suspended)
    )


async def publish_erasure(session: AsyncSession, user: User) -> None:
    """Queue the user's erasure for activity, notification and messaging (the deletion's transaction)."""
    body = ErasureEvent(type="erasure", user=user.uuid, sub=user.cognito_user_id).model_dump(mode="json")
    for destination in (ACTIVITY, RELATIONS, MESSAGING):
        await outbox.enqueue(session, destination=destination, bodies=[body])
