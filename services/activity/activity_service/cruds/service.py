"""Use cases that change cruds; each owns its transaction and queues its notifications in it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg

from activity_service.authors.service import check_writer
from activity_service.cruds import repository
from activity_service.cruds.schemas import MAX_CRUD_CHARS, MAX_REPLY_CHARS, LikeState, RepostState
from activity_service.cruds.text import clean_message, hashtags, mentions
from activity_service.db import transaction
from activity_service.errors import (
    ActivityNotFound,
    Blocked,
    NotAuthor,
    ReplyExpiry,
    TtlTooLong,
)
from activity_service.media import service as media_service
from activity_service.media.render import render_media
from activity_service.media.schemas import MediaRef
from activity_service.outbox import events
from activity_service.outbox import home as home_events
from activity_service.schemas import ActivityItem
from activity_service.timeline import repository as timeline
from cruddur_common.contracts import Undoable
from cruddur_common.expiry import MAX_LIFE, preset

Notify = Callable[[], None]


def _expiry(ttl: str) -> datetime:
    return datetime.now(UTC) + preset(ttl)


async def _target(conn: asyncpg.Connection, activity: uuid.UUID, *, writer: uuid.UUID) -> asyncpg.Record:
    """The live crud a reply, like or repost is about: 404 when gone, 403 `blocked` across a block."""
    target = await repository.live_target(conn, activity, reader=writer)
    if target is None:
        raise ActivityNotFound("No live crud with this uuid.")
    if target["blocked"]:
        raise Blocked("You cannot interact with this user.")
    return target


def _item(
    row: Mapping[str, Any], *, assets_base_url: str, media: str | list[dict[str, Any]] | None = None
) -> ActivityItem:
    """A crud row (ITEM_COLUMNS) as the API shows it; `media`: pictures attached after the row was read."""
    stored = media if media is not None else row["media"]
    pictures = render_media(stored, expires_at=row["expires_at"], assets_base_url=assets_base_url)
    return ActivityItem(**{**dict(row), "media": pictures})


async def _mention_events(
    conn: asyncpg.Connection, row: asyncpg.Record, *, actor: dict[str, Any], skip: set[uuid.UUID]
) -> list[dict[str, Any]]:
    found = await repository.authors_by_handles(conn, mentions(row["message"]))
    return [
        events.event(
            "mention",
            actor=actor,
            recipient=r,
            activity_uuid=row["uuid"],
            activity_handle=row["handle"],
            preview=row["message"],
            expires_at=row["expires_at"],
        )
        for r in found
        if r["uuid"] not in skip
    ]


async def post(
    pool: asyncpg.Pool,
    *,
    author: uuid.UUID,
    message: str,
    ttl: str,
    notify: Notify,
    media: Sequence[MediaRef] | None = None,
    assets_base_url: str,
) -> ActivityItem:
    """Post a crud with its pictures (attached in its transaction); @mentions become notifications."""
    text = clean_message(message, max_chars=MAX_CRUD_CHARS)
    expires_at = _expiry(ttl)
    media_ids, alts = media_service.checked_refs(media)
    async with transaction(pool) as conn:
        await check_writer(conn, author)
        row = await repository.insert_crud(conn, user_uuid=author, message=text, expires_at=expires_at)
        pictures = await media_service.attach(
            conn, activity=row["uuid"], owner=author, ids=media_ids, alts=alts
        )
        await repository.insert_hashtags(
            conn,
            activity=row["uuid"],
            tags=hashtags(text),
            created_at=row["created_at"],
            expires_at=expires_at,
        )
        await timeline.lock_author(conn, author, exclusive=False)
        await timeline.fan_out_crud(conn, row["uuid"])
        news = await home_events.queue(conn, activity=row["uuid"])
        actor = events.person(await repository.actor(conn, author))
        queued = await _mention_events(conn, row, actor=actor, skip={author})
        await events.queue(conn, queued)
    if queued or news:
        notify()
    return _item(row, media=pictures, assets_base_url=assets_base_url)


async def reply(
    pool: asyncpg.Pool,
    *,
    author: uuid.UUID,
    parent: uuid.UUID,
    message: str,
    notify: Notify,
    media: Sequence[MediaRef] | None = None,
    assets_base_url: str,
) -> ActivityItem:
    """Reply to a live crud, with pictures; its author (and anyone @mentioned) is notified."""
    text = clean_message(message, max_chars=MAX_REPLY_CHARS)
    media_ids, alts = media_service.checked_refs(media)
    async with transaction(pool) as conn:
        await check_writer(conn, author)
        target = await _target(conn, parent, writer=author)
        row = await repository.insert_reply(conn, user_uuid=author, parent=parent, message=text)
        if row is None:  # expired since
            raise ActivityNotFound("No live crud with this uuid.")
        pictures = await media_service.attach(
            conn, activity=row["uuid"], owner=author, ids=media_ids, alts=alts
        )
        await repository.insert_hashtags(
            conn,
            activity=row["uuid"],
            tags=hashtags(text),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )
        actor = events.person(await repository.actor(conn, author))
        queued = await _mention_events(conn, row, actor=actor, skip={author, target["user_uuid"]})
        if target["user_uuid"] != author:
            recipient = {"uuid": target["user_uuid"], "cognito_user_id": target["cognito_user_id"]}
            queued.append(
                events.event(
                    "reply",
                    actor=actor,
                    recipient=recipient,
                    activity_uuid=row["uuid"],
                    activity_handle=row["handle"],
                    preview=text,
                    expires_at=row["expires_at"],
                )
            )
        await events.queue(conn, queued)
    if queued:
        notify()
    return _item(row, media=pictures, assets_base_url=assets_base_url)


async def _timeline_repost(
    conn: asyncpg.Connection, *, on: bool, activity: uuid.UUID, reposter: uuid.UUID
) -> bool:
    """Fan a repost out (with its home events: True when any was queued) or take it back."""
    if on:
        await timeline.lock_author(conn, reposter, exclusive=False)
        await timeline.fan_out_repost(conn, activity=activity, reposter=reposter)
        return await home_events.queue(conn, activity=activity, reposter=reposter)
    await timeline.remove_repost(conn, activity=activity, reposter=reposter)
    return False


async def _toggle(
    pool: asyncpg.Pool,
    *,
    table: str,
    kind: Undoable,
    on: bool,
    reader: uuid.UUID,
    activity: uuid.UUID,
    notify: Notify,
) -> int:
    async with transaction(pool) as conn:
        await check_writer(conn, reader)
        if on:
            target = await _target(conn, activity, writer=reader)
        else:  # taking one's like or repost back stays possible across a block
            target = await repository.live_target(conn, activity, reader=reader)
            if target is None:
                raise ActivityNotFound("No live crud with this uuid.")
        changed, count = await repository.toggle(
            conn, table=table, on=on, activity=activity, user_uuid=reader
        )
        news = False  # a repost's home events were queued (issue 18's live "N new cruds")
        if changed and table == "reposts":
            news = await _timeline_repost(conn, on=on, activity=activity, reposter=reader)
        send = changed and target["user_uuid"] != reader
        if send:  # a like or repost notifies the author; taking it back undoes that while unread
            actor = events.person(await repository.actor(conn, reader))
            recipient = {"uuid": target["user_uuid"], "cognito_user_id": target["cognito_user_id"]}
            await events.queue(
                conn,
                [
                    events.event(
                        kind if on else "undo",
                        undoes=None if on else kind,
                        actor=actor,
                        recipient=recipient,
                        activity_uuid=activity,
                        activity_handle=target["handle"],
                        preview=target["message"],
                        expires_at=target["expires_at"],
                    )
                ],
            )
    if send or news:
        notify()
    return count


# set_like and set_repost look alike on purpose: _toggle holds the logic, each returns its own schema.
async def set_like(
    pool: asyncpg.Pool, *, reader: uuid.UUID, activity: uuid.UUID, on: bool, notify: Notify
) -> LikeState:
    """Like or unlike (idempotent); the count stays exact under concurrency."""
    count = await _toggle(
        pool, table="likes", kind="like", on=on, reader=reader, activity=activity, notify=notify
    )
    return LikeState(activity_uuid=activity, liked=on, likes_count=count)


async def set_repost(
    pool: asyncpg.Pool, *, reader: uuid.UUID, activity: uuid.UUID, on: bool, notify: Notify
) -> RepostState:
    """Repost or un-repost (idempotent)."""
    count = await _toggle(
        pool, table="reposts", kind="repost", on=on, reader=reader, activity=activity, notify=notify
    )
    return RepostState(activity_uuid=activity, reposted=on, reposts_count=count)


async def _own(
    conn: asyncpg.Connection, activity: uuid.UUID, *, reader: uuid.UUID, what: str
) -> asyncpg.Record:
    """Lock the reader's own live crud: 404 when gone, 403 `not_author` for someone else's."""
    row = await repository.lock_for_delete(conn, activity, live=True)
    if row is None:
        raise ActivityNotFound("No live crud with this uuid.")
    if row["user_uuid"] != reader:
        raise NotAuthor(f"Only the author can {what} a crud.")
    return row


async def delete(pool: asyncpg.Pool, *, reader: uuid.UUID, activity: uuid.UUID, notify: Notify) -> None:
    """Delete one's own crud with everything below it; notifications about them are retracted."""
    async with transaction(pool) as conn:
        await check_writer(conn, reader)
        row = await _own(conn, activity, reader=reader, what="delete")
        await _delete(conn, activity, row=row, keep_held=True)
    notify()


