"""Entry point of the local stream poller: `python -m messaging_service.stream_poller` (devstack runs it).

The poller itself is messaging_service.stream.poller; the Lambda's entry is messaging_service.lambdas.stream.
"""

from __future__ import annotations

import asyncio
import signal

from cruddur_common.logging import configure_logging
from messaging_service.settings import get_settings
from messaging_service.stream.poller import serve


async def main() -> None:
    """Run the poller until SIGTERM or SIGINT."""
    settings = get_settings()
    configure_logging(service="messaging-stream", level=settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


if __name__ == "__main__":
    asyncio.run(main())
