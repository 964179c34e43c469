"""Synth-time settings of the CDK app: artifact locations and sizing, read from context or env."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing constructs starts the jsii runtime; devstack.deploy must not pay that
    from constructs import Node

INFRA_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = INFRA_DIR.parent

# One name everywhere: these are the physical names ops and `devstack.deploy` rely on.
CLUSTER_NAME = "cruddur"
SERVICE_CONNECT_NAMESPACE = "cruddur"
INTERNAL_DNS_NAMESPACE = "cruddur.internal"
EDGE_REGION = "us-east-1"


def repository_name(service: str) -> str:
    """The ECR repository that holds `service`'s images."""
    return f"cruddur/{service}"


def task_family(service: str) -> str:
    """The ECS task-definition family of `service`."""
    return f"cruddur-{service}"


def job_name(service: str, job: str) -> str:
    """The task-definition family and the EventBridge rule of one scheduled job of `service`."""
    return f"{task_family(service)}-{job}"


def internal_url(service: str, port: int) -> str:
    """The Cloud Map DNS address of `service` for callers outside Service Connect (Lambdas)."""
    return f"http://{service}.{INTERNAL_DNS_NAMESPACE}:{port}"


def image_tag_parameter(service: str) -> str:
    """The SSM parameter holding the image tag `service` runs: `make deploy` and pipelines write it."""
    return f"/cruddur/image-tag/{service}"


# Sizing by profile; any one key may still be overridden (`-c databaseClass=t4g.small`). dev is the
# cheapest thing that runs the product; prod survives an AZ and holds the 100x load (docs/ops.md).
PROFILES: dict[str, dict[str, str]] = {
    "dev": {
        "natGateways": "1",
        "multiAzDatabase": "false",
        "databaseClass": "t4g.micro",
        "databaseStorage": "gp3",
        "performanceInsights": "false",
        "cacheNodeType": "cache.t4g.micro",
        "cacheReplicas": "0",
        "minTasks": "1",
        # 2 x 200 % during a deploy x 3 Postgres services must fit a micro's connections (connections.py)
        "maxTasks": "2",
    },
    "prod": {
        "natGateways": "2",
        "multiAzDatabase": "true",
        "databaseClass": "t4g.medium",
        "databaseStorage": "gp3",
        "performanceInsights": "true",
        "cacheNodeType": "cache.t4g.small",
        "cacheReplicas": "1",
        "minTasks": "2",
        "maxTasks": "4",
    },
}


@dataclass(frozen=True, slots=True)
class InfraSettings:
    """What the app needs to know at synth time; everything account-specific is a CfnParameter."""

    lambda_dir: Path
    spa_dir: Path
    profile: str = "dev"
    nat_gateways: int = 1  # one per AZ (2) survives an AZ; one is cheaper
    multi_az_database: bool = False
    database_class: str = "t4g.micro"  # an RDS instance type without its `db.` prefix
    database_storage: str = "gp3"
    performance_insights: bool = False
    cache_node_type: str = "cache.t4g.micro"
    cache_replicas: int = 0  # replicas of the one shard; >= 1 gives automatic failover across AZs
    min_tasks: int = 1
    max_tasks: int = 2

    @classmethod
    def for_profile(cls, profile: str, *, lambda_dir: Path, spa_dir: Path, **overrides: str) -> InfraSettings:
        """The settings of a named profile (PROFILES), context keys in `overrides` winning."""
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
        raw = PROFILES[profile] | overrides
        return cls(
            lambda_dir=lambda_dir,
            spa_dir=spa_dir,
            profile=profile,
            nat_gateways=int(raw["natGateways"]),
            multi_az_database=raw["multiAzDatabase"].lower() == "true",
            database_class=raw["databaseClass"].removeprefix("db."),
            database_storage=raw["databaseStorage"],
            performance_insights=raw["performanceInsights"].lower() == "true",
            cache_node_type=raw["cacheNodeType"],
            cache_replicas=int(raw["cacheReplicas"]),
            min_tasks=int(raw["minTasks"]),
            max_tasks=int(raw["maxTasks"]),
        )

    @classmethod
    def from_context(cls, node: Node) -> InfraSettings:
        """Read `-c profile=...` (or CRUDDUR_PROFILE), then each key from context, then env, then it."""

        def pick(key: str, default: str | None = None) -> str | None:
            value = node.try_get_context(key)
            return str(value) if value is not None else os.environ.get(_env_name(key), default)

        overrides = {key: value for key in PROFILES["dev"] if (value := pick(key)) is not None}
        return cls.for_profile(
            pick("profile") or "dev",
            lambda_dir=_resolve(pick("lambdaDir") or "../build/lambdas"),
            spa_dir=_resolve(pick("spaDir") or "../frontend-react-js/dist"),
            **overrides,
        )

    def lambda_zip(self, function: str) -> Path:
        """The deployable zip of `function`; a clear error when `make lambdas` has not run."""
        path = self.lambda_dir / f"{function}.zip"
        if not path.is_file():
            raise FileNotFoundError(
                f"Lambda artifact {path} is missing: run `make lambdas` first, or point "
                "CRUDDUR_LAMBDA_DIR (or -c lambdaDir=...) at the directory holding the zips"
            )
        return path


def _env_name(key: str) -> str:
    """`natGateways` -> CRUDDUR_NAT_GATEWAYS: each context key's environment variable."""
    return "CRUDDUR_" + "".join(f"_{c}" if c.isupper() else c.upper() for c in key)


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else (INFRA_DIR / candidate).resolve()
