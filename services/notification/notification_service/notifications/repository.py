"""The only code that touches the notification service's tables; it never commits."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    CompoundSelect,
    DateTime,
    FromClause,
    Select,
    String,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    column,
    delete,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.types import TypeEngine

from notification_service.models import ErasedUser, Notification, Recipient, RetractedActivity, SuspendedUser
from notification_service.relations.repository import Hidden, Pair, hidden_flags

# Likes and reposts of one crud show as one notification ("Bob and 3 others liked your crud"): the
# newest is the group's head, listed and counted once; the others are named on it (`group_members`).
GROUPED = ("like", "repost")
# (recipient uuid, actor uuid, kind, crud or None): a like, repost or follow is notified once per key.
RepeatKey = tuple[uuid.UUID, uuid.UUID, str, uuid.UUID | None]


def _live(now: datetime | ColumnElement[datetime], row: Any = Notification) -> ColumnElement[bool]:
    """Not expired with its crud, and not from a suspended account (shown again when unsuspended) or
    an erased one (its rows are deleted; this hides one an ingest racing the erasure stored after it)."""
    return and_(
        or_(row.expires_at.is_(None), row.expires_at > now),
        row.actor_uuid.not_in(select(SuspendedUser.user_uuid).union_all(select(ErasedUser.user_uuid))),
    )


def _head(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Not grouped, or the newest live one of its group."""
    newer = aliased(Notification)
    return or_(
        Notification.kind.not_in(GROUPED),
        ~exists().where(
            newer.recipient_sub == Notification.recipient_sub,
            newer.kind == Notification.kind,
            newer.activity_uuid == Notification.activity_uuid,
            newer.seq > Notification.seq,
            _live(now, newer),
        ),
    )


def _same(key: RepeatKey) -> ColumnElement[bool]:
    recipient, actor, kind, activity = key
    return and_(
        Notification.recipient_uuid == recipient,
        Notification.actor_uuid == actor,
        Notification.kind == kind,
        Notification.activity_uuid.is_(None) if activity is None else Notification.activity_uuid == activity,
    )


async def repeats_among(session: AsyncSession, keys: Collection[RepeatKey]) -> dict[RepeatKey, bool]:
    """Which of these likes, reposts or follows were notified already: key -> whether one was read."""
    if not keys:
        return {}
    query = select(
        Notification.recipient_uuid,
        Notification.actor_uuid,
        Notification.kind,
        Notification.activity_uuid,
        func.bool_or(Notification.read_at.is_not(None)),
    ).where(or_(*(_same(k) for k in keys)))
    query = query.group_by(
        Notification.recipient_uuid, Notification.actor_uuid, Notification.kind, Notification.activity_uuid
    )
    return {(r, a, k, c): bool(read) for r, a, k, c, read in (await session.execute(query)).all()}


async def undo_unread(session: AsyncSession, keys: Collection[RepeatKey]) -> list[str]:
    """Delete the unread notifications of these likes, reposts or follows; returns the recipients' subs."""
    if not keys:
        return []
    statement = (
        delete(Notification)
        .where(Notification.read_at.is_(None), or_(*(_same(k) for k in keys)))
        .returning(Notification.recipient_sub)
    )
    return sorted(set(await session.scalars(statement)))


async def group_members(
    session: AsyncSession, sub: str, groups: Collection[tuple[str, uuid.UUID]], *, now: datetime, shown: int
) -> list[tuple[Notification, int]]:
    """The newest `shown` live members of each (kind, crud) group, newest first, with the group's size."""
    if not groups:
        return []
    position = func.row_number().over(
        partition_by=(Notification.kind, Notification.activity_uuid), order_by=Notification.seq.desc()
    )
    size = func.count().over(partition_by=(Notification.kind, Notification.activity_uuid))
    ranked = (
        select(Notification.id, position.label("position"), size.label("size"))
        .where(
            Notification.recipient_sub == sub,
            tuple_(Notification.kind, Notification.activity_uuid).in_(sorted(groups)),
            _live(now),
        )
        .subquery()
    )
    query = (
        select(Notification, ranked.c.size)
        .join(ranked, ranked.c.id == Notification.id)
        .where(ranked.c.position <= shown)
        .order_by(Notification.seq.desc())
    )
    return [(row, int(n)) for row, n in (await session.execute(query)).all()]


