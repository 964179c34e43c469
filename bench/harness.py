"""Shared bench plumbing: a dedicated stack (2 workers per service), wrk runs, medians, result tables."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cruddur_common.rate_limits import ACTIONS
from cruddur_common.registry import service
from devstack import config as c
from devstack import processes
from devstack.stack import LocalStack

BENCH_DATA = c.ROOT / ".bench-data"
CONNECTIONS = 32
THREADS = 2
DURATION_S = 10
RUNS = 3


# The benchmarks write as one or two users on purpose: the per-user and sign-up limits are raised out of
# reach, not switched off, so the numbers include the limiter's cost (docs/rate-limits.md).
UNREACHABLE_LIMITS = {
    "SIGNUP_LIMIT": "100000/second",
    **{f"RATE_LIMIT_{action.upper()}": "100000/second" for action in ACTIONS},
}


def _shift() -> int:
    return int(os.environ.get("BENCH_SLOT", "0")) * 200


def bench_config() -> c.StackConfig:
    """Its own ports and data dir (.bench-data), 2 uvicorn workers per service, no demo seed.

    BENCH_SLOT=N (0-9) shifts every port by N*200, as CRUDDUR_TEST_SLOT does for tests, so two checkouts
    can each run a bench stack (their .bench-data dirs are already apart).
    """
    shift = _shift()
    return c.StackConfig(
        gateway_port=28080 + shift,
        port_offset=20000 + shift,
        moto_port=24566 + shift,
        pg_port=25433 + shift,
        data_dir=BENCH_DATA,
        seed_demo=False,
        workers_per_service=2,
        extra_env={"LOG_LEVEL": "WARNING", **UNREACHABLE_LIMITS},
    )


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)  # package lists
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and `apt-get install -y wrk` did not provide it")
    return found


@dataclass
class Run:
    """One wrk run; `cpu_ms` is CPU time per request of watched process trees (contention-robust)."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)


