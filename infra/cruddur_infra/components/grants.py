"""Least-privilege IAM statements with explicit actions (never `service:*` on data)."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager

TABLE_READ_WRITE = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)


def table_read_write(table: dynamodb.ITable, *, indexes: tuple[str, ...]) -> iam.PolicyStatement:
    """Item reads and writes on the table and its named indexes; no scans, no table management."""
    return iam.PolicyStatement(
        actions=list(TABLE_READ_WRITE),
        resources=[table.table_arn, *(f"{table.table_arn}/index/{index}" for index in indexes)],
    )


def objects(bucket_arn: str, *, prefix: str, actions: tuple[str, ...]) -> iam.PolicyStatement:
    """Object-level S3 actions limited to one key prefix of one bucket."""
    return iam.PolicyStatement(actions=list(actions), resources=[f"{bucket_arn}/{prefix}*"])


def list_prefix(bucket_arn: str, *, prefix: str) -> iam.PolicyStatement:
    """List one bucket's keys, only under one prefix."""
    return iam.PolicyStatement(
        actions=["s3:ListBucket"],
        resources=[bucket_arn],
        conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
    )


def read_secret(secret: secretsmanager.ISecret) -> iam.PolicyStatement:
    """Read one secret's value."""
    return iam.PolicyStatement(
        actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources=[secret.secret_arn],
    )
