"""Live delivery, 5,000 streams (issue 19, target 3): `python -m bench.run live`.

Two scenarios, one after the other (`SCENARIOS`; LIVE_SCENARIOS=1 runs only the first): the bench
stack's notification service restarted with ONE uvicorn worker, so every figure is one process's; then
with TWO workers and REDIS_URL (a throwaway redis-server), so an event ingested by either worker reaches
streams on both only through Redis. The service is put back as it was after each. The area first deletes
what earlier runs stored for its people, so every run starts from the same tables. One asyncio process
(this one; raw `asyncio.Protocol` connections, no task per stream) opens LIVE_STREAMS (5,000) server-sent
event streams straight to the service's port (not through the gateway; with two workers the kernel
spreads them, and the area counts each process's from /proc), LIVE_STREAMS / LIVE_RECIPIENTS (5) per
person, each with its own Cognito access token (users made once in the bench stack's moto, tokens kept in
.bench-data/live-users.json while they are valid). The producer in the same process calls the internal
batch ingest route (NOTIFICATION_BATCH_PATH, signed like every internal caller) and notes the time each
event was sent; a delivery's latency is its arrival at a stream minus that time.

- burst (RUNS times): BURSTS (10) batches a second apart, each of LIVE_BURST_EVENTS (100) `mention`
  events, one per person, so each batch reaches 500 streams at once (a `notification` and an `unread`
  each): p50/p99/max of the deliveries, and the service's CPU per event.
- sustained ingest (RUNS times LIVE_INGEST_SECONDS, 15 s): LIVE_PRODUCERS (4) producers post batches of
  100 (the outboxes' batch size) back to back, each to its own share of the people (no two batches wait on
  one person's sequence lock): events/s accepted, deliveries, latency, CPU ms per event of the
  notification process and of Postgres.

The client's own CPU is reported beside them (it must stay well under one core, or it is what is
measured). Bounded: every wait has a deadline; the whole area takes a few minutes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import re
import resource
import statistics
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

from bench.harness import (
    BENCH_DATA,
    RUNS,
    Result,
    Run,
    process_tree,
    redis_server,
    restarted,
    tree_cpu_seconds,
    watched_pids,
)
from cruddur_common.contracts import NOTIFICATION_BATCH_PATH
from devstack.aws_bootstrap import client as aws_client
from notification_service.models import SCHEMA as NOTIFICATION_SCHEMA

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.live")
STREAMS = int(os.environ.get("LIVE_STREAMS", "5000"))
RECIPIENTS = int(os.environ.get("LIVE_RECIPIENTS", "1000"))
BURST_EVENTS = int(os.environ.get("LIVE_BURST_EVENTS", "100"))
BURSTS = 10  # per run, a second apart
GC_HOOK = Path(__file__).parent / "live_gc"  # its sitecustomize logs the process's full collections
INGEST_SECONDS = float(os.environ.get("LIVE_INGEST_SECONDS", "15"))
PRODUCERS = int(os.environ.get("LIVE_PRODUCERS", "4"))
INGEST_BATCH = 100  # cruddur_common.outbox's batch_size: what an outbox sends per call
OPENING = 20  # streams being opened at once (each takes a pooled session for its baseline)
PASSWORD = "Bench-password-1"  # noqa: S105 - local bench stack only
TOKEN_MARGIN_S = 900  # a cached token must outlive the area (a stream ends when its token expires)
TARGET_P99_MS, TARGET_MAX_MS, TARGET_EVENTS_S = 500.0, 1000.0, 1000.0
USERS_FILE = BENCH_DATA / "live-users.json"
ACTOR = {
    "uuid": str(uuid.UUID(int=0x5EED)),
    "handle": "bench_live_actor",
    "display_name": "Bench Live Actor",
    "avatar_url": None,
}
_EVENT_UUID = re.compile(rb'"uuid":"([0-9a-f-]{36})"')  # a notification's first uuid is its event id


# --- people and their tokens ------------------------------------------------------------------------------


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _people(ctx: Context, count: int) -> list[dict[str, Any]]:
    """`count` Cognito users of the bench stack with a fresh access token each: {email, token, sub, exp}."""
    assert ctx.stack.aws is not None
    aws = ctx.stack.aws
    cognito = aws_client("cognito-idp", ctx.stack.cfg.aws_url)
    known: list[dict[str, Any]] = json.loads(USERS_FILE.read_text()) if USERS_FILE.exists() else []
    known = [p for p in known if p.get("pool") == aws.user_pool_id]  # a wiped moto forgets its users

    def make(i: int) -> dict[str, Any]:
        email = f"live_{i:05d}@bench.example.com"
        with contextlib.suppress(cognito.exceptions.UsernameExistsException):
            cognito.admin_create_user(UserPoolId=aws.user_pool_id, Username=email, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(
            UserPoolId=aws.user_pool_id, Username=email, Password=PASSWORD, Permanent=True
        )
        return {"email": email, "pool": aws.user_pool_id}

    def sign_in(person: dict[str, Any]) -> dict[str, Any]:
        if person.get("exp", 0) > time.time() + TOKEN_MARGIN_S:
            return person
        auth = cognito.initiate_auth(
            ClientId=aws.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": person["email"], "PASSWORD": PASSWORD},
        )
        token = auth["AuthenticationResult"]["AccessToken"]
        claims = _claims(token)
        return person | {"token": token, "sub": claims["sub"], "exp": claims["exp"]}

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        known += list(pool.map(make, range(len(known), count)))
        people = list(pool.map(sign_in, known[:count]))
    USERS_FILE.write_text(json.dumps(people + known[count:]))
    log.info("%d people with tokens in %.1f s", count, time.monotonic() - started)
    return people


# --- the streams ------------------------------------------------------------------------------------------


@dataclass
class Deliveries:
    """What the streams received: latency of each awaited notification, by arrival."""

    sent: dict[bytes, float] = field(default_factory=dict)  # event id -> when its batch was posted
    latencies_ms: list[float] = field(default_factory=list)
    unread: int = 0
    unexpected: int = 0  # a notification this run did not send (a replay) or a `closed` stream
    expected: int = 0  # how many deliveries the posted events make
    complete: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        """A new run: nothing awaited yet."""
        self.latencies_ms.clear()
        self.expected = 0
        self.complete.clear()

    def arrived(self, event_id: bytes, now: float) -> None:
        sent = self.sent.get(event_id)
        if sent is None:
            self.unexpected += 1
            return
        self.latencies_ms.append((now - sent) * 1000)
        if len(self.latencies_ms) >= self.expected:
            self.complete.set()

    async def settle(self, seconds: float = 30.0) -> None:
        """Wait until every awaited delivery arrived (at most `seconds`)."""
        if len(self.latencies_ms) < self.expected:
            self.complete.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.complete.wait(), seconds)


class Stream(asyncio.Protocol):
    """One SSE connection: the request is written on connect, frames are parsed as they arrive."""

    def __init__(self, request: bytes, deliveries: Deliveries, opened: asyncio.Future[None]) -> None:
        self.request = request
        self.deliveries = deliveries
        self.opened = opened
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self.answered = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if not self.answered:  # the status line comes first
            self.answered = True
            if not data.startswith(b"HTTP/1.1 200"):
                self.opened.set_exception(RuntimeError(data[:200].decode(errors="replace")))
                return
        *frames, self.buffer = (self.buffer + data).split(b"\n\n")
        for frame in frames:
            if b"event: notification" in frame:
                found = _EVENT_UUID.search(frame)
                if found:
                    self.deliveries.arrived(found.group(1), now)
            elif b"event: unread" in frame:
                self.deliveries.unread += 1
            elif b": connected" in frame and not self.opened.done():
                self.opened.set_result(None)
            elif b"event: closed" in frame:
                self.deliveries.unexpected += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before it opened"))


async def _open_streams(url: str, people: list[dict[str, Any]], deliveries: Deliveries) -> list[Stream]:
    """STREAMS streams, round robin over `people`, OPENING at a time; each waits for `: connected`."""
    parsed = httpx.URL(url)
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(OPENING)

    async def one(person: dict[str, Any]) -> Stream:
        request = (
            f"GET /api/notifications/stream HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\n"
            f"Authorization: Bearer {person['token']}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        async with gate:
            opened: asyncio.Future[None] = loop.create_future()
            _, stream = await loop.create_connection(
                lambda: Stream(request, deliveries, opened), parsed.host, parsed.port or 80
            )
            await asyncio.wait_for(opened, timeout=60)
            return stream

    return await asyncio.gather(*(one(people[i % len(people)]) for i in range(STREAMS)))


async def _forget(ctx: Context, people: list[dict[str, Any]]) -> int:
    """Delete what earlier runs stored for the bench's people, so every run starts from the same tables.

    Each run stores ~100,000 notifications; left in place, every batch's unread counts (one grouped query
    over the recipients' unread rows) cost more run after run, and the figures drift with the history.
    """
    conn = await asyncpg.connect(ctx.stack.cfg.db_url, server_settings={"search_path": NOTIFICATION_SCHEMA})
    try:
        status = await conn.execute(
            "DELETE FROM notifications WHERE recipient_sub = ANY($1::text[])", [p["sub"] for p in people]
        )
        await conn.execute("VACUUM ANALYZE notifications")
    finally:
        await conn.close()
    return int(status.split()[-1])


# --- the producer -----------------------------------------------------------------------------------------


def _event(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "kind": "mention",
        "recipient": {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, person["sub"])), "sub": person["sub"]},
        "actor": ACTOR,
        "target": {
            "activity_uuid": str(uuid.uuid4()),
            "activity_handle": ACTOR["handle"],
            "preview": "bench",
        },
        "created_at": datetime.now(UTC).isoformat(),
    }


# --- the measurements -------------------------------------------------------------------------------------


@dataclass
class Figures:
    """What the table has no column for: per run, the worst delivery and the client's CPU."""

    burst_max_ms: list[float] = field(default_factory=list)
    ingest_max_ms: list[float] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    full_gc_ms: list[float] = field(default_factory=list)  # the notification processes', during the runs
    full_gc_per_process: list[int] = field(default_factory=list)  # how many each process ran, most first
    open_s: float = 0.0
    load: list[float] = field(default_factory=list)
    streams_per_process: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """How the notification service runs for a set of runs."""

    label: str  # the results' target column
    workers: int
    redis: bool  # REDIS_URL set: an event ingested by one worker reaches the streams on every worker


