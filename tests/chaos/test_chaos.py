"""Faults on the test stack under load (issue 12, build item 9): contained, recovered, nothing lost.

The tests marked skip describe behaviour that later work brings; each names what it needs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from devstack.stack import LocalStack
from tests.chaos.faults import kill_child, postgres_down, wait_ready
from tests.chaos.load import WriteLoad
from tests.support import TestUser

pytestmark = pytest.mark.integration
OUTAGE_SECONDS = 10.0
WARM_SECONDS = 2.0  # acknowledged writes before the fault, so there is something to lose


@pytest.fixture
def writers(make_user: Callable[..., TestUser]) -> list[TestUser]:
    """Two users who post and like each other's cruds."""
    return [make_user(), make_user()]


@pytest.fixture
def healthy_after(stack: LocalStack) -> Iterator[None]:
    """Whatever a test did, the next one finds every service ready."""
    yield
    wait_ready(stack)


def _first_success_after(load: WriteLoad, moment: float) -> float | None:
    """Seconds from `moment` to the first request started after it that got a 2xx."""
    starts = [o.started for o in load.outcomes if o.started >= moment and o.status and o.status < 300]
    return min(starts) - moment if starts else None


def _wait_for(check: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


@pytest.mark.usefixtures("healthy_after")
def test_postgres_outage_under_load_loses_no_acknowledged_write(
    stack: LocalStack, gateway_url: str, writers: list[TestUser]
) -> None:
    with WriteLoad(gateway_url, writers) as load:
        time.sleep(WARM_SECONDS)
        with postgres_down(stack):
            time.sleep(OUTAGE_SECONDS)
        time.sleep(WARM_SECONDS)
    acked = {kind: sum(a.kind == kind for a in load.acks) for kind in ("post", "like")}
    assert acked["post"] > 0 and acked["like"] > 0, (acked, load.summary())
    assert load.missing() == [], load.summary()


@pytest.mark.skip(reason="needs dependency errors mapped to 503 dependency_unavailable (issue 12 build 3)")
@pytest.mark.usefixtures("healthy_after")
def test_postgres_outage_answers_503_and_recovers_within_a_second(
    stack: LocalStack, gateway_url: str, writers: list[TestUser]
) -> None:
    with WriteLoad(gateway_url, writers) as load:
        time.sleep(WARM_SECONDS)
        postgres = stack.postgres
        assert postgres is not None
        with postgres_down(stack):
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            up = time.monotonic()
        restarted = time.monotonic()  # postgres_down returned: the server accepts connections again
        time.sleep(WARM_SECONDS)
    during = [o for o in load.between(down + 1.0, up) if o.status is None or o.status >= 300]
    assert during, "no request failed while Postgres was down"
    wrong = [o for o in during if (o.status, o.code) != (503, "dependency_unavailable") or not o.retry_after]
    assert wrong == [], wrong[:5]
    assert max(o.elapsed for o in during) < 5.0, "a request hung instead of answering 503"
    recovery = _first_success_after(load, restarted)
    assert recovery is not None and recovery < 1.0, (recovery, load.summary())
    assert load.missing() == []


@pytest.mark.skip(reason="needs the outbox that survives any exception (issue 12 build 1)")
@pytest.mark.usefixtures("healthy_after")
def test_outbox_drains_after_a_postgres_outage(
    stack: LocalStack, gateway_url: str, writers: list[TestUser]
) -> None:
    with WriteLoad(gateway_url, writers) as load:
        time.sleep(WARM_SECONDS)
        with postgres_down(stack):
            time.sleep(OUTAGE_SECONDS)
        time.sleep(WARM_SECONDS)
    liked = {a.activity_uuid for a in load.acks if a.kind == "like"}
    assert liked, load.summary()

    def notified() -> bool:
        seen: set[str] = set()
        for user in writers:
            response = httpx.get(
                f"{gateway_url}/api/notifications?limit=100", headers=user.headers, timeout=5
            )
            items = response.json()["items"] if response.status_code == 200 else []
            seen |= {str(n["activity_uuid"]) for n in items if n["kind"] == "like"}
        return liked <= seen

    assert _wait_for(notified, timeout=15), "like notifications acknowledged around the outage never arrived"


def _message_notified(user: TestUser, gateway_url: str, group: str) -> bool:
    response = httpx.get(f"{gateway_url}/api/notifications?limit=100", headers=user.headers, timeout=5)
    items = response.json()["items"] if response.status_code == 200 else []
    return any(n["kind"] == "message" and str(n["message_group_uuid"]) == group for n in items)


@pytest.mark.skip(reason="needs poison records parked by the stream processor (issue 12 build 2)")
def test_a_poison_dm_does_not_block_the_next_notification(
    gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    sender, first, second = make_user(), make_user(), make_user()
    with httpx.Client(base_url=gateway_url, headers=sender.headers, timeout=10) as client:
        # Today a NUL is accepted (201) and poisons the stream; once refused at the edge (422) the rest
        # of this test still holds. To keep a real poison record then, write it to the table directly.
        poison = client.post("/api/messages", json={"message": "bad \u0000 text", "handle": first.handle})
        assert poison.status_code in (201, 422), poison.text
        normal = client.post("/api/messages", json={"message": "hello", "handle": second.handle})
        assert normal.status_code == 201, normal.text
    group = normal.json()["message_group_uuid"]
    assert _wait_for(lambda: _message_notified(second, gateway_url, group), timeout=10)


@pytest.mark.skip(reason="needs the local supervisor to restart a crashed child (issue 12 build 5)")
def test_a_killed_service_is_restarted_and_the_stack_stays_up(stack: LocalStack, gateway_url: str) -> None:
    with kill_child(stack, "notification") as child:
        assert _wait_for(child.alive, timeout=15), "the notification service was not restarted"
        wait_ready(stack, timeout=15)
        others = [c.name for c in stack.children if not c.alive()]
        assert others == [], f"{others} stopped after one service was killed"
        response = httpx.get(f"{gateway_url}/api/health-check", timeout=5)
        assert response.status_code == 200, response.text
        assert all(s["status"] == "ok" for s in response.json()["services"].values())


@pytest.mark.skip(reason="needs streams bounded per user and kept off the ordinary pool (issue 12 build 6)")
async def test_500_held_streams_leave_ordinary_requests_fast(
    gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    limits = httpx.Limits(max_connections=600, max_keepalive_connections=0)
    timeout = httpx.Timeout(10, read=None)
    async with httpx.AsyncClient(base_url=gateway_url, limits=limits, timeout=timeout) as streams:

        async def hold() -> None:
            try:
                async with streams.stream(
                    "GET", "/api/notifications/stream", headers=user.headers
                ) as response:
                    async for _ in response.aiter_bytes():
                        await asyncio.sleep(3600)
            except httpx.HTTPError:
                return  # a stream closed by a per-user limit is the point

        held = [asyncio.create_task(hold()) for _ in range(500)]
        try:
            await asyncio.sleep(3)
            async with httpx.AsyncClient(base_url=gateway_url, timeout=5) as client:
                started = time.monotonic()
                response = await client.get("/api/activities/home", headers=other.headers)
                elapsed = time.monotonic() - started
            assert response.status_code == 200, response.text
            assert elapsed < 1.0, f"an ordinary request took {elapsed:.2f}s with 500 streams held"
        finally:
            for task in held:
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)
