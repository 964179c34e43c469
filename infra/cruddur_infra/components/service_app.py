"""One Cruddur service on Fargate: task definition, service, ALB rule from the registry, scaling."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicediscovery as servicediscovery
from constructs import Construct

from cruddur_common.registry import ServiceEntry
from cruddur_infra import nag
from cruddur_infra.components.logs import month_of_logs
from cruddur_infra.settings import task_family

# ECS Exec's agent writes here; a read-only root filesystem needs them writable (aws/containers-roadmap#1359).
EXEC_AGENT_PATHS = ("/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm")


def health_command(entry: ServiceEntry) -> list[str]:
    """The container health check: GET the service's liveness path on localhost."""
    url = f"http://127.0.0.1:{entry.port}{entry.health_path}"
    return ["CMD", "python", "-c", f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)"]


class ServiceApp(Construct):
    """Task definition + Fargate service + listener rule + autoscaling for one registry entry."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        entry: ServiceEntry,
        cluster: ecs.ICluster,
        image: ecs.ContainerImage,
        security_group: ec2.ISecurityGroup,
        listener: elbv2.ApplicationListener,
        dns_namespace: servicediscovery.IPrivateDnsNamespace,
        environment: dict[str, str],
        secrets: dict[str, ecs.Secret],
        task_statements: list[iam.PolicyStatement],
        capacity: tuple[int, int],
    ) -> None:
        super().__init__(scope, construct_id)
        self.entry = entry
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            family=task_family(entry.name),
            cpu=entry.cpu,
            memory_limit_mib=entry.memory,
        )
        for statement in task_statements:
            self.task_definition.add_to_task_role_policy(statement)
        self.log_group = month_of_logs(self, "Logs")
        container = self.task_definition.add_container(
            entry.name,
            container_name=entry.name,
            image=image,
            environment=environment,
            secrets=secrets,
            port_mappings=[
                ecs.PortMapping(
                    name=entry.name,
                    container_port=entry.port,
                    app_protocol=ecs.AppProtocol.http,  # type: ignore[arg-type]  # a jsii class property
                )
            ],
            health_check=ecs.HealthCheck(
                command=health_command(entry),
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                retries=3,
                start_period=Duration.seconds(30),
            ),
            logging=ecs.LogDrivers.aws_logs(stream_prefix=entry.name, log_group=self.log_group),
            readonly_root_filesystem=True,
        )
        self.task_definition.add_volume(name="tmp")
        container.add_mount_points(
            ecs.MountPoint(source_volume="tmp", container_path="/tmp", read_only=False)  # noqa: S108
        )
        for number, path in enumerate(EXEC_AGENT_PATHS):
            self.task_definition.add_volume(name=f"exec-agent-{number}")
            container.add_mount_points(
                ecs.MountPoint(source_volume=f"exec-agent-{number}", container_path=path, read_only=False)
            )
        self.service = self._service(
            cluster=cluster, security_group=security_group, dns_namespace=dns_namespace
        )
        first, *more = entry.rules
        self.target_group = listener.add_targets(
            entry.name.capitalize(),
            priority=first.priority,
            conditions=[elbv2.ListenerCondition.path_patterns(list(first.paths))],
            targets=[self.service],
            port=entry.port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            protocol_version=elbv2.ApplicationProtocolVersion.HTTP1,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path=entry.health_path,
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
        )
        for rule in more:  # the ALB's 5-patterns-per-rule limit: the rest of the paths, same targets
            elbv2.ApplicationListenerRule(
                self,
                f"Rule{rule.priority}",
                listener=listener,
                priority=rule.priority,
                conditions=[elbv2.ListenerCondition.path_patterns(list(rule.paths))],
                action=elbv2.ListenerAction.forward([self.target_group]),
            )
        self._autoscale(*capacity)
        self._roll_back_on_alarm()
        nag.suppress(
            self.task_definition,
            (
                "AwsSolutions-ECS2",
                "Only non-secret settings are plain env vars; credentials come from secrets",
            ),
        )
        nag.suppress_iam(self, "ecr:GetAuthorizationToken has no resource-level scoping", resources=["*"])

    def _service(
        self,
        *,
        cluster: ecs.ICluster,
        security_group: ec2.ISecurityGroup,
        dns_namespace: servicediscovery.IPrivateDnsNamespace,
    ) -> ecs.FargateService:
        name, port = self.entry.name, self.entry.port
        return ecs.FargateService(
            self,
            "Service",
            service_name=name,
            cluster=cluster,
            task_definition=self.task_definition,
            desired_count=None,
            min_healthy_percent=100,
            max_healthy_percent=200,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[security_group],
            assign_public_ip=False,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            health_check_grace_period=Duration.seconds(60),
            service_connect_configuration=ecs.ServiceConnectProps(
                services=[ecs.ServiceConnectService(port_mapping_name=name, dns_name=name, port=port)],
            ),
            cloud_map_options=ecs.CloudMapOptions(
                name=name, cloud_map_namespace=dns_namespace, dns_record_type=servicediscovery.DnsRecordType.A
            ),
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            enable_execute_command=True,  # operators' shell (docs/ops.md); audited by the cluster's config
        )

    def _roll_back_on_alarm(self) -> None:
        """A deploy whose new tasks answer 5xx rolls back, even when they pass their health checks."""
        errors = self.target_group.metrics.http_code_target(
            elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=Duration.minutes(1)
        )
        alarm = cloudwatch.Alarm(
            self,
            "DeployAlarm",
            alarm_name=f"cruddur-{self.entry.name}-deploy-5xx",
            alarm_description=f"{self.entry.name} answers 5xx: ECS rolls a deployment back on it",
            metric=errors,
            threshold=10,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=2,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.service.enable_deployment_alarms(
            [alarm.alarm_name], behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM
        )

    def _autoscale(self, minimum: int, maximum: int) -> None:
        scaling = self.service.auto_scale_task_count(min_capacity=minimum, max_capacity=maximum)
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
        scaling.scale_on_request_count("Requests", requests_per_target=600, target_group=self.target_group)