SCENARIOS = (
    Scenario("1 process", workers=1, redis=False),
    Scenario("2 processes + Redis", workers=2, redis=True),
)
_figures: dict[str, Figures] = {}  # by scenario label, for the verdict


def _cpu(watch: dict[str, int]) -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {name: tree_cpu_seconds(pid) for name, pid in watch.items()} | {
        "client": usage.ru_utime + usage.ru_stime
    }


def _run(latencies: list[float], seconds: float, *, missing: int, events: int, cpu: dict[str, float]) -> Run:
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    run = Run(
        rps=events / seconds, p50_ms=statistics.median(ordered), p99_ms=p99, errors=missing, requests=events
    )
    run.cpu_ms = {name: value * 1000 / events for name, value in cpu.items()}
    return run


@dataclass
class Bench:
    """One measurement session: the streams' owners, the watched processes and the producer."""

    people: list[dict[str, Any]]
    watch: dict[str, int]
    producer: httpx.AsyncClient
    deliveries: Deliveries = field(default_factory=Deliveries)
    figures: Figures = field(default_factory=Figures)
    streams_of: dict[str, int] = field(default_factory=dict)  # sub -> how many streams they hold

    def expect(self, events: list[dict[str, Any]]) -> None:
        """The posted `events` make one delivery per stream of their recipient."""
        self.deliveries.expected += sum(self.streams_of[e["recipient"]["sub"]] for e in events)

    async def post(self, events: list[dict[str, Any]]) -> None:
        """One batch to the ingest route; every event must be accepted."""
        self.expect(events)
        sent = time.perf_counter()
        for e in events:
            self.deliveries.sent[e["event_id"].encode()] = sent
        response = await self.producer.post(NOTIFICATION_BATCH_PATH, json={"events": events})
        response.raise_for_status()
        refused = [r for r in response.json()["results"] if not r["ok"]]
        if refused:
            raise RuntimeError(f"ingest refused {len(refused)} events: {refused[0]}")

    async def measured(self, work: Any, events: list[int]) -> Run:
        """Run `work()` (which adds its posted event count to `events`), wait for the deliveries."""
        self.deliveries.start()
        before, started = _cpu(self.watch), time.perf_counter()
        await work()
        await self.deliveries.settle()
        took = max(time.perf_counter() - started, 1e-3)
        after = _cpu(self.watch)
        got = list(self.deliveries.latencies_ms)
        return _run(
            got,
            took,
            missing=self.deliveries.expected - len(got),
            events=sum(events),
            cpu={k: after[k] - before[k] for k in before},
        )

    async def burst(self) -> Run:
        """BURSTS times, a second apart: BURST_EVENTS events, one per person, in one batch."""
        posted = [0]

        async def work() -> None:
            for n in range(BURSTS):
                first = n * BURST_EVENTS
                await self.post(
                    [_event(self.people[(first + i) % len(self.people)]) for i in range(BURST_EVENTS)]
                )
                posted[0] += BURST_EVENTS
                await asyncio.sleep(1)

        return await self.measured(work, posted)

    async def ingest(self) -> Run:
        """PRODUCERS producers post batches back to back for INGEST_SECONDS, each to its own people."""
        posted = [0] * PRODUCERS
        deadline = time.perf_counter() + INGEST_SECONDS

        async def produce(k: int) -> None:
            share, i = self.people[k::PRODUCERS], 0
            while time.perf_counter() < deadline:
                batch = [_event(share[(i + j) % len(share)]) for j in range(INGEST_BATCH)]
                i += INGEST_BATCH
                await self.post(batch)
                posted[k] += len(batch)

        async def work() -> None:
            await asyncio.gather(*(produce(k) for k in range(PRODUCERS)))

        run = await self.measured(work, posted)
        run.rps = sum(posted) / INGEST_SECONDS  # accepted per second while posting (not the drain)
        return run


