"""The activity service's outbox: notification and home events to the notification service, supervised."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request

from activity_service.outbox.events import NOTIFICATION
from activity_service.outbox.home import HOME
from cruddur_common import outbox
from cruddur_common.contracts import HOME_BATCH_PATH, NOTIFICATION_BATCH_PATH
from cruddur_common.supervisor import BackgroundTask


def _deliverer(app: FastAPI) -> outbox.Deliverer:
    settings = app.state.settings
    return outbox.wire(
        engine=app.state.engine,
        lock_namespace="activity",
        http=app.state.http,
        destinations={
            NOTIFICATION: outbox.Destination(settings.notification_url, NOTIFICATION_BATCH_PATH),
            # live "N new cruds" (issue 18): its own queue, so news never waits behind notifications
            HOME: outbox.Destination(settings.notification_url, HOME_BATCH_PATH),
        },
        policy=outbox.Policy(
            poll_seconds=settings.outbox_poll_seconds,
            batch_size=settings.outbox_batch_size,
            max_backoff_seconds=settings.outbox_max_backoff_seconds,
        ),
    )


OUTBOX: BackgroundTask = outbox.supervised(_deliverer)


def notifier(request: Request) -> Callable[[], None]:
    """What a use case calls after committing events: wake the deliverer (a no-op when the outbox is off)."""
    deliverer = getattr(request.app.state, "outbox", None)
    return deliverer.notify if deliverer is not None else (lambda: None)
