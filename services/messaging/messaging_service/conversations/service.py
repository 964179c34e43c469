"""Use cases of the messaging service; each names the DynamoDB requests it makes."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from cruddur_common.auth import Principal
from cruddur_common.errors import AppError
from cruddur_common.handles import known_handle
from cruddur_common.pagination import InvalidCursor, Page, decode_cursor, encode_cursor, keyset_page
from cruddur_common.text import clean_text, is_blank
from messaging_service.conversations import keys, repository
from messaging_service.conversations.clients import UserDirectory
from messaging_service.conversations.render import render_created, render_group, render_message
from messaging_service.conversations.repository import Item, Table
from messaging_service.conversations.schemas import (
    MAX_MESSAGE_CHARS,
    CreatedMessage,
    CreateMessage,
    Message,
    MessageGroup,
)
from messaging_service.conversations.schemas import Person as PersonModel
from messaging_service.errors import (
    Blocked,
    CannotMessageSelf,
    MessageBlank,
    MessageGroupNotFound,
    MessageTooLong,
    RecipientRequired,
)

_CREATE_ATTEMPTS = 4


@dataclass(frozen=True)
class Messaging:
    """What every use case needs: the table, the user directory and the cursor key."""

    table: Table
    users: UserDirectory
    cursor_secret: str


async def list_groups(
    ctx: Messaging, principal: Principal, *, limit: int, cursor: str | None
) -> Page[MessageGroup]:
    """My conversations by last activity, newest first: one Query on gsi1."""
    me = await ctx.users.by_sub(principal.sub)
    start = None
    if cursor is not None:
        position = decode_cursor(cursor, secret=ctx.cursor_secret, shape=keys.GroupsPosition)
        if position.u != me.uuid or position.k.pk != keys.user_pk(me.uuid):
            raise InvalidCursor("The cursor is not valid.")
        start = position.k.model_dump()
    found = await repository.query_entries(ctx.table, user_uuid=str(me.uuid), limit=limit + 1, start=start)

    def after(last: Item) -> str:
        key = {k: last[k] for k in ("pk", "sk", "gsi1pk", "gsi1sk")}
        return encode_cursor({"u": str(me.uuid), "k": key}, secret=ctx.cursor_secret)

    page = keyset_page(found, limit=limit, cursor_after=after)
    return Page([render_group(e) for e in page.items], page.next_cursor)


async def _refuse_blocked(ctx: Messaging, me: uuid.UUID, other: uuid.UUID) -> None:
    """403 `blocked` when either blocked the other (the user service is asked each time: no cache)."""
    if await ctx.users.blocked(me, other):
        raise Blocked("You cannot message this person.")


async def find_group(ctx: Messaging, principal: Principal, handle: str) -> MessageGroup:
    """My conversation with `handle`: one GetItem (after the cached user lookups and the block check)."""
    me = await ctx.users.by_sub(principal.sub)
    other = await ctx.users.by_handle(handle)
    entry = None
    if other.uuid != me.uuid:
        await _refuse_blocked(ctx, me.uuid, other.uuid)
        entry = await repository.get_entry(ctx.table, user_uuid=str(me.uuid), other_uuid=str(other.uuid))
    if entry is None:
        raise MessageGroupNotFound(f"You have no conversation with @{other.handle}.")
    return render_group(entry)


async def list_messages(
    ctx: Messaging, principal: Principal, *, group_uuid: uuid.UUID, limit: int, cursor: str | None
) -> Page[Message]:
    """A page of a conversation, oldest first within the page; pages go back in time. One Query.

    The first page's Query also returns the conversation's metadata item (it sorts after every message),
    which proves membership; a later page's signed cursor names the member it was issued to.
    """
    group = str(group_uuid)
    before = None
    if cursor is not None:
        position = decode_cursor(cursor, secret=ctx.cursor_secret, shape=keys.MessagesPosition)
        if position.g != group_uuid or position.s != principal.sub:
            raise InvalidCursor("The cursor is not valid.")
        before = position.k
    extra = 1 if before is None else 0
    found = await repository.query_group(
        ctx.table, group_uuid=group, limit=limit + 1 + extra, before_sk=before
    )
    if before is None:
        meta = found[0] if found and found[0]["sk"] == keys.GROUP_META_SK else None
        if meta is None or principal.sub not in meta["member_subs"]:
            raise MessageGroupNotFound("No such conversation.")
        found = found[1:]

    def after(last: Item) -> str:
        return encode_cursor({"g": group, "s": principal.sub, "k": last["sk"]}, secret=ctx.cursor_secret)

    page = keyset_page(found, limit=limit, cursor_after=after)
    return Page([render_message(m) for m in reversed(page.items)], page.next_cursor)


def _text(message: str) -> str:
    text = clean_text(message, field="message")
    if is_blank(text):
        raise MessageBlank("Write a message first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageTooLong(
            f"A message is at most {MAX_MESSAGE_CHARS} characters.", details={"length": len(text)}
        )
    return text


async def send(ctx: Messaging, principal: Principal, body: CreateMessage) -> CreatedMessage:
    """Send into a conversation I am in, or to a person (starting our one conversation if needed)."""
    text = _text(body.message)
    if (body.message_group_uuid is None) == (body.handle is None or not body.handle.strip()):
        raise RecipientRequired("Give either `message_group_uuid` or `handle`.")
    sender = await ctx.users.by_sub(principal.sub)
    if body.message_group_uuid is not None:
        return await _send_in_group(ctx, sender, group_uuid=str(body.message_group_uuid), text=text)
    assert body.handle is not None
    other = await ctx.users.by_handle(known_handle(body.handle.strip().removeprefix("@")))
    if other.uuid == sender.uuid:
        raise CannotMessageSelf("You cannot message yourself.")
    await _refuse_blocked(ctx, sender.uuid, other.uuid)
    return await _send_to_person(ctx, sender, other, text=text)


async def _send_in_group(
    ctx: Messaging, sender: PersonModel, *, group_uuid: str, text: str
) -> CreatedMessage:
    """GetItem (membership) + the block check + PutItem."""
    group = await repository.get_group(ctx.table, group_uuid=group_uuid)
    if group is None or sender.cognito_user_id not in group["member_subs"]:
        raise MessageGroupNotFound("No such conversation.")
    recipient = next(m for m in group["members"] if m["sub"] != sender.cognito_user_id)
    await _refuse_blocked(ctx, sender.uuid, uuid.UUID(recipient["uuid"]))
    item = repository.message_item(
        group_uuid=group_uuid, sender=sender, recipient=recipient, text=text, created_at=keys.now_ts()
    )
    await repository.put_message(ctx.table, item)
    return render_created(item)


async def _send_to_person(
    ctx: Messaging, sender: PersonModel, other: PersonModel, *, text: str
) -> CreatedMessage:
    """GetItem (our entry) + PutItem, or one TransactWriteItems creating the conversation."""
    recipient = {"uuid": str(other.uuid), "sub": other.cognito_user_id}
    for attempt in range(_CREATE_ATTEMPTS):
        entry = await repository.get_entry(ctx.table, user_uuid=str(sender.uuid), other_uuid=str(other.uuid))
        created_at = keys.now_ts()
        if entry is not None:
            group_uuid = entry["message_group_uuid"]
            item = repository.message_item(
                group_uuid=group_uuid, sender=sender, recipient=recipient, text=text, created_at=created_at
            )
            await repository.put_message(ctx.table, item)
            return render_created(item)
        group_uuid = str(uuid.uuid4())
        item = repository.message_item(
            group_uuid=group_uuid, sender=sender, recipient=recipient, text=text, created_at=created_at
        )
        entries = [
            repository.entry_item(owner=sender, other=other, group_uuid=group_uuid, first=item),
            repository.entry_item(owner=other, other=sender, group_uuid=group_uuid, first=item),
        ]
        group = repository.group_item(group_uuid=group_uuid, members=(sender, other), created_at=created_at)
        try:
            await repository.create_group(ctx.table, group=group, entries=entries, message=item)
        except repository.ConversationExists:
            continue  # the other person (or a retry) created it first: post into theirs
        except repository.TransactionConflict:
            await asyncio.sleep(0.05 * (attempt + 1))
            continue
        return render_created(item)
    raise AppError("The conversation is busy; try again.", code="conversation_busy", status_code=503)
