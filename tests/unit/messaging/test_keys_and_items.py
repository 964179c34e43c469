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
    shown = render.render_group(entry, now=keys.now_ts())
    assert (shown.handle, shown.message, str(shown.uuid)) == ("alice", "hi", group)
    assert (shown.message_ttl, shown.expires_at) == (None, None)
    created = render.render_created(message)
    assert str(created.uuid) == message["message_uuid"] and str(created.message_group_uuid) == group
    meta = repository.group_item(group_uuid=group, members=(alice, bob), created_at=message["created_at"])
    assert meta["member_subs"] == ["sub-alice", "sub-bob"]

    event = message_event(StreamMessage.model_validate(message | {"message": "x" * 1000}))
    assert event["event_id"] == message["message_uuid"] and event["kind"] == "message"
    assert event["recipient"] == {"uuid": str(bob.uuid), "sub": "sub-bob"}
    assert len(event["target"]["preview"]) == 140 and len(event["target"]["message"]) == 1000


def test_a_message_sent_under_a_timer_and_a_timer_line() -> None:
    alice, bob = person("alice"), person("bob")
    group, sent = str(uuid.uuid4()), datetime(2026, 11, 30, 6, 0, 0, 250_000, tzinfo=UTC)
    recipient = {"uuid": str(bob.uuid), "sub": bob.cognito_user_id}
    message = repository.message_item(
        group_uuid=group,
        sender=alice,
        recipient=recipient,
        text="soon gone",
        created_at=keys.format_ts(sent),
        expires_at=sent + timedelta(hours=1),
    )
    assert message["expires_at"] == "2026-11-30T07:00:00.250000Z"
    assert message["ttl"] == int((sent + timedelta(hours=1)).timestamp()) + 1, "rounded up, never early"
    assert not repository.is_expired(message, now="2026-11-30T07:00:00.249999Z")
    assert repository.is_expired(message, now=message["expires_at"])
    assert render.render_message(message).expires_at == sent + timedelta(hours=1)

    entry = repository.entry_item(owner=bob, other=alice, group_uuid=group, first=message)
    entry |= {"last_message_expires_at": message["expires_at"], "message_ttl": "1-hour"}
    assert render.render_group(entry, now="2026-11-30T06:59:59.000000Z").message == "soon gone"
    late = render.render_group(entry, now="2026-11-30T07:00:01.000000Z")
    assert (late.message, late.message_ttl, late.expires_at) == ("", "1-hour", sent + timedelta(hours=1))

    event = message_event(StreamMessage.model_validate(message))
    assert event["expires_at"] == "2026-11-30T07:00:00.250000Z"
    assert "message_kind" not in event["target"], "a plain message's event is as before"

    line = repository.message_item(
        group_uuid=group,
        sender=alice,
        recipient=recipient,
        text="Alice set messages to disappear after 1 hour",
        created_at=keys.format_ts(sent),
        kind="timer",
        message_ttl="1-hour",
    )
    assert "ttl" not in line and "expires_at" not in line, "timer lines stay"
    shown = render.render_message(line)
    assert (shown.kind, shown.message_ttl, shown.expires_at) == ("timer", "1-hour", None)
    event = message_event(StreamMessage.model_validate(line))
    assert (event["target"]["message_kind"], event["target"]["message_ttl"]) == ("timer", "1-hour")
    assert "expires_at" not in event
