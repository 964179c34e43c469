"""Messaging and live-stream benchmarks: list conversations, read a page, send; SSE fan-out and DM delivery.

Entry point `run(ctx) -> list[Result]` (an area of bench/run.py; `python -m bench.run messaging`).
SSE figures are deliveries, not requests: "req/s" is deliveries per second, p50/p99 the time from the
action (ingest POST or message POST) to the event reaching the client through the gateway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import RUNS, Result, Run, redis_server, restarted, wrk
from devstack import seed

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.messaging")
PASSWORD = "Bench-password-1"  # noqa: S105 - local bench stack only
PARTNERS = 20
HISTORY = 200
FAN_OUT = (1, 10, 100)
EVENTS_PER_FAN_OUT = 20
DM_ROUNDS = 40


def _user(ctx: Context, handle: str) -> dict[str, Any]:
    """Sign a bench user up (once) and in; returns token, headers and identity."""
    assert ctx.stack.aws is not None
    person = seed.DemoUser(handle, handle.replace("_", " ").title(), f"{handle}@bench.example.com")
    seed.sign_up(ctx.gateway_url, ctx.stack.aws.client_id, person, PASSWORD)
    token = seed.sign_in(ctx.gateway_url, ctx.stack.aws.client_id, person.email, PASSWORD)
    headers = {"authorization": f"Bearer {token}"}
    me = httpx.get(f"{ctx.gateway_url}/api/users/me", headers=headers, timeout=30)
    me.raise_for_status()
    return {"handle": handle, "token": token, "headers": headers, "me": me.json()}


def _seed(ctx: Context) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """Alice talks with PARTNERS people; her conversation with Bob has HISTORY messages.

    Returns Alice, Bob, their conversation and another of Alice's conversations.
    """
    alice, bob = _user(ctx, "bench_dm_alice"), _user(ctx, "bench_dm_bob")
    with httpx.Client(base_url=ctx.gateway_url, timeout=30) as api:

        def send(sender: dict[str, Any], **to: str) -> dict[str, Any]:
            response = api.post("/api/messages", json={"message": "bench", **to}, headers=sender["headers"])
            response.raise_for_status()
            return dict(response.json())

        group = send(alice, handle=bob["handle"])["message_group_uuid"]
        have = len(api.get(f"/api/messages/{group}", params={"limit": 100}, headers=alice["headers"]).json())
        for i in range(have, HISTORY):
            send(alice if i % 2 else bob, message_group_uuid=group)
        listed = api.get("/api/message_groups", params={"limit": 100}, headers=alice["headers"]).json()
        for i in range(len(listed), PARTNERS):
            send(_user(ctx, f"bench_dm_p{i:02d}"), handle=alice["handle"])
        listed = api.get("/api/message_groups", params={"limit": 100}, headers=alice["headers"]).json()
        other = next(g["uuid"] for g in listed if g["uuid"] != group)
    return alice, bob, group, other


def _drain(ctx: Context, alice: dict[str, Any], bob: dict[str, Any], group: str) -> None:
    """Wait until the stream processor has caught up with the sends of the wrk runs."""
    with httpx.Client(base_url=ctx.gateway_url, timeout=30) as api:
        body = {"message": "drain", "message_group_uuid": group}
        sent = api.post("/api/messages", json=body, headers=bob["headers"])
        sent.raise_for_status()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            items = api.get("/api/notifications", params={"limit": 1}, headers=alice["headers"]).json()[
                "items"
            ]
            if items and items[0]["uuid"] == sent.json()["uuid"]:
                return
            time.sleep(1)
    raise RuntimeError("the stream processor did not catch up in 10 minutes")


async def _stream(client: httpx.AsyncClient, headers: dict[str, str], out: asyncio.Queue[Any]) -> None:
    """Read one SSE connection; put (event name, data, arrival time) per event."""
    async with client.stream("GET", "/api/notifications/stream", headers=headers) as response:
        fields: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line.startswith(":"):
                if "connected" in line:
                    await out.put(("connected", None, time.perf_counter()))
                continue
            if line:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
            elif "data" in fields:
                await out.put((fields.get("event"), json.loads(fields["data"]), time.perf_counter()))
                fields = {}


def _result(name: str, samples_ms: list[float], seconds: float, errors: int) -> Result:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    run = Run(rps=len(ordered) / seconds, p50_ms=statistics.median(ordered), p99_ms=p99, errors=errors)
    return Result(area="messaging", name=name, target="gateway", runs=[run])


async def _fan_out(ctx: Context, alice: dict[str, Any], bob: dict[str, Any], clients: int) -> Result:
    """`clients` streams of one person; each ingested event's delivery time to every stream."""
    limits = httpx.Limits(max_connections=clients + 10)
    timeout = httpx.Timeout(30, read=None)
    queue: asyncio.Queue[Any] = asyncio.Queue()
    me, actor = alice["me"], bob["me"]
    async with (
        httpx.AsyncClient(base_url=ctx.gateway_url, limits=limits, timeout=timeout) as client,
        httpx.AsyncClient(
            base_url=ctx.service_url("notification"), timeout=30, auth=ctx.stack.internal_auth("bench")
        ) as producer,
    ):
        readers = [asyncio.create_task(_stream(client, alice["headers"], queue)) for _ in range(clients)]
        for _ in range(clients):
            await asyncio.wait_for(queue.get(), timeout=60)
        samples: list[float] = []
        errors = 0
        started_all = time.perf_counter()
        for _ in range(EVENTS_PER_FAN_OUT):
            body = {
                "event_id": str(uuid.uuid4()),
                "kind": "follow",
                "recipient": {"uuid": me["uuid"], "sub": me["cognito_user_id"]},
                "actor": {k: actor[k] for k in ("uuid", "handle", "display_name", "avatar_url")},
                "created_at": datetime.now(UTC).isoformat(),
            }
            started = time.perf_counter()
            (await producer.post("/internal/notifications/events", json=body)).raise_for_status()
            for _ in range(clients):
                try:
                    _, data, arrived = await asyncio.wait_for(queue.get(), timeout=5)
                except TimeoutError:
                    errors += 1
                    continue
                if data and data.get("uuid") == body["event_id"]:
                    samples.append((arrived - started) * 1000)
        elapsed = time.perf_counter() - started_all
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return _result(f"SSE fan-out, {clients} stream(s)", samples, elapsed, errors)


