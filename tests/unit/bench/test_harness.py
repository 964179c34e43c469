"""The bench harness reads wrk's output and reports medians."""

from __future__ import annotations

from bench.harness import Result, Run, parse_wrk, table

WRK = """Running 10s test @ http://127.0.0.1:28101/health
  2 threads and 32 connections
  Latency Distribution
     50%    4.72ms
     75%    6.10ms
     90%    8.00ms
     99%    1.20s
  59432 requests in 10.00s, 9.86MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:   5943.12
Transfer/sec:      0.99MB
"""


def test_parse_wrk() -> None:
    run = parse_wrk(WRK)
    assert (run.rps, run.p50_ms, run.p99_ms, run.errors, run.requests) == (5943.12, 4.72, 1200.0, 5, 59432)


def test_medians_and_table() -> None:
    result = Result(area="cruds", name="home", target="direct")
    result.runs = [Run(100, 5, 50, 0, cpu_ms={"activity": 1.0}), Run(300, 1, 10, 1), Run(200, 3, 30, 0)]
    assert (result.rps, result.p50_ms, result.p99_ms, result.errors) == (200, 3, 30, 1)
    assert "| cruds | home | direct | 200 | 3.0 | 30.0 | 1 | 1.00 |" in table([result], cpu=("activity",))


def _home_and_health(home_rps: list[float], health_rps: list[float], p99s: list[float]) -> list[Result]:
    health = Result(area="cruds", name="health (HTTP-only reference)", target="direct")
    health.runs = [Run(rps, 1, 5, 0) for rps in health_rps]
    home = Result(area="cruds", name="home, signed in", target="direct")
    home.runs = [Run(rps, 10, p99, 0) for rps, p99 in zip(home_rps, p99s, strict=True)]
    return [health, home]


def test_cruds_verdict_states_both_targets() -> None:
    from bench.cruds import verdict

    met = verdict(_home_and_health([2600, 2500, 2700], [10000, 10000, 10000], [40, 30, 70]))
    assert "p99 40.0 ms (runs 40.0, 30.0, 70.0; target <= 60 ms: met)" in met
    assert "= 26.0 % (per round 26.0, 25.0, 27.0 %; target >= 25 %: met)" in met
    missed = verdict(_home_and_health([2400, 2450, 2500], [10000, 10000, 10000], [61, 70, 30]))
    assert "target <= 60 ms: NOT met" in missed and "target >= 25 %: NOT met" in missed
    assert verdict([]) == ""
