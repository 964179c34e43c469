"""Use cases of moderation on messages: hold one as evidence, release the hold, remove it for both."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from cruddur_common.errors import NotFound
from messaging_service.conversations import keys
from messaging_service.conversations.repository import Item, Table, is_expired
from messaging_service.moderation import repository
from messaging_service.moderation.render import render_reported
from messaging_service.moderation.schemas import HeldMessage, HoldIn
from messaging_service.stream.clients import NotificationClient

CONTEXT_MESSAGES = 10


@dataclass(frozen=True)
class Moderation:
    """What moderation needs: the messages table and the notification service."""

    table: Table
    notifications: NotificationClient


async def hold(
    ctx: Moderation, *, message_uuid: uuid.UUID, report_id: uuid.UUID, body: HoldIn
) -> HeldMessage:
    """Keep a message for a report by a member of its conversation; it and the 10 before it, oldest first.

    Query gsi1 (the message) + Query (context) + PutItem (the hold) + UpdateItem (the message's holds).
    404 `not_found` for a message that does not exist, has disappeared (expired and not held by an
    earlier report), or whose conversation the reporter is not in. The context leaves out what has
    disappeared the same way.
    """
    table = ctx.table
    now = keys.now_ts()
    message = await repository.find_message(table, message_uuid=str(message_uuid))
    if (
        message is None
        or not _readable(message, now=now)
        or str(body.reporter) not in (message["sender_uuid"], message["recipient_uuid"])
    ):
        raise NotFound("No such message.")  # the two members of a conversation are its messages' two ends
    report, until = str(report_id), keys.format_ts(body.until)
    context, _ = await asyncio.gather(
        repository.messages_before(table, message=message, limit=CONTEXT_MESSAGES),
        repository.put_hold(
            table, report_id=report, message=message, reporter=str(body.reporter), until=until
        ),
    )
    held = await repository.mark_held(table, key=message, report_id=report, until=until)
    if not held:  # removed since we found it
        await repository.delete_hold(table, report_id=report)
        raise NotFound("No such message.")
    shown = [m for m in reversed(context) if _readable(m, now=now)]
    return HeldMessage(message=render_reported(message), context=[render_reported(m) for m in shown])


def _readable(message: Item, *, now: str) -> bool:
    """Not disappeared: unexpired, or kept by a hold (a held message has no `ttl`: nothing deletes it)."""
    return bool(message.get("holds")) or not is_expired(message, now=now)


async def release(ctx: Moderation, *, report_id: uuid.UUID) -> None:
    """Lift a report's hold (nothing when there is none): GetItem + UpdateItem + DeleteItem."""
    table = ctx.table
    found = await repository.get_hold(table, report_id=str(report_id))
    if found is None:
        return
    key = {"pk": found["message_pk"], "sk": found["message_sk"]}
    await repository.unmark_held(table, key=key, report_id=str(report_id))
    await repository.delete_hold(table, report_id=str(report_id))


async def remove(ctx: Moderation, *, message_uuid: uuid.UUID) -> None:
    """Delete a message for both members; previews that showed it show the message before it.

    Its notification goes too (the recipient's list shows a preview of it). The previews and the
    notification are dealt with before the message goes, so a retry after a failure finds the message
    again and finishes the work. Its holds' items stay until each report releases them.
    """
    table = ctx.table
    message = await repository.find_message(table, message_uuid=str(message_uuid))
    if message is None:
        return
    before = await repository.messages_before(table, message=message, limit=1)
    shown: Item | None = before[0] if before else None
    sender, recipient = message["sender_uuid"], message["recipient_uuid"]
    await asyncio.gather(
        repository.show_instead(table, owner_uuid=sender, other_uuid=recipient, removed=message, shown=shown),
        repository.show_instead(table, owner_uuid=recipient, other_uuid=sender, removed=message, shown=shown),
    )
    await ctx.notifications.withdraw(message_uuid)
    await repository.delete_message(table, key=message)
