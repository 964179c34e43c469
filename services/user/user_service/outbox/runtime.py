"""The user service's outbox: projection events to activity, follow notifications, relation and erasure
events."""

from __future__ import annotations

from fastapi import FastAPI

from cruddur_common import outbox
from cruddur_common.contracts import MESSAGING_RELATIONS_PATH, NOTIFICATION_BATCH_PATH, RELATIONS_BATCH_PATH
from cruddur_common.supervisor import BackgroundTask
from user_service.outbox.events import ACTIVITY, MESSAGING, NOTIFICATION, RELATIONS

PROJECTION_BATCH_PATH = "/internal/projection/events"


def _deliverer(app: FastAPI) -> outbox.Deliverer:
    settings = app.state.settings
    return outbox.wire(
        engine=app.state.engine,
        lock_namespace="users",
        http=app.state.http,
        destinations={
            ACTIVITY: outbox.Destination(settings.activity_url, PROJECTION_BATCH_PATH),
            NOTIFICATION: outbox.Destination(settings.notification_url, NOTIFICATION_BATCH_PATH),
            RELATIONS: outbox.Destination(settings.notification_url, RELATIONS_BATCH_PATH),
            MESSAGING: outbox.Destination(settings.messaging_url, MESSAGING_RELATIONS_PATH),
        },
        policy=outbox.Policy(
            poll_seconds=settings.outbox_poll_seconds,
            batch_size=settings.outbox_batch_size,
            max_backoff_seconds=settings.outbox_max_backoff_seconds,
        ),
    )


OUTBOX: BackgroundTask = outbox.supervised(_deliverer)
