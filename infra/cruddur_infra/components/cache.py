"""The shared Valkey cache: live events across notification tasks and the per-user rate limits."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.stacks.network import REDIS_PORT

ENGINE = "valkey"
ENGINE_VERSION = "8.0"


class Cache(Construct):
    """One Valkey shard in the data subnets, TLS only, encrypted at rest; replicas fail over across AZs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        security_group: ec2.ISecurityGroup,
        node_type: str,
        replicas: int,
    ) -> None:
        super().__init__(scope, construct_id)
        subnets = elasticache.CfnSubnetGroup(
            self,
            "Subnets",
            description="Cruddur cache: the isolated data subnets",
            subnet_ids=vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids,
        )
        self.group = elasticache.CfnReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_description="Cruddur: notification live events and rate-limit counters",
            engine=ENGINE,
            engine_version=ENGINE_VERSION,
            cache_node_type=node_type,
            num_cache_clusters=1 + replicas,
            automatic_failover_enabled=replicas > 0,
            multi_az_enabled=replicas > 0,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[security_group.security_group_id],
            port=REDIS_PORT,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            snapshot_retention_limit=0,  # counters and pub/sub only: nothing worth restoring
            auto_minor_version_upgrade=True,
        )
        # Services connect over TLS (rediss://); the URL is a plain setting because it holds no secret.
        self.url = f"rediss://{self.group.attr_primary_end_point_address}:{REDIS_PORT}/0"
        reasons = [
            (
                "AwsSolutions-AEC5",
                "Default port: the cache is only reachable from the services' security group",
            ),
            (
                "AwsSolutions-AEC6",
                "No AUTH token: reachable only from service tasks over TLS; a token would put a secret in "
                "REDIS_URL, which the services read as a plain setting",
            ),
        ]
        if replicas == 0:
            reasons.append(("AwsSolutions-AEC4", "dev profile: one node; the prod profile adds a replica"))
        nag.suppress(self.group, *reasons)
