"""Create (idempotently) the local AWS resources: Cognito pool and client, DynamoDB table, S3, SQS."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cruddur_common.auth import MODERATORS
from devstack import config as c
from messaging_service.settings import Settings as MessagingSettings


@dataclass(frozen=True)
class AwsResources:
    """Identifiers the services and the SPA need."""

    region: str
    endpoint_url: str
    user_pool_id: str
    client_id: str
    issuer: str
    jwks_url: str
    messages_table: str
    uploads_bucket: str
    assets_bucket: str
    avatar_queue_url: str


def client(name: str, endpoint_url: str) -> Any:
    """A boto3 client against the local endpoint (dummy credentials)."""
    return boto3.client(
        name,
        endpoint_url=endpoint_url,
        region_name=c.REGION,
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",  # noqa: S106 - moto accepts any credentials
        config=Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"}),
    )


def _user_pool(cognito: Any) -> tuple[str, str]:
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == c.USER_POOL_NAME), None)
    if pool_id is None:
        pool_id = cognito.create_user_pool(
            PoolName=c.USER_POOL_NAME,
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 8,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": False,
                }
            },
            Schema=[
                {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
                {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
                {
                    "Name": "preferred_username",
                    "AttributeDataType": "String",
                    "Required": True,
                    "Mutable": True,
                },
            ],
        )["UserPool"]["Id"]
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((x["ClientId"] for x in clients if x["ClientName"] == c.APP_CLIENT_NAME), None)
    if client_id is None:
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=c.APP_CLIENT_NAME,
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="ENABLED",
        )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def _moderators_group(cognito: Any, pool_id: str) -> None:
    """The Cognito group whose members moderate (`cognito:groups` in their access tokens)."""
    try:
        cognito.create_group(
            UserPoolId=pool_id, GroupName=MODERATORS, Description="Cruddur moderators: reports and actions"
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "GroupExistsException":
            raise


def add_moderator(endpoint_url: str, email: str) -> None:
    """Put the local Cognito user with this email in the moderators group (their next sign-in shows it)."""
    cognito = client("cognito-idp", endpoint_url)
    pool_id, _ = _user_pool(cognito)
    _moderators_group(cognito, pool_id)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=MODERATORS)


def _messages_table(dynamodb: Any) -> None:
    try:
        dynamodb.describe_table(TableName=c.MESSAGES_TABLE)
        return
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    dynamodb.create_table(
        TableName=c.MESSAGES_TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.update_time_to_live(
        TableName=c.MESSAGES_TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )


def _messaging_stream(dynamodb: Any, sqs: Any) -> None:
    """The stream poller's dead-letter queue and checkpoint table (names: the poller's defaults)."""
    fields = MessagingSettings.model_fields
    # Same retention as the AWS queue (infra functions stack): parked records wait 14 days for a look.
    sqs.create_queue(
        QueueName=fields["stream_dead_letter_queue"].default,
        Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)},
    )
    table = fields["stream_checkpoint_table"].default
    try:
        dynamodb.describe_table(TableName=table)
        return
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    dynamodb.create_table(  # no stream: writing a checkpoint must not make another record to poll
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "stream", "KeyType": "HASH"},
            {"AttributeName": "shard_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("stream", "shard_id")],
    )


def _buckets_and_queue(s3: Any, sqs: Any) -> str:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in (c.UPLOADS_BUCKET, c.ASSETS_BUCKET):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(
        Bucket=c.UPLOADS_BUCKET,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["*"],
                    "AllowedMethods": ["POST", "PUT"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )
    # The gateway's /assets/ reads objects unsigned, as CloudFront (OAC) may in AWS: allow public GetObject.
    s3.put_bucket_policy(
        Bucket=c.ASSETS_BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{c.ASSETS_BUCKET}/*",
                    }
                ],
            }
        ),
    )
    queue_url = sqs.create_queue(QueueName=c.AVATAR_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    # One queue, one processor for both upload kinds: "uploads/" covers avatars and uploads/media/ (pictures).
    s3.put_bucket_notification_configuration(
        Bucket=c.UPLOADS_BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}},
                }
            ]
        },
    )
    return str(queue_url)


def bootstrap(endpoint_url: str, *, out_file: Path | None = None) -> AwsResources:
    """Make sure every local AWS resource exists and return their identifiers."""
    cognito = client("cognito-idp", endpoint_url)
    pool_id, client_id = _user_pool(cognito)
    _moderators_group(cognito, pool_id)
    _messages_table(client("dynamodb", endpoint_url))
    _messaging_stream(client("dynamodb", endpoint_url), client("sqs", endpoint_url))
    queue_url = _buckets_and_queue(client("s3", endpoint_url), client("sqs", endpoint_url))
    resources = AwsResources(
        region=c.REGION,
        endpoint_url=endpoint_url,
        user_pool_id=pool_id,
        client_id=client_id,
        issuer=f"https://cognito-idp.{c.REGION}.amazonaws.com/{pool_id}",
        jwks_url=f"{endpoint_url}/{pool_id}/.well-known/jwks.json",
        messages_table=c.MESSAGES_TABLE,
        uploads_bucket=c.UPLOADS_BUCKET,
        assets_bucket=c.ASSETS_BUCKET,
        avatar_queue_url=queue_url,
    )
    if out_file:
        out_file.write_text(json.dumps(asdict(resources), indent=2))
    return resources
