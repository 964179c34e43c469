"""What each service needs from AWS besides its task: the only per-service facts the registry lacks."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Literal

from cruddur_common.registry import ServiceEntry, load_registry, service
from cruddur_infra.settings import internal_url


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
EXPORTS_PREFIX = "exports/"  # uploads bucket: account exports (user_service.exports), deleted after a day


@dataclass(frozen=True, slots=True)
class ObjectGrant:
    """Object actions under one key prefix of one media bucket; with `list`, listing that prefix too."""

    bucket: Literal["uploads", "assets"]
    prefix: str
    actions: tuple[str, ...]
    list: bool = False


@dataclass(frozen=True, slots=True)
class MediaAccess:
    """What a service does in the media buckets: each grant is limited to one key prefix."""

    uploads: str  # it presigns POSTs for keys under this prefix of the uploads bucket (s3:PutObject)
    assets: str  # its prefix of the assets bucket
    asset_actions: tuple[str, ...]
    list_assets: bool = False  # s3:ListBucket, conditioned on its assets prefix
    more: tuple[ObjectGrant, ...] = ()  # anything beyond presigning uploads and its assets prefix

    def prefixes(self) -> list[tuple[str, str]]:
        """Every (bucket, key prefix) the service may touch objects under."""
        return [("uploads", self.uploads), ("assets", self.assets)] + [
            (g.bucket, g.prefix) for g in self.more
        ]


@dataclass(frozen=True, slots=True)
class ServiceNeeds:
    """Datastores a service owns; grants and settings are derived from these flags."""

    postgres: bool = False
    messages_table: bool = False
    media: MediaAccess | None = None  # the media buckets (UPLOADS_BUCKET, ASSETS_BUCKET, ASSETS_BASE_URL)
    # Cognito admin calls on the user pool: moderators suspend accounts, account erasure deletes the user
    account_admin: bool = False
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
            list_assets=True,  # account erasure deletes every avatar of the user (avatars/<uuid>/...)
            more=(
                # Account export (ACCOUNT-CONTRACT.md §2): writes the zip, presigns its GET, erasure deletes.
                ObjectGrant(
                    "uploads", EXPORTS_PREFIX, ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), list=True
                ),
                # Account erasure (§1): the user's unprocessed uploads.
                ObjectGrant("uploads", UPLOADS_PREFIX, ("s3:DeleteObject",), list=True),
                # Account export: each picture's 1600 JPEG rendition goes into the zip.
                ObjectGrant("assets", MEDIA_PREFIX, ("s3:GetObject",)),
            ),
        ),
        account_admin=True,
    ),
    "messaging": ServiceNeeds(messages_table=True),
}


def service_urls(*, service_connect: bool) -> dict[str, str]:
    """Every `<NAME>_URL` setting (cruddur_common.settings), set explicitly: a default (`http://user:8102`)
    resolves only inside Service Connect. An ECS service's tasks use the Service Connect names; anything
    else (Lambdas in the VPC, scheduled tasks run by EventBridge) uses the Cloud Map DNS names."""
    return {
        f"{peer.name.upper()}_URL": (
            f"http://{peer.name}:{peer.port}" if service_connect else internal_url(peer.name, peer.port)
        )
        for peer in load_registry()
    }


def needs_for(entry: ServiceEntry) -> ServiceNeeds:
    """The declared needs of a registry entry; a KeyError naming the file to edit if undeclared."""
    try:
        return SERVICE_NEEDS[entry.name]
    except KeyError:
        raise KeyError(
            f"service {entry.name!r} is in the routing registry but not in infra/cruddur_infra/needs.py"
        ) from None


def postgres_schema(name: str) -> str:
    """The schema of a Postgres service's models (`<package>.models.SCHEMA`, as the devstack reads it)."""
    return str(importlib.import_module(f"{service(name).package}.models").SCHEMA)
