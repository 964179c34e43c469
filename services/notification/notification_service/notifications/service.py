"""Use cases of a person's notifications: the list and marking read; each owns its transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    PgBigint,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from notification_service.errors import NotificationNotFound
from notification_service.models import Notification as Row
from notification_service.notifications import repository
from notification_service.notifications.render import render_notification
from notification_service.notifications.schemas import MarkRead, NotificationList, ReadResult


def _now() -> datetime:
    return datetime.now(UTC)


class NotificationPosition(CursorPosition):
    """Where a page of notifications stopped: whose list, and the last sequence number shown."""

    s: str
    q: PgBigint


async def list_notifications(
    session: AsyncSession, sub: str, *, limit: int, cursor: str | None, secret: str
) -> NotificationList:
    """Newest first, `limit` per page, with the unread count."""
    before = None
    if cursor is not None:
        position = decode_cursor(cursor, secret=secret, shape=NotificationPosition)
        if position.s != sub:
            raise InvalidCursor("The cursor is not valid.")
        before = position.q
    now = _now()
    rows = await repository.page(session, sub, limit=limit + 1, before_seq=before, now=now)

    def after(last: Row) -> str:
        return encode_cursor({"s": sub, "q": last.seq}, secret=secret)

    page = keyset_page(rows, limit=limit, cursor_after=after)
    unread = await repository.unread_count(session, sub, now=now)
    return NotificationList(
        items=[render_notification(r) for r in page.items], unread_count=unread, next_cursor=page.next_cursor
    )


async def mark_read(session: AsyncSession, sub: str, body: MarkRead) -> ReadResult:
    """Mark read up to a notification id/uuid or a time (everything when `up_to` is absent)."""
    up_to_seq: int | None = None
    up_to_time: datetime | None = None
    if isinstance(body.up_to, uuid.UUID):
        up_to_seq = await repository.seq_of(session, sub, body.up_to)
        if up_to_seq is None:
            raise NotificationNotFound("No such notification.")
    elif isinstance(body.up_to, datetime):
        up_to_time = body.up_to
    else:
        up_to_seq = body.up_to
    now = _now()
    marked = await repository.mark_read(session, sub, up_to_seq=up_to_seq, up_to_time=up_to_time, now=now)
    unread = await repository.unread_count(session, sub, now=now)
    await session.commit()
    return ReadResult(marked=marked, unread_count=unread)
