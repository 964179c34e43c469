"""Ship one service to ECS: push an immutable image, register a task revision, roll out, roll back.

`make deploy` and the pipelines both run this, and both leave the same record of what runs: the SSM
parameter `/cruddur/image-tag/<service>` (written only after a stable rollout), which every
`cdk deploy CruddurCompute` reads, and the service's scheduled jobs moved to the same image.
A revision that failed to stabilise is deregistered, so no rollback can land on it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from cruddur_common.registry import ServiceEntry, service
from cruddur_infra.needs import needs_for
from cruddur_infra.settings import CLUSTER_NAME, image_tag_parameter, job_name, repository_name, task_family

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
# Fields of DescribeTaskDefinition that RegisterTaskDefinition accepts back.
REGISTRABLE = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
    "placementConstraints", "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode",
    "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
)  # fmt: skip


class DeployError(RuntimeError):
    """A deploy or rollback that did not reach a stable service."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one service lives in AWS; every name derives from the registry name."""

    entry: ServiceEntry
    cluster: str = CLUSTER_NAME

    @property
    def name(self) -> str:
        """The ECS service and container name."""
        return self.entry.name

    @property
    def repository(self) -> str:
        """The ECR repository name."""
        return repository_name(self.entry.name)

    @property
    def family(self) -> str:
        """The task-definition family."""
        return task_family(self.entry.name)

    @property
    def parameter(self) -> str:
        """The SSM parameter the compute stack reads the image tag from."""
        return image_tag_parameter(self.entry.name)

    @property
    def jobs(self) -> dict[str, str]:
        """The scheduled jobs that run this service's image: rule (= family) name -> container name."""
        return {job_name(self.entry.name, job.name): job.name for job in needs_for(self.entry).jobs}


def image_tag() -> str:
    """An immutable tag: the git commit plus a UTC timestamp (a rebuild of one commit never collides)."""
    result = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False
    )
    commit = result.stdout.strip() or "nogit"
    return f"{commit}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"


def docker_engine() -> bool:
    """True when a Docker engine answers (a client alone is not enough)."""
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    return probe.returncode == 0


