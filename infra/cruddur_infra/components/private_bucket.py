"""A private, encrypted, TLS-only S3 bucket."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cruddur_infra import nag


def private_bucket(
    scope: Construct,
    construct_id: str,
    *,
    retain: bool,
    cors: list[s3.CorsRule] | None = None,
    lifecycle_rules: list[s3.LifecycleRule] | None = None,
    versioned: bool = False,
) -> s3.Bucket:
    """Block all public access, SSE-S3 (works with CloudFront OAC), enforce TLS."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=versioned,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        cors=cors,
        lifecycle_rules=lifecycle_rules,
        removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
    )
    nag.suppress(
        bucket,
        ("AwsSolutions-S1", "Access is audited through CloudTrail; server access logs are off to save cost"),
    )
    return bucket
