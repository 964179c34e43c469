"""Where each local part listens and keeps its data; one instance for `make run`, another for tests."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cruddur_common.registry import ServiceEntry, load_registry

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
USER_POOL_NAME = "cruddur"
APP_CLIENT_NAME = "cruddur-web"
MESSAGES_TABLE = "cruddur-messages"
UPLOADS_BUCKET = "cruddur-uploads"
ASSETS_BUCKET = "cruddur-assets"
AVATAR_QUEUE = "cruddur-avatar-uploads"
# The Python gateway's port when the edge (nginx, devstack/edge.py) takes the public one: beside the services.
GATEWAY_APP_PORT = 8100
DEMO_PASSWORD = "Cruddur-demo-1"  # noqa: S105 - printed on start, local only


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """Ports, data directory and external overrides of one local stack."""

    gateway_port: int = 8080
    port_offset: int = 0
    moto_port: int = 4566
    pg_port: int = 5433
    data_dir: Path = ROOT / ".data"
    database_url: str | None = None
    aws_endpoint_url: str | None = None
    redis_url: str | None = None
    seed_demo: bool = True
    workers_per_service: int = 1
    # The janitor (devstack/janitor.py: purges and the DynamoDB TTL's local stand-in); tests call its jobs.
    janitor: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_run(cls) -> StackConfig:
        """`make run`: 8080 unless CRUDDUR_PORT says otherwise; DATABASE_URL etc. replace embedded parts.

        CRUDDUR_PORT_SHIFT=N moves every port by N and CRUDDUR_DATA_DIR the data: a second stack beside
        the first (`make bench`'s warm-start area starts `make run`'s own code this way).
        """
        shift = int(os.environ.get("CRUDDUR_PORT_SHIFT", "0"))
        data_dir = os.environ.get("CRUDDUR_DATA_DIR")
        return cls(
            gateway_port=int(os.environ.get("CRUDDUR_PORT", str(8080 + shift))),
            port_offset=shift,
            moto_port=4566 + shift,
            pg_port=5433 + shift,
            data_dir=Path(data_dir) if data_dir else ROOT / ".data",
            database_url=os.environ.get("DATABASE_URL") or None,
            aws_endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            workers_per_service=int(os.environ.get("CRUDDUR_WORKERS", "1")),
            janitor=True,
        )

    @classmethod
    def for_tests(cls) -> StackConfig:
        """`make test`: its own ports and data directory, so it runs beside `make run`.

        CRUDDUR_TEST_SLOT=N (0-9) shifts every port by N*200 so several test runs can share a machine.
        """
        slot = int(os.environ.get("CRUDDUR_TEST_SLOT", "0"))
        shift = slot * 200
        return cls(
            gateway_port=18080 + shift,
            port_offset=10000 + shift,
            moto_port=14566 + shift,
            pg_port=15433 + shift,
            data_dir=ROOT / ".test-data" / f"slot-{slot}",
            seed_demo=False,
            # The suite signs up hundreds of users from 127.0.0.1, and its chaos load posts and likes as fast
            # as it can from two users: those limits are out of reach here. test_cognito_proxy checks the
            # real sign-up limit on a gateway of its own, test_rate_limits posts and reactions on an
            # activity task of its own, at the defaults.
            extra_env={
                "SIGNUP_LIMIT": "100000/minute",
                "RATE_LIMIT_POSTS": "100000/second",
                "RATE_LIMIT_REACTIONS": "100000/second",
            },
        )

    @property
    def gateway_url(self) -> str:
        """The product's one public address."""
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def gateway_app_port(self) -> int:
        """Where the Python gateway listens behind the edge (with no nginx it takes gateway_port itself)."""
        return GATEWAY_APP_PORT + self.port_offset

    @property
    def aws_url(self) -> str:
        """The AWS endpoint every service and worker uses."""
        return self.aws_endpoint_url or f"http://127.0.0.1:{self.moto_port}"

    @property
    def db_url(self) -> str:
        """The Postgres URL every Postgres service uses."""
        return self.database_url or f"postgresql://cruddur@127.0.0.1:{self.pg_port}/cruddur"

    def service_port(self, entry: ServiceEntry) -> int:
        """Where a service listens locally."""
        return entry.port + self.port_offset

    def service_url(self, entry: ServiceEntry) -> str:
        """A service's internal base URL."""
        return f"http://127.0.0.1:{self.service_port(entry)}"

    def service_urls(self) -> dict[str, str]:
        """ACTIVITY_URL, USER_URL, ... for every service of the registry."""
        return {f"{e.name.upper()}_URL": self.service_url(e) for e in load_registry()}
