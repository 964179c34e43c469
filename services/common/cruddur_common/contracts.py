"""Contracts between services: the outbox's batch call, and the notification event every producer sends.

The notification service validates with these models and the activity and user services build their
events with them, so producers and consumer cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Literal, TypeAlias, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter, ValidationError, model_validator

from cruddur_common.urls import PublicUrl

# A crud's or message's first characters in a notification (`cruddur_common.text.shorten` cuts it).
PREVIEW_MAX = 140

T = TypeVar("T")

# --- the outbox batch call -------------------------------------------------------------------------------


class BatchIn(BaseModel):
    """The body of a batch call: events in queue order (each is validated by the consumer on its own)."""

    events: list[Any] = Field(min_length=1, max_length=1000)


class EventResult(BaseModel):
    """What the consumer did with one event: applied (ok) or refused for good (error says why)."""

    ok: bool
    error: str | None = None


class BatchResult(BaseModel):
    """One result per event of the batch, in the same order."""

    results: list[EventResult]


# --- consumer side ---------------------------------------------------------------------------------------

# Data the database refuses for what it is (SQLSTATE class 22 data exception, 23 integrity violation: U+0000
# in text, a check constraint) cannot succeed later; anything else (a connection lost) may.
_REFUSED_SQLSTATE_CLASSES = ("22", "23")


def refused_by_database(exc: BaseException) -> bool:
    """True when Postgres refused the data itself (asyncpg's error, or SQLAlchemy's wrapper of it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate[:2] in _REFUSED_SQLSTATE_CLASSES:
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return False


async def consume(
    events: Sequence[Any],
    *,
    model: TypeAdapter[T],
    apply: Callable[[T], Awaitable[object]],
    refused: tuple[type[Exception], ...] = (),
) -> BatchResult:
    """Validate and apply events one by one; invalid data is refused, any other error fails the call."""
    results: list[EventResult] = []
    for event in validate_each(events, model=model):
        if isinstance(event, EventResult):
            results.append(event)
            continue
        try:
            await apply(event)
        except ValidationError as exc:  # what the event names does not fit either (a projection's model)
            results.append(EventResult(ok=False, error=f"invalid: {_short(exc)}"))
        except Exception as exc:
            if not (isinstance(exc, refused) or refused_by_database(exc)):
                raise  # the call fails and is retried: the database or a dependency is away
            results.append(EventResult(ok=False, error=f"{_name(exc)}: {_short(exc)}"))
        else:
            results.append(EventResult(ok=True))
    return BatchResult(results=results)


def validate_each(events: Sequence[Any], *, model: TypeAdapter[T]) -> list[T | EventResult]:
    """Each event of a batch as its contract's model, or the refusal of an event that does not fit it."""
    out: list[T | EventResult] = []
    for raw in events:
        try:
            out.append(model.validate_python(raw))
        except ValidationError as exc:
            out.append(EventResult(ok=False, error=f"invalid: {_short(exc)}"))
    return out


def _name(exc: BaseException) -> str:
    """The most specific name: asyncpg's error class behind SQLAlchemy's wrapper."""
    while exc.__cause__ is not None or getattr(exc, "orig", None) is not None:
        exc = getattr(exc, "orig", None) or exc.__cause__  # type: ignore[assignment]
    return type(exc).__name__


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


# --- the notification event ------------------------------------------------------------------------------

NOTIFICATION_BATCH_PATH = "/internal/notifications/events/batch"  # where outboxes deliver these

Kind = Literal["reply", "mention", "like", "repost", "follow", "message"]
ACTIVITY_KINDS = ("reply", "mention", "like", "repost")
# Events about a crud, not for a person: `retract` (it was deleted: its notifications go) and `expire` (its
# author gave it a new end: its notifications take it; events after this one carry it themselves).
ABOUT_A_CRUD = ("retract", "expire")
# A like, repost or follow happens once per actor and target however often it is toggled (issue 18): an
# `undo` (unlike, un-repost, unfollow) takes back its notification while it is unread.
UNDOABLE = ("like", "repost", "follow")
Undoable = Literal["like", "repost", "follow"]


class EventRecipient(BaseModel):
    """Who gets the notification."""

    uuid: UUID
    sub: str = Field(min_length=1, max_length=128, description="Cognito sub")


class Person(BaseModel):
    """Who did it, as the producing service saw them."""

    uuid: UUID
    handle: str = Field(min_length=1, max_length=64)
    # Code points: 50 user-perceived characters (text.text_length) may be many more (the request ceiling)
    display_name: str = Field(min_length=1, max_length=1000)
    avatar_url: PublicUrl | None = None  # rendered by the SPA: never a javascript: URL


class EventTarget(BaseModel):
    """What it is about: a crud (`activity_*`) or a conversation (`message_group_uuid`)."""

    activity_uuid: UUID | None = None
    activity_handle: str | None = Field(default=None, max_length=64, description="The crud author's handle")
    message_group_uuid: UUID | None = None
    preview: str | None = Field(default=None, max_length=PREVIEW_MAX)
    message: str | None = Field(
        default=None,
        max_length=16
        * 1024,  # code points: the messaging request's ceiling for 1024 user-perceived characters
        description="Kind `message` only: the full text for the live stream.",
    )
    message_kind: Literal["message", "timer"] | None = Field(
        default=None,
        description="Kind `message` only: `timer` is a conversation's timer change (live, never stored).",
    )
    message_ttl: str | None = Field(default=None, max_length=16, description="A `timer` line's new timer.")
    undoes: Undoable | None = Field(
        default=None, description="Kind `undo` only: the kind taken back (unlike, un-repost, unfollow)."
    )


class IngestEvent(BaseModel):
    """An event from another service (delivered at least once; `event_id` is the idempotency key)."""

    event_id: UUID
    kind: Kind | Literal["retract", "expire", "undo"]
    recipient: EventRecipient | None = None
    actor: Person | None = None
    target: EventTarget = Field(default_factory=EventTarget)
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="The target crud's expiry (kind `expire`: its new one, for all its notifications), "
        "or a disappearing message's",
    )
    created_at: AwareDatetime

    @model_validator(mode="after")
    def _complete(self) -> IngestEvent:
        if self.kind in ABOUT_A_CRUD:  # about the crud itself, for everyone: no recipient, no actor needed
            if self.target.activity_uuid is None:
                raise ValueError(f"a {self.kind} event needs target.activity_uuid")
            if self.kind == "expire" and self.expires_at is None:
                raise ValueError("an expire event needs expires_at")
            return self
        if self.recipient is None or self.actor is None:
            raise ValueError(f"a {self.kind} event needs a recipient and an actor")
        if self.kind in ACTIVITY_KINDS and self.target.activity_uuid is None:
            raise ValueError(f"a {self.kind} event needs target.activity_uuid")
        if self.kind == "message" and self.target.message_group_uuid is None:
            raise ValueError("a message event needs target.message_group_uuid")
        if self.kind == "undo":
            if self.target.undoes is None:
                raise ValueError("an undo event needs target.undoes")
            if self.target.undoes in ACTIVITY_KINDS and self.target.activity_uuid is None:
                raise ValueError(f"an undo of a {self.target.undoes} needs target.activity_uuid")
        return self


