"""The product against its ceiling: home (signed in) and the global feed (signed out), interleaved.

The ceiling is `bench/ceiling_app.py`, a bare Starlette + asyncpg + orjson app serving the same 20-row
pages from the same Postgres, started beside the product with the same number of workers. Each round runs
product then ceiling for each feed, so both see the same machine; the verdict prints product / ceiling per
round and of the medians (`BENCH_ROUNDS`, default 5: the machine is shared, single rounds swing).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from bench import ceiling_app
from bench.cruds import prepare
from bench.harness import Result, ratio_line, watched_pids, wrk

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.ceiling")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# issue 19's targets, as product / ceiling of the median req/s
TARGETS = {"global feed, signed out": 1.0, "home, signed in": 0.95}


def verdict(results: list[Result]) -> str:
    """Product / ceiling for each feed: of the medians, per round, and against issue 19's target."""
    lines = []
    for name, target in TARGETS.items():
        by_target = {r.target: r for r in results if r.name == name}
        product, ceiling = by_target.get("direct"), by_target.get("ceiling")
        if product is None or ceiling is None or not product.runs:
            continue
        lines.append(ratio_line(f"{name}: product / ceiling", (product.runs, ceiling.runs), target=target))
    return "\n".join(lines)


def run(ctx: Context) -> list[Result]:
    """Start the ceiling, then ROUNDS interleaved rounds of home and the global feed against it."""
    token, reader_uuid = prepare(ctx)
    ceiling = ceiling_app.start(ctx.stack)
    direct = ctx.service_url("activity")
    auth = {"Authorization": f"Bearer {token}"}
    scenarios = [
        ("home, signed in", "direct", f"{direct}/api/activities/home", auth),
        ("home, signed in", "ceiling", f"{ceiling}/home/{reader_uuid}", {}),
        ("global feed, signed out", "direct", f"{direct}/api/activities/home", {}),
        ("global feed, signed out", "ceiling", f"{ceiling}/global", {}),
    ]
    pids = watched_pids(ctx.stack)
    watch: dict[str, int] = {n: pids[n] for n in ("activity", "ceiling", "postgres") if n in pids}
    for _, _, url, headers in scenarios:  # warm-up: every worker prepares its statements
        wrk(url, headers=headers, duration=2)
    results = [Result(area="ceiling", name=name, target=target) for name, target, *_ in scenarios]
    for round_no in range(ROUNDS):
        for result, (name, target, url, headers) in zip(results, scenarios, strict=True):
            result.runs.append(wrk(url, headers=headers, watch=watch))
            log.info("round %d %s (%s): %.0f req/s", round_no + 1, name, target, result.runs[-1].rps)
    return results