async def is_retracted(session: AsyncSession, activity_uuid: uuid.UUID) -> bool:
    """Whether the crud was deleted."""
    found = await session.scalar(
        select(RetractedActivity.activity_uuid).where(RetractedActivity.activity_uuid == activity_uuid)
    )
    return found is not None


async def event_exists(session: AsyncSession, event_id: uuid.UUID) -> bool:
    """Whether this event was stored already."""
    return await session.scalar(select(Notification.id).where(Notification.event_id == event_id)) is not None


async def next_seq(session: AsyncSession, sub: str) -> int:
    """Take the recipient's next sequence number; the row stays locked until the transaction ends."""
    statement = (
        insert(Recipient)
        .values(sub=sub, last_seq=1)
        .on_conflict_do_update(index_elements=[Recipient.sub], set_={"last_seq": Recipient.last_seq + 1})
        .returning(Recipient.last_seq)
    )
    return int((await session.execute(statement)).scalar_one())


async def take_seqs(session: AsyncSession, counts: Mapping[str, int]) -> dict[str, int]:
    """Take `n` sequence numbers for each recipient at once; returns each recipient's last one.

    The rows are locked in `sub` order, the same order in every batch, so two batches never deadlock;
    the locks last until the transaction ends, which keeps each recipient's numbers in commit order.
    """
    subs = sorted(counts)
    params = {"sub": subs, "last_seq": [counts[sub] for sub in subs]}
    return {sub: int(last) for sub, last in (await session.execute(_TAKE_SEQS, params)).all()}


def _arrays(table: FromClause, names: Sequence[str]) -> Select[Any]:
    """`SELECT * FROM unnest(:a::type[], :b::type[], …)`: one array parameter per column (named like it).

    Issue 19: a multi-row `VALUES` is a new statement for each row count, compiled by SQLAlchemy every
    time (38 % of the notification process's busy CPU in a burst, py-spy) and prepared again by asyncpg;
    this one is compiled and prepared once, whatever the number of rows.
    """
    params = [bindparam(name, type_=ARRAY(_unbounded(table.c[name].type))) for name in names]
    return select(func.unnest(*params).table_valued(*names).render_derived(name="x"))