# --- the home event (issue 18: live "N new cruds") -------------------------------------------------------
# The activity service queues one per crud (or repost) and chunk of recipients, in the posting
# transaction, to its outbox destination `home`; the notification service pushes it to the recipients'
# live streams as the `home` server-sent event. Never stored, never counted as a notification.

HOME_BATCH_PATH = "/internal/notifications/home"  # the notification service's consumer
HOME_RECIPIENTS_PER_EVENT = 500  # a chunk: ~20 KB of subs per outbox row


class HomeEvent(BaseModel):
    """A crud entered these people's home timelines: posted, or reposted (`reposter_uuid`) by someone they
    follow. The producer leaves out the poster and everyone whose feeds hide the author or the reposter."""

    activity_uuid: UUID
    author_uuid: UUID
    reposter_uuid: UUID | None = None
    recipients: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        min_length=1, max_length=HOME_RECIPIENTS_PER_EVENT, description="Cognito subs"
    )
    created_at: AwareDatetime


# --- the relation events (issue 14: block, mute, suspension) ----------------------------------------------
# The user service owns blocks, mutes and suspensions and queues these to activity (its projection batch)
# and to notification (destination `relations`); both consumers validate with the same models.

RELATIONS_BATCH_PATH = "/internal/relations/events"  # the notification service's consumer


