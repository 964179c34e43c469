"""Data stack (stateful, retained): Postgres, the messages table and the image repositories."""

from __future__ import annotations

import json
from typing import Any, cast

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack, triggers
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cruddur_common.db_roles import role_name
from cruddur_common.registry import load_registry
from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.cache import Cache
from cruddur_infra.components.python_function import PythonFunction
from cruddur_infra.connections import max_connections
from cruddur_infra.needs import needs_for, postgres_schema
from cruddur_infra.settings import InfraSettings, repository_name
from cruddur_infra.stacks.network import POSTGRES_PORT

DATABASE_NAME = "cruddur"
MESSAGES_INDEXES = ("gsi1",)
MESSAGES_TTL_ATTRIBUTE = "ttl"  # messaging_service: the message's end as epoch seconds
# Each service's database password: alternating users, so the login a running task holds stays valid
# through the next rotation (docs/ops.md "Database users").
ROTATION_DAYS = 30


class DataStack(Stack):
    """Everything whose loss loses data: deletion-protected, retained or snapshotted on delete."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: InfraSettings,
        vpc: ec2.IVpc,
        database_sg: ec2.ISecurityGroup,
        cache_sg: ec2.ISecurityGroup,
        lambda_sg: ec2.ISecurityGroup,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._vpc, self._database_sg = vpc, database_sg
        self.database = self._database(vpc=vpc, database_sg=database_sg, settings=settings)
        self.cache = Cache(
            self,
            "Cache",
            vpc=vpc,
            security_group=cache_sg,
            node_type=settings.cache_node_type,
            replicas=settings.cache_replicas,
        )
        secret = self.database.secret
        assert secret is not None  # generated credentials: the instance always has its secret
        self.db_secret = secret
        # The admin login: only the roles function and the rotations use it, each reading it when it runs.
        self._rotate("AdminRotation", secret, lambda_sg=lambda_sg)
        # One login per Postgres service, owner of its schema only; its secret alone goes to its tasks.
        self.service_db_secrets = {
            entry.name: self._service_secret(entry.name, lambda_sg=lambda_sg)
            for entry in load_registry()
            if needs_for(entry).postgres
        }
        self.roles = self._database_roles(settings=settings, vpc=vpc, lambda_sg=lambda_sg)
        self.messages_table = self._messages_table()
        self.cursor_secret = self._signing_key(
            "CursorSecret",
            name="cursor",
            description="HMAC key the services sign pagination cursors with (CURSOR_SECRET)",
            length=48,
            by_hand="Rotating it only invalidates open pagination cursors; rotate by hand (ops.md)",
        )
        # The key every service and Lambda signs /internal/* calls with (INTERNAL_SECRET).
        self.internal_secret = self._signing_key(
            "InternalSecret",
            name="internal",
            description="HMAC key of the 60 s service credentials on /internal/* calls (INTERNAL_SECRET)",
            length=64,
            by_hand="Read at task start and Lambda cold start; rotate by hand, rolling restart (platform.md)",
        )
        self.repositories = {
            entry.name: ecr.Repository(
                self,
                f"{entry.name.capitalize()}Repository",
                repository_name=repository_name(entry.name),
                image_tag_mutability=ecr.TagMutability.IMMUTABLE,
                image_scan_on_push=True,
                lifecycle_rules=[
                    ecr.LifecycleRule(description="keep the last 30 images", max_image_count=30)
                ],
                removal_policy=RemovalPolicy.RETAIN,
            )
            for entry in load_registry()
        }
        CfnOutput(self, "DatabaseSecretArn", value=self.db_secret.secret_arn)
        CfnOutput(self, "MessagesTableName", value=self.messages_table.table_name)

    def _service_secret(self, name: str, *, lambda_sg: ec2.ISecurityGroup) -> secretsmanager.ISecret:
        """`cruddur/database/<service>`: the service's login, rotated with alternating users."""
        secret = rds.DatabaseSecret(
            self,
            f"{name.capitalize()}DatabaseSecret",
            username=role_name(name),
            secret_name=f"cruddur/database/{name}",
            master_secret=self.db_secret,  # the rotation's second user is created and altered by the admin
            exclude_characters=" %+~`#$&*()|[]{}:;<>?!'/@\"\\",
        ).attach(self.database)  # adds host, port, dbname and engine
        self._rotate(f"{name.capitalize()}Rotation", secret, lambda_sg=lambda_sg, master=self.db_secret)
        return secret

    def _rotate(
        self,
        construct_id: str,
        secret: secretsmanager.ISecret,
        *,
        lambda_sg: ec2.ISecurityGroup,
        master: secretsmanager.ISecret | None = None,
    ) -> None:
        """Rotate `secret` every ROTATION_DAYS: alternating users with the `master` login, else in place."""
        multi_user = secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_MULTI_USER
        single_user = secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER
        secretsmanager.SecretRotation(
            self,
            construct_id,
            application=multi_user if master else single_user,
            secret=secret,
            master_secret=master,
            # The Functions group already reaches Postgres (CruddurNetwork): naming the instance here
            # would add that rule again with this stack's port token, a cycle between the two stacks.
            target=ec2.Connections(
                security_groups=[self._database_sg], default_port=ec2.Port.tcp(POSTGRES_PORT)
            ),
            vpc=self._vpc,
            # Secrets Manager's API through the NAT: the database's isolated subnets have no way out.
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_group=lambda_sg,
            automatically_after=Duration.days(ROTATION_DAYS),
        )

    def _database_roles(
        self, *, settings: InfraSettings, vpc: ec2.IVpc, lambda_sg: ec2.ISecurityGroup
    ) -> triggers.Trigger:
        """Run cruddur_common.db_roles as the admin on every deploy that changes the services or secrets."""
        roles = {
            name: {"schema": postgres_schema(name), "secret_arn": secret.secret_arn}
            for name, secret in self.service_db_secrets.items()
        }
        function = PythonFunction(
            self,
            "DatabaseRoles",
            name="db_roles",
            handler="cruddur_common.db_roles.handler",
            artifact=settings.lambda_zip("post_confirmation"),  # ships cruddur_common with asyncpg
            environment={"DB_SECRET_ARN": self.db_secret.secret_arn, "DB_ROLES": json.dumps(roles)},
            vpc=vpc,
            security_group=lambda_sg,
            timeout=Duration.minutes(2),
        ).function
        for secret in (self.db_secret, *self.service_db_secrets.values()):
            function.add_to_role_policy(grants.read_secret(secret))
        trigger = triggers.Trigger(
            self,
            "DatabaseRolesTrigger",
            handler=function,
            # each is the SecretTargetAttachment `attach` made: a construct, typed as the ISecret it is
            execute_after=[self.database, *(cast(Construct, s) for s in self.service_db_secrets.values())],
            execute_on_handler_change=True,
            timeout=Duration.minutes(2),
        )
        nag.suppress_provider(
            self,
            "AWSCDK.TriggerCustomResourceProviderCustomResourceProvider",
            "CDK's trigger provider invokes the roles function and nothing else",
            managed=[nag.BASIC_EXECUTION],
        )
        return trigger

    def _signing_key(
        self, construct_id: str, *, name: str, description: str, length: int, by_hand: str
    ) -> secretsmanager.Secret:
        """A generated HMAC key `cruddur/<name>`, rotated by hand for the reason `by_hand`."""
        secret = secretsmanager.Secret(
            self,
            construct_id,
            secret_name=f"cruddur/{name}",
            description=description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=length
            ),
        )
        nag.suppress(secret, ("AwsSolutions-SMG4", by_hand))
        return secret

    def _database(
        self, *, vpc: ec2.IVpc, database_sg: ec2.ISecurityGroup, settings: InfraSettings
    ) -> rds.DatabaseInstance:
        engine = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9)
        # max_connections is explicit so the services' pools can be sized to it (connections.py); it is
        # static: a changed value waits for the next reboot (docs/ops.md).
        parameters = rds.ParameterGroup(
            self,
            "PostgresParameters",
            engine=engine,
            description="Cruddur Postgres: max_connections the pool sizes are derived from",
            parameters={"max_connections": str(max_connections(settings.database_class))},
        )
        database = rds.DatabaseInstance(
            self,
            "Postgres",
            engine=engine,
            instance_type=ec2.InstanceType(settings.database_class),
            parameter_group=parameters,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[database_sg],
            publicly_accessible=False,
            credentials=rds.Credentials.from_generated_secret(
                "cruddur_admin",
                secret_name="cruddur/database",  # noqa: S106 - the secret's name, not its value
            ),
            database_name=DATABASE_NAME,
            storage_encrypted=True,
            allocated_storage=20,
            max_allocated_storage=100,
            storage_type=rds.StorageType(settings.database_storage.upper()),
            multi_az=settings.multi_az_database,
            enable_performance_insights=settings.performance_insights or None,
            performance_insight_retention=(
                rds.PerformanceInsightRetention.DEFAULT if settings.performance_insights else None
            ),
            backup_retention=Duration.days(7),
            deletion_protection=True,
            removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
            cloudwatch_logs_retention=logs.RetentionDays.ONE_MONTH,  # RDS creates these groups: never expire
            iam_authentication=True,
        )
        if not settings.multi_az_database:
            nag.suppress(
                database, ("AwsSolutions-RDS3", "Single-AZ in the dev profile to keep cost at rest low")
            )
        nag.suppress_provider(
            self,
            "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
            "CDK's log-retention provider sets the retention of the log groups RDS creates for its exports",
            managed=[nag.BASIC_EXECUTION],
            resources=["*"],
        )
        nag.suppress(
            database,
            ("AwsSolutions-RDS11", "Default port: the database is only reachable from two security groups"),
        )
        return database

    def _messages_table(self) -> dynamodb.Table:
        key = dynamodb.AttributeType.STRING
        table = dynamodb.Table(
            self,
            "MessagesTable",
            partition_key=dynamodb.Attribute(name="pk", type=key),
            sort_key=dynamodb.Attribute(name="sk", type=key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            # Disappearing messages carry `ttl` (epoch seconds, a Number) next to their ISO `expires_at`;
            # DynamoDB deletes them within days of it, reads hide them at once (docs/deletion.md).
            time_to_live_attribute=MESSAGES_TTL_ATTRIBUTE,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        table.add_global_secondary_index(
            index_name=MESSAGES_INDEXES[0],
            partition_key=dynamodb.Attribute(name="gsi1pk", type=key),
            sort_key=dynamodb.Attribute(name="gsi1sk", type=key),
        )
        return table
