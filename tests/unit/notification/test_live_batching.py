"""Issue 19: an ingested batch is pushed live at once, and a stream's inbox is a deque and one waiter."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Collection, Sequence
from datetime import datetime

import pytest

from notification_service.ingest import service as ingest
from notification_service.live import broker
from notification_service.notifications import repository
from tests.unit.notification.test_broker_and_stream import row


class Recorder(broker.LocalBroker):
    """A local broker that also records each dispatch call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[tuple[str, broker.Envelope]]] = []

    async def publish(self, sub: str, envelope: broker.Envelope) -> None:
        self.calls.append([(sub, envelope)])
        await super().publish(sub, envelope)

    async def publish_each(self, items: Sequence[tuple[str, broker.Envelope]]) -> None:
        self.calls.append(list(items))
        await super().publish_each(items)


async def test_a_batch_is_one_count_query_and_one_dispatch_of_rows_and_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queries: list[list[str]] = []

    async def unread_counts(_: object, subs: Collection[str], *, now: datetime) -> dict[str, int]:
        queries.append(list(subs))
        return {sub: n for n, sub in enumerate(subs, start=1)}

    monkeypatch.setattr(repository, "unread_counts", unread_counts)
    local = Recorder()
    rows = [row("follow", recipient_sub="a"), row("follow", recipient_sub="b", seq=8)]
    rows_then_counts = [("a", 7, "notification"), ("b", 8, "notification")]
    rows_then_counts += [("a", None, "unread"), ("b", None, "unread"), ("c", None, "unread")]
    with local.hub.subscribe("b") as b:
        await ingest._push(None, local, rows, unread={"c", "a", "b"})  # type: ignore[arg-type]
        assert queries == [["a", "b", "c"]], "one query for every recipient of the batch"
        assert [[(sub, e["id"], e["event"]) for sub, e in call] for call in local.calls] == [
            [*rows_then_counts]
        ], "one dispatch: the rows, then the counts"
        assert [item.id for item in b.pending] == [8, None], "the stream wakes once for both"
        assert b.pending[1].envelope == {"id": None, "event": "unread", "data": {"unread_count": 2}}


async def test_nothing_stored_or_counted_is_nothing_pushed() -> None:
    local = Recorder()
    await ingest._push(None, local, [], unread=set())  # type: ignore[arg-type]
    assert local.calls == []


async def test_a_waiting_stream_is_woken_by_an_offer_and_by_close() -> None:
    inbox = broker.Subscription("a")
    waiting = asyncio.create_task(inbox.next(5))
    await asyncio.sleep(0)
    inbox.offer(broker.framed({"id": 1, "event": "notification", "data": {}}))
    assert (await asyncio.wait_for(waiting, 1)).id == 1
    waiting = asyncio.create_task(inbox.next(5))
    await asyncio.sleep(0)
    inbox.close(broker.ACCOUNT_DELETED)
    assert await asyncio.wait_for(waiting, 1) is broker.CLOSED and inbox.reason == broker.ACCOUNT_DELETED


async def test_a_quiet_stream_gets_none_after_its_seconds_and_keeps_nothing_waiting() -> None:
    inbox = broker.Subscription("a")
    assert await inbox.next(0.01) is None, "time for a keep-alive"
    inbox.offer(broker.framed({"id": 1, "event": "notification", "data": {}}))
    assert (await inbox.next(0.01)).id == 1, "a queued envelope is returned without waiting"
    waiting = asyncio.create_task(inbox.next(5))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    inbox.offer(
        broker.framed({"id": 2, "event": "notification", "data": {}})
    )  # no waiter left to wake: no error
    assert len(inbox.pending) == 1


def test_a_subscription_has_no_per_instance_dict() -> None:
    """5,000 streams: each inbox is a slotted object and a deque (no asyncio.Queue and its event)."""
    assert not hasattr(broker.Subscription("a"), "__dict__")


async def test_streams_going_live_together_are_frozen_once_soon_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 19: a live stream's objects leave the collector's view (one freeze per burst of streams)."""
    freezes: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1))
    monkeypatch.setattr(broker, "FREEZE_AFTER_SECONDS", 0.01)
    hub = broker.Hub()
    for _ in range(3):
        hub.settled()
    assert freezes == [], "not at once: the streams opening meanwhile go together"
    await asyncio.sleep(0.05)
    assert freezes == [1]
    hub.settled()
    await asyncio.sleep(0.05)
    assert freezes == [1, 1], "a later stream is frozen again"


async def test_a_freeze_after_the_sweep_period_unfreezes_and_collects_all_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cycles frozen while alive are not kept forever: once per SWEEP_EVERY_SECONDS a full collection."""
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(f"collect {generation}") or 0)
    monkeypatch.setattr(broker, "FREEZE_AFTER_SECONDS", 0.01)
    monkeypatch.setattr(broker, "SWEEP_EVERY_SECONDS", 0.2)
    hub = broker.Hub()
    hub.settled()
    await asyncio.sleep(0.05)
    assert calls == ["collect 1", "freeze"], "within the period: young generations only"
    await asyncio.sleep(0.2)
    calls.clear()
    hub.settled()
    await asyncio.sleep(0.05)
    assert calls == ["unfreeze", "collect 2", "freeze"]
    calls.clear()
    hub.settled()
    await asyncio.sleep(0.05)
    assert calls == ["collect 1", "freeze"], "the period starts again"
