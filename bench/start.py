"""Warm start: `make run`'s own code (`python -m devstack run`) to its "Ctrl-C stops everything" line.

A stack of its own (`.bench-data/start`, every port shifted by START_SHIFT), started cold once so the data,
moto's state and the demo seed are in place, then RUNS warm starts with nothing changed. Each run reports
the wall time to the banner and the CPU seconds each process had used by then (from /proc): on two
shared cores the sum of the CPU, not the clock, is what a change moves.

`make run` also runs `make install` and `make spa` first; with nothing changed each is a stamp check,
timed here too (`prerequisites`).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import BENCH_DATA, RUNS, Result, Run, process_tree
from devstack import config as c

DATA_DIR = BENCH_DATA / "start"
# Clear of the bench stack (+20000 .. +21800) and the test slots (+10000 .. +11800), and below Linux's
# ephemeral ports (32768+), where an outgoing connection could hold a port before its server binds it.
START_SHIFT = 22000 + int(os.environ.get("BENCH_SLOT", "0")) * 200
BANNER = "Ctrl-C stops everything"
TIMEOUT_S = 300
TARGET_S = 10.0
# Figures of the last run() besides its warm starts: the cold start and `make install spa`, in seconds.
_extra: dict[str, float] = {}


def _descendants(root: int) -> dict[int, tuple[str, float]]:
    """Every process under `root` (itself included): pid -> (what it runs, CPU seconds so far)."""
    found: dict[int, tuple[str, float]] = {}
    for pid, seconds in process_tree(root).items():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:  # ended meanwhile
            continue
        found[pid] = (_label(argv, comm), seconds)
    return found


def _label(argv: list[bytes], comm: str = "") -> str:
    """A short name for a process: its module (`-m x`), the uvicorn app's package, or its program.

    A child forked by the zygote has the zygote's command line; the name it was given (`comm`) tells it apart.
    """
    words = [a.decode(errors="replace") for a in argv if a]
    if "devstack.zygote" in words and comm and not comm.startswith("python"):
        return f"{comm} (forked)"
    for word in words:
        if word.endswith(".main:create_app"):
            return word.split(".", 1)[0]
    for i, word in enumerate(words):
        if word == "-m" and i + 1 < len(words):
            module = words[i + 1]
            return "devstack (parent)" if module == "devstack" else module.rsplit(".", 1)[-1]
    return Path(words[0]).name if words else "?"


def start_once() -> tuple[float, dict[str, float]]:
    """One start to the banner: wall seconds and CPU seconds by process label; the stack is stopped after."""
    # As a newcomer's shell has it: no URL that replaces an embedded part (the bench stack's own start put
    # DATABASE_URL in this process's environment), no port of another stack.
    replaced = {"DATABASE_URL", "AWS_ENDPOINT_URL", "REDIS_URL", "CRUDDUR_PORT"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in replaced},
        "CRUDDUR_PORT_SHIFT": str(START_SHIFT),
        "CRUDDUR_DATA_DIR": str(DATA_DIR),
        "PYTHONUNBUFFERED": "1",
    }
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack", "run"],
        cwd=c.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if BANNER in line:
                break
            if time.monotonic() - began > TIMEOUT_S:
                raise RuntimeError(f"no banner after {TIMEOUT_S}s:\n{''.join(seen[-30:])}")
        else:
            raise RuntimeError(f"devstack run ended before its banner:\n{''.join(seen[-30:])}")
        wall = time.monotonic() - began
        cpu: dict[str, float] = {}
        for label, seconds in _descendants(proc.pid).values():
            cpu[label] = cpu.get(label, 0.0) + seconds
        return wall, cpu
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def prerequisites() -> float:
    """`make install spa` with nothing changed (what `make run` does before its own code)."""
    began = time.monotonic()
    subprocess.run(["make", "-s", "install", "spa"], cwd=c.ROOT, check=True, capture_output=True)
    return time.monotonic() - began


def run(ctx: Any) -> list[Result]:
    """A cold start (not counted), then RUNS warm starts; one Result whose runs carry seconds, not req/s."""
    del ctx  # its own stack: the bench stack is up beside it, idle
    cold, _ = start_once()
    result = Result(area="start", name="warm start of `make run`'s stack", target=f"<= {TARGET_S:.0f} s")
    _extra.update(cold_s=cold, prerequisites_s=prerequisites())
    for _ in range(RUNS):
        wall, cpu = start_once()
        result.runs.append(Run(rps=0.0, p50_ms=wall * 1000, p99_ms=wall * 1000, errors=0, cpu_ms=cpu))
    return [result]


def verdict(results: list[Result]) -> str:
    """Median wall to the banner, the make prerequisites, and where the CPU went (median per process)."""
    (result,) = results
    walls = [r.p50_ms / 1000 for r in result.runs]
    labels = sorted({label for r in result.runs for label in r.cpu_ms})
    cpu = {label: statistics.median(r.cpu_ms.get(label, 0.0) for r in result.runs) for label in labels}
    stack_s = statistics.median(walls)
    total_s = stack_s + _extra.get("prerequisites_s", 0.0)
    lines = [
        f"Warm start: {total_s:.1f} s median ({stack_s:.1f} s stack to banner, runs "
        + ", ".join(f"{w:.1f}" for w in walls)
        + f"; `make install spa` {_extra.get('prerequisites_s', 0.0):.1f} s; cold start "
        + f"{_extra.get('cold_s', 0.0):.1f} s), target <= {TARGET_S:.0f} s: "
        + ("met" if total_s <= TARGET_S else "NOT met"),
        f"CPU seconds by process at the banner (median; {sum(cpu.values()):.1f} s in all, load average "
        + f"{os.getloadavg()[0]:.1f}):",
    ]
    lines += [f"  {label:<28} {seconds:5.2f}" for label, seconds in sorted(cpu.items(), key=lambda x: -x[1])]
    return "\n".join(lines)
