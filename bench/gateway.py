"""The local gateway's own cost: the same cheap endpoint direct and through the gateway (ALB stand-in)."""

from __future__ import annotations

from typing import Any

from bench.harness import RUNS, Result, watched_pids, wrk

PATH = "/api/activities/trending"


def run(ctx: Any) -> list[Result]:
    """Interleaved runs; the gateway's CPU per proxied request is the figure that matters here."""
    watch = {k: v for k, v in watched_pids(ctx.stack).items() if k in ("gateway", "activity")}
    direct = Result(area="gateway", name=f"GET {PATH} direct", target="reference")
    proxied = Result(area="gateway", name=f"GET {PATH} via gateway", target="gateway CPU/req (see column)")
    for _ in range(RUNS):
        direct.runs.append(wrk(ctx.service_url("activity") + PATH, watch=watch))
        proxied.runs.append(wrk(ctx.gateway_url + PATH, watch=watch))
    return [direct, proxied]
