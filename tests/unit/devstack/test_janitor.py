"""The janitor is part of `make run` and not of the test stack, and one failing job stops no other."""

from __future__ import annotations

import logging

import pytest

from devstack import janitor
from devstack.config import StackConfig
from messaging_service.settings import Settings


def test_make_run_starts_the_janitor_and_the_test_stack_does_not() -> None:
    assert StackConfig.for_run().janitor is True
    assert StackConfig.for_tests().janitor is False


async def test_a_failing_job_is_logged_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def job(name: str, result: int | None) -> janitor.Job:
        async def run(settings: Settings) -> int:
            ran.append(name)
            if result is None:
                raise ConnectionError("moto is restarting")
            return result

        return run

    jobs = {
        "cruds": job("cruds", 3),
        "messages": job("messages", None),
        "notifications": job("notifications", 1),
    }
    monkeypatch.setattr(janitor, "JOBS", jobs)
    with caplog.at_level(logging.INFO, logger="devstack.janitor"):
        counts = await janitor.run_once(Settings())
    assert ran == ["cruds", "messages", "notifications"], "in order, none skipped"
    assert counts == {"cruds": 3, "messages": None, "notifications": 1}
    assert "janitor job messages failed: moto is restarting" in caplog.text
