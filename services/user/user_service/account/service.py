"""Use cases of account deletion: the request (one transaction) and the `erase_account` job it queues."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common import jobs
from cruddur_common.auth import Principal
from cruddur_common.uploads import EXPORTS_PREFIX, UPLOADS_PREFIX
from user_service.account import clients, repository
from user_service.avatars.keys import AVATARS_PREFIX
from user_service.outbox import events
from user_service.profiles import service as profiles_service
from user_service.settings import Settings

log = logging.getLogger(__name__)

ERASE_ACCOUNT = "erase_account"


async def request_deletion(
    session: AsyncSession,
    *,
    principal: Principal,
    cognito: Any,
    settings: Settings,
    notify: events.Notify,
    wake_jobs: events.Notify,
) -> datetime:
    """Delete the caller's account; returns when it was asked (a repeat answers the first request's time).

    One transaction: the user is gone for everyone (`deleted_at`), their follows, blocks and mutes both
    ways are deleted, the handle is reserved, the erasure is queued to activity, notification and
    messaging, and the `erase_account` job (Cognito, S3, then the row) is queued.
    """
    earlier = await repository.requested_at(session, principal.sub)
    if earlier is not None:
        return earlier
    user = await profiles_service.signed_in(session, principal=principal, cognito=cognito, settings=settings)
    requested = await repository.mark_deleted(session, user.uuid)
    if requested is None:  # a concurrent request marked it first: answer with its time
        await session.rollback()
        found = await repository.requested_at(session, principal.sub)
        assert found is not None, "the row was marked by a committed request"
        return found
    await repository.drop_relations(session, user.uuid)
    await repository.reserve_handle(
        session, user, requested_at=requested, days=settings.handle_reservation_days
    )
    await events.publish_erasure(session, user)
    await jobs.enqueue(session, kind=ERASE_ACCOUNT, subject=user.uuid, payload={"sub": user.cognito_user_id})
    await session.commit()
    log.info("account deletion requested", extra={"user_uuid": str(user.uuid)})
    notify()
    wake_jobs()
    return requested


def _folders(user: uuid.UUID, settings: Settings) -> list[tuple[str, str]]:
    """(bucket, prefix) of every S3 folder that holds the user's files in the user service's care."""
    return [
        (settings.assets_bucket, f"{AVATARS_PREFIX}{user}/"),  # processed avatars, every version
        (settings.uploads_bucket, f"{UPLOADS_PREFIX}{user}/"),  # avatar uploads not yet processed
        (settings.uploads_bucket, f"{EXPORTS_PREFIX}{user}/"),  # data exports
    ]


async def erase_account(app: FastAPI, job: jobs.Job) -> dict[str, Any]:
    """The `erase_account` job: each step idempotent and checkpointed, the row last (it is the marker)."""
    settings: Settings = app.state.settings
    if not job.payload.get("cognito_deleted"):
        await clients.delete_cognito_user(
            app.state.aws["cognito-idp"], pool_id=settings.cognito_user_pool_id, username=job.payload["sub"]
        )
        await job.checkpoint(cognito_deleted=True)
    if "files_deleted" not in job.payload:
        deleted = 0
        for bucket, prefix in _folders(job.subject, settings):
            deleted += await clients.delete_prefix(app.state.aws["s3"], bucket=bucket, prefix=prefix)
        await job.checkpoint(files_deleted=deleted)
    async with app.state.sessions() as session:
        await repository.delete_user(session, job.subject)
        await session.commit()
    log.info("account erased", extra={"user_uuid": str(job.subject)})
    return {"files_deleted": job.payload["files_deleted"]}


DELETION_HANDLERS: dict[str, jobs.Handler] = {ERASE_ACCOUNT: erase_account}