class Deployer:
    """Per-service deploys and rollbacks through the ECR and ECS APIs."""

    def __init__(
        self,
        *,
        session: boto3.Session,
        endpoint_url: str | None,
        timeout: float = 900,
        poll: float = 10,
        log: Callable[[str], None] = print,
    ) -> None:
        self.ecr = session.client("ecr", endpoint_url=endpoint_url)
        self.ecs = session.client("ecs", endpoint_url=endpoint_url)
        self.ssm = session.client("ssm", endpoint_url=endpoint_url)
        self.events = session.client("events", endpoint_url=endpoint_url)
        self.emulated = endpoint_url is not None
        self.timeout, self.poll, self.log = timeout, poll, log

    # -- images -------------------------------------------------------------------------------
    def push(self, target: Target, tag: str) -> str:
        """Build and push `target`'s image as `tag`; returns the image URI."""
        repo = self.ecr.describe_repositories(repositoryNames=[target.repository])["repositories"][0]
        uri = f"{repo['repositoryUri']}:{tag}"
        existing = self.ecr.list_images(repositoryName=target.repository)["imageIds"]
        if any(image.get("imageTag") == tag for image in existing):
            raise DeployError(f"tag {tag} already exists in {target.repository}; tags are immutable")
        if docker_engine():
            self._docker_push(target, uri)
        elif self.emulated:
            self._registry_push(target, tag)
        else:
            raise DeployError("no Docker engine: refusing to push a layerless image to real ECR")
        self.log(f"pushed {uri}")
        if self.recorded(target) is None:  # a fresh account: the first image is what the stack deploys
            self.record(target, tag)
        return uri

    # -- the record of what runs ----------------------------------------------------------------
    def recorded(self, target: Target) -> str | None:
        """The image tag the stacks deploy for `target`, None before its first push."""
        try:
            return str(self.ssm.get_parameter(Name=target.parameter)["Parameter"]["Value"])
        except self.ssm.exceptions.ParameterNotFound:
            return None

    def record(self, target: Target, tag: str) -> None:
        """Make `tag` what every later stack deploy runs (the compute stack reads this parameter)."""
        self.ssm.put_parameter(
            Name=target.parameter,
            Value=tag,
            Type="String",
            Overwrite=True,
            Description=f"Image tag {target.name} runs; written by devstack.deploy after a stable rollout",
        )

    def _docker_push(self, target: Target, uri: str) -> None:
        auth = self.ecr.get_authorization_token()["authorizationData"][0]
        user, password = base64.b64decode(auth["authorizationToken"]).decode().split(":", 1)
        registry = auth["proxyEndpoint"].removeprefix("https://")
        dockerfile = REPO_ROOT / "docker" / "service.Dockerfile"
        build = ["docker", "build", "-f", str(dockerfile), "--build-arg", f"SERVICE={target.name}", "-t", uri]
        subprocess.run([*build, str(REPO_ROOT)], check=True)
        login = ["docker", "login", "--username", user, "--password-stdin", registry]
        subprocess.run(login, input=password, text=True, check=True)
        subprocess.run(["docker", "push", uri], check=True)

    def _registry_push(self, target: Target, tag: str) -> None:
        """Push through the registry API alone: upload a config blob, then PutImage its manifest."""
        config = json.dumps(
            {
                "architecture": "amd64",
                "os": "linux",
                "config": {"Labels": {"cruddur.service": target.name, "cruddur.tag": tag}},
                "rootfs": {"type": "layers", "diff_ids": []},
            }
        ).encode()
        upload = self.ecr.initiate_layer_upload(repositoryName=target.repository)["uploadId"]
        self.ecr.upload_layer_part(
            repositoryName=target.repository,
            uploadId=upload,
            partFirstByte=0,
            partLastByte=len(config) - 1,
            layerPartBlob=config,
        )
        digest = "sha256:" + hashlib.sha256(config).hexdigest()
        self.ecr.complete_layer_upload(
            repositoryName=target.repository, uploadId=upload, layerDigests=[digest]
        )
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "size": len(config), "digest": digest},
            "layers": [],
        }
        self.ecr.put_image(
            repositoryName=target.repository,
            imageManifest=json.dumps(manifest),
            imageManifestMediaType=MANIFEST_TYPE,
            imageTag=tag,
        )

    # -- task definitions and services --------------------------------------------------------
    def current(self, target: Target) -> str:
        """The task-definition ARN the service runs now."""
        found = self.ecs.describe_services(cluster=target.cluster, services=[target.name])["services"]
        if not found or found[0].get("status") == "INACTIVE":
            raise DeployError(f"no ECS service {target.name} in cluster {target.cluster}")
        return str(found[0]["taskDefinition"])

    def exists(self, target: Target) -> bool:
        """True when the cluster has an active service for `target`."""
        try:
            self.current(target)
        except (DeployError, self.ecs.exceptions.ClusterNotFoundException):
            return False
        return True

    def register(self, target: Target, *, base_arn: str, image: str, container: str | None = None) -> str:
        """Copy `base_arn` into a new revision whose `container` (the service's by default) runs `image`."""
        described = self.ecs.describe_task_definition(taskDefinition=base_arn, include=["TAGS"])
        task = described["taskDefinition"]
        spec: dict[str, Any] = {key: task[key] for key in REGISTRABLE if task.get(key) not in (None, [], {})}
        containers = spec["containerDefinitions"]
        matching = [c for c in containers if c["name"] == (container or target.name)] or containers[:1]
        matching[0]["image"] = image
        if described.get("tags"):
            spec["tags"] = described["tags"]
        return str(self.ecs.register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"])

    def roll_out(self, target: Target, task_arn: str) -> bool:
        """Point the service at `task_arn` and wait until it is stable on it."""
        self.ecs.update_service(cluster=target.cluster, service=target.name, taskDefinition=task_arn)
        self.log(f"updating {target.name} -> {task_arn.rsplit('/', 1)[-1]}")
        deadline = time.monotonic() + self.timeout
        while True:
            state = self.stability(target, task_arn)
            if state is not None:
                return state
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.poll)

    def stability(self, target: Target, task_arn: str) -> bool | None:
        """True when stable on `task_arn`, False when it failed or ECS rolled away, None while rolling."""
        svc = self.ecs.describe_services(cluster=target.cluster, services=[target.name])["services"][0]
        if svc["taskDefinition"] != task_arn:
            return False
        deployments = svc.get("deployments", [])
        primary = next((d for d in deployments if d["status"] == "PRIMARY"), None)
        if primary is None or primary.get("rolloutState") == "FAILED":
            return False
        done = primary.get("rolloutState", "COMPLETED") == "COMPLETED"
        if len(deployments) == 1 and done and primary["runningCount"] >= primary["desiredCount"]:
            return True
        return None

    def deploy(self, target: Target, *, tag: str) -> str:
        """Push, register, roll out, record; on failure retire the revision and go back to the one before."""
        previous = self.current(target)
        image = self.push(target, tag)
        task_arn = self.register(target, base_arn=previous, image=image)
        if self.roll_out(target, task_arn):
            self.log(f"{target.name} is stable on {task_arn.rsplit('/', 1)[-1]}")
            self.settle(target, image)
            return task_arn
        self.retire(task_arn)
        self.log(f"{target.name} did not stabilise; rolling back to {previous.rsplit('/', 1)[-1]}")
        if not self.roll_out(target, previous):
            raise DeployError(f"{target.name}: rollback to {previous} did not stabilise either")
        raise DeployError(f"{target.name}: deploy of {tag} failed and was rolled back")

    def rollback(self, target: Target) -> str:
        """Move the service to the newest active revision older than the one it runs that stabilises."""
        running = self.current(target)
        revision = _revision(running)
        pages = self.ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=target.family, status="ACTIVE"
        )
        arns: list[str] = [arn for page in pages for arn in page["taskDefinitionArns"]]
        older = sorted((a for a in arns if _revision(a) < revision), key=_revision)
        if not older:
            raise DeployError(f"{target.name}: no revision older than {revision} to roll back to")
        for candidate in reversed(older):
            if self.roll_out(target, candidate):
                self.log(f"{target.name} rolled back to {candidate.rsplit('/', 1)[-1]}")
                self.settle(target, self._image_of(candidate, target.name))
                return candidate
            self.log(f"{target.name} did not stabilise on {candidate.rsplit('/', 1)[-1]}; retiring it")
            self.retire(candidate)
        self.roll_out(target, running)
        raise DeployError(
            f"{target.name}: no older revision stabilised; back on {running.rsplit('/', 1)[-1]}"
        )

    def retire(self, task_arn: str) -> None:
        """Deregister a revision that failed: it stays readable but is never listed ACTIVE again."""
        self.ecs.deregister_task_definition(taskDefinition=task_arn)

    def settle(self, target: Target, image: str) -> None:
        """The service is stable on `image`: record its tag and move the service's jobs onto it."""
        self.record(target, image.rsplit(":", 1)[1])
        for rule, container in target.jobs.items():
            (job,) = [
                t for t in self.events.list_targets_by_rule(Rule=rule)["Targets"] if "EcsParameters" in t
            ]
            parameters = job["EcsParameters"]
            parameters["TaskDefinitionArn"] = self.register(
                target, base_arn=parameters["TaskDefinitionArn"], image=image, container=container
            )
            self.events.put_targets(Rule=rule, Targets=[job])
            self.log(f"{rule} runs {parameters['TaskDefinitionArn'].rsplit('/', 1)[-1]}")

    def _image_of(self, task_arn: str, container: str) -> str:
        task = self.ecs.describe_task_definition(taskDefinition=task_arn)["taskDefinition"]
        containers = task["containerDefinitions"]
        return str(([c for c in containers if c["name"] == container] or containers[:1])[0]["image"])

    def provision(self, target: Target) -> None:
        """Create repository, cluster, a first revision and the service in an emulator, as CDK would."""
        if not self.emulated:
            raise DeployError("provision is for emulators; real environments come from the CDK stacks")
        try:
            self.ecr.describe_repositories(repositoryNames=[target.repository])
        except self.ecr.exceptions.RepositoryNotFoundException:
            self.ecr.create_repository(repositoryName=target.repository, imageTagMutability="IMMUTABLE")
            self._registry_push(target, "initial")
        if self.recorded(target) is None:
            self.record(target, "initial")  # what the first `push` does in an account
        cluster = self.ecs.create_cluster(clusterName=target.cluster)["cluster"]["clusterArn"]
        uri = self.ecr.describe_repositories(repositoryNames=[target.repository])["repositories"][0][
            "repositoryUri"
        ]
        port = {"containerPort": target.entry.port, "name": target.name, "protocol": "tcp"}
        task = self.ecs.register_task_definition(
            family=target.family,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu=str(target.entry.cpu),
            memory=str(target.entry.memory),
            containerDefinitions=[{"name": target.name, "image": f"{uri}:initial", "portMappings": [port]}],
        )["taskDefinition"]["taskDefinitionArn"]
        self.ecs.create_service(
            cluster=target.cluster,
            serviceName=target.name,
            taskDefinition=task,
            desiredCount=0,  # nothing can run in an emulator; 0 running is "stable"
            launchType="FARGATE",
        )
        for rule, container in target.jobs.items():  # as ScheduledServiceJob: a family and a rule per job
            job = self.ecs.register_task_definition(
                family=rule,
                networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"],
                cpu="256",
                memory="512",
                containerDefinitions=[{"name": container, "image": f"{uri}:initial"}],
            )["taskDefinition"]["taskDefinitionArn"]
            self.events.put_rule(Name=rule, ScheduleExpression="rate(1 hour)")
            ecs_target = {"TaskDefinitionArn": job, "TaskCount": 1, "LaunchType": "FARGATE"}
            self.events.put_targets(
                Rule=rule,
                Targets=[
                    {
                        "Id": "Target0",
                        "Arn": cluster,
                        "RoleArn": f"arn:aws:iam::000000000000:role/{rule}-run-task",
                        "EcsParameters": ecs_target,
                    }
                ],
            )
        self.log(f"emulator: provisioned {target.name} ({target.repository}, {target.cluster})")


