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


def internal_url(service: str, port: int) -> str:
    """The Cloud Map DNS address of `service` for callers outside Service Connect (Lambdas)."""
    return f"http://{service}.{INTERNAL_DNS_NAMESPACE}:{port}"


@dataclass(frozen=True, slots=True)
class InfraSettings:
    """What the app needs to know at synth time; everything account-specific is a CfnParameter."""

    lambda_dir: Path
    spa_dir: Path
    nat_gateways: int = 1
    multi_az_database: bool = False
    min_tasks: int = 1
    max_tasks: int = 4

    @classmethod
    def from_context(cls, node: Node) -> InfraSettings:
        """Read settings from `-c key=value` context, then env, then defaults."""

        def pick(key: str, env: str, default: str) -> str:
            value = node.try_get_context(key)
            return str(value) if value is not None else os.environ.get(env, default)

        return cls(
            lambda_dir=_resolve(pick("lambdaDir", "CRUDDUR_LAMBDA_DIR", "../build/lambdas")),
            spa_dir=_resolve(pick("spaDir", "CRUDDUR_SPA_DIR", "../frontend-react-js/dist")),
            nat_gateways=int(pick("natGateways", "CRUDDUR_NAT_GATEWAYS", "1")),
            multi_az_database=pick("multiAzDatabase", "CRUDDUR_MULTI_AZ_DB", "false").lower() == "true",
            min_tasks=int(pick("minTasks", "CRUDDUR_MIN_TASKS", "1")),
            max_tasks=int(pick("maxTasks", "CRUDDUR_MAX_TASKS", "4")),
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


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else (INFRA_DIR / candidate).resolve()