def _streams_per_process(root: int, port: int) -> list[int]:
    """How many established connections to `port` each process under `root` holds (Linux /proc)."""
    local = f":{port:04X} "
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if (fields[1] + " ").endswith(local) and fields[3] == "01":  # 01: ESTABLISHED
                    inodes.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in sorted(process_tree(root)):
        fds = Path(f"/proc/{pid}/fd")
        with contextlib.suppress(OSError):
            held = sum(1 for fd in fds.iterdir() if _link(fd) in inodes)
            if held:
                counts.append(held)
    return sorted(counts, reverse=True)


def _link(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


async def _measure(
    ctx: Context, url: str, pid: int, people: list[dict[str, Any]], scenario: Scenario
) -> list[Result]:
    limits = httpx.Limits(max_connections=PRODUCERS + 2)
    auth = ctx.stack.internal_auth("bench")
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits, auth=auth) as producer:
        bench = Bench(
            people=people,
            watch={"notification": pid, "postgres": watched_pids(ctx.stack)["postgres"]},
            producer=producer,
        )
        bench.figures.load.append(os.getloadavg()[0])
        for i in range(STREAMS):
            sub = people[i % len(people)]["sub"]
            bench.streams_of[sub] = bench.streams_of.get(sub, 0) + 1
        started = time.monotonic()
        streams = await _open_streams(url, people, bench.deliveries)
        bench.figures.open_s = time.monotonic() - started
        port = httpx.URL(url).port or 80
        bench.figures.streams_per_process = _streams_per_process(pid, port)
        log.info(
            "%d streams open in %.1f s, per process %s",
            len(streams),
            bench.figures.open_s,
            bench.figures.streams_per_process,
        )
        await asyncio.sleep(3)  # every stream's baseline query done
        name = f"burst: {BURST_EVENTS} events at once, {STREAMS} streams"
        burst = Result(area="live", name=name, target=scenario.label)
        name = f"ingest: {PRODUCERS} producers, batches of {INGEST_BATCH}"
        ingest = Result(area="live", name=name, target=scenario.label)
        for result, measure, maxima in (
            (burst, bench.burst, bench.figures.burst_max_ms),
            (ingest, bench.ingest, bench.figures.ingest_max_ms),
        ):
            for round_no in range(RUNS):
                result.runs.append(await measure())
                maxima.append(max(bench.deliveries.latencies_ms, default=0.0))
                run = result.runs[-1]
                log.info(
                    "%s, round %d: %.0f events/s, %d missing, p99 %.0f ms, max %.0f ms, %.2f ms CPU/event",
                    result.name,
                    round_no + 1,
                    run.rps,
                    run.errors,
                    run.p99_ms,
                    maxima[-1],
                    run.cpu_ms["notification"],
                )
                await asyncio.sleep(2)
    lost = sum(1 for s in streams if s.lost)
    d = bench.deliveries
    bench.figures.delivered.append(f"{d.unread} unread events, {d.unexpected} unexpected, {lost} lost")
    for stream in streams:
        if stream.transport is not None:
            stream.transport.close()
    bench.figures.load.append(os.getloadavg()[0])
    _figures[scenario.label] = bench.figures
    return [burst, ingest]