def _unbounded(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    """Strings as `text[]`: a cast to `varchar(n)[]` would cut a long value; the column refuses it."""
    return Text() if isinstance(kind, String) else kind


_SEQ_COLUMNS = ("sub", "last_seq")
_SEQ_ROWS = insert(Recipient).from_select(_SEQ_COLUMNS, _arrays(Recipient.__table__, _SEQ_COLUMNS))
_TAKE_SEQS = (
    _SEQ_ROWS.on_conflict_do_update(
        index_elements=[Recipient.sub], set_={"last_seq": Recipient.last_seq + _SEQ_ROWS.excluded.last_seq}
    )
    .returning(Recipient.sub, Recipient.last_seq)
    .execution_options(dml_strategy="orm")
)


_INSERTED = tuple(c.name for c in Notification.__table__.c if c.name not in ("id", "read_at", "inserted_at"))
_INSERT_MANY = (
    insert(Notification)
    .from_select(_INSERTED, _arrays(Notification.__table__, _INSERTED))
    .on_conflict_do_nothing(index_elements=[Notification.event_id])
    .returning(Notification)
    .execution_options(dml_strategy="orm")  # one statement with array parameters, not a bulk insert
)


@dataclass(frozen=True)
class Prechecks:
    """What a batch must know before it stores anything (`prechecks`)."""

    retracted: set[uuid.UUID] = field(default_factory=set)  # cruds deleted
    stored: set[uuid.UUID] = field(default_factory=set)  # event ids stored already
    hidden: Hidden = field(default_factory=Hidden)  # (actor, recipient) pairs blocked or muted
    repeats: dict[RepeatKey, bool] = field(default_factory=dict)  # notified already -> one was read


def _uuids(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=ARRAY(UUID(as_uuid=True)))


def _tagged(tag: str, **given: Any) -> list[ColumnElement[Any]]:
    """A row of the pre-checks' union: (tag, a, b, kind, crud, one, two), NULL where a part has none."""
    kinds: dict[str, TypeEngine[Any]] = {
        "a": UUID(as_uuid=True),
        "b": UUID(as_uuid=True),
        "kind": Text(),
        "crud": UUID(as_uuid=True),
        "one": Boolean(),
        "two": Boolean(),
    }
    return [literal(tag, Text())] + [given.get(name, cast(null(), kind)) for name, kind in kinds.items()]


def _prechecks() -> CompoundSelect[Any]:
    """The four pre-checks of a batch as ONE statement of array parameters, compiled and prepared once.

    Issue 19: they were four round trips a batch (the pairs' `VALUES` a new statement for each size).
    """
    retracted = select(*_tagged("retracted", a=RetractedActivity.activity_uuid)).where(
        RetractedActivity.activity_uuid == any_(_uuids("activities"))
    )
    stored = select(*_tagged("stored", a=Notification.event_id)).where(
        Notification.event_id == any_(_uuids("events"))
    )
    pairs = func.unnest(_uuids("actors"), _uuids("recipients")).table_valued(
        column("actor", UUID(as_uuid=True)), column("recipient", UUID(as_uuid=True))
    )
    pairs = pairs.render_derived(name="pairs")
    blocked, muted = hidden_flags(
        pairs.c.actor, pairs.c.recipient, now=bindparam("now", type_=DateTime(timezone=True))
    )
    hidden = select(*_tagged("hidden", a=pairs.c.actor, b=pairs.c.recipient, one=blocked, two=muted)).where(
        or_(blocked, muted)
    )
    keys = func.unnest(
        _uuids("key_recipients"),
        _uuids("key_actors"),
        bindparam("key_kinds", type_=ARRAY(Text())),
        _uuids("key_activities"),
    ).table_valued(
        column("recipient", UUID(as_uuid=True)),
        column("actor", UUID(as_uuid=True)),
        column("kind", Text()),
        column("activity", UUID(as_uuid=True)),
    )
    keys = keys.render_derived(name="keys")
    k = keys.c
    repeats = (
        select(
            *_tagged(
                "repeat",
                a=k.recipient,
                b=k.actor,
                kind=k.kind,
                crud=k.activity,
                one=func.bool_or(Notification.read_at.is_not(None)),
            )
        )
        .select_from(keys)
        .join(
            Notification,
            and_(
                Notification.recipient_uuid == k.recipient,
                Notification.actor_uuid == k.actor,
                Notification.kind == k.kind,
                or_(
                    Notification.activity_uuid == k.activity,
                    and_(Notification.activity_uuid.is_(None), k.activity.is_(None)),
                ),
            ),
        )
        .group_by(k.recipient, k.actor, k.kind, k.activity)
    )
    return union_all(retracted, stored, hidden, repeats)


_PRECHECKS = _prechecks()


async def prechecks(
    session: AsyncSession,
    *,
    activities: Collection[uuid.UUID],
    events: Collection[uuid.UUID],
    pairs: Collection[Pair],
    keys: Collection[RepeatKey],
    now: datetime,
) -> Prechecks:
    """Of a batch: which cruds were deleted, which events stored, which pairs hidden, which likes,
    reposts or follows notified already, in ONE round trip."""
    found = Prechecks()
    if not (activities or events or pairs or keys):
        return found
    params = {
        "activities": list(activities),
        "events": list(events),
        "actors": [a for a, _ in pairs],
        "recipients": [r for _, r in pairs],
        "now": now,
        "key_recipients": [r for r, _, _, _ in keys],
        "key_actors": [a for _, a, _, _ in keys],
        "key_kinds": [kind for _, _, kind, _ in keys],
        "key_activities": [c for _, _, _, c in keys],
    }
    for tag, a, b, kind, c, one, two in (await session.execute(_PRECHECKS, params)).all():
        if tag == "retracted":
            found.retracted.add(a)
        elif tag == "stored":
            found.stored.add(a)
        elif tag == "hidden":
            found.hidden.add(a, b, blocked=one, muted=two)
        else:
            found.repeats[(a, b, kind, c)] = bool(one)
    return found


async def insert_notifications(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]]
) -> list[Notification]:
    """Insert many in one statement, skipping event ids stored already; returns the rows inserted."""
    if not rows:
        return []
    params = {name: [row[name] for row in rows] for name in _INSERTED}
    return list(await session.scalars(_INSERT_MANY, params))


