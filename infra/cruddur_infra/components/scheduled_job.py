"""A scheduled one-off task run from a service's image (e.g. the hourly purge of expired cruds)."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.logs import month_of_logs
from cruddur_infra.needs import ScheduledJob
from cruddur_infra.settings import job_name


class ScheduledServiceJob(Construct):
    """EventBridge rule -> ECS RunTask of a dedicated task definition sharing the service's image."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        job: ScheduledJob,
        cluster: ecs.ICluster,
        image: ecs.ContainerImage,
        security_group: ec2.ISecurityGroup,
        environment: dict[str, str],
        secrets: dict[str, ecs.Secret],
        task_statements: list[iam.PolicyStatement],
    ) -> None:
        super().__init__(scope, construct_id)
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            family=job_name(service_name, job.name),
            cpu=256,
            memory_limit_mib=512,
        )
        for statement in task_statements:
            self.task_definition.add_to_task_role_policy(statement)
        log_group = month_of_logs(self, "Logs")
        self.task_definition.add_container(
            job.name,
            container_name=job.name,
            image=image,
            command=list(job.command),
            environment=environment,
            secrets=secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix=f"{service_name}-{job.name}", log_group=log_group),
        )
        self.rule = events.Rule(
            self,
            "Schedule",
            rule_name=job_name(service_name, job.name),  # devstack.deploy finds the rule by this name
            schedule=events.Schedule.expression(job.schedule),
        )
        # The role EventBridge runs the task with: a deploy passes it on when it updates the target.
        self.events_role = iam.Role(
            self, "RunTaskRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com")
        )
        self.rule.add_target(
            targets.EcsTask(
                role=self.events_role,
                cluster=cluster,
                task_definition=self.task_definition,
                subnet_selection=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                security_groups=[security_group],
                platform_version=ecs.FargatePlatformVersion.LATEST,
            )
        )
        nag.suppress(
            self,
            (
                "AwsSolutions-ECS2",
                "Only non-secret settings are plain env vars; credentials come from secrets",
            ),
        )
        nag.suppress_iam(
            self,
            "ecr:GetAuthorizationToken has no resource scoping; RunTask may only touch this cluster's tasks",
            resources=["*", f"arn:<AWS::Partition>:ecs:<AWS::Region>:*:task/{nag.ref(cluster)}/*"],
        )