def verdict(results: list[Result]) -> str:
    """The live figures of each scenario against issue 19's target 3."""
    lines = []
    for scenario in SCENARIOS:
        mine = [r for r in results if r.target == scenario.label]
        figures = _figures.get(scenario.label)
        if figures is not None and len(mine) == 2:
            lines.append(_verdict(scenario, figures, mine[0], mine[1]))
    return "\n".join(lines)


def _verdict(scenario: Scenario, figures: Figures, burst: Result, ingest: Result) -> str:
    worst = statistics.median(figures.burst_max_ms)
    full = figures.full_gc_ms
    gcs = f"{len(full)} full collections" + (
        f" (max {max(full):.0f} ms, median {statistics.median(full):.0f} ms; per process "
        f"{', '.join(map(str, figures.full_gc_per_process))})"
        if full
        else ""
    )
    per_process = ingest.rps / scenario.workers
    met = burst.p99_ms <= TARGET_P99_MS and worst <= TARGET_MAX_MS and per_process >= TARGET_EVENTS_S

    def cpu(r: Result, name: str) -> str:
        value = r.cpu_ms(name)
        return "-" if value is None else f"{value:.2f}"

    where = (
        "one process"
        if scenario.workers == 1
        else f"{scenario.workers} processes with Redis pub/sub (streams per process: "
        f"{', '.join(map(str, figures.streams_per_process))})"
    )
    return (
        f"live, {STREAMS} streams ({RECIPIENTS} people) on {where}, opened in {figures.open_s:.0f} s: "
        f"burst p99 {burst.p99_ms:.0f} ms, max {worst:.0f} ms (medians of {len(burst.runs)}; maxima "
        f"{', '.join(f'{m:.0f}' for m in figures.burst_max_ms)}), {cpu(burst, 'notification')} ms CPU/event "
        f"(postgres {cpu(burst, 'postgres')}, client {cpu(burst, 'client')}); "
        f"ingest {ingest.rps:.0f} events/s ({per_process:.0f} per process), p99 {ingest.p99_ms:.0f} ms, "
        f"maxima {', '.join(f'{m:.0f}' for m in figures.ingest_max_ms)} ms, {cpu(ingest, 'notification')} ms "
        f"CPU/event (postgres {cpu(ingest, 'postgres')}, client {cpu(ingest, 'client')}); missing "
        f"deliveries {burst.errors} + {ingest.errors}; {'; '.join(figures.delivered)}; {gcs}; load average "
        f"{figures.load[0]:.1f} -> {figures.load[-1]:.1f}. Target (p99 <= {TARGET_P99_MS:.0f} ms, max <= "
        f"{TARGET_MAX_MS:.0f} ms, >= {TARGET_EVENTS_S:.0f} events/s per process): "
        f"{'met' if met else 'NOT met'}"
    )


