"""The table's keys sort the way the access patterns need; items map to the original API shapes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from messaging_service.conversations import keys, render, repository
from messaging_service.conversations.schemas import Person
from messaging_service.stream.processor import message_event
from messaging_service.stream.records import StreamMessage


def person(handle: str) -> Person:
    return Person(
        uuid=uuid.uuid4(),
        cognito_user_id=f"sub-{handle}",
        handle=handle,
        display_name=handle.title(),
        avatar_url=f"https://a.example/{handle}.svg",
    )


def test_timestamps_are_fixed_width_utc_and_sort_as_strings() -> None:
    base = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    moments = [
        base,
        base + timedelta(microseconds=1),
        base + timedelta(seconds=1),
        base + timedelta(days=400),
    ]
    texts = [keys.format_ts(m) for m in moments]
    assert texts[0] == "2026-01-01T00:00:00.000000Z"
    assert len({len(t) for t in texts}) == 1 and texts == sorted(texts)
    shifted = datetime(2026, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert keys.format_ts(shifted) == texts[0]
    assert keys.parse_ts(texts[2]) == moments[2]


def test_group_metadata_sorts_after_every_message() -> None:
    sks = [keys.message_sk(keys.format_ts(datetime(y, 1, 1, tzinfo=UTC)), uuid.uuid4()) for y in (2026, 2099)]
    assert sorted([*sks, keys.GROUP_META_SK])[-1] == keys.GROUP_META_SK
    assert keys.is_message_key(keys.group_pk("g"), sks[0])
    assert not keys.is_message_key(keys.group_pk("g"), keys.GROUP_META_SK)
    assert not keys.is_message_key(keys.user_pk("u"), keys.entry_sk("o"))


def test_items_and_their_api_shapes() -> None:
    alice, bob = person("alice"), person("bob")
    group = str(uuid.uuid4())
    message = repository.message_item(
        group_uuid=group,
        sender=alice,
        recipient={"uuid": str(bob.uuid), "sub": bob.cognito_user_id},
        text="hi",
        created_at=keys.now_ts(),
    )
    assert message["sk"].startswith(f"MSG#{message['created_at']}#")
    entry = repository.entry_item(owner=bob, other=alice, group_uuid=group, first=message)
    assert (entry["pk"], entry["sk"]) == (f"USER#{bob.uuid}", f"WITH#{alice.uuid}")
    assert entry["gsi1pk"] == entry["pk"] and entry["gsi1sk"].startswith(message["created_at"])
    shown = render.render_group(entry)
    assert (shown.handle, shown.message, str(shown.uuid)) == ("alice", "hi", group)
    created = render.render_created(message)
    assert str(created.uuid) == message["message_uuid"] and str(created.message_group_uuid) == group
    meta = repository.group_item(group_uuid=group, members=(alice, bob), created_at=message["created_at"])
    assert meta["member_subs"] == ["sub-alice", "sub-bob"]

    event = message_event(StreamMessage.model_validate(message | {"message": "x" * 1000}))
    assert event["event_id"] == message["message_uuid"] and event["kind"] == "message"
    assert event["recipient"] == {"uuid": str(bob.uuid), "sub": "sub-bob"}
    assert len(event["target"]["preview"]) == 140 and len(event["target"]["message"]) == 1000
