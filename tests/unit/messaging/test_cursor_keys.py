"""Messaging cursors carry DynamoDB keys: only keys of the shapes `keys` builds are accepted."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from cruddur_common.pagination import InvalidCursor, decode_cursor, encode_cursor
from messaging_service.conversations import keys

SECRET = "s" * 32
ME, OTHER, GROUP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
TS = "2026-11-22T15:04:05.123456Z"
ENTRY = {
    "pk": keys.user_pk(ME),
    "sk": keys.entry_sk(OTHER),
    "gsi1pk": keys.user_pk(ME),
    "gsi1sk": keys.entry_gsi1sk(TS, GROUP),
}


def test_issued_positions_decode() -> None:
    groups = decode_cursor(
        encode_cursor({"u": str(ME), "k": ENTRY}, secret=SECRET), shape=keys.GroupsPosition, secret=SECRET
    )
    assert groups.k.model_dump() == ENTRY
    sk = keys.message_sk(TS, uuid.uuid4())
    messages = decode_cursor(
        encode_cursor({"g": str(GROUP), "s": "sub", "k": sk}, secret=SECRET),
        shape=keys.MessagesPosition,
        secret=SECRET,
    )
    assert messages.k == sk


@pytest.mark.parametrize(
    "key",
    [
        {"pk": 5},
        {**ENTRY, "pk": "x"},
        {**ENTRY, "gsi1pk": keys.user_pk(OTHER)},
        {**ENTRY, "sk": {"S": "x"}},
        {**ENTRY, "gsi1sk": "9999#" + str(GROUP)},
        {**ENTRY, "extra": "x"},
        "garbage",
    ],
)
def test_garbage_entry_keys_are_refused(key: Any) -> None:
    cursor = encode_cursor({"u": str(ME), "k": key}, secret=SECRET)
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, secret=SECRET, shape=keys.GroupsPosition)


@pytest.mark.parametrize("sk", ["garbage", "", ["MSG#"], "MSG#" + TS, keys.GROUP_META_SK, 5])
def test_garbage_message_keys_are_refused(sk: Any) -> None:
    cursor = encode_cursor({"g": str(GROUP), "s": "sub", "k": sk}, secret=SECRET)
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, secret=SECRET, shape=keys.MessagesPosition)