def run(ctx: Context) -> list[Result]:
    """People and tokens, then for each scenario: the notification service restarted that way, the bursts
    and the ingest runs. LIVE_SCENARIOS=1 runs only the first (one process)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    people = _people(ctx, RECIPIENTS)
    log.info("%d notifications of earlier runs deleted", asyncio.run(_forget(ctx, people)))
    results: list[Result] = []
    for scenario in SCENARIOS[: int(os.environ.get("LIVE_SCENARIOS", len(SCENARIOS)))]:
        gc_log = BENCH_DATA / "live-gc.log"
        gc_log.unlink(missing_ok=True)
        service_env = next(c for c in ctx.stack.children if c.name == "notification").env
        path = os.pathsep.join(filter(None, [str(GC_HOOK), service_env.get("PYTHONPATH")]))
        with contextlib.ExitStack() as stack:
            env = {"PYTHONPATH": path, "LIVE_GC_LOG": str(gc_log)}
            if scenario.redis:
                url = stack.enter_context(redis_server())
                if url is None:
                    log.warning("no redis-server: the %s scenario is skipped", scenario.label)
                    continue
                env["REDIS_URL"] = url
            pid = stack.enter_context(restarted(ctx.stack, "notification", workers=scenario.workers, env=env))
            results += asyncio.run(_measure(ctx, ctx.service_url("notification"), pid, people, scenario))
        figures = _figures.get(scenario.label)
        if figures is not None and gc_log.exists():
            lines = [line.split() for line in gc_log.read_text().splitlines() if line]
            figures.full_gc_ms = [float(fields[0]) for fields in lines]
            per_process = Counter(fields[2] for fields in lines)
            figures.full_gc_per_process = sorted(per_process.values(), reverse=True)
    log.info("%s", verdict(results))
    return results
