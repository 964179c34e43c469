"""`make bench` / `python -m bench.run [area ...]`: start the bench stack, run every area, print the table.

Each area is a module `bench/<area>.py` with `run(ctx: Context) -> list[Result]` and, if it has targets,
`verdict(results) -> str` (printed after the table). Add yours to AREAS.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import time
from dataclasses import asdict, dataclass

from bench.harness import BENCH_DATA, Result, ensure_wrk, start_stack, table
from devstack.stack import LocalStack

# The benchmark areas, in order. Other areas append their module name here (e.g. "bench.messaging").
AREAS: list[str] = [
    "bench.cruds",
    "bench.ceiling",
    "bench.search",
    "bench.gateway",
    "bench.avatars",
    "bench.messaging",
    "bench.frontend",
    "bench.outbox",
    "bench.live",
    "bench.start",
]


@dataclass
class Context:
    """What an area gets: the running bench stack."""

    stack: LocalStack

    @property
    def gateway_url(self) -> str:
        """The gateway of the bench stack."""
        return self.stack.cfg.gateway_url

    def service_url(self, name: str) -> str:
        """A service's direct address."""
        from cruddur_common.registry import service

        return self.stack.cfg.service_url(service(name))


def main() -> None:
    """Run the selected (default: all) areas and print the results as a markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("areas", nargs="*", help="module names (default: every area in AREAS)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    ensure_wrk()
    stack = start_stack()
    results: list[Result] = []
    verdicts: list[str] = []
    try:
        ctx = Context(stack=stack)
        for name in args.areas or AREAS:
            module = importlib.import_module(name if name.startswith("bench.") else f"bench.{name}")
            area_results = module.run(ctx)
            results += area_results
            if hasattr(module, "verdict"):  # an area with targets states them against this run
                verdicts.append(module.verdict(area_results))
    finally:
        stack.stop()
    out = BENCH_DATA / f"results-{int(time.time())}.json"
    out.write_text(
        json.dumps(
            [asdict(r) | {"rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms} for r in results], indent=2
        )
    )
    print(table(results, cpu=("activity", "gateway", "edge", "ceiling", "postgres")))
    for text in filter(None, verdicts):
        print(f"\n{text}")
    print(f"\n(raw runs in {out})")


if __name__ == "__main__":
    main()
