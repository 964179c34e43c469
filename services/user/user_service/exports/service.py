"""Use cases of data exports: ask for one (a job), read the latest, and the job that builds the zip."""

from __future__ import annotations

import asyncio
import logging
import math
import shutil
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common import jobs
from cruddur_common.contracts import ActivityExport
from cruddur_common.uploads import EXPORTS_PREFIX
from user_service.exports import archive, clients, repository
from user_service.exports.errors import ExportFailed, ExportLimit, ExportNotFound
from user_service.exports.render import (
    export_state,
    render_counts,
    render_cruds,
    render_messages,
    render_person,
    render_profile_document,
    render_reactions,
    render_status,
)
from user_service.exports.schemas import DAY, ExportStatus, PersonDocument
from user_service.follows import repository as follows_repository
from user_service.models import User
from user_service.settings import Settings

log = logging.getLogger(__name__)
Notify = Callable[[], None]  # wakes the job runner after the commit
PAGE = 1000  # follow edges read per query
DOWNLOADS = 8  # pictures copied from the assets bucket at once


def _now() -> datetime:
    return datetime.now(UTC)


async def request_export(session: AsyncSession, *, user: User, notify: Notify) -> ExportStatus:
    """Queue an export; 429 `export_limit` while one asked for in the last 24 h is running or ready."""
    await repository.lock(session, user.uuid)
    left = await repository.live_since(session, user.uuid, window=DAY)
    if left is not None:
        retry_after = max(1, math.ceil(left.total_seconds()))
        raise ExportLimit(
            "You can ask for one export a day; the next one can be asked for"
            f" in {math.ceil(retry_after / 3600)} h.",
            retry_after=retry_after,
        )
    job = await repository.add(session, user.uuid)
    status = render_status(job, url=None, now=_now())
    await session.commit()
    notify()
    return status


async def latest_export(session: AsyncSession, s3: Any, *, user: User, settings: Settings) -> ExportStatus:
    """The caller's latest export; a ready one with a link signed now, valid until its `expires_at`."""
    job = await repository.latest(session, user.uuid)
    if job is None:
        raise ExportNotFound("You have not asked for an export of your data.")
    now = _now()
    url = None
    key = (job.result or {}).get("key")
    if key and job.finished_at is not None and export_state(job, now=now) == "ready":
        seconds = int((job.finished_at + DAY - now).total_seconds())  # rounded down: never outlives the day
        if seconds >= 1:
            url = await clients.presigned_get(s3, bucket=settings.uploads_bucket, key=key, seconds=seconds)
    return render_status(job, url=url, now=now)


def export_key(user: uuid.UUID, job_id: int) -> str:
    """Where an export's zip lives in the uploads bucket (its 1-day lifecycle removes it)."""
    return f"{EXPORTS_PREFIX}{user}/{job_id}.zip"


async def _people(
    session: AsyncSession, user: User, direction: Literal["followers", "following"], *, assets_base_url: str
) -> list[PersonDocument]:
    people: list[PersonDocument] = []
    before = None
    while True:
        rows = await follows_repository.page(
            session, user=user.uuid, direction=direction, reader=None, before=before, limit=PAGE
        )
        people += [render_person(u, since=since, assets_base_url=assets_base_url) for u, _, since in rows]
        if len(rows) < PAGE:
            return people
        before = (rows[-1][2], rows[-1][0].uuid)


async def _copy_media(
    s3: Any, *, user: User, activity: ActivityExport, bucket: str, folder: Path
) -> tuple[dict[str, Path], dict[str, str]]:
    """Copy the avatar and pictures from the assets bucket: (zip name -> file, picture key -> zip name)."""
    wanted = {
        archive.picture_name(c.uuid, n): p.key for c in activity.cruds for n, p in enumerate(c.pictures, 1)
    }
    if user.avatar_key:
        wanted[archive.avatar_name(user.avatar_key)] = user.avatar_key
    gate = asyncio.Semaphore(DOWNLOADS)

    async def copy(name: str, key: str) -> tuple[str, Path] | None:
        local = folder / uuid.uuid4().hex
        async with gate:
            found = await clients.download(s3, bucket=bucket, key=key, to=local)
        return (name, local) if found else None

    copied = [c for c in await asyncio.gather(*(copy(n, k) for n, k in wanted.items())) if c is not None]
    files = dict(sorted(copied))
    return files, {wanted[name]: name for name in files if name.startswith(archive.PICTURES)}


async def run_export(app: FastAPI, job: jobs.Job) -> dict[str, Any]:
    """The `export` job: collect everything, write the zip off the event loop, put it in the uploads bucket.

    Idempotent: a rerun builds the zip again under the same key. A part that cannot be collected fails
    this attempt with words the person is shown (`reason` in the payload); the runner retries it.
    """
    settings: Settings = app.state.settings
    s3 = app.state.aws["s3"]
    base = settings.assets_base_url
    async with app.state.sessions() as session:
        user = await session.get(User, job.subject)
        if user is None or user.deleted_at is not None:  # nothing to export, nobody to give it to
            return {"key": None, "skipped": "account deleted"}
        following = await _people(session, user, "following", assets_base_url=base)
        followers = await _people(session, user, "followers", assets_base_url=base)
    try:
        activity = await clients.activity_export(app.state.http, settings=settings, user=user.uuid)
        messaging = await clients.messaging_export(app.state.http, settings=settings, user=user.uuid)
    except ExportFailed as exc:
        await job.checkpoint(reason=exc.message)
        raise
    now = _now()
    key = export_key(user.uuid, job.id)
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="cruddur-export-"))
    try:
        files, names = await _copy_media(
            s3, user=user, activity=activity, bucket=settings.assets_bucket, folder=folder
        )
        avatar = next((name for name in files if not name.startswith(archive.PICTURES)), None)
        documents = {
            archive.PROFILE: archive.to_json(
                render_profile_document(user, avatar_file=avatar, exported_at=now, assets_base_url=base)
            ),
            archive.CRUDS: archive.to_json(render_cruds(activity, files=names)),
            archive.LIKES: archive.to_json(render_reactions(activity)),
            archive.FOLLOWING: archive.to_json(following),
            archive.FOLLOWERS: archive.to_json(followers),
            archive.MESSAGES: archive.to_json(render_messages(messaging)),
        }
        readme = archive.readme(handle=user.handle, exported_at=now)
        path = folder / "export.zip"
        size = await asyncio.to_thread(
            archive.write_zip, path, readme_text=readme, documents=documents, files=files
        )
        filename = f"cruddur-{user.handle}-{now:%Y-%m-%d}.zip"
        await clients.upload(s3, bucket=settings.uploads_bucket, key=key, path=path, filename=filename)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
    if await _deleted_meanwhile(app, user.uuid):  # its erase job may already have swept exports/<user>/
        await s3.delete_object(Bucket=settings.uploads_bucket, Key=key)
        return {"key": None, "skipped": "account deleted"}
    counts = render_counts(activity, messaging, following=following, followers=followers, pictures=len(names))
    log.info("export ready", extra={"user": str(user.uuid), "job": job.id, "size": size})
    return {"key": key, "size": size, "counts": counts}


async def _deleted_meanwhile(app: FastAPI, user_uuid: uuid.UUID) -> bool:
    async with app.state.sessions() as session:
        user = await session.get(User, user_uuid)
        return user is None or user.deleted_at is not None


EXPORT_HANDLERS: dict[str, jobs.Handler] = {repository.KIND: run_export}
