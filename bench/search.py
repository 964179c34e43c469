"""Search at scale (issue 19): common and less common words, wrk at 32 connections, direct.

Run it on the data set the issue names with `SCALE=10 python -m bench.run search` (the first run loads
the extra cruds: `make seed-large`'s scale option). Target: p99 <= 100 ms for common words.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from bench.cruds import prepare
from bench.harness import RUNS, Result, watched_pids, wrk
from devstack.seed_large import scale_from_env

if TYPE_CHECKING:
    from bench.run import Context

log = logging.getLogger("bench.search")
P99_TARGET_MS = 100.0
# In the synthetic corpus (devstack/seed_large.py WORDS): one word of 48 is in ~23 % of cruds and replies,
# two of them together in ~6 %, three in ~2 %.
TERMS = {
    "common word": "latency",
    "two common words": "latency cache",
    "three words": "sunset coffee weekend",
}


def verdict(results: list[Result]) -> str:
    """p99 of the common-word scenario against the target."""
    lines = []
    for r in results:
        if r.name.startswith("search, common word"):
            met = "met" if r.p99_ms <= P99_TARGET_MS else "NOT met"
            runs = ", ".join(f"{run.p99_ms:.0f}" for run in r.runs)
            lines.append(
                f"{r.name}: p99 {r.p99_ms:.1f} ms (runs {runs}; target <= {P99_TARGET_MS:.0f} ms: {met})"
            )
    return "\n".join(lines)


def run(ctx: Context) -> list[Result]:
    """RUNS interleaved rounds over the terms, signed out, direct to the activity service."""
    prepare(ctx)
    scale = scale_from_env()
    direct = ctx.service_url("activity")
    pids = watched_pids(ctx.stack)
    watch: dict[str, int] = {n: pids[n] for n in ("activity", "postgres") if n in pids}
    scenarios = [
        (f"search, {name} ({term!r}, scale {scale})", f"{direct}/api/activities/search?term={quote(term)}")
        for name, term in TERMS.items()
    ]
    results = [Result(area="search", name=name, target="direct") for name, _ in scenarios]
    for round_no in range(RUNS):
        for result, (name, url) in zip(results, scenarios, strict=True):
            result.runs.append(wrk(url, watch=watch))
            log.info("round %d %s: %.0f req/s", round_no + 1, name, result.runs[-1].rps)
    return results
