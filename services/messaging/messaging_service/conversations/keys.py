"""The single-table design of `cruddur-messages`: key builders, item kinds and the one time format.

See docs/messaging.md for the access patterns each key serves.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, model_validator

from cruddur_common.pagination import CursorPosition

USER = "USER#"
WITH = "WITH#"
GROUP = "GRP#"
MESSAGE = "MSG#"
# "~" sorts after every "MSG#..." key, so a descending Query of a group returns this item first.
GROUP_META_SK = "~META"
GSI1 = "gsi1"
# A message by its id (reports): a sparse gsi1 partition of one item per message.
MESSAGE_ID = "MSGID#"
MESSAGE_ID_SK = "MSG"
# An evidence hold by its report id: which message it keeps.
HOLD = "HOLD#"
HOLD_SK = "HOLD"
# A deleted account (issue 16): its tombstone, so that no new conversation with it can start.
ERASED = "ERASED#"
ERASED_SK = "ERASED"
# The `last_message_sk` of an entry whose other member deleted their account: above every message key,
# so the stream processor never moves that preview again (nobody can write into the conversation).
FROZEN_SK = f"{MESSAGE}~"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def format_ts(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601 with microseconds (`2026-11-22T15:04:05.123456Z`), so strings sort."""
    return moment.astimezone(UTC).strftime(_TS_FORMAT)


def parse_ts(text: str) -> datetime:
    """The datetime of a stored timestamp."""
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


def now_ts() -> str:
    """The current time in the stored format."""
    return format_ts(datetime.now(UTC))


def user_pk(user_uuid: uuid.UUID | str) -> str:
    """Partition of one person's conversation entries."""
    return f"{USER}{user_uuid}"


def entry_sk(other_uuid: uuid.UUID | str) -> str:
    """Sort key of my entry for the conversation with `other_uuid` (one per pair, by construction)."""
    return f"{WITH}{other_uuid}"


def entry_gsi1sk(last_message_at: str, group_uuid: uuid.UUID | str) -> str:
    """GSI sort key: conversations by last activity (ties broken by group id)."""
    return f"{last_message_at}#{group_uuid}"


def group_pk(group_uuid: uuid.UUID | str) -> str:
    """Partition of one conversation: its metadata item and its messages."""
    return f"{GROUP}{group_uuid}"


def message_sk(created_at: str, message_uuid: uuid.UUID | str) -> str:
    """Sort key of a message: time first, so messages sort chronologically; the id keeps it unique."""
    return f"{MESSAGE}{created_at}#{message_uuid}"


def message_id_pk(message_uuid: uuid.UUID | str) -> str:
    """gsi1 partition of one message, so a report can name it by id alone."""
    return f"{MESSAGE_ID}{message_uuid}"


def hold_pk(report_id: uuid.UUID | str) -> str:
    """Partition of the item that says which message a report's hold keeps."""
    return f"{HOLD}{report_id}"


def erased_pk(user_uuid: uuid.UUID | str) -> str:
    """Partition of a deleted account's tombstone."""
    return f"{ERASED}{user_uuid}"


def is_message_key(pk: str, sk: str) -> bool:
    """Whether a (pk, sk) pair names a message item."""
    return pk.startswith(GROUP) and sk.startswith(MESSAGE)


# Cursor positions. DynamoDB answers a malformed ExclusiveStartKey with a ValidationException (a 500
# here), so a cursor's keys must have exactly the shapes this module builds (cruddur_common.pagination).
MessageSk = Annotated[str, Field(pattern=rf"^{MESSAGE}{_TS}#{_UUID}$")]


class EntryKey(CursorPosition):
    """The last conversation entry of a page: its table and gsi1 keys."""

    pk: Annotated[str, Field(pattern=rf"^{USER}{_UUID}$")]
    sk: Annotated[str, Field(pattern=rf"^{WITH}{_UUID}$")]
    gsi1pk: Annotated[str, Field(pattern=rf"^{USER}{_UUID}$")]
    gsi1sk: Annotated[str, Field(pattern=rf"^{_TS}#{_UUID}$")]

    @model_validator(mode="after")
    def _one_partition(self) -> EntryKey:
        if self.pk != self.gsi1pk:
            raise ValueError("an entry's gsi1pk is its pk")
        return self


class GroupsPosition(CursorPosition):
    """Where a page of my conversations stopped: whose list, and the last entry's keys."""

    u: uuid.UUID
    k: EntryKey


class MessagesPosition(CursorPosition):
    """Where a page of a conversation stopped: the conversation, the member, the last message's sort key."""

    g: uuid.UUID
    s: str
    k: MessageSk