class BlockEvent(BaseModel):
    """`blocker` blocked (`block`) or unblocked (`unblock`) `blocked`: hidden from each other both ways."""

    type: Literal["block", "unblock"]
    blocker: UUID
    blocked: UUID


class MuteEvent(BaseModel):
    """`muter` muted `muted` until `until` (null: until unmuted; consumers compare it with their clock)."""

    type: Literal["mute"]
    muter: UUID
    muted: UUID
    until: AwareDatetime | None = None


class UnmuteEvent(BaseModel):
    """`muter` unmuted `muted`."""

    type: Literal["unmute"]
    muter: UUID
    muted: UUID


class SuspensionEvent(BaseModel):
    """A moderator suspended (`suspended: true`) or reinstated `user`: hidden from all while suspended."""

    type: Literal["suspension"]
    user: UUID
    suspended: bool


class ErasureEvent(BaseModel):
    """`user` deleted their account (issue 16): erase everything of theirs this service keeps.

    Idempotent (delivered at least once) and final: a consumer remembers the erasure so that an older
    event about the user delivered after it (an author copy, a follow) cannot bring them back.
    """

    type: Literal["erasure"]
    user: UUID
    sub: str = Field(max_length=128, description="The user's Cognito `sub` (services that key by it).")


RelationEvent: TypeAlias = BlockEvent | MuteEvent | UnmuteEvent | SuspensionEvent | ErasureEvent
MESSAGING_RELATIONS_PATH = "/internal/relations/events"  # the messaging service's consumer (erasure only)


# --- what each service gives a user's data export (issue 16) ---------------------------------------------
# The user service builds the zip; activity and messaging answer GET EXPORT_PATH with these.

EXPORT_PATH = "/internal/users/{user_uuid}/export"


class ExportPicture(BaseModel):
    """A picture of a crud: the S3 key (assets bucket) of its largest JPEG rendition, and its alt text."""

    key: str
    alt: str = ""


class ExportCrud(BaseModel):
    """One live crud or reply the user wrote."""

    uuid: UUID
    message: str
    created_at: AwareDatetime
    expires_at: AwareDatetime
    reply_to_activity_uuid: UUID | None = None
    likes_count: int = 0
    replies_count: int = 0
    reposts_count: int = 0
    pictures: list[ExportPicture] = Field(default_factory=list)


class ExportReaction(BaseModel):
    """A like or repost the user made of a live crud."""

    activity_uuid: UUID
    author_handle: str
    created_at: AwareDatetime


class ActivityExport(BaseModel):
    """The activity service's part of an export: live cruds and replies, likes, reposts."""

    cruds: list[ExportCrud]
    likes: list[ExportReaction]
    reposts: list[ExportReaction]


class ExportMessage(BaseModel):
    """One line of a conversation (a message, or a `timer` line)."""

    uuid: UUID
    mine: bool
    kind: Literal["message", "timer"] = "message"
    message: str
    created_at: AwareDatetime
    expires_at: AwareDatetime | None = None


class ExportConversation(BaseModel):
    """One conversation, oldest line first; `with_handle` is null for a deleted account."""

    message_group_uuid: UUID
    with_uuid: UUID | None
    with_handle: str | None
    with_display_name: str
    messages: list[ExportMessage]


class MessagingExport(BaseModel):
    """The messaging service's part of an export: the user's conversations and their lines."""

    conversations: list[ExportConversation]
