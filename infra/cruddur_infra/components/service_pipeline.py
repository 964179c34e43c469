"""One pipeline per service: source -> test, then `make deploy`'s own code ships that service only.

The deploy step is `python -m devstack.deploy deploy`, as on a laptop: it pushes the image, rolls the
service out, retires a revision that fails, records the tag in SSM and moves the scheduled jobs onto
the image. One path means the pipeline and `make deploy` cannot drift apart (docs/ops.md).
"""

from __future__ import annotations

from aws_cdk import Arn, ArnFormat, Duration, Stack
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as cpactions
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.logs import month_of_logs
from cruddur_infra.components.scheduled_job import ScheduledServiceJob
from cruddur_infra.settings import image_tag_parameter

UV_VERSION = "0.13.8"
SHARED_PATHS = ("services/common/**", "services/registry.toml", "uv.lock", "pyproject.toml", "docker/**")


def build_spec() -> codebuild.BuildSpec:
    """Test the service, then deploy it with an immutable commit-derived tag through devstack.deploy."""
    return codebuild.BuildSpec.from_object(
        {
            "version": "0.2",
            "phases": {
                "install": {
                    "runtime-versions": {"python": "3.12"},
                    "commands": [f"pip install uv=={UV_VERSION}", "uv sync --frozen"],
                },
                "pre_build": {
                    "commands": [
                        'TESTS="tests/unit/${SERVICE}"',
                        'if [ -d "$TESTS" ]; then uv run --frozen pytest -q "$TESTS"; fi',
                        'export IMAGE_TAG="$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-12)'
                        '-b${CODEBUILD_BUILD_NUMBER}"',
                    ]
                },
                "build": {
                    "commands": [
                        "uv run --frozen python -m devstack.deploy deploy "
                        '--service "$SERVICE" --tag "$IMAGE_TAG"'
                    ]
                },
            },
        }
    )


class ServicePipeline(Construct):
    """Triggered only by pushes touching this service (or shared code), and deploys only it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        service: ecs.FargateService,
        jobs: list[ScheduledServiceJob],
        repository: ecr.IRepository,
        artifact_bucket: s3.IBucket,
        source: tuple[str, str, str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        connection_arn, owner, repo, branch = source
        log_group = month_of_logs(self, "BuildLogs")
        self.project = codebuild.PipelineProject(
            self,
            "Build",
            project_name=f"cruddur-{service_name}",
            build_spec=build_spec(),
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=codebuild.ComputeType.SMALL,
                privileged=True,
            ),
            environment_variables={
                "SERVICE": codebuild.BuildEnvironmentVariable(value=service_name),
                "REPOSITORY_URI": codebuild.BuildEnvironmentVariable(value=repository.repository_uri),
            },
            logging=codebuild.LoggingOptions(
                cloud_watch=codebuild.CloudWatchLoggingOptions(log_group=log_group)
            ),
            timeout=Duration.minutes(30),
        )
        repository.grant_pull_push(self.project)
        self._grant_deploy(service_name=service_name, service=service, jobs=jobs, repository=repository)
        source_output = codepipeline.Artifact("Source")
        source_action = cpactions.CodeStarConnectionsSourceAction(
            action_name="Source",
            connection_arn=connection_arn,
            owner=owner,
            repo=repo,
            branch=branch,
            output=source_output,
        )
        self.pipeline = codepipeline.Pipeline(
            self,
            "Pipeline",
            pipeline_name=f"cruddur-{service_name}",
            pipeline_type=codepipeline.PipelineType.V2,
            artifact_bucket=artifact_bucket,
            restart_execution_on_update=False,
            stages=[
                codepipeline.StageProps(stage_name="Source", actions=[source_action]),
                codepipeline.StageProps(
                    stage_name="Deploy",
                    actions=[
                        cpactions.CodeBuildAction(
                            action_name="TestAndDeploy", project=self.project, input=source_output
                        )
                    ],
                ),
            ],
            triggers=[
                codepipeline.TriggerProps(
                    provider_type=codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
                    git_configuration=codepipeline.GitConfiguration(
                        source_action=source_action,
                        push_filter=[
                            codepipeline.GitPushFilter(
                                branches_includes=[branch],
                                file_paths_includes=[f"services/{service_name}/**", *SHARED_PATHS],
                            )
                        ],
                    ),
                )
            ],
        )
        nag.suppress(
            self,
            ("AwsSolutions-CB3", "Privileged mode is required to run `docker build` in CodeBuild"),
            (
                "AwsSolutions-CB4",
                "Build artifacts are encrypted with the AWS-managed S3 key of the artifact bucket",
            ),
        )
        nag.suppress_iam(
            self,
            "RegisterTaskDefinition, DescribeTaskDefinition and ListTaskDefinitions have no resource scoping",
            resources=["*"],
        )
        project = nag.ref(self.project)
        nag.suppress_iam(
            self,
            "CDK's pipeline grants: artifact objects, this project's logs and reports, ECS deploy actions",
            actions=["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"],
            resources=[
                "*",
                f"{nag.arn(artifact_bucket)}/*",
                f"arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/{project}:*",
                f"arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/{project}-*",
            ],
        )

    def _grant_deploy(
        self,
        *,
        service_name: str,
        service: ecs.FargateService,
        jobs: list[ScheduledServiceJob],
        repository: ecr.IRepository,
    ) -> None:
        """What devstack.deploy does for this one service, and nothing for any other."""
        task_definitions = [service.task_definition, *(job.task_definition for job in jobs)]
        roles = [role for task in task_definitions for role in (task.task_role, task.obtain_execution_role())]
        statements = [
            iam.PolicyStatement(
                actions=["ecr:DescribeRepositories", "ecr:ListImages"], resources=[repository.repository_arn]
            ),
            iam.PolicyStatement(
                actions=["ecs:DescribeServices", "ecs:UpdateService"], resources=[service.service_arn]
            ),
            iam.PolicyStatement(
                actions=[
                    "ecs:RegisterTaskDefinition",
                    "ecs:DescribeTaskDefinition",
                    "ecs:ListTaskDefinitions",
                    "ecs:DeregisterTaskDefinition",
                    "ecs:TagResource",
                ],
                resources=["*"],
            ),
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[role.role_arn for role in roles],
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            ),
            iam.PolicyStatement(
                actions=["ssm:GetParameter", "ssm:PutParameter"],
                resources=[
                    Arn.format(
                        {
                            "service": "ssm",
                            "resource": "parameter",
                            "resource_name": image_tag_parameter(service_name).lstrip("/"),
                            "arn_format": ArnFormat.SLASH_RESOURCE_NAME,
                        },
                        Stack.of(self),
                    )
                ],
            ),
        ]
        if jobs:
            statements.append(
                iam.PolicyStatement(
                    actions=["events:ListTargetsByRule", "events:PutTargets"],
                    resources=[job.rule.rule_arn for job in jobs],
                )
            )
            statements.append(
                iam.PolicyStatement(
                    actions=["iam:PassRole"],
                    resources=[job.events_role.role_arn for job in jobs],
                    conditions={"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}},
                )
            )
        for statement in statements:
            self.project.add_to_role_policy(statement)