async def retract_all(session: AsyncSession, activity_uuids: Sequence[uuid.UUID]) -> None:
    """`retract` for many cruds at once."""
    await session.execute(
        insert(RetractedActivity)
        .values([{"activity_uuid": a} for a in activity_uuids])
        .on_conflict_do_nothing()
    )
    await session.execute(delete(Notification).where(Notification.activity_uuid.in_(list(activity_uuids))))


async def set_expiry(session: AsyncSession, ends: Mapping[uuid.UUID, datetime]) -> int:
    """Every notification about these cruds takes its crud's new end (one statement per distinct end)."""
    by_end: dict[datetime, list[uuid.UUID]] = {}
    for activity, end in ends.items():
        by_end.setdefault(end, []).append(activity)
    changed = 0
    for end, activities in by_end.items():
        result = await session.execute(
            update(Notification).where(Notification.activity_uuid.in_(activities)).values(expires_at=end)
        )
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return changed


async def delete_event(session: AsyncSession, event_id: uuid.UUID) -> int:
    """Delete the notification of one event (a direct message a moderator removed); returns how many."""
    result = await session.execute(delete(Notification).where(Notification.event_id == event_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def delete_between(session: AsyncSession, pairs: Collection[tuple[uuid.UUID, uuid.UUID]]) -> int:
    """Delete what each pair of people sent each other, both ways; returns how many."""
    if not pairs:
        return 0
    both_ways = sorted({p for a, b in pairs for p in ((a, b), (b, a))})
    result = await session.execute(
        delete(Notification).where(
            tuple_(Notification.recipient_uuid, Notification.actor_uuid).in_(both_ways)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def delete_of_users(session: AsyncSession, users: Mapping[uuid.UUID, str]) -> int:
    """Delete every notification to or by these people (uuid -> sub) and their sequence counters."""
    if not users:
        return 0
    gone = sorted(users)
    result = await session.execute(
        delete(Notification).where(
            or_(Notification.recipient_uuid.in_(gone), Notification.actor_uuid.in_(gone))
        )
    )
    await session.execute(delete(Recipient).where(Recipient.sub.in_(sorted(users.values()))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def last_seq(session: AsyncSession, sub: str) -> int:
    """The recipient's last handed-out sequence number (0 for someone never notified)."""
    return int(await session.scalar(select(Recipient.last_seq).where(Recipient.sub == sub)) or 0)


async def insert_notification(session: AsyncSession, values: dict[str, Any]) -> Notification | None:
    """Insert unless the event id is stored already (None then)."""
    statement = (
        insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Notification.event_id])
        .returning(Notification)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def retract(session: AsyncSession, activity_uuid: uuid.UUID) -> int:
    """Remember the crud is gone and delete every notification about it; returns how many."""
    await session.execute(
        insert(RetractedActivity).values(activity_uuid=activity_uuid).on_conflict_do_nothing()
    )
    result = await session.execute(delete(Notification).where(Notification.activity_uuid == activity_uuid))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def page(
    session: AsyncSession, sub: str, *, limit: int, before_seq: int | None, now: datetime
) -> list[Notification]:
    """Up to `limit` live notifications of `sub`, newest first, older than `before_seq` (a group once)."""
    query = select(Notification).where(Notification.recipient_sub == sub, _live(now), _head(now))
    if before_seq is not None:
        query = query.where(Notification.seq < before_seq)
    return list(await session.scalars(query.order_by(Notification.seq.desc()).limit(limit)))


async def after(
    session: AsyncSession, sub: str, *, after_seq: int, limit: int, now: datetime
) -> list[Notification]:
    """Live notifications of `sub` with a sequence number above `after_seq`, oldest first (SSE replay)."""
    query = (
        select(Notification)
        .where(Notification.recipient_sub == sub, Notification.seq > after_seq, _live(now))
        .order_by(Notification.seq)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def unread_count(session: AsyncSession, sub: str, *, now: datetime) -> int:
    """How many live notifications of `sub` are unread (a group counts once)."""
    return (await unread_counts(session, [sub], now=now))[sub]


def _unread_counts() -> Select[str, int]:
    """`unread_counts`' statement, built once: `_live` and `_head` (an aliased subquery) cost 12 % of the
    process's busy CPU under ingest when built per batch (issue 19, py-spy)."""
    now = bindparam("now", type_=DateTime(timezone=True))
    return (
        select(Notification.recipient_sub, func.count())
        .where(
            Notification.recipient_sub == any_(bindparam("subs", type_=ARRAY(Text()))),
            Notification.read_at.is_(None),
            _live(now),
            _head(now),
        )
        .group_by(Notification.recipient_sub)
    )


_UNREAD_COUNTS = _unread_counts()


async def unread_counts(session: AsyncSession, subs: Collection[str], *, now: datetime) -> dict[str, int]:
    """`unread_count` of many people in one query (an ingested batch's recipients): sub -> count."""
    if not subs:
        return {}
    counts = dict.fromkeys(subs, 0)
    rows = (await session.execute(_UNREAD_COUNTS, {"subs": list(subs), "now": now})).all()
    counts.update({sub: int(n) for sub, n in rows})
    return counts


async def seq_of(session: AsyncSession, sub: str, event_id: uuid.UUID) -> int | None:
    """The sequence number of one of `sub`'s notifications."""
    query = select(Notification.seq).where(
        Notification.recipient_sub == sub, Notification.event_id == event_id
    )
    return await session.scalar(query)


async def mark_read(
    session: AsyncSession, sub: str, *, up_to_seq: int | None, up_to_time: datetime | None, now: datetime
) -> int:
    """Mark unread notifications of `sub` read, up to a sequence number or a time (all when neither)."""
    conditions = [Notification.recipient_sub == sub, Notification.read_at.is_(None)]
    if up_to_seq is not None:
        conditions.append(Notification.seq <= up_to_seq)
    if up_to_time is not None:
        conditions.append(Notification.created_at <= up_to_time)
    result = await session.execute(update(Notification).where(and_(*conditions)).values(read_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge_expired(session: AsyncSession, *, now: datetime) -> int:
    """Delete notifications whose crud has expired, and any an ingest racing an erasure stored after it."""
    erased = select(ErasedUser.user_uuid)
    result = await session.execute(
        delete(Notification).where(
            or_(
                and_(Notification.expires_at.is_not(None), Notification.expires_at <= now),
                Notification.recipient_uuid.in_(erased),
                Notification.actor_uuid.in_(erased),
            )
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
