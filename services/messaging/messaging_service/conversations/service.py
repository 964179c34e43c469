"""Use cases of the messaging service; each names the DynamoDB requests it makes."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cruddur_common.auth import Principal
from cruddur_common.errors import AppError
from cruddur_common.expiry import MESSAGE_TTLS
from cruddur_common.handles import known_handle
from cruddur_common.pagination import InvalidCursor, Page, decode_cursor, encode_cursor, keyset_page
from cruddur_common.people import Card, PeopleDirectory
from cruddur_common.text import clean_text, is_blank, over_limit, text_length
from messaging_service.conversations import keys, repository
from messaging_service.conversations.clients import UserDirectory
from messaging_service.conversations.render import (
    render_created,
    render_group,
    render_message,
    render_settings,
)
from messaging_service.conversations.repository import Item, Table
from messaging_service.conversations.schemas import (
    MAX_MESSAGE_CHARS,
    CreatedMessage,
    CreateMessage,
    Message,
    MessageGroup,
    MessageGroupSettings,
    UnreadMessages,
    UpdateMessageGroup,
)
from messaging_service.conversations.schemas import Person as PersonModel
from messaging_service.errors import (
    AccountDeleted,
    Blocked,
    CannotMessageSelf,
    MessageBlank,
    MessageGroupNotFound,
    MessageTooLong,
    MessageTtlInvalid,
    RecipientDeleted,
    RecipientRequired,
)

_CREATE_ATTEMPTS = 4


@dataclass(frozen=True)
class Messaging:
    """What every use case needs: the table, the user directory and the cursor key."""

    table: Table
    users: UserDirectory
    cursor_secret: str
    people: PeopleDirectory  # current names and avatars (issue 18)


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
    now = keys.now_ts()
    cards = await _cards(ctx, page.items, "other_uuid")
    return Page([render_group(e, now=now, cards=cards) for e in page.items], page.next_cursor)


async def _cards(ctx: Messaging, items: list[Item], field: str) -> dict[uuid.UUID, Card]:
    """The current cards of the people these items name in `field` (one cached batch call)."""
    return await ctx.people.cards({uuid.UUID(i[field]) for i in items if i.get(field)})


async def _as_now(ctx: Messaging, person: PersonModel) -> PersonModel:
    """The person with their current name and avatar, as lists show them (the lookup by sub is kept
    30 s, so a line written just after a rename would carry the old name onto the other's screen)."""
    card = (await ctx.people.cards({person.uuid})).get(person.uuid)
    if card is None:
        return person
    return person.model_copy(update={"display_name": card.display_name, "avatar_url": card.avatar_url or ""})


async def unread(ctx: Messaging, principal: Principal) -> UnreadMessages:
    """My unread messages in total and how many conversations have some (the Messages badge)."""
    me = await ctx.users.by_sub(principal.sub)
    counts = await repository.unread_counts(ctx.table, user_uuid=str(me.uuid))
    return UnreadMessages(unread_count=sum(counts), conversations=len(counts))


async def mark_read(ctx: Messaging, principal: Principal, *, group_uuid: uuid.UUID) -> UnreadMessages:
    """I have read this conversation (404 for non-members); what stays unread elsewhere."""
    me = await ctx.users.by_sub(principal.sub)
    group = await _member_group(ctx, me, str(group_uuid))
    other = next(m for m in group["members"] if m.get("sub") != me.cognito_user_id)
    await repository.mark_entry_read(ctx.table, owner_uuid=str(me.uuid), other_uuid=other["uuid"])
    return await unread(ctx, principal)


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
    return render_group(entry, now=keys.now_ts(), cards=await _cards(ctx, [entry], "other_uuid"))


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

    # Expired messages (not yet deleted by the table's TTL or the local sweep) are left out after paging,
    # so the cursor still moves over them: a page may show fewer than `limit`, never skips one.
    page = keyset_page(found, limit=limit, cursor_after=after)
    now = keys.now_ts()
    shown = [m for m in reversed(page.items) if not repository.is_expired(m, now=now)]
    cards = await _cards(ctx, shown, "sender_uuid")
    return Page([render_message(m, cards=cards) for m in shown], page.next_cursor)


def _text(message: str) -> str:
    text = clean_text(message, field="message")
    if is_blank(text):
        raise MessageBlank("Write a message first.")
    if over_limit(text, MAX_MESSAGE_CHARS):
        length = text_length(text)
        raise MessageTooLong(
            f"A message is at most {MAX_MESSAGE_CHARS} characters.", details={"length": length}
        )
    return text


async def send(ctx: Messaging, principal: Principal, body: CreateMessage) -> CreatedMessage:
    """Send into a conversation I am in, or to a person (starting our one conversation if needed)."""
    text = _text(body.message)
    if (body.message_group_uuid is None) == (body.handle is None or not body.handle.strip()):
        raise RecipientRequired("Give either `message_group_uuid` or `handle`.")
    sender = await _as_now(ctx, await ctx.users.by_sub(principal.sub))
    if body.message_group_uuid is not None:
        return await _send_in_group(ctx, sender, group_uuid=str(body.message_group_uuid), text=text)
    assert body.handle is not None
    other = await ctx.users.by_handle(known_handle(body.handle.strip().removeprefix("@")))
    if other.uuid == sender.uuid:
        raise CannotMessageSelf("You cannot message yourself.")
    await _refuse_blocked(ctx, sender.uuid, other.uuid)
    return await _send_to_person(ctx, sender, other, text=text)


def _message(group_uuid: str, sender: PersonModel, recipient: Item, *, text: str, timer: str | None) -> Item:
    """A new message item; under a timer (`message_ttl` of the conversation) it expires that long from now."""
    now = datetime.now(UTC)
    life = MESSAGE_TTLS.get(timer) if timer is not None else None
    return repository.message_item(
        group_uuid=group_uuid,
        sender=sender,
        recipient=recipient,
        text=text,
        created_at=keys.format_ts(now),
        expires_at=now + life if life is not None else None,
    )


async def _member_group(ctx: Messaging, me: PersonModel, group_uuid: str) -> Item:
    """The conversation's metadata item (one consistent GetItem); 404 unless `me` is a member."""
    group = await repository.get_group(ctx.table, group_uuid=group_uuid)
    if group is None or me.cognito_user_id not in group["member_subs"]:
        raise MessageGroupNotFound("No such conversation.")
    return group


def _other_member(group: Item, me: PersonModel) -> Item:
    """The other member of a conversation (its metadata item's `members` entry).

    409 `recipient_deleted` when they deleted their account (their entry keeps only `uuid` and `deleted`).
    """
    other: Item = next(m for m in group["members"] if m.get("sub") != me.cognito_user_id)
    if other.get("deleted"):
        raise RecipientDeleted("This account has been deleted: the conversation is read-only.")
    return other


async def _send_in_group(
    ctx: Messaging, sender: PersonModel, *, group_uuid: str, text: str
) -> CreatedMessage:
    """GetItem (membership) + the block check + PutItem."""
    group = await _member_group(ctx, sender, group_uuid)
    recipient = _other_member(group, sender)
    await _refuse_blocked(ctx, sender.uuid, uuid.UUID(recipient["uuid"]))
    item = _message(group_uuid, sender, recipient, text=text, timer=group.get("message_ttl"))
    await repository.put_message(ctx.table, item)
    return render_created(item)


async def _send_to_person(
    ctx: Messaging, sender: PersonModel, other: PersonModel, *, text: str
) -> CreatedMessage:
    """GetItem (our entry) + PutItem, or one TransactWriteItems creating the conversation."""
    recipient = {"uuid": str(other.uuid), "sub": other.cognito_user_id}
    for attempt in range(_CREATE_ATTEMPTS):
        entry = await repository.get_entry(ctx.table, user_uuid=str(sender.uuid), other_uuid=str(other.uuid))
        if entry is not None and entry.get("other_deleted"):
            raise RecipientDeleted("This account has been deleted: the conversation is read-only.")
        if entry is not None:  # the entry carries the conversation's timer too: no further read
            group_uuid = entry["message_group_uuid"]
            item = _message(group_uuid, sender, recipient, text=text, timer=entry.get("message_ttl"))
            await repository.put_message(ctx.table, item)
            return render_created(item)
        group_uuid = str(uuid.uuid4())
        item = _message(group_uuid, sender, recipient, text=text, timer=None)
        created_at = item["created_at"]
        entries = [
            repository.entry_item(owner=sender, other=other, group_uuid=group_uuid, first=item),
            repository.entry_item(owner=other, other=sender, group_uuid=group_uuid, first=item),
        ]
        group = repository.group_item(group_uuid=group_uuid, members=(sender, other), created_at=created_at)
        try:
            await repository.create_group(ctx.table, group=group, entries=entries, message=item)
        except repository.ConversationExists:
            continue  # the other person (or a retry) created it first: post into theirs
        except repository.AccountErased as exc:  # a lookup cached from before the account was deleted
            if exc.user_uuid == str(other.uuid):
                raise RecipientDeleted("This account has been deleted.") from exc
            raise AccountDeleted from exc
        except repository.TransactionConflict:
            await asyncio.sleep(0.05 * (attempt + 1))
            continue
        return render_created(item)
    raise AppError("The conversation is busy; try again.", code="conversation_busy", status_code=503)


def _timer_text(name: str, message_ttl: str | None) -> str:
    """The system line of a timer change ("Bayko set messages to disappear after 1 day")."""
    if message_ttl is None:
        return f"{name} turned off disappearing messages"
    return f"{name} set messages to disappear after {message_ttl.replace('-', ' ')}"


async def set_timer(
    ctx: Messaging, principal: Principal, *, group_uuid: uuid.UUID, body: UpdateMessageGroup
) -> MessageGroupSettings:
    """Set or clear the conversation's message timer (either member); both see a system line.

    GetItem (membership, the current timer) + the block check + one TransactWriteItems (the metadata
    item, both entries, the line). Setting the value it has changes nothing and writes no line. A
    concurrent change by the other member is read again and applied after it.
    """
    if body.message_ttl is not None and body.message_ttl not in MESSAGE_TTLS:
        raise MessageTtlInvalid(
            f"The message timer is one of {', '.join(MESSAGE_TTLS)}, or null.",
            details={"allowed": list(MESSAGE_TTLS)},
        )
    me = await _as_now(ctx, await ctx.users.by_sub(principal.sub))
    for attempt in range(_CREATE_ATTEMPTS):
        group = await _member_group(ctx, me, str(group_uuid))
        if group.get("message_ttl") == body.message_ttl:
            return render_settings(group)
        recipient = _other_member(group, me)
        if attempt == 0:
            await _refuse_blocked(ctx, me.uuid, uuid.UUID(recipient["uuid"]))
        line = repository.message_item(
            group_uuid=str(group_uuid),
            sender=me,
            recipient=recipient,
            text=_timer_text(me.display_name, body.message_ttl),
            created_at=keys.now_ts(),
            kind="timer",
            message_ttl=body.message_ttl,
        )
        previous = group.get("message_ttl_updated_at")
        try:
            await repository.set_timer(
                ctx.table, group=group, message_ttl=body.message_ttl, line=line, previous=previous
            )
        except repository.ConditionFailed:
            continue  # the other member changed it meanwhile: read it again
        except repository.TransactionConflict:
            await asyncio.sleep(0.05 * (attempt + 1))
            continue
        changed = {
            "message_ttl": body.message_ttl,
            "message_ttl_updated_at": line["created_at"],
            "message_ttl_updated_by": me.handle,
        }
        return render_settings(group | changed)
    raise AppError("The conversation is busy; try again.", code="conversation_busy", status_code=503)
