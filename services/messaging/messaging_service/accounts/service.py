"""Use cases of a whole account: erase it (the user service's outbox), export its conversations."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from pydantic import Field, TypeAdapter

from cruddur_common.contracts import (
    BatchResult,
    ErasureEvent,
    EventResult,
    MessagingExport,
    RelationEvent,
    validate_each,
)
from messaging_service.accounts import repository
from messaging_service.accounts.render import render_export
from messaging_service.conversations import keys
from messaging_service.conversations import repository as conversations
from messaging_service.conversations.repository import Item, Table

_EVENT: TypeAdapter[RelationEvent] = TypeAdapter(Annotated[RelationEvent, Field(discriminator="type")])
_PAGE = 500  # items per Query of a conversation (DynamoDB stops at 1 MB anyway)
_AT_ONCE = 16  # message deletions in flight at once


async def apply_events(table: Table, events: list[object]) -> BatchResult:
    """Apply an outbox batch in order: erasures; other relation events are not for this service.

    A DynamoDB failure fails the call (the outbox retries it): every step of an erasure is idempotent.
    """
    results: list[EventResult] = []
    for event in validate_each(events, model=_EVENT):
        if isinstance(event, EventResult):
            results.append(event)
        elif isinstance(event, ErasureEvent):
            await erase(table, user_uuid=str(event.user))
            results.append(EventResult(ok=True))
        else:
            results.append(EventResult(ok=False, error=f"not for this service: {event.type}"))
    return BatchResult(results=results)


async def erase(table: Table, *, user_uuid: str) -> None:
    """Erase a person's direct messages; the other member of each conversation keeps it.

    The tombstone first (no new conversation with them can start), then per conversation: the metadata
    item forgets them, their messages go (held ones stay, expired), the other's entry shows a deleted
    account, and their own entry goes last, so a retry after a failure finds the conversation again.
    """
    now = keys.now_ts()
    await repository.put_tombstone(table, user_uuid=user_uuid, erased_at=now)
    for entry in await repository.entries_of(table, user_uuid=user_uuid):
        other = entry["other_uuid"]
        items = await _all_items(table, group_uuid=entry["message_group_uuid"])
        group = next((i for i in items if i["sk"] == keys.GROUP_META_SK), None)
        if group is not None:
            await repository.forget_member(table, group=group, user_uuid=user_uuid)
        lines = [i for i in items if i["sk"] != keys.GROUP_META_SK]
        theirs = [m for m in lines if m["sender_uuid"] == user_uuid]
        for start in range(0, len(theirs), _AT_ONCE):
            chunk = theirs[start : start + _AT_ONCE]
            await asyncio.gather(*(repository.erase_message(table, message=m, now=now) for m in chunk))
        shown = next((m for m in lines if m["sender_uuid"] != user_uuid), None)  # newest first
        await repository.show_deleted(table, owner_uuid=other, other_uuid=user_uuid, shown=shown)
        await repository.delete_entry(table, owner_uuid=user_uuid, other_uuid=other)


async def _all_items(table: Table, *, group_uuid: str) -> list[Item]:
    """Every item of a conversation, newest first, the metadata item first (consistent Queries)."""
    items: list[Item] = []
    before: str | None = None
    while True:
        page = await conversations.query_group(
            table, group_uuid=group_uuid, limit=_PAGE, before_sk=before, consistent=True
        )
        items.extend(page)
        if len(page) < _PAGE:
            return items
        before = page[-1]["sk"]


async def export(table: Table, *, user_uuid: uuid.UUID) -> MessagingExport:
    """A person's conversations, most recent activity first, each with its live lines oldest first.

    A Query of their entries, then the Queries of each conversation; an unknown person has none.
    """
    entries = await repository.entries_of(table, user_uuid=str(user_uuid))
    entries.sort(key=lambda e: str(e["last_message_at"]), reverse=True)
    now = keys.now_ts()
    conversations_out = []
    for entry in entries:
        items = await _all_items(table, group_uuid=entry["message_group_uuid"])
        live = [
            i
            for i in reversed(items)
            if i["sk"] != keys.GROUP_META_SK and not conversations.is_expired(i, now=now)
        ]
        conversations_out.append(render_export(entry, live, user_uuid=str(user_uuid)))
    return MessagingExport(conversations=conversations_out)
