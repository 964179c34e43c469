"""One pipeline per service: source -> test, build, push to ECR -> deploy that ECS service only."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as cpactions
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.logs import month_of_logs

UV_VERSION = "0.13.8"
SHARED_PATHS = ("services/common/**", "services/registry.toml", "uv.lock", "pyproject.toml", "docker/**")


def build_spec() -> codebuild.BuildSpec:
    """Test the service, build its image with an immutable tag, push it, emit imagedefinitions.json."""
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
                        "aws ecr get-login-password | docker login --username AWS --password-stdin "
                        '"${REPOSITORY_URI%%/*}"',
                    ]
                },
                "build": {
                    "commands": [
                        'docker build -f docker/service.Dockerfile --build-arg SERVICE="$SERVICE" '
                        '-t "$REPOSITORY_URI:$IMAGE_TAG" .',
                        'docker push "$REPOSITORY_URI:$IMAGE_TAG"',
                    ]
                },
                "post_build": {
                    "commands": [
                        'printf \'[{"name":"%s","imageUri":"%s"}]\' "$SERVICE" "$REPOSITORY_URI:$IMAGE_TAG"'
                        " > imagedefinitions.json"
                    ]
                },
            },
            "artifacts": {"files": ["imagedefinitions.json"]},
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
        service: ecs.IBaseService,
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
        source_output, image_output = codepipeline.Artifact("Source"), codepipeline.Artifact("Image")
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
                    stage_name="Build",
                    actions=[
                        cpactions.CodeBuildAction(
                            action_name="TestBuildPush",
                            project=self.project,
                            input=source_output,
                            outputs=[image_output],
                        )
                    ],
                ),
                codepipeline.StageProps(
                    stage_name="Deploy",
                    actions=[
                        cpactions.EcsDeployAction(
                            action_name="Deploy",
                            service=service,
                            input=image_output,
                            deployment_timeout=Duration.minutes(30),
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