def _revision(task_arn: str) -> int:
    return int(task_arn.rsplit(":", 1)[1])


def session_for(*, region: str | None, endpoint_url: str | None) -> boto3.Session:
    """A boto3 session; an emulator gets dummy credentials when none are set."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    if endpoint_url and not os.environ.get("AWS_ACCESS_KEY_ID"):
        return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)  # noqa: S106
    return boto3.Session(region_name=region)


def main(argv: list[str] | None = None) -> int:
    """`deploy`, `rollback` or `push` one service: python -m devstack.deploy deploy --service activity."""
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy", description=__doc__)
    parser.add_argument("command", choices=("deploy", "rollback", "push", "provision"))
    parser.add_argument("--service", required=True, help="a name from services/registry.toml")
    parser.add_argument("--tag", help="image tag (default: <git sha>-<UTC time>)")
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"), help="an AWS emulator")
    parser.add_argument("--region")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a stable service")
    args = parser.parse_args(argv)
    if not args.service:
        parser.error("--service is required (make deploy SERVICE=activity)")
    try:
        target = Target(entry=service(args.service))
    except KeyError as exc:
        parser.error(str(exc))
    deployer = Deployer(
        session=session_for(region=args.region, endpoint_url=args.endpoint_url),
        endpoint_url=args.endpoint_url,
        timeout=args.timeout,
    )
    try:
        if args.command == "provision" or (
            args.command == "deploy" and deployer.emulated and not deployer.exists(target)
        ):
            deployer.provision(target)
        if args.command == "push":
            deployer.push(target, args.tag or image_tag())
        elif args.command == "deploy":
            deployer.deploy(target, tag=args.tag or image_tag())
        elif args.command == "rollback":
            deployer.rollback(target)
    except DeployError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
