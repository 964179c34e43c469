"""Compute stack: ECS cluster, the ALB with registry-generated rules, one Fargate service each."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, CfnParameter, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cruddur_common.registry import ServiceEntry, load_registry
from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.logs import month_of_logs
from cruddur_infra.components.scheduled_job import ScheduledServiceJob
from cruddur_infra.components.service_app import ServiceApp
from cruddur_infra.connections import budget
from cruddur_infra.needs import ServiceNeeds, needs_for, service_urls
from cruddur_infra.settings import (
    CLUSTER_NAME,
    INTERNAL_DNS_NAMESPACE,
    SERVICE_CONNECT_NAMESPACE,
    InfraSettings,
    image_tag_parameter,
)
from cruddur_infra.stacks.auth import AuthStack
from cruddur_infra.stacks.data import MESSAGES_INDEXES, DataStack
from cruddur_infra.stacks.functions import ASSETS_ARN_EXPORT, UPLOADS_ARN_EXPORT, FunctionsStack
from cruddur_infra.stacks.network import NetworkStack

# What moderation does to an account (user_service.moderation): suspend, sign out, unsuspend; and what
# account erasure does (user_service.account, ACCOUNT-CONTRACT.md §1): sign out everywhere, delete.
ACCOUNT_ADMIN_ACTIONS = ("AdminDisableUser", "AdminEnableUser", "AdminUserGlobalSignOut", "AdminDeleteUser")


class ComputeStack(Stack):
    """Stateless: replacing this stack loses no data."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: InfraSettings,
        network: NetworkStack,
        data: DataStack,
        auth: AuthStack,
        functions: FunctionsStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._data, self._auth, self._functions = data, auth, functions
        self._pools = budget(
            database_class=settings.database_class,
            max_tasks=settings.max_tasks,
            jobs={e.name: len(needs_for(e).jobs) for e in load_registry() if needs_for(e).postgres},
        ).pools
        certificate_arn = CfnParameter(
            self,
            "CertificateArn",
            description="ACM certificate (this region) for the site domain, on the ALB",
        ).value_as_string
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            cluster_name=CLUSTER_NAME,
            vpc=network.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            execute_command_configuration=self._exec_audit(),
        )
        self.cluster.add_default_cloud_map_namespace(
            name=SERVICE_CONNECT_NAMESPACE,
            type=servicediscovery.NamespaceType.HTTP,
            use_for_service_connect=True,
        )
        dns_namespace = servicediscovery.PrivateDnsNamespace(
            self, "InternalDns", name=INTERNAL_DNS_NAMESPACE, vpc=network.vpc
        )
        self.load_balancer, listener = self._load_balancer(network=network, certificate_arn=certificate_arn)
        self.services: dict[str, ServiceApp] = {}
        self.jobs: dict[str, ScheduledServiceJob] = {}  # by task family, e.g. cruddur-activity-purge
        for entry in load_registry():
            image = self._image(entry)
            self.services[entry.name] = ServiceApp(
                self,
                entry.name.capitalize(),
                entry=entry,
                cluster=self.cluster,
                image=image,
                security_group=network.services_sg,
                listener=listener,
                dns_namespace=dns_namespace,
                environment=self._environment(entry),
                secrets=self._secrets(entry),
                task_statements=self._task_statements(entry),
                capacity=(settings.min_tasks, settings.max_tasks),
            )
            self._acknowledge_media(self.services[entry.name], needs_for(entry))
            nag.suppress_iam(
                self.services[entry.name],
                "ECS Exec writes its session transcripts to the streams of this one log group",
                resources=[
                    f"arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
                    f"{nag.ref(self._exec_sessions)}:*"
                ],
            )
            for job in needs_for(entry).jobs:
                # The job runs the service's code with the service's grants (the purge deletes pictures).
                scheduled = ScheduledServiceJob(
                    self,
                    f"{entry.name.capitalize()}{job.name.capitalize()}Job",
                    service_name=entry.name,
                    job=job,
                    cluster=self.cluster,
                    image=image,
                    security_group=network.services_sg,
                    # A RunTask is no part of Service Connect: it reaches its peers by Cloud Map DNS.
                    environment=self._environment(entry, service_connect=False),
                    secrets=self._secrets(entry),
                    task_statements=self._task_statements(entry),
                )
                self._acknowledge_media(scheduled, needs_for(entry))
                self.jobs[scheduled.task_definition.family] = scheduled
        CfnOutput(self, "LoadBalancerDnsName", value=self.load_balancer.load_balancer_dns_name)

    @staticmethod
    def _acknowledge_media(construct: Construct, needs: ServiceNeeds) -> None:
        """The media grants' object wildcards are each one key prefix of one bucket."""
        if needs.media is not None:
            exports = {"uploads": UPLOADS_ARN_EXPORT, "assets": ASSETS_ARN_EXPORT}
            prefixes = needs.media.prefixes()
            nag.suppress_iam(
                construct,
                "Objects only under " + ", ".join(f"{prefix} ({bucket})" for bucket, prefix in prefixes),
                resources=[f"{exports[bucket]}/{prefix}*" for bucket, prefix in prefixes],
            )

    def _load_balancer(
        self, *, network: NetworkStack, certificate_arn: str
    ) -> tuple[elbv2.ApplicationLoadBalancer, elbv2.ApplicationListener]:
        # Internal: no public address at all. CloudFront reaches it through a VPC origin (CruddurFrontend),
        # so every request has passed the edge's WAF (docs/ops.md "The edge cannot be bypassed").
        alb = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=network.vpc,
            internet_facing=False,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_group=network.alb_sg,
            drop_invalid_header_fields=True,
        )
        https = alb.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            open=False,
            default_action=elbv2.ListenerAction.fixed_response(
                404, content_type="application/json", message_body='{"code":"not_found","detail":"Not Found"}'
            ),
        )
        nag.suppress(alb, ("AwsSolutions-ELB2", "ALB access logs are off to keep cost at rest low (ops.md)"))
        return alb, https

    def _exec_audit(self) -> ecs.ExecuteCommandConfiguration:
        """ECS Exec sessions: who ran one is in CloudTrail (ExecuteCommand), what they typed in these logs."""
        sessions = self._exec_sessions = month_of_logs(self, "ExecSessions")
        return ecs.ExecuteCommandConfiguration(
            logging=ecs.ExecuteCommandLogging.OVERRIDE,
            log_configuration=ecs.ExecuteCommandLogConfiguration(
                cloud_watch_log_group=sessions, cloud_watch_encryption_enabled=False
            ),
        )

    def _image(self, entry: ServiceEntry) -> ecs.ContainerImage:
        # One source of truth for what runs: `devstack.deploy` (make deploy and the pipelines) writes the
        # tag after a stable rollout, and every stack deploy resolves it, so neither undoes the other.
        tag = ssm.StringParameter.value_for_string_parameter(self, image_tag_parameter(entry.name))
        repository: ecr.IRepository = self._data.repositories[entry.name]
        return ecs.ContainerImage.from_ecr_repository(repository, tag=tag)

    def _environment(self, entry: ServiceEntry, *, service_connect: bool = True) -> dict[str, str]:
        needs = needs_for(entry)
        env = {
            "CRUDDUR_ENV": "prod",
            "AWS_REGION": Aws.REGION,
            "LOG_LEVEL": "INFO",
            "COGNITO_USER_POOL_ID": self._auth.user_pool.user_pool_id,
            "COGNITO_CLIENT_ID": self._auth.client.user_pool_client_id,
            **service_urls(service_connect=service_connect),
        }
        if needs.postgres:  # each task applies pending migrations under an advisory lock before serving
            env["MIGRATE_ON_START"] = "true"
            env |= self._pools[entry.name]  # sized so every task fits max_connections (connections.py)
        # Rate limits (every service) and the notification live events, shared by all tasks.
        env["REDIS_URL"] = self._data.cache.url
        if needs.messages_table:
            env["MESSAGES_TABLE"] = self._data.messages_table.table_name
            # /ready shows how many stream records the Lambda parked on this queue (docs/messaging.md)
            env["STREAM_DEAD_LETTER_QUEUE"] = self._functions.dead_letters.queue_url
        if needs.media is not None:
            env["UPLOADS_BUCKET"] = self._functions.uploads_bucket.bucket_name
            env["ASSETS_BUCKET"] = self._functions.assets_bucket.bucket_name
            env["ASSETS_BASE_URL"] = f"https://{self._functions.domain_name}/assets"
        return env

    def _secrets(self, entry: ServiceEntry) -> dict[str, ecs.Secret]:
        common = {
            "CURSOR_SECRET": ecs.Secret.from_secrets_manager(self._data.cursor_secret),
            "INTERNAL_SECRET": ecs.Secret.from_secrets_manager(self._data.internal_secret),
        }
        if not needs_for(entry).postgres:
            return common
        secret = self._data.service_db_secrets[entry.name]  # its own login only (cruddur_common.db_roles)
        fields = {"DB_HOST": "host", "DB_PORT": "port", "DB_NAME": "dbname", "DB_USER": "username"}
        fields["DB_PASSWORD"] = "password"  # noqa: S105 - a JSON key name, not a password
        return common | {env: ecs.Secret.from_secrets_manager(secret, key) for env, key in fields.items()}

    def _task_statements(self, entry: ServiceEntry) -> list[iam.PolicyStatement]:
        needs = needs_for(entry)
        statements: list[iam.PolicyStatement] = []
        if needs.messages_table:
            statements.append(grants.table_read_write(self._data.messages_table, indexes=MESSAGES_INDEXES))
            statements.append(
                iam.PolicyStatement(
                    actions=["sqs:GetQueueAttributes"], resources=[self._functions.dead_letters.queue_arn]
                )
            )
        if needs.media is not None:
            uploads, assets = self._functions.uploads_arn, self._functions.assets_arn
            statements.append(grants.objects(uploads, prefix=needs.media.uploads, actions=("s3:PutObject",)))
            statements.append(
                grants.objects(assets, prefix=needs.media.assets, actions=needs.media.asset_actions)
            )
            if needs.media.list_assets:
                statements.append(grants.list_prefix(assets, prefix=needs.media.assets))
            buckets = {"uploads": uploads, "assets": assets}
            for grant in needs.media.more:
                statements.append(
                    grants.objects(buckets[grant.bucket], prefix=grant.prefix, actions=grant.actions)
                )
                if grant.list:
                    statements.append(grants.list_prefix(buckets[grant.bucket], prefix=grant.prefix))
        if needs.account_admin:
            statements.append(
                iam.PolicyStatement(
                    actions=[f"cognito-idp:{action}" for action in ACCOUNT_ADMIN_ACTIONS],
                    resources=[self._auth.user_pool.user_pool_arn],
                )
            )
        return statements
