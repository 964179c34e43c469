"""Use cases of a person's notifications: the list and marking read; each owns its transaction."""

from __future__ import annotations

import logging
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
from cruddur_common.people import PeopleDirectory
from notification_service.errors import NotificationNotFound
from notification_service.live.broker import Broker
from notification_service.live.render import render_unread
from notification_service.models import Notification as Row
from notification_service.notifications import repository
from notification_service.notifications.render import render_notification
from notification_service.notifications.schemas import MarkRead, Notification, NotificationList, ReadResult

log = logging.getLogger("notification.service")
SHOWN_OTHERS = 2  # "Bob, Ann and 3 others": the names a group's head carries besides its actor


def _now() -> datetime:
    return datetime.now(UTC)


class NotificationPosition(CursorPosition):
    """Where a page of notifications stopped: whose list, and the last sequence number shown."""

    s: str
    q: PgBigint


async def _render_page(
    session: AsyncSession, sub: str, rows: list[Row], *, people: PeopleDirectory, now: datetime
) -> list[Notification]:
    """Rows with their group's other actors and everyone's current name and avatar (two lookups)."""
    groups = {(r.kind, r.activity_uuid) for r in rows if r.kind in repository.GROUPED and r.activity_uuid}
    members = await repository.group_members(session, sub, groups, now=now, shown=SHOWN_OTHERS + 1)
    by_group: dict[tuple[str, uuid.UUID | None], list[Row]] = {}
    sizes: dict[tuple[str, uuid.UUID | None], int] = {}
    for member, size in members:
        by_group.setdefault((member.kind, member.activity_uuid), []).append(member)
        sizes[(member.kind, member.activity_uuid)] = size
    cards = await people.cards({r.actor_uuid for r in [*rows, *(m for m, _ in members)]})
    out = []
    for row in rows:
        group = (row.kind, row.activity_uuid)
        others = [m for m in by_group.get(group, []) if m.id != row.id][:SHOWN_OTHERS]
        out.append(render_notification(row, cards=cards, others=others, group_size=sizes.get(group, 1)))
    return out


async def list_notifications(
    session: AsyncSession,
    sub: str,
    *,
    limit: int,
    cursor: str | None,
    secret: str,
    people: PeopleDirectory,
) -> NotificationList:
    """Newest first, `limit` per page (a group once), with the unread count."""
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
    items = await _render_page(session, sub, page.items, people=people, now=now)
    return NotificationList(items=items, unread_count=unread, next_cursor=page.next_cursor)


async def mark_read(session: AsyncSession, broker: Broker, sub: str, body: MarkRead) -> ReadResult:
    """Mark read up to a notification id/uuid or a time (everything when `up_to` is absent); the person's
    other tabs and devices get the new count on their live streams."""
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
    try:
        await broker.publish(sub, render_unread(unread))
    except Exception as exc:  # the other tabs catch up on their next list
        log.warning("live unread count failed: %s", exc)
    return ReadResult(marked=marked, unread_count=unread)
