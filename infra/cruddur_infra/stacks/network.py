"""Network stack: the VPC over two AZs and every security group with the rules between them."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cruddur_common.registry import load_registry
from cruddur_infra.components.logs import month_of_logs

POSTGRES_PORT = 5432
REDIS_PORT = 6379

VPC_CIDR = "10.40.0.0/16"


class NetworkStack(Stack):
    """Public subnets hold only the ALB and NAT; tasks and Lambdas are private; data is isolated."""

    def __init__(self, scope: Construct, construct_id: str, *, nat_gateways: int, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        flow_logs = month_of_logs(self, "FlowLogs")
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(VPC_CIDR),
            max_azs=2,
            nat_gateways=nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
                ),
                ec2.SubnetConfiguration(
                    name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDB": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.DYNAMODB),
            },
            flow_logs={
                "All": ec2.FlowLogOptions(destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs))
            },
        )
        self._security_groups()

    def _security_groups(self) -> None:
        self.alb_sg = self._group("Alb", "Internal ALB: HTTPS from the CloudFront VPC origin", outbound=True)
        self.services_sg = self._group("Services", "ECS service tasks", outbound=True)
        self.lambda_sg = self._group(
            "Functions", "Lambdas that reach the database or services", outbound=True
        )
        self.database_sg = self._group("Database", "RDS Postgres: services and Lambdas only", outbound=False)
        self.cache_sg = self._group("Cache", "ElastiCache (Valkey): service tasks only", outbound=False)
        # The ALB is internal behind a CloudFront VPC origin (docs/ops.md "The edge cannot be bypassed"):
        # CloudFront's origin ENIs sit in this VPC, so HTTPS from the VPC's range is all it needs.
        self.alb_sg.add_ingress_rule(
            ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), "HTTPS from the CloudFront VPC origin"
        )
        for entry in load_registry():
            port = ec2.Port.tcp(entry.port)
            self.services_sg.add_ingress_rule(self.alb_sg, port, f"ALB to {entry.name}")
            self.services_sg.add_ingress_rule(self.services_sg, port, f"Service Connect to {entry.name}")
            self.services_sg.add_ingress_rule(self.lambda_sg, port, f"Lambdas to {entry.name} internal API")
        self.database_sg.add_ingress_rule(
            self.services_sg, ec2.Port.tcp(POSTGRES_PORT), "Services to Postgres"
        )
        self.database_sg.add_ingress_rule(self.lambda_sg, ec2.Port.tcp(POSTGRES_PORT), "Lambdas to Postgres")
        self.cache_sg.add_ingress_rule(self.services_sg, ec2.Port.tcp(REDIS_PORT), "Services to Valkey (TLS)")

    def _group(self, name: str, description: str, *, outbound: bool) -> ec2.SecurityGroup:
        return ec2.SecurityGroup(
            self, f"{name}SecurityGroup", vpc=self.vpc, description=description, allow_all_outbound=outbound
        )
