"""A Cruddur Lambda: packaged zip from `make lambdas`, python3.12 x86_64, logs kept a month."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.logs import month_of_logs


class PythonFunction(Construct):
    """One function; in the VPC's private subnets when `vpc` is given."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        handler: str,
        artifact: Path,
        environment: dict[str, str],
        vpc: ec2.IVpc | None = None,
        security_group: ec2.ISecurityGroup | None = None,
        timeout: Duration = Duration.seconds(30),
        memory_mb: int = 256,
        reserved_concurrency: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        log_group = month_of_logs(self, "Logs")
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=f"cruddur-{name.replace('_', '-')}",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.X86_64,
            handler=handler,
            code=lambda_.Code.from_asset(str(artifact)),
            environment={"LOG_LEVEL": "INFO", **environment},
            timeout=timeout,
            memory_size=memory_mb,
            reserved_concurrent_executions=reserved_concurrency,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS) if vpc else None,
            security_groups=[security_group] if security_group else None,
        )
        nag.suppress(
            self, ("AwsSolutions-L1", "Pinned to python3.12, the runtime `make lambdas` packages for")
        )
        nag.suppress_iam(
            self,
            "AWS-managed execution policies (logs, VPC ENIs); X-Ray and ENI actions have no resource scoping",
            resources=["*"],
            managed=[nag.BASIC_EXECUTION, *([nag.VPC_EXECUTION] if vpc else [])],
        )
