"""Functions stack: media buckets, the avatar processor and the messaging stream consumer."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, CfnParameter, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.private_bucket import private_bucket
from cruddur_infra.components.python_function import PythonFunction
from cruddur_infra.needs import AVATARS_PREFIX, EXPORTS_PREFIX, MEDIA_PREFIX, UPLOADS_PREFIX, service_urls
from cruddur_infra.settings import InfraSettings
from cruddur_infra.stacks.data import MESSAGES_INDEXES

UPLOADS_ARN_EXPORT = "CruddurFunctions-UploadsBucketArn"
ASSETS_ARN_EXPORT = "CruddurFunctions-AssetsBucketArn"


class FunctionsStack(Stack):
    """Buckets are retained; the Lambdas are code and can be replaced freely."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: InfraSettings,
        vpc: ec2.IVpc,
        lambda_sg: ec2.ISecurityGroup,
        messages_table: dynamodb.ITable,
        internal_secret: secretsmanager.ISecret,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._internal_secret = internal_secret
        self.domain_name = CfnParameter(
            self, "DomainName", description="The site's domain (e.g. cruddur.com): CORS origin, asset URLs"
        ).value_as_string
        self.uploads_bucket = private_bucket(
            self,
            "UploadsBucket",
            retain=False,
            cors=[
                s3.CorsRule(
                    allowed_origins=[f"https://{self.domain_name}"],
                    allowed_methods=[s3.HttpMethods.PUT, s3.HttpMethods.POST],
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                # Every upload, avatar or picture (uploads/media/), is processed in seconds or abandoned.
                s3.LifecycleRule(prefix=UPLOADS_PREFIX, expiration=Duration.days(1)),
                # Account exports: their presigned URL lives 24 h, the zip a day (S3 rounds to midnight UTC).
                s3.LifecycleRule(prefix=EXPORTS_PREFIX, expiration=Duration.days(1)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )
        self.assets_bucket = private_bucket(
            self,
            "AssetsBucket",
            retain=True,
            versioned=True,
            # Its readers are CloudFront's OAC for this site's distribution only: CruddurFrontend names it.
            policy_elsewhere="CruddurFrontend",
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30)),
                # Pictures are deleted by the activity purge when their crud ends (no expiration here:
                # the crud's life decides); what versioning keeps of them goes a day later, with the
                # delete markers left behind (docs/deletion.md). Overlapping rules: S3 applies the shorter.
                s3.LifecycleRule(
                    prefix=MEDIA_PREFIX,
                    noncurrent_version_expiration=Duration.days(1),
                    expired_object_delete_marker=True,
                ),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )
        # Named exports keep the consumers' IAM findings readable (and acknowledgeable) by name.
        self.uploads_arn = self.export_value(self.uploads_bucket.bucket_arn, name=UPLOADS_ARN_EXPORT)
        self.assets_arn = self.export_value(self.assets_bucket.bucket_arn, name=ASSETS_ARN_EXPORT)
        self.avatar_processor = self._avatar_processor(settings=settings, vpc=vpc, lambda_sg=lambda_sg)
        self.dead_letters = sqs.Queue(
            self,
            "StreamDeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        nag.suppress(self.dead_letters, ("AwsSolutions-SQS3", "This queue is itself the dead-letter queue"))
        self.stream_consumer = self._stream_consumer(
            settings=settings, table=messages_table, vpc=vpc, lambda_sg=lambda_sg
        )
        nag.suppress_provider(
            self,
            "BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
            "CDK's bucket-notification provider: basic Lambda logging; PutBucketNotification has no scoping",
            managed=[nag.BASIC_EXECUTION],
            resources=["*"],
        )
        CfnOutput(self, "UploadsBucketName", value=self.uploads_bucket.bucket_name)
        CfnOutput(self, "AssetsBucketName", value=self.assets_bucket.bucket_name)

    def _avatar_processor(
        self, *, settings: InfraSettings, vpc: ec2.IVpc, lambda_sg: ec2.ISecurityGroup
    ) -> lambda_.IFunction:
        processor = PythonFunction(
            self,
            "AvatarProcessor",
            name="avatar_processor",
            handler="user_service.lambdas.avatar_processor.handler",
            artifact=settings.lambda_zip("avatar_processor"),
            environment={
                "UPLOADS_BUCKET": self.uploads_bucket.bucket_name,
                "ASSETS_BUCKET": self.assets_bucket.bucket_name,
                # USER_URL: avatars' claim and result; ACTIVITY_URL: pictures' claim and result
                **service_urls(service_connect=False),
                "INTERNAL_SECRET_ARN": self._internal_secret.secret_arn,
            },
            vpc=vpc,
            security_group=lambda_sg,
            timeout=Duration.seconds(60),
            memory_mb=1024,
        ).function
        # Read at cold start (cruddur_common.lambda_secrets), not injected: an injected value would be
        # plain text in the function's configuration.
        self._internal_secret.grant_read(processor)
        processor.add_to_role_policy(
            grants.objects(
                self.uploads_bucket.bucket_arn,
                prefix=UPLOADS_PREFIX,
                actions=("s3:GetObject", "s3:DeleteObject"),
            )
        )
        for prefix in (AVATARS_PREFIX, MEDIA_PREFIX):
            processor.add_to_role_policy(
                grants.objects(self.assets_bucket.bucket_arn, prefix=prefix, actions=("s3:PutObject",))
            )
        nag.suppress_iam(
            processor,
            "Object access is limited to the uploads/, avatars/ and media/ key prefixes",
            resources=[
                f"{nag.arn(self.uploads_bucket)}/{UPLOADS_PREFIX}*",
                f"{nag.arn(self.assets_bucket)}/{AVATARS_PREFIX}*",
                f"{nag.arn(self.assets_bucket)}/{MEDIA_PREFIX}*",
            ],
        )
        self.uploads_bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.LambdaDestination(processor),
            s3.NotificationKeyFilter(prefix=UPLOADS_PREFIX),
        )
        return processor

    def _stream_consumer(
        self, *, settings: InfraSettings, table: dynamodb.ITable, vpc: ec2.IVpc, lambda_sg: ec2.ISecurityGroup
    ) -> lambda_.IFunction:
        consumer = PythonFunction(
            self,
            "MessagingStream",
            name="messaging_stream",
            handler="messaging_service.lambdas.stream.handler",
            artifact=settings.lambda_zip("messaging_stream"),
            environment={
                "MESSAGES_TABLE": table.table_name,
                "INTERNAL_SECRET_ARN": self._internal_secret.secret_arn,
                # The handler parks poison records here itself (with the record and its error); the
                # mapping's on-failure destination below only knows a batch's shard and sequence range.
                "STREAM_DEAD_LETTER_QUEUE": self.dead_letters.queue_url,
                # NOTIFICATION_URL: DM notifications; the default (`http://notification:8104`) is a Service
                # Connect name, which resolves only inside ECS: here the Cloud Map name, from the VPC.
                **service_urls(service_connect=False),
            },
            # In the VPC to reach the notification service's tasks (DynamoDB through the gateway
            # endpoint; SQS and Secrets Manager through the NAT).
            vpc=vpc,
            security_group=lambda_sg,
            # Up to 4 attempts of 5 s each plus 7 s of backoff inside one invocation (lambdas/stream.py).
            timeout=Duration.seconds(60),
        ).function
        self._internal_secret.grant_read(consumer)
        consumer.add_to_role_policy(grants.table_read_write(table, indexes=MESSAGES_INDEXES))
        self.dead_letters.grant_send_messages(consumer)
        consumer.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.LATEST,
                batch_size=100,
                max_batching_window=Duration.seconds(1),
                parallelization_factor=1,  # one batch per shard at a time: previews and DMs stay in order
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                # Bounded, and long enough for an outage of the notification service (each failing
                # invocation waits 7 s or more before it reports): ~100 x 7-27 s is 12-45 minutes.
                retry_attempts=100,
                # Well inside the stream's 24 h retention, so the DLQ's shard/sequence range can still be
                # read back from the stream to redrive the batch.
                max_record_age=Duration.hours(6),
                on_failure=sources.SqsDlq(self.dead_letters),
            )
        )
        return consumer
