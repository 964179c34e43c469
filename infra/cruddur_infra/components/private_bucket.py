"""A private, encrypted, TLS-only S3 bucket."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
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
    policy_elsewhere: str | None = None,
) -> s3.Bucket:
    """Block all public access, SSE-S3 (works with CloudFront OAC), enforce TLS.

    `policy_elsewhere` names the construct that writes the bucket's whole policy instead (the TLS-only
    statement included, `tls_only`): a bucket has one policy, and a grant naming a later stack's resource
    can only be written there."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=policy_elsewhere is None,
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
    if policy_elsewhere is not None:
        nag.suppress(bucket, ("AwsSolutions-S10", f"TLS is enforced by its policy in {policy_elsewhere}"))
    return bucket


def tls_only(bucket: s3.IBucket) -> iam.PolicyStatement:
    """The statement `enforce_ssl` writes: deny every request to the bucket that is not over TLS."""
    return iam.PolicyStatement(
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:*"],
        resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
        conditions={"Bool": {"aws:SecureTransport": "false"}},
    )
