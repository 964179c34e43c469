"""What each service needs from AWS besides its task: the only per-service facts the registry lacks."""

from __future__ import annotations

from dataclasses import dataclass, field

from cruddur_common.registry import ServiceEntry


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A command run from the service's image on a schedule (EventBridge -> ECS RunTask)."""

    name: str
    command: tuple[str, ...]
    schedule: str


# Key prefixes of the media buckets (user_service.avatars.keys, cruddur_common.uploads).
UPLOADS_PREFIX = "uploads/"  # uploads bucket: every presigned POST, deleted after a day
MEDIA_UPLOADS_PREFIX = "uploads/media/"  # uploads bucket: pictures for cruds
AVATARS_PREFIX = "avatars/"  # assets bucket: processed avatars and the generated defaults
MEDIA_PREFIX = "media/"  # assets bucket: processed pictures, deleted by the activity purge


@dataclass(frozen=True, slots=True)
class MediaAccess:
    """What a service does in the media buckets: each grant is limited to one key prefix."""

    uploads: str  # it presigns POSTs for keys under this prefix of the uploads bucket (s3:PutObject)
    assets: str  # its prefix of the assets bucket
    asset_actions: tuple[str, ...]
    list_assets: bool = False  # s3:ListBucket, conditioned on its assets prefix


@dataclass(frozen=True, slots=True)
class ServiceNeeds:
    """Datastores a service owns; grants and settings are derived from these flags."""

    postgres: bool = False
    messages_table: bool = False
    media: MediaAccess | None = None  # the media buckets (UPLOADS_BUCKET, ASSETS_BUCKET, ASSETS_BASE_URL)
    account_admin: bool = False  # moderators suspend accounts: Cognito admin calls on the user pool
    jobs: tuple[ScheduledJob, ...] = field(default=())


# Keyed by registry name; tests fail when a registry entry has no line here (and vice versa).
SERVICE_NEEDS: dict[str, ServiceNeeds] = {
    "notification": ServiceNeeds(
        postgres=True,
        jobs=(
            ScheduledJob(
                name="purge",
                command=("python", "-m", "notification_service.purge"),
                schedule="rate(1 hour)",
            ),
        ),
    ),
    "activity": ServiceNeeds(
        postgres=True,
        # Presigned POSTs of pictures; the purge deletes the processed ones (the job runs as activity).
        media=MediaAccess(
            uploads=MEDIA_UPLOADS_PREFIX,
            assets=MEDIA_PREFIX,
            asset_actions=("s3:DeleteObject",),
            list_assets=True,
        ),
        jobs=(
            ScheduledJob(
                name="purge",
                command=("python", "-m", "activity_service.purge"),
                schedule="rate(1 hour)",
            ),
        ),
    ),
    "user": ServiceNeeds(
        postgres=True,
        # PutObject on avatars/: the generated default avatars under avatars/default/
        media=MediaAccess(
            uploads=UPLOADS_PREFIX,
            assets=AVATARS_PREFIX,
            asset_actions=("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
        ),
        account_admin=True,
    ),
    "messaging": ServiceNeeds(messages_table=True),
}


def needs_for(entry: ServiceEntry) -> ServiceNeeds:
    """The declared needs of a registry entry; a KeyError naming the file to edit if undeclared."""
    try:
        return SERVICE_NEEDS[entry.name]
    except KeyError:
        raise KeyError(
            f"service {entry.name!r} is in the routing registry but not in infra/cruddur_infra/needs.py"
        ) from None
