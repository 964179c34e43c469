"""The local edge's own cost: the same requests direct and through the gateway (ALB stand-in), interleaved.

Two scenarios: the signed-in home feed (issue 19, target 4: through the gateway >= 0.8x direct) and a
cheap cached endpoint (trending), where the proxy hop is most of the work. Each round runs direct, then
through the gateway's public port, then (when the edge, nginx, is in front: devstack/edge.py) through the
Python gateway's own port behind it, which proxies the API as it did alone; so all three see the same
machine. The verdict prints each / direct per round and of the medians (`BENCH_ROUNDS`, default 5). CPU
columns are per request: `gateway` the Python gateway's process, `edge` nginx's master and workers.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from bench.cruds import prepare
from bench.harness import Result, ratio_line, watched_pids, wrk

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.gateway")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
HOME = "home, signed in"
TRENDING = "GET /api/activities/trending"
# issue 19, target 4: gateway / direct of the median req/s
TARGETS = {HOME: 0.8}
PYTHON_GATEWAY = "python gateway (behind the edge)"


def verdict(results: list[Result]) -> str:
    """Gateway / direct for each scenario: of the medians, per round, and against issue 19's target."""
    lines = []
    for name in (HOME, TRENDING):
        by_target = {r.target: r for r in results if r.name == name}
        direct = by_target.get("direct")
        for via in ("gateway", PYTHON_GATEWAY):
            proxied = by_target.get(via)
            if direct is None or proxied is None or not direct.runs:
                continue
            target = TARGETS.get(name) if via == "gateway" else None
            lines.append(ratio_line(f"{name}: {via} / direct", (proxied.runs, direct.runs), target=target))
    return "\n".join(lines)


def run(ctx: Context) -> list[Result]:
    """The reader signed in (large data set loaded), a warm-up, then ROUNDS interleaved rounds."""
    token, _ = prepare(ctx)
    auth = {"Authorization": f"Bearer {token}"}
    pids = watched_pids(ctx.stack)
    bases = {"direct": ctx.service_url("activity"), "gateway": ctx.gateway_url}
    if "edge" in pids:
        bases[PYTHON_GATEWAY] = f"http://127.0.0.1:{ctx.stack.cfg.gateway_app_port}"
    paths: tuple[tuple[str, str, dict[str, str]], ...] = (
        (HOME, "/api/activities/home", auth),
        (TRENDING, "/api/activities/trending", {}),
    )
    scenarios = [
        (name, via, f"{base}{path}", headers) for name, path, headers in paths for via, base in bases.items()
    ]
    watch: dict[str, int] = {n: pids[n] for n in ("activity", "gateway", "edge", "postgres") if n in pids}
    for _, _, url, headers in scenarios:  # warm-up: every worker prepares its statements, pools fill
        wrk(url, headers=headers, duration=2)
    results = [Result(area="gateway", name=name, target=target) for name, target, *_ in scenarios]
    for round_no in range(ROUNDS):
        for result, (name, target, url, headers) in zip(results, scenarios, strict=True):
            result.runs.append(wrk(url, headers=headers, watch=watch))
            log.info("round %d %s (%s): %.0f req/s", round_no + 1, name, target, result.runs[-1].rps)
    return results