def process_tree(root: int) -> dict[int, float]:
    """A process and all its descendants (Linux /proc): pid -> user + system CPU seconds so far."""
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return {pid: seconds[pid] for pid in tree if pid in seconds}


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants."""
    return sum(process_tree(root).values())


def ratio_line(label: str, runs: tuple[list[Run], list[Run]], *, target: float | None = None) -> str:
    """`label A.AAx of the medians (rounds …; median of rounds …)`: req/s of one scenario over another's,
    run in the same interleaved rounds, with the verdict against `target` when there is one."""
    top, bottom = runs
    ratio = statistics.median(r.rps for r in top) / statistics.median(r.rps for r in bottom)
    rounds = [a.rps / b.rps for a, b in zip(top, bottom, strict=True)]
    goal = f"; target >= {target:.2f}x: {'met' if ratio >= target else 'NOT met'}" if target else ""
    return (
        f"{label} {ratio:.2f}x of the medians (rounds {', '.join(f'{r:.2f}' for r in rounds)}; "
        f"median of rounds {statistics.median(rounds):.2f}x{goal})"
    )


@dataclass
class Result:
    """A scenario's medians over its runs."""

    area: str
    name: str
    target: str
    runs: list[Run] = field(default_factory=list)

    @property
    def rps(self) -> float:
        """Median requests per second."""
        return statistics.median(r.rps for r in self.runs)

    @property
    def p50_ms(self) -> float:
        """Median of the runs' p50 latencies."""
        return statistics.median(r.p50_ms for r in self.runs)

    @property
    def p99_ms(self) -> float:
        """Median of the runs' p99 latencies."""
        return statistics.median(r.p99_ms for r in self.runs)

    def cpu_ms(self, name: str) -> float | None:
        """Median CPU ms per request of a watched process tree."""
        values = [r.cpu_ms[name] for r in self.runs if name in r.cpu_ms]
        return statistics.median(values) if values else None

    @property
    def errors(self) -> int:
        """Non-2xx/3xx responses and socket errors over all runs."""
        return sum(r.errors for r in self.runs)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Run:
    """Requests/s, p50, p99 and errors from `wrk --latency` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return Run(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors, requests=requests)


def wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
    duration: int = DURATION_S,
    connections: int = CONNECTIONS,
    watch: dict[str, int] | None = None,
    lua: str | None = None,
) -> Run:
    """One wrk run (2 threads, `connections` connections, --latency); CPU per request of `watch` trees.

    `lua` is added to wrk's script (e.g. a `request` function that varies the path).
    """
    args = [ensure_wrk(), f"-t{THREADS}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if method != "GET" or body is not None:
            script.write(f'wrk.method = "{method}"\n')
            if body is not None:
                script.write(f"wrk.body = [[{body}]]\n")
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
        if lua is not None:
            script.write(lua)
        path = Path(script.name)
    try:
        args += ["-s", str(path), url]
        for attempt in (1, 2):  # one retry: wrk exits 1 on a connect error right after the previous run
            before = {name: tree_cpu_seconds(pid) for name, pid in (watch or {}).items()}
            done = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)
            after = {name: tree_cpu_seconds(pid) for name, pid in (watch or {}).items()}
            if done.returncode == 0:
                break
            if attempt == 2:
                raise RuntimeError(f"wrk failed ({done.returncode}) on {url}: {done.stderr or done.stdout}")
            time.sleep(2)
        output = done.stdout
    finally:
        path.unlink(missing_ok=True)
    run = parse_wrk(output)
    if run.requests:
        run.cpu_ms = {name: (after[name] - before[name]) * 1000 / run.requests for name in before}
    return run


def table(results: list[Result], *, cpu: tuple[str, ...] = ()) -> str:
    """A markdown table of the medians (plus CPU ms per request of the watched process trees)."""
    lines = [
        "| area | scenario | target | req/s (median) | p50 ms | p99 ms | errors |"
        + "".join(f" {n} CPU ms/req |" for n in cpu),
        "|---|---|---|---:|---:|---:|---:|" + "---:|" * len(cpu),
    ]
    for r in results:
        figures = f"{r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} |"
        for name in cpu:
            value = r.cpu_ms(name)
            figures += f" {value:.2f} |" if value is not None else " - |"
        lines.append(f"| {r.area} | {r.name} | {r.target} | {figures}")
    return "\n".join(lines)


def watched_pids(stack: LocalStack) -> dict[str, int]:
    """Root pids of the service process groups, the gateway and the Postgres server."""
    pids = {child.name: child.proc.pid for child in stack.children if child.proc is not None}
    postmaster = stack.cfg.data_dir / "postgres" / "postmaster.pid"
    if postmaster.exists():
        pids["postgres"] = int(postmaster.read_text().split()[0])
    return pids


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """devstack's throwaway `redis-server` for the bench stack; yields its URL, None when it is not installed.

    `make bench` installs it (scripts/bootstrap.sh `redis`); its port moves with BENCH_SLOT like the rest.
    """
    if shutil.which("redis-server") is None:
        yield None
        return
    with processes.redis_server(26390 + _shift(), BENCH_DATA) as url:
        yield url


@contextlib.contextmanager
def restarted(
    stack: LocalStack, name: str, *, workers: int | None = None, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Service `name` restarted with `workers` uvicorn workers and `env` added, left unsupervised while the
    body runs; yields the pid of its top process once it is ready, and puts it back as it was after."""
    child = next(c for c in stack.children if c.name == name)
    entry = service(name)
    args, original_env = list(child.args), dict(child.env)
    if workers is not None:
        at = args.index("--workers") + 1
        args = [*args[:at], str(workers), *args[at + 1 :]]

    def restart(with_args: list[str], with_env: dict[str, str]) -> None:
        child.stop()
        child.args, child.env = with_args, with_env
        child.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(stack.cfg.service_url(entry) + entry.ready_path, timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not come back:\n{child.tail()}")

    original_args = list(child.args)
    with stack.unsupervised(name):
        try:
            restart(args, original_env | (env or {}))
            assert child.proc is not None
            yield child.proc.pid
        finally:
            try:
                restart(original_args, original_env)
            finally:  # even when it did not come back: the supervisor restarts it as it was
                child.args, child.env = original_args, original_env


def start_stack() -> LocalStack:
    """The bench stack (data kept in .bench-data so the large data set is loaded once)."""
    stack = LocalStack(bench_config())
    stack.start()
    return stack
