"""Pipeline stack: one CodePipeline + CodeBuild project per registry service."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnParameter, Stack
from aws_cdk import aws_ecr as ecr
from constructs import Construct

from cruddur_common.registry import load_registry
from cruddur_infra.components.private_bucket import private_bucket
from cruddur_infra.components.scheduled_job import ScheduledServiceJob
from cruddur_infra.components.service_app import ServiceApp
from cruddur_infra.components.service_pipeline import ServicePipeline


class PipelineStack(Stack):
    """Ships one service at a time; the source is a CodeConnections (GitHub) connection."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        services: dict[str, ServiceApp],
        jobs: dict[str, ScheduledServiceJob],
        repositories: dict[str, ecr.IRepository],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)

        def param(name: str, description: str, default: str | None = None) -> str:
            return CfnParameter(self, name, description=description, default=default).value_as_string

        source = (
            param("ConnectionArn", "CodeConnections (CodeStar) connection ARN to the Git host"),
            param("RepositoryOwner", "Owner (user or organisation) of the Git repository"),
            param("RepositoryName", "Name of the Git repository"),
            param("Branch", "Branch that deploys to this environment", "main"),
        )
        artifacts = private_bucket(self, "ArtifactBucket", retain=False)
        self.pipelines = {
            entry.name: ServicePipeline(
                self,
                entry.name.capitalize(),
                service_name=entry.name,
                service=services[entry.name].service,
                jobs=[job for family, job in jobs.items() if family.startswith(f"cruddur-{entry.name}-")],
                repository=repositories[entry.name],
                artifact_bucket=artifacts,
                source=source,
            )
            for entry in load_registry()
        }