NOW = "now"  # the ttl that ends a crud at once: its author's delete


async def update_expiry(
    pool: asyncpg.Pool,
    *,
    reader: uuid.UUID,
    activity: uuid.UUID,
    ttl: str,
    notify: Notify,
    assets_base_url: str,
) -> ActivityItem:
    """Give one's own crud a new end `ttl` from now, at most MAX_LIFE after it was posted; `now` deletes it.

    Its replies, reposts, timeline rows and hashtags take the new end in the same transaction, and its
    notifications through an `expire` event. `now` is the author's delete (held threads expire instead);
    the crud is answered as it was, ending now.
    """
    life = None if ttl == NOW else preset(ttl)
    async with transaction(pool) as conn:
        await check_writer(conn, reader)
        row = await _own(conn, activity, reader=reader, what="change the end of")
        if row["reply_to_activity_uuid"] is not None:
            raise ReplyExpiry("Replies end with their crud: change the crud's end instead.")
        if life is None:
            item = dict(await repository.item(conn, activity))
            await _delete(conn, activity, row=row, keep_held=True)
            item["expires_at"] = datetime.now(UTC)
        else:
            item = dict(await _move_end(conn, activity, row=row, expires_at=datetime.now(UTC) + life))
    notify()
    return _item(item, assets_base_url=assets_base_url)  # its pictures' URLs carry the new end


