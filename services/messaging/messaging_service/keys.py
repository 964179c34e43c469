"""The single-table design of `cruddur-messages`: key builders, item kinds and the one time format.

See docs/messaging.md for the access patterns each key serves.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

USER = "USER#"
WITH = "WITH#"
GROUP = "GRP#"
MESSAGE = "MSG#"
# "~" sorts after every "MSG#..." key, so a descending Query of a group returns this item first.
GROUP_META_SK = "~META"
GSI1 = "gsi1"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


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


def is_message_key(pk: str, sk: str) -> bool:
    """Whether a (pk, sk) pair names a message item."""
    return pk.startswith(GROUP) and sk.startswith(MESSAGE)
