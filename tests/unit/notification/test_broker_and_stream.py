"""In-process fan-out, inbox overflow, SSE framing and the ingest contract's validation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from cruddur_common.contracts import IngestEvent
from notification_service.live import broker
from notification_service.live.render import render_envelope
from notification_service.live.service import frame
from notification_service.models import Notification as Row


async def test_local_broker_fans_out_to_every_stream_of_the_recipient() -> None:
    hub_broker = broker.LocalBroker()
    hub = hub_broker.hub
    with hub.subscribe("a") as first, hub.subscribe("a") as second, hub.subscribe("b") as other:
        await hub_broker.publish("a", {"id": 1, "event": "notification", "data": {}})
        assert len(first.pending) == len(second.pending) == 1 and not other.pending
        assert first.pending[0] is second.pending[0], "framed once for all of the person's streams"
        assert first.pending[0].data == b"id: 1\nevent: notification\ndata: {}\n\n"
        assert hub.connections == 3
    assert hub_broker.hub.connections == 0


async def test_a_redis_message_carries_a_batch_and_a_bad_one_is_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What a task's reader does with a message of the one channel (no Redis needed: `deliver` is the
    reader's whole work per message; tests/integration/notification/test_fanout.py runs it through Redis)."""
    redis_broker = broker.RedisBroker("redis://127.0.0.1:1/0")  # never connected here
    hub = redis_broker.hub
    note = {"id": 1, "event": "notification", "data": {}}
    unread = {"id": None, "event": "unread", "data": {"count": 1}}
    with hub.subscribe("a") as a, hub.subscribe("b") as b, hub.subscribe("c") as c:
        redis_broker.deliver(b"not json")
        redis_broker.deliver(orjson.dumps({"each": "not a list of pairs"}))
        half_bad = {"each": [("a", note), ("b", {"id": "seven", "event": "notification", "data": {}})]}
        redis_broker.deliver(orjson.dumps(half_bad))  # checked whole: "a" gets nothing from it either
        bad_close = {"event": "closed", "id": -1, "data": 1}
        redis_broker.deliver(orjson.dumps({"many": ["a"], "envelope": bad_close}))
        redis_broker.deliver(orjson.dumps({"each": [("a", note), ("a", unread), ("b", note)]}))
        home = {"id": None, "event": "home", "data": {"count": 1}}
        redis_broker.deliver(orjson.dumps({"many": ["b", "c", "not-here"], "envelope": home}))
        assert [f.envelope["event"] for f in a.pending] == ["notification", "unread"]
        assert [f.envelope["event"] for f in b.pending] == ["notification", "home"]
        assert [f.envelope["event"] for f in c.pending] == ["home"]
        assert b.pending[1] is c.pending[0], "one event for many people is framed once"
    skipped = [r for r in caplog.records if "unreadable live message skipped" in r.getMessage()]
    assert len(skipped) == 4


def test_an_overflowing_inbox_is_flagged_not_blocking() -> None:
    inbox = broker.Subscription("a")
    for i in range(broker.QUEUE_SIZE + 5):
        inbox.offer(broker.framed({"id": i, "event": "notification", "data": {}}))
    assert inbox.lagged and len(inbox.pending) == broker.QUEUE_SIZE


def row(kind: str, **extra: object) -> Row:
    values: dict[str, object] = {
        "seq": 7,
        "event_id": uuid.uuid4(),
        "kind": kind,
        "recipient_sub": "sub",
        "actor_uuid": uuid.uuid4(),
        "actor_handle": "bob",
        "actor_display_name": "Bob",
        "actor_avatar_url": None,
        "created_at": datetime(2026, 11, 22, 15, 4, 5, tzinfo=UTC),
        "read_at": None,
    }
    return Row(**(values | extra))


def test_stored_notifications_become_sse_events() -> None:
    like = render_envelope(row("like", activity_uuid=uuid.uuid4(), preview="nice"))
    assert like["event"] == "notification" and like["data"]["read"] is False and like["id"] == 7
    text = frame(like).decode()
    assert text.startswith("id: 7\nevent: notification\ndata: {") and text.endswith("}\n\n")
    assert text.count("\n") == 4, "one data line: JSON never spans lines"
    group = uuid.uuid4()
    message = render_envelope(row("message", message_group_uuid=group, preview="short", body="full text"))
    assert message["event"] == "message"
    assert message["data"]["message_group_uuid"] == str(group)
    assert message["data"]["message"]["message"] == "full text"
    assert message["data"]["message"]["created_at"] == "2026-11-22T15:04:05Z"


def test_ingest_contract() -> None:
    base = {
        "event_id": str(uuid.uuid4()),
        "kind": "follow",
        "recipient": {"uuid": str(uuid.uuid4()), "sub": "s"},
        "actor": {"uuid": str(uuid.uuid4()), "handle": "bob", "display_name": "Bob", "avatar_url": None},
        "created_at": "2026-11-22T15:04:05+00:00",
    }
    assert IngestEvent.model_validate(base).target.activity_uuid is None
    retract = {
        "event_id": base["event_id"],
        "kind": "retract",
        "target": {"activity_uuid": str(uuid.uuid4())},
        "created_at": base["created_at"],
    }
    assert IngestEvent.model_validate(retract).recipient is None
    for bad in (
        base | {"kind": "like"},
        base | {"kind": "message"},
        {k: v for k, v in base.items() if k != "actor"},
        base | {"created_at": "2026-11-22T15:04:05"},
        retract | {"target": {}},
    ):
        with pytest.raises(ValidationError):
            IngestEvent.model_validate(bad)
