"""Search at scale (issue 19): common and less common words, wrk at 32 connections, direct.

Run it on the data set the issue names with `SCALE=10 python -m bench.run search` (the first run loads
the extra cruds: `make seed-large`'s scale option). Target: p99 <= 100 ms for common words. Each term's
window is cached for a few seconds (feeds/repository.py): the "never seen" scenarios show what a miss costs.
"""

from __future__ import annotations

import logging
import time
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
# two of them together in ~6 %, three in ~2 %. Each scenario rotates over several terms, so a cache of one
# hot key cannot carry it; its "never seen" twin adds ` -zz<n>` (NOT a word no crud has: the same matches,
# a term no process has seen), so every request pays for a cache miss.
TERMS = {
    "common word": [
        "latency", "cache", "coffee", "sunset", "deploy", "cloud",
        "river", "music", "queue", "stream", "review", "weekend",
    ],
    "two common words": [
        "latency cache", "coffee sunset", "deploy cloud", "river music", "queue stream", "review weekend"
    ],
    "three words": [
        "sunset coffee weekend", "latency cache deploy", "cloud river music", "queue stream review"
    ],
}  # fmt: skip
_LUA = """
local terms = {%(terms)s}
local fresh = %(fresh)s
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
local n = 0
request = function()
  n = n + 1
  local term = terms[(n %% #terms) + 1]
  if fresh then term = term .. "%%20-zz%(run)s" .. id .. "x" .. n end
  return wrk.format(nil, "/api/activities/search?term=" .. term)
end
"""


def _lua(terms: list[str], *, fresh: bool) -> str:
    """A wrk `request` function that cycles through `terms` (each made new per request when `fresh`)."""
    quoted = ", ".join(f'"{quote(t)}"' for t in terms)
    return _LUA % {"terms": quoted, "fresh": "true" if fresh else "false", "run": time.monotonic_ns()}


def verdict(results: list[Result]) -> str:
    """p99 of the common-word scenarios against the target."""
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
    """RUNS interleaved rounds over the scenarios, signed out, direct to the activity service."""
    prepare(ctx)
    scale = scale_from_env()
    direct = ctx.service_url("activity")
    pids = watched_pids(ctx.stack)
    watch: dict[str, int] = {n: pids[n] for n in ("activity", "postgres") if n in pids}
    scenarios = [
        (f"search, {name}, {len(terms)} terms{', never seen' if fresh else ''} (scale {scale})", terms, fresh)
        for name, terms in TERMS.items()
        for fresh in (False, True)
    ]
    results = [Result(area="search", name=name, target="direct") for name, _, _ in scenarios]
    for round_no in range(RUNS):
        for result, (name, terms, fresh) in zip(results, scenarios, strict=True):
            result.runs.append(wrk(f"{direct}/", watch=watch, lua=_lua(terms, fresh=fresh)))
            log.info("round %d %s: %.0f req/s", round_no + 1, name, result.runs[-1].rps)
    return results
