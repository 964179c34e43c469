"""`make deploy` / `make rollback` end to end against moto's ECR and ECS (an in-process server)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from moto.server import ThreadedMotoServer

from cruddur_common.registry import load_registry, service
from devstack import deploy
from devstack.deploy import Deployer, DeployError, Target

REGION = "us-east-1"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A private moto server on a free port (4566 belongs to the dev stack)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def deployer(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployer]:
    """A deployer on a freshly reset emulator with every registry service provisioned."""
    monkeypatch.setattr(deploy, "docker_engine", lambda: False)
    httpx.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    session = deploy.session_for(region=REGION, endpoint_url=endpoint)
    deployer = Deployer(session=session, endpoint_url=endpoint, timeout=5, poll=0.01, log=lambda _: None)
    for entry in load_registry():
        deployer.provision(Target(entry=entry))
    yield deployer


def _image(deployer: Deployer, target: Target) -> str:
    arn = deployer.current(target)
    task = deployer.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return str(task["containerDefinitions"][0]["image"])


def _revisions(deployer: Deployer) -> dict[str, str]:
    return {entry.name: deployer.current(Target(entry=entry)) for entry in load_registry()}


def test_deploy_pushes_an_immutable_image_and_touches_only_that_service(deployer: Deployer) -> None:
    target = Target(entry=service("activity"))
    before = _revisions(deployer)
    arn = deployer.deploy(target, tag="abc123-20250101T000000Z")
    after = _revisions(deployer)
    assert after["activity"] == arn != before["activity"]
    assert arn.endswith(":2")
    assert {k: v for k, v in after.items() if k != "activity"} == {
        k: v for k, v in before.items() if k != "activity"
    }
    assert _image(deployer, target).endswith("/cruddur/activity:abc123-20250101T000000Z")
    images = deployer.ecr.describe_images(repositoryName="cruddur/activity")["imageDetails"]
    assert {tag for image in images for tag in image.get("imageTags", [])} == {
        "initial",
        "abc123-20250101T000000Z",
    }
    with pytest.raises(DeployError, match="immutable"):
        deployer.deploy(target, tag="abc123-20250101T000000Z")


def test_new_revision_keeps_everything_but_the_image(deployer: Deployer) -> None:
    target = Target(entry=service("messaging"))
    old = deployer.ecs.describe_task_definition(taskDefinition=deployer.current(target))["taskDefinition"]
    new_arn = deployer.deploy(target, tag="t1")
    new = deployer.ecs.describe_task_definition(taskDefinition=new_arn)["taskDefinition"]
    for key in ("family", "cpu", "memory", "networkMode", "requiresCompatibilities"):
        assert new[key] == old[key], key
    (old_c,), (new_c,) = old["containerDefinitions"], new["containerDefinitions"]
    assert {**old_c, "image": None} == {**new_c, "image": None}


def test_registry_push_uploads_a_manifest_with_its_config_blob(deployer: Deployer) -> None:
    target = Target(entry=service("user"))
    deployer.push(target, "t2")
    (image,) = deployer.ecr.batch_get_image(repositoryName=target.repository, imageIds=[{"imageTag": "t2"}])[
        "images"
    ]
    manifest = json.loads(image["imageManifest"])
    available = deployer.ecr.batch_check_layer_availability(
        repositoryName=target.repository, layerDigests=[manifest["config"]["digest"]]
    )
    assert available["layers"][0]["layerAvailability"] == "AVAILABLE"


class FailingDeployer(Deployer):
    """ECS never stabilises on a new revision (as when its tasks crash at start)."""

    def __init__(self, base: Deployer, *, bad: set[str]) -> None:
        self.__dict__.update(base.__dict__)
        self.bad = bad

    def stability(self, target: Target, task_arn: str) -> bool | None:
        if not self.bad or task_arn.rsplit(":", 1)[1] in self.bad:
            return False
        return super().stability(target, task_arn)


def test_failed_rollout_rolls_back_to_the_previous_revision(deployer: Deployer) -> None:
    target = Target(entry=service("notification"))
    previous = deployer.current(target)
    failing = FailingDeployer(deployer, bad={"2"})
    with pytest.raises(DeployError, match="rolled back"):
        failing.deploy(target, tag="broken")
    assert deployer.current(target) == previous


def test_rollback_goes_to_the_previous_revision(deployer: Deployer) -> None:
    target = Target(entry=service("user"))
    first = deployer.current(target)
    deployer.deploy(target, tag="good")
    assert deployer.rollback(target) == first
    assert deployer.current(target) == first
    with pytest.raises(DeployError, match="no revision older"):
        deployer.rollback(target)


def test_cli_deploys_and_rolls_back_against_the_emulator(endpoint: str, deployer: Deployer) -> None:
    assert deploy.main(["deploy", "--service", "activity", "--endpoint-url", endpoint, "--tag", "cli1"]) == 0
    assert deployer.current(Target(entry=service("activity"))).endswith(":2")
    assert deploy.main(["rollback", "--service", "activity", "--endpoint-url", endpoint]) == 0
    assert deployer.current(Target(entry=service("activity"))).endswith(":1")
    with pytest.raises(SystemExit):
        deploy.main(["deploy", "--service", "nope", "--endpoint-url", endpoint])


# -- one record of what runs (issue 17, item 4) ---------------------------------------------------------


def _job(deployer: Deployer, rule: str) -> str:
    (target,) = deployer.events.list_targets_by_rule(Rule=rule)["Targets"]
    arn = target["EcsParameters"]["TaskDefinitionArn"]
    task = deployer.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return str(task["containerDefinitions"][0]["image"])


def test_a_stable_deploy_records_its_tag_and_moves_the_purge_job_onto_its_image(deployer: Deployer) -> None:
    target = Target(entry=service("activity"))
    assert deployer.recorded(target) == "initial"  # what the stack deployed first
    deployer.deploy(target, tag="good1")
    assert deployer.recorded(target) == "good1"  # the next `cdk deploy CruddurCompute` keeps it
    assert _job(deployer, "cruddur-activity-purge") == _image(deployer, target)
    assert _job(deployer, "cruddur-activity-purge").endswith(":good1")


def test_a_failed_deploy_records_nothing_and_its_revision_is_retired(deployer: Deployer) -> None:
    target = Target(entry=service("notification"))
    job_before = _job(deployer, "cruddur-notification-purge")
    with pytest.raises(DeployError, match="rolled back"):
        FailingDeployer(deployer, bad={"2"}).deploy(target, tag="broken")
    assert deployer.recorded(target) == "initial"
    assert _job(deployer, "cruddur-notification-purge") == job_before
    failed = deployer.ecs.describe_task_definition(taskDefinition=f"{target.family}:2")["taskDefinition"]
    assert failed["status"] == "INACTIVE"


def test_rollback_never_lands_on_a_failed_revision(deployer: Deployer) -> None:
    target = Target(entry=service("user"))
    first = deployer.current(target)
    deployer.deploy(target, tag="good")  # :2
    with pytest.raises(DeployError):
        FailingDeployer(deployer, bad={"3"}).deploy(target, tag="broken")  # :3 retired, back on :2
    deployer.deploy(target, tag="newer")  # :4
    assert deployer.rollback(target).endswith(":2")  # skips the retired :3
    assert deployer.recorded(target) == "good"
    assert deployer.rollback(target) == first
    assert deployer.recorded(target) == "initial"


def test_rollback_retires_a_revision_that_does_not_stabilise_and_goes_further_back(
    deployer: Deployer,
) -> None:
    target = Target(entry=service("messaging"))
    first = deployer.current(target)
    deployer.deploy(target, tag="a")  # :2
    deployer.deploy(target, tag="b")  # :3
    assert FailingDeployer(deployer, bad={"2"}).rollback(target) == first
    assert (
        deployer.ecs.describe_task_definition(taskDefinition=f"{target.family}:2")["taskDefinition"]["status"]
        == "INACTIVE"
    )


def test_push_records_only_the_first_image(deployer: Deployer) -> None:
    target = Target(entry=service("user"))
    deployer.ssm.delete_parameter(Name=target.parameter)
    deployer.push(target, "first")
    deployer.push(target, "second")  # pushed, not deployed: the stacks keep running the first
    assert deployer.recorded(target) == "first"
