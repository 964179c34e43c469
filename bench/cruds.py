"""Cruds benchmarks: home (signed in), explore, user page, crud page and posting, via gateway and direct.

The activity service's own /health in the same run is the HTTP-only reference.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

import asyncpg
import httpx

from bench.harness import RUNS, Result, watched_pids, wrk
from devstack import seed
from devstack.seed_large import Plan, load, scale_from_env, vacuum

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.cruds")
READER = seed.DemoUser("bench_reader", "Bench Reader", "bench-reader@example.com")
POSTER = seed.DemoUser("bench_poster", "Bench Poster", "bench-poster@example.com")
PASSWORD = "Bench-password-1"  # noqa: S105 - local bench stack only


def _user(ctx: Context, user: seed.DemoUser) -> tuple[str, str]:
    """Sign a bench user up (once) and in; make sure both services know them. Returns (token, uuid)."""
    assert ctx.stack.aws is not None
    client_id = ctx.stack.aws.client_id
    seed.sign_up(ctx.gateway_url, client_id, user, PASSWORD)
    token = seed.sign_in(ctx.gateway_url, client_id, user.email, PASSWORD)
    headers = {"authorization": f"Bearer {token}"}
    me = httpx.get(f"{ctx.gateway_url}/api/users/me", headers=headers, timeout=30)
    me.raise_for_status()
    httpx.get(f"{ctx.gateway_url}/api/activities/home", headers=headers, timeout=30).raise_for_status()
    return token, me.json()["uuid"]


async def _targets(db_url: str) -> tuple[str, str, str]:
    """A busy user's handle and a live crud with replies (its author's handle and uuid)."""
    conn = await asyncpg.connect(db_url, server_settings={"search_path": "activity"})
    try:
        handle = await conn.fetchval(
            "SELECT au.handle FROM activities a JOIN authors au ON au.uuid = a.user_uuid "
            "WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now() AND au.handle LIKE 'user%' "
            "GROUP BY au.handle ORDER BY count(*) DESC LIMIT 1"
        )
        row = await conn.fetchrow(
            "SELECT au.handle, a.uuid FROM activities a JOIN authors au ON au.uuid = a.user_uuid "
            "WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now() AND a.replies_count >= 3 "
            "AND au.handle LIKE 'user%' "
            "ORDER BY a.created_at DESC LIMIT 1"
        )
        return handle, row["handle"], str(row["uuid"])
    finally:
        await conn.close()


async def _purge(db_url: str) -> int:
    """The activity service's own purge, on the bench database."""
    from activity_service.db import create_pool
    from activity_service.purge import purge_expired
    from activity_service.settings import Settings

    pool = await create_pool(Settings(database_url=db_url))
    try:
        purged: int = await purge_expired(pool, batch_size=5000)
        return purged
    finally:
        await pool.close()


P99_TARGET_MS = 60.0
SHARE_TARGET = 0.25


def verdict(results: list[Result]) -> str:
    """The home feed's targets (#3) in this run: p99 at 32 connections, req/s as a share of /health."""
    by_key = {(r.name, r.target): r for r in results}
    health = by_key.get(("health (HTTP-only reference)", "direct"))
    home = by_key.get(("home, signed in", "direct"))
    if health is None or home is None or not health.runs:
        return ""
    rounds = ", ".join(f"{100 * m.rps / h.rps:.1f}" for h, m in zip(health.runs, home.runs, strict=True))
    share = home.rps / health.rps
    p99s = ", ".join(f"{m.p99_ms:.1f}" for m in home.runs)
    p99_ok = "met" if home.p99_ms <= P99_TARGET_MS else "NOT met"
    share_ok = "met" if share >= SHARE_TARGET else "NOT met"
    return (
        f"home, signed in, direct: p99 {home.p99_ms:.1f} ms (runs {p99s}; "
        f"target <= {P99_TARGET_MS:.0f} ms: {p99_ok})\n"
        f"home, signed in, direct: {home.rps:,.0f} / {health.rps:,.0f} req/s of /health "
        f"= {100 * share:.1f} % (per round {rounds} %; target >= {100 * SHARE_TARGET:.0f} %: {share_ok})"
    )


def prepare(ctx: Context) -> tuple[str, str]:
    """The reader signed in, the large data set loaded, expired cruds purged, vacuumed: (token, uuid)."""
    token, reader_uuid = _user(ctx, READER)
    db_url = ctx.stack.cfg.db_url
    plan = Plan(scale=scale_from_env(), readers=[{"uuid": reader_uuid}])  # SCALE=10: ten times the cruds
    if asyncio.run(load(db_url, plan)):
        log.info("loaded the large data set")
    # Earlier runs' "post a crud" scenario leaves ~30k one-hour cruds per run; once expired they sit at the
    # top of explore's index until purged (in AWS the scheduled purge does this), so purge them first.
    log.info("purged %d expired cruds", asyncio.run(_purge(db_url)))
    asyncio.run(vacuum(db_url))  # fresh visibility map: the feed scans stay index-only
    return token, reader_uuid


def run(ctx: Context) -> list[Result]:
    """Seed if needed, then three rounds over every scenario (medians reported)."""
    token, _ = prepare(ctx)
    poster_token, _ = _user(ctx, POSTER)  # posts go elsewhere than the reader's own feed
    user_handle, crud_handle, crud_uuid = asyncio.run(_targets(ctx.stack.cfg.db_url))
    auth = {"Authorization": f"Bearer {token}"}
    poster = {"Authorization": f"Bearer {poster_token}"}
    gateway, direct = ctx.gateway_url, ctx.service_url("activity")
    body = json.dumps({"message": "benchmarking #cruddur", "ttl": "1-hour"})
    scenarios = [
        ("health (HTTP-only reference)", "direct", f"{direct}/health", {}, "GET", None),
        ("home, signed in", "direct", f"{direct}/api/activities/home", auth, "GET", None),
        ("home, signed in", "gateway", f"{gateway}/api/activities/home", auth, "GET", None),
        ("explore, signed in", "direct", f"{direct}/api/activities/explore", auth, "GET", None),
        ("explore, signed in", "gateway", f"{gateway}/api/activities/explore", auth, "GET", None),
        ("user page", "direct", f"{direct}/api/activities/@{user_handle}", {}, "GET", None),
        ("user page", "gateway", f"{gateway}/api/activities/@{user_handle}", {}, "GET", None),
        (
            "crud page",
            "direct",
            f"{direct}/api/activities/@{crud_handle}/status/{crud_uuid}",
            {},
            "GET",
            None,
        ),
        (
            "crud page",
            "gateway",
            f"{gateway}/api/activities/@{crud_handle}/status/{crud_uuid}",
            {},
            "GET",
            None,
        ),
        ("post a crud", "direct", f"{direct}/api/activities", poster, "POST", body),
        ("post a crud", "gateway", f"{gateway}/api/activities", poster, "POST", body),
    ]
    results = [Result(area="cruds", name=name, target=target) for name, target, *_ in scenarios]
    pids = watched_pids(ctx.stack)
    watch: dict[str, int] = {name: pids[name] for name in ("activity", "gateway", "postgres") if name in pids}
    for round_no in range(RUNS):
        for result, (name, target, url, headers, method, payload) in zip(results, scenarios, strict=True):
            result.runs.append(wrk(url, headers=headers, method=method, body=payload, watch=watch))
            log.info("round %d %s (%s): %.0f req/s", round_no + 1, name, target, result.runs[-1].rps)
    return results