async def _move_end(
    conn: asyncpg.Connection, activity: uuid.UUID, *, row: asyncpg.Record, expires_at: datetime
) -> asyncpg.Record:
    """Move the end of a locked live crud (either way) within its 30 days; queue `expire` for its thread."""
    latest = row["created_at"] + MAX_LIFE
    if expires_at > latest:
        raise TtlTooLong(
            f"A crud ends at most {MAX_LIFE.days} days after it was posted: {latest.isoformat()}.",
            details={"max_expires_at": latest.isoformat()},
        )
    changed = await repository.set_expiry(
        conn, await repository.thread_uuids(conn, activity), expires_at=expires_at
    )
    await events.queue(
        conn,
        [
            events.event(
                "expire",
                actor=None,
                recipient=None,
                activity_uuid=u,
                activity_handle=None,
                preview=None,
                expires_at=expires_at,
            )
            for u in changed
        ],
    )
    return await repository.item(conn, activity)


async def remove(pool: asyncpg.Pool, *, activity: uuid.UUID, notify: Notify) -> None:
    """A moderator's removal: the author's delete, for a crud in any state (expired, held); idempotent."""
    async with transaction(pool) as conn:
        row = await repository.lock_for_delete(conn, activity, live=False)
        if row is None:
            return
        await _delete(conn, activity, row=row, keep_held=False)
    notify()


async def _delete(
    conn: asyncpg.Connection, activity: uuid.UUID, *, row: asyncpg.Record, keep_held: bool
) -> None:
    """Delete a locked crud, its thread and what hangs off them; retract notifications about them.

    The author's delete of a thread under an evidence hold (`keep_held`) expires it instead: gone for
    everyone, kept for the moderators until the hold ends (docs/moderation.md); a moderator's removal
    deletes it with its holds.
    """
    thread = await repository.thread_uuids(conn, activity)
    actor = events.person(await repository.actor(conn, row["user_uuid"]))
    parent = row["reply_to_activity_uuid"]
    if keep_held and await repository.held(conn, thread):
        await repository.expire_now(conn, thread, parent=parent)
    else:
        await repository.delete(conn, activity, parent=parent)
    await events.queue(
        conn, [events.retract(u, actor=actor, activity_handle=actor["handle"]) for u in thread]
    )
