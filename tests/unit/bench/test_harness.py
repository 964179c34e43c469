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


def test_ratio_line_states_medians_rounds_and_target() -> None:
    from bench.harness import Run, ratio_line

    def runs(*rps: float) -> list[Run]:
        return [Run(rps=r, p50_ms=1, p99_ms=2, errors=0) for r in rps]

    line = ratio_line("home: gateway / direct", (runs(80, 90, 100), runs(100, 100, 100)), target=0.8)
    assert line == (
        "home: gateway / direct 0.90x of the medians (rounds 0.80, 0.90, 1.00; "
        "median of rounds 0.90x; target >= 0.80x: met)"
    )
    assert "NOT met" in ratio_line("x", (runs(70, 70, 70), runs(100, 100, 100)), target=0.8)
    assert "target" not in ratio_line("x", (runs(70, 70, 70), runs(100, 100, 100)))


def test_gateway_and_ceiling_verdicts_use_their_targets() -> None:
    from bench import ceiling, gateway
    from bench.harness import Result, Run

    def result(name: str, target: str, rps: float) -> Result:
        return Result(area="a", name=name, target=target, runs=[Run(rps=rps, p50_ms=1, p99_ms=2, errors=0)])

    text = gateway.verdict([result(gateway.HOME, "direct", 100), result(gateway.HOME, "gateway", 85)])
    assert "home, signed in: gateway / direct 0.85x" in text and "target >= 0.80x: met" in text
    text = ceiling.verdict(
        [result("global feed, signed out", "direct", 95), result("global feed, signed out", "ceiling", 100)]
    )
    assert "product / ceiling 0.95x" in text and "target >= 1.00x: NOT met" in text
