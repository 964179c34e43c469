"""Start and stop the user service's outbox deliverer with the app (ServiceSpec hooks)."""

from __future__ import annotations

from fastapi import FastAPI

from user_service.outbox.deliverer import Deliverer
from user_service.outbox.events import ACTIVITY, NOTIFICATION


async def start_outbox(app: FastAPI) -> None:
    """Startup hook: deliver projection updates and follow notifications in the background."""
    settings = app.state.settings
    app.state.outbox = None
    if not settings.outbox_enabled:
        return
    deliverer = Deliverer(
        sessions=app.state.sessions,
        http=app.state.http,
        destinations={ACTIVITY: settings.activity_url, NOTIFICATION: settings.notification_url},
        poll_seconds=settings.outbox_poll_seconds,
        batch_size=settings.outbox_batch_size,
        max_backoff_seconds=settings.outbox_max_backoff_seconds,
    )
    deliverer.start()
    app.state.outbox = deliverer


async def stop_outbox(app: FastAPI) -> None:
    """Shutdown hook: stop delivering (pending events stay queued)."""
    if getattr(app.state, "outbox", None) is not None:
        await app.state.outbox.stop()
