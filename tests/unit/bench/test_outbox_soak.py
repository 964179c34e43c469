"""The outbox soak's wrk script and verdict (the run needs the bench stack: `python -m bench.run outbox`)."""

from __future__ import annotations

import pytest

from bench import outbox


def test_the_script_cycles_through_the_four_writes() -> None:
    script = outbox._script(token="tok", crud_uuid="c-1")
    for line in (
        'wrk.format("POST", "/api/activities"',
        'wrk.format("POST", "/api/activities/c-1/reply"',
        f'wrk.format("PUT", "/api/users/@{outbox.READER.handle}/follow"',
        f'wrk.format("DELETE", "/api/users/@{outbox.READER.handle}/follow"',
    ):
        assert line in script
    assert "Bearer tok" in script and f"@{outbox.READER.handle}" in script


def test_the_verdict_states_p99_against_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = outbox.Samples(oldest_s=[0.1] * 98 + [6.0, 7.0], pending=[3, 40], drain_s=1.25)
    monkeypatch.setattr(outbox, "_last", samples)
    text = outbox.verdict([])
    assert "NOT met" in text and "max 7.00 s" in text and "pending max 40" in text and "drained 1.2" in text
    monkeypatch.setattr(outbox, "_last", outbox.Samples(oldest_s=[0.2, 0.3], pending=[1, 2]))
    assert "target p99 < 5 s: met" in outbox.verdict([]) and "did not drain" in outbox.verdict([])
