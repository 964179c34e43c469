"""An export job as the API shows it, and the user's data as the zip's documents show it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from cruddur_common import jobs
from cruddur_common.contracts import ActivityExport, MessagingExport
from user_service.exports.schemas import (
    DAY,
    CrudDocument,
    ExportState,
    ExportStatus,
    MessagesDocument,
    PersonDocument,
    PictureDocument,
    ProfileDocument,
    ReactionsDocument,
)
from user_service.models import Job, User
from user_service.profiles.render import render_profile, render_user_card

FAILED_REASON = "The export could not be built. You can ask for a new one."


def export_state(job: Job, *, now: datetime) -> ExportState:
    """`running`, `ready`, `failed`, or `expired` once the ready zip's day is over."""
    if job.state == jobs.FAILED:
        return "failed"
    if job.state != jobs.DONE or job.finished_at is None:
        return "running"
    return "expired" if now >= job.finished_at + DAY else "ready"


def render_status(job: Job, *, url: str | None, now: datetime) -> ExportStatus:
    """The job as `GET /api/users/me/export` answers it (`url`: signed by the caller, ready only)."""
    state = export_state(job, now=now)
    reason = (job.payload or {}).get("reason")
    if state == "failed":
        reason = reason or FAILED_REASON
    elif state != "running":
        reason = None
    return ExportStatus(
        id=job.id,
        status=state,
        requested_at=job.created_at,
        finished_at=job.finished_at if state != "running" else None,
        url=url if state == "ready" else None,
        expires_at=job.finished_at + DAY if job.finished_at and state in ("ready", "expired") else None,
        reason=reason,
    )


def render_profile_document(
    user: User, *, avatar_file: str | None, exported_at: datetime, assets_base_url: str
) -> ProfileDocument:
    """`profile.json`."""
    profile = render_profile(user, assets_base_url=assets_base_url)
    return ProfileDocument(**profile.model_dump(), avatar_file=avatar_file, exported_at=exported_at)


def render_person(user: User, *, since: datetime, assets_base_url: str) -> PersonDocument:
    """One entry of `following.json` / `followers.json`."""
    card = render_user_card(user, assets_base_url=assets_base_url)
    return PersonDocument(**card.model_dump(), since=since)


def render_cruds(activity: ActivityExport, *, files: Mapping[str, str]) -> list[CrudDocument]:
    """`cruds.json`; `files` maps a picture's assets key to its file in the zip (absent: it was gone)."""
    return [
        CrudDocument(
            **crud.model_dump(exclude={"pictures"}),
            pictures=[PictureDocument(file=files.get(p.key), alt=p.alt) for p in crud.pictures],
        )
        for crud in activity.cruds
    ]


def render_reactions(activity: ActivityExport) -> ReactionsDocument:
    """`likes.json`."""
    return ReactionsDocument(likes=activity.likes, reposts=activity.reposts)


def render_messages(messaging: MessagingExport) -> MessagesDocument:
    """`messages.json`."""
    return MessagesDocument(conversations=messaging.conversations)


def render_counts(
    activity: ActivityExport,
    messaging: MessagingExport,
    *,
    following: Sequence[object],
    followers: Sequence[object],
    pictures: int,
) -> dict[str, int]:
    """How much the zip holds (the job's result)."""
    return {
        "cruds": len(activity.cruds),
        "likes": len(activity.likes),
        "reposts": len(activity.reposts),
        "following": len(following),
        "followers": len(followers),
        "conversations": len(messaging.conversations),
        "messages": sum(len(c.messages) for c in messaging.conversations),
        "pictures": pictures,
    }
