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


@dataclass(frozen=True, slots=True)
class ServiceNeeds:
    """Datastores a service owns; grants and settings are derived from these flags."""

    postgres: bool = False
    messages_table: bool = False
    media_buckets: bool = False
    account_admin: bool = False  # moderators suspend accounts: Cognito admin calls on the user pool
    jobs: tuple[ScheduledJob, ...] = field(default=())


# Keyed by registry name; tests fail when a registry entry has no line here (and vice versa).
SERVICE_NEEDS: dict[str, ServiceNeeds] = {
    "notification": ServiceNeeds(postgres=True),
    "activity": ServiceNeeds(
        postgres=True,
        jobs=(
            ScheduledJob(
                name="purge",
                command=("python", "-m", "activity_service.purge"),
                schedule="rate(1 hour)",
            ),
        ),
    ),
    "user": ServiceNeeds(postgres=True, media_buckets=True, account_admin=True),
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
