"""Use cases of a user's account: erase everything of theirs (their account was deleted), their export's part.

Erasure (docs/activity.md, "Account erasure") runs inside the projection batch's transaction
(authors/service.py `apply_events`): the erasure commits with the events around it, or not at all.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import asyncpg

from activity_service import purge
from activity_service.account import repository
from activity_service.account.render import render_export_crud, render_export_reaction
from activity_service.authors.repository import placeholder_handle
from activity_service.cruds import repository as cruds_repository
from activity_service.outbox import events
from cruddur_common.contracts import ActivityExport
from cruddur_common.uploads import media_folder

log = logging.getLogger("activity.account")


async def erase(conn: asyncpg.Connection, *, user: uuid.UUID, sub: str) -> None:
    """Erase a user in the caller's transaction; idempotent, and final (the author row is a tombstone).

    Their cruds and replies end now and go as the purge deletes expired cruds (what hangs off them goes
    with them), except what an evidence hold keeps: ended everywhere, purged after the release. Their
    likes and reposts of others' cruds go (counts drop), then their timeline, follows, blocks and mutes.
    """
    await repository.lock_author(conn, user)
    await repository.tombstone(conn, user=user, sub=sub, handle=placeholder_handle(user))
    await repository.uncount_replies(conn, user)
    cruds = await repository.end_threads(conn, user)
    others = await repository.others_in(conn, cruds, user=user)
    await purge.delete_expired_among(conn, cruds)
    held = await repository.remaining(conn, cruds)
    await cruds_repository.expire_now(conn, held, parent=None)  # the copies (reposts, timelines) end too
    await repository.drop_reactions(conn, user)
    await repository.drop_edges(conn, user)
    # Notifications to and from the user go in the notification service's own erasure; others' replies in
    # the user's threads are retracted here, as a deleted thread's are (cruds/service.py `_delete`).
    await events.queue(conn, [events.retract(u) for u in others])


async def drain_media(pool: asyncpg.Pool, s3: Any, *, bucket: str, user: uuid.UUID) -> None:
    """Delete an erased user's queued picture folders from S3 now; best effort (the purge drains the rest)."""
    try:
        done = await purge.drain_media_deletions(pool, s3, bucket=bucket, under=media_folder(user, ""))
    except Exception:  # a task after the response: nobody else would hear of it
        log.exception("could not drain the pictures of erased user %s; the purge will", user)
        return
    log.info("deleted %d picture folders of erased user %s", done, user)


async def export(pool: asyncpg.Pool, *, user: uuid.UUID, limit: int) -> ActivityExport:
    """A user's live cruds and replies, likes and reposts (each newest first, at most `limit`); empty when
    the user is unknown."""
    cruds = await repository.export_cruds(pool, user, limit=limit)
    likes = await repository.export_reactions(pool, user, table="likes", limit=limit)
    reposts = await repository.export_reactions(pool, user, table="reposts", limit=limit)
    return ActivityExport(
        cruds=[render_export_crud(r) for r in cruds],
        likes=[render_export_reaction(r) for r in likes],
        reposts=[render_export_reaction(r) for r in reposts],
    )