async def _dm_delivery(ctx: Context, alice: dict[str, Any], bob: dict[str, Any], group: str) -> Result:
    """Bob sends; time until Alice's stream carries the `message` event (DynamoDB stream -> ingest -> SSE)."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    timeout = httpx.Timeout(30, read=None)
    async with httpx.AsyncClient(base_url=ctx.gateway_url, timeout=timeout) as client:
        reader = asyncio.create_task(_stream(client, alice["headers"], queue))
        await asyncio.wait_for(queue.get(), timeout=60)
        samples: list[float] = []
        errors = 0
        started_all = time.perf_counter()
        for i in range(DM_ROUNDS):
            started = time.perf_counter()
            body = {"message": f"ping {i}", "message_group_uuid": group}
            (await client.post("/api/messages", json=body, headers=bob["headers"])).raise_for_status()
            try:
                while True:
                    event, data, arrived = await asyncio.wait_for(queue.get(), timeout=5)
                    if event == "message" and data["message"]["message"] == f"ping {i}":
                        samples.append((arrived - started) * 1000)
                        break
            except TimeoutError:
                errors += 1
        elapsed = time.perf_counter() - started_all
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    return _result("DM send -> recipient's SSE", samples, elapsed, errors)


def run(ctx: Context) -> list[Result]:
    """Seed, three wrk rounds over the HTTP scenarios, then the live-delivery scenarios."""
    alice, bob, group, other = _seed(ctx)
    auth = {"Authorization": alice["headers"]["authorization"]}
    gateway, direct = ctx.gateway_url, ctx.service_url("messaging")
    # sends go to another conversation and run last: moto's Query is linear in the partition (and a GSI
    # Query in the table), unlike DynamoDB's, so a growing table would slow the read scenarios down
    body = json.dumps({"message": "benchmarking", "message_group_uuid": other})
    scenarios = [
        ("list conversations (20)", "direct", f"{direct}/api/message_groups", "GET", None),
        ("list conversations (20)", "gateway", f"{gateway}/api/message_groups", "GET", None),
        ("read a conversation page (20)", "direct", f"{direct}/api/messages/{group}", "GET", None),
        ("read a conversation page (20)", "gateway", f"{gateway}/api/messages/{group}", "GET", None),
        ("send a message", "gateway", f"{gateway}/api/messages", "POST", body),
    ]
    results = [Result(area="messaging", name=name, target=target) for name, target, *_ in scenarios]
    reads, sends = results[:-1], results[-1:]
    for batch, batch_scenarios in ((reads, scenarios[:-1]), (sends, scenarios[-1:])):
        for round_no in range(RUNS):
            for result, (name, target, url, method, payload) in zip(batch, batch_scenarios, strict=True):
                result.runs.append(wrk(url, headers=auth, method=method, body=payload))
                log.info("round %d %s (%s): %.0f req/s", round_no + 1, name, target, result.runs[-1].rps)
    # Redis pub/sub for the notification workers (2 in the bench stack), so events reach streams on both.
    with redis_server() as redis_url, restarted(ctx.stack, "notification", env=_redis_env(redis_url)):
        started = time.monotonic()
        _drain(ctx, alice, bob, group)
        log.info("stream processor caught up %.1f s after the sends", time.monotonic() - started)
        for clients in FAN_OUT:
            results.append(asyncio.run(_fan_out(ctx, alice, bob, clients)))
            log.info("%s: p50 %.1f ms", results[-1].name, results[-1].p50_ms)
        results.append(asyncio.run(_dm_delivery(ctx, alice, bob, group)))
    return results


def _redis_env(url: str | None) -> dict[str, str]:
    if url is None:
        log.warning("no redis-server: live events reach only streams on the ingesting worker")
        return {}
    return {"REDIS_URL": url}
