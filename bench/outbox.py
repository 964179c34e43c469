"""Outbox lag under a mixed-write soak: `python -m bench.run outbox` (OUTBOX_SOAK_SECONDS, default 300).

32 connections through the gateway write without pause, round robin: a crud that mentions the reader, a
reply to the reader's crud (both queue notification events in activity's outbox), a follow and an
unfollow of the reader (author/follow projection events and a follow notification in user's outbox).
Meanwhile the age of the oldest pending event of both outboxes is sampled every 0.5 s; the target
(issue 12) is p99 < 5 s. After the load, the time both outboxes take to drain is measured too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import httpx

from bench.harness import CONNECTIONS, THREADS, Result, ensure_wrk, parse_wrk
from devstack import seed

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.outbox")
WRITER = seed.DemoUser("bench_writer", "Bench Writer", "bench-writer@example.com")
READER = seed.DemoUser("bench_reader", "Bench Reader", "bench-reader@example.com")
PASSWORD = "Bench-password-1"  # noqa: S105 - local bench stack only
SCENARIO = "mixed writes (mention, reply, follow, unfollow)"
TARGET_S = 5.0
_LAG = """
SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) AS oldest, count(*) AS pending
FROM (SELECT created_at FROM activity.outbox UNION ALL SELECT created_at FROM users.outbox) q
"""


@dataclass
class Samples:
    """Oldest pending age and pending count, sampled during the soak."""

    oldest_s: list[float] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    drain_s: float | None = None


_last: Samples | None = None


def _token(ctx: Context, user: seed.DemoUser) -> str:
    assert ctx.stack.aws is not None
    seed.sign_up(ctx.gateway_url, ctx.stack.aws.client_id, user, PASSWORD)
    token = seed.sign_in(ctx.gateway_url, ctx.stack.aws.client_id, user.email, PASSWORD)
    headers = {"authorization": f"Bearer {token}"}
    httpx.get(f"{ctx.gateway_url}/api/users/me", headers=headers, timeout=30).raise_for_status()
    return token


def _script(*, token: str, crud_uuid: str) -> str:
    """wrk Lua: each thread cycles through the four writes."""
    headers = f'{{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}'
    mention = json.dumps({"message": f"soak @{READER.handle}", "ttl": "1-hour"})
    reply = json.dumps({"message": "soak reply"})
    return f"""
local headers = {headers}
local requests = {{
  wrk.format("POST", "/api/activities", headers, [[{mention}]]),
  wrk.format("POST", "/api/activities/{crud_uuid}/reply", headers, [[{reply}]]),
  wrk.format("PUT", "/api/users/@{READER.handle}/follow", headers, nil),
  wrk.format("DELETE", "/api/users/@{READER.handle}/follow", headers, nil),
}}
local i = 0
request = function()
  i = i + 1
  return requests[(i % #requests) + 1]
end
"""


async def _sample(db_url: str, samples: Samples, stop: threading.Event) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        while not stop.is_set():
            row = await conn.fetchrow(_LAG)
            samples.oldest_s.append(float(row["oldest"]))
            samples.pending.append(int(row["pending"]))
            await asyncio.sleep(0.5)
        started = time.monotonic()
        while (await conn.fetchrow(_LAG))["pending"]:
            if time.monotonic() - started > 300:
                return
            await asyncio.sleep(0.1)
        samples.drain_s = time.monotonic() - started
    finally:
        await conn.close()


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else 0.0)


def verdict(results: list[Result]) -> str:
    """The soak's outbox lag against the target: oldest pending event under 5 s at p99."""
    if _last is None or not _last.oldest_s:
        return ""
    p99, worst = _p99(_last.oldest_s), max(_last.oldest_s)
    ok = "met" if p99 < TARGET_S else "NOT met"
    drain = (
        "did not drain in 300 s" if _last.drain_s is None else f"drained {_last.drain_s:.1f} s after the load"
    )
    return (
        f"outbox soak ({len(_last.oldest_s)} samples): oldest pending event p50 "
        f"{statistics.median(_last.oldest_s):.2f} s, p99 {p99:.2f} s, max {worst:.2f} s "
        f"(target p99 < {TARGET_S:.0f} s: {ok}); pending max {max(_last.pending)}; {drain}"
    )


def run(ctx: Context) -> list[Result]:
    """One soak of OUTBOX_SOAK_SECONDS (default 300) at 32 connections, with the lag sampled throughout."""
    global _last
    seconds = int(os.environ.get("OUTBOX_SOAK_SECONDS", "300"))
    writer, reader = _token(ctx, WRITER), _token(ctx, READER)
    crud = httpx.post(
        f"{ctx.gateway_url}/api/activities",
        json={"message": "reply to me", "ttl": "1-day"},
        headers={"authorization": f"Bearer {reader}"},
        timeout=30,
    )
    crud.raise_for_status()
    samples, stop = Samples(), threading.Event()
    sampler = threading.Thread(target=asyncio.run, args=(_sample(ctx.stack.cfg.db_url, samples, stop),))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_script(token=writer, crud_uuid=crud.json()["uuid"]))
    args = [ensure_wrk(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script.name]
    sampler.start()
    try:
        done = subprocess.run(
            [*args, ctx.gateway_url], capture_output=True, text=True, timeout=seconds + 120, check=True
        )
    finally:
        stop.set()
        sampler.join()
        Path(script.name).unlink(missing_ok=True)
    _last = samples
    result = Result(area="outbox", name=f"{SCENARIO}, {seconds} s soak", target="gateway")
    result.runs.append(parse_wrk(done.stdout))
    log.info("%s", verdict([result]))
    return [result]
