"""`python -m devstack.janitor`: what the platform's schedules and DynamoDB's TTL do in AWS, for `make run`.

Every `JANITOR_INTERVAL` seconds (default 30), in order:

1. `activity_service.purge.run()` — expired cruds and what hangs off them (the scheduled task in AWS);
2. `messaging_service.expiry.sweep_expired` — disappearing messages past their `ttl` (DynamoDB's TTL in
   AWS; moto's does nothing);
3. `POST /internal/notifications/purge` — notifications of expired cruds and messages (reads hide them
   already; this deletes the rows).

A job that fails is logged and the next one runs; the loop never exits on its own (devstack's
supervisor restarts the process if it dies). `make run` starts it; the test stack does not (tests call
the jobs themselves), except the one test that runs `run_once` to prove it does all three.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from cruddur_common.aws import AwsClients
from cruddur_common.http import create_internal_client
from cruddur_common.logging import configure_logging
from messaging_service.conversations.repository import Table
from messaging_service.expiry import sweep_expired
from messaging_service.settings import Settings

log = logging.getLogger("devstack.janitor")
DEFAULT_INTERVAL = 30.0


async def _purge_cruds(settings: Settings) -> int:
    from activity_service.purge import run as purge_cruds
    from activity_service.settings import Settings as ActivitySettings

    # The activity service's own settings, read from the environment now (not get_settings()'s process-wide
    # cache, which a test process shares with apps it builds later).
    counts = await purge_cruds(ActivitySettings())  # it logs its pictures' counts itself
    return counts.cruds


async def _sweep_messages(settings: Settings) -> int:
    aws = AwsClients()
    try:
        await aws.open(settings, "dynamodb")
        table = Table(client=aws["dynamodb"], name=settings.messages_table)
        return await sweep_expired(table, now=datetime.now(UTC))
    finally:
        await aws.close()


async def _purge_notifications(settings: Settings) -> int:
    async with create_internal_client(settings=settings, caller="janitor") as http:
        response = await http.post(f"{settings.notification_url.rstrip('/')}/internal/notifications/purge")
        response.raise_for_status()
        return int(response.json()["deleted"])


Job = Callable[[Settings], Awaitable[int]]
JOBS: dict[str, Job] = {
    "cruds": _purge_cruds,
    "messages": _sweep_messages,
    "notifications": _purge_notifications,
}


async def run_once(settings: Settings) -> dict[str, int | None]:
    """Every job once, in order; how many each deleted (None: it failed, and was logged)."""
    counts: dict[str, int | None] = {}
    for name, job in JOBS.items():
        try:
            counts[name] = await job(settings)
        except Exception as exc:  # logged; the other jobs and the next round still run
            log.warning("janitor job %s failed: %s", name, exc, exc_info=True)
            counts[name] = None
    log.info("janitor deleted %s", counts, extra={"deleted": counts})
    return counts


async def serve(settings: Settings, stop: asyncio.Event, *, interval: float) -> None:
    """Run every job every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        await run_once(settings)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def main() -> None:
    """Run until SIGTERM or SIGINT."""
    settings = Settings()
    configure_logging(service="janitor", level=settings.log_level)
    interval = float(os.environ.get("JANITOR_INTERVAL", DEFAULT_INTERVAL))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("janitor every %.0fs", interval)
    await serve(settings, stop, interval=interval)


if __name__ == "__main__":
    asyncio.run(main())
