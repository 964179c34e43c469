"""Data tier by settings (issue 17, items 7 and 8): profiles, the connection budget, the shared cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cruddur_common.registry import load_registry
from cruddur_infra.connections import RESERVED, budget
from cruddur_infra.needs import needs_for
from cruddur_infra.settings import InfraSettings
from tests.infra.support import Synth

REGISTRY = load_registry()
POSTGRES = [entry.name for entry in REGISTRY if needs_for(entry).postgres]


def _one(synth: Synth, stack: str, kind: str) -> dict[str, Any]:
    (resource,) = synth.resources(stack, kind).values()
    return dict(resource["Properties"])


def _containers(synth: Synth) -> dict[str, dict[str, Any]]:
    """The container of every task definition in the compute stack, by family."""
    tasks = synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition").values()
    return {task["Properties"]["Family"]: task["Properties"]["ContainerDefinitions"][0] for task in tasks}


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {pair["Name"]: pair["Value"] for pair in container["Environment"]}


@pytest.fixture(scope="module")
def prod(synth: Synth) -> dict[str, dict[str, Any]]:
    """The network and data templates of the prod profile (no compute: only what the profile changes)."""
    import aws_cdk as cdk

    from cruddur_infra.stacks.data import DataStack
    from cruddur_infra.stacks.network import NetworkStack

    lambdas = synth.outdir.parent / "lambdas"  # the session's placeholder zips (the roles function's)
    settings = InfraSettings.for_profile("prod", lambda_dir=lambdas, spa_dir=Path("."))
    app = cdk.App()
    network = NetworkStack(app, "Network", nat_gateways=settings.nat_gateways)
    data = DataStack(
        app,
        "Data",
        settings=settings,
        vpc=network.vpc,
        database_sg=network.database_sg,
        cache_sg=network.cache_sg,
        lambda_sg=network.lambda_sg,
    )
    assembly = app.synth()
    return {name: assembly.get_stack_by_name(name).template for name in (network.stack_name, data.stack_name)}


def _of(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [res["Properties"] for res in template["Resources"].values() if res["Type"] == kind]


def test_the_default_settings_are_the_dev_profile() -> None:
    here = Path(".")
    assert InfraSettings(lambda_dir=here, spa_dir=here) == InfraSettings.for_profile(
        "dev", lambda_dir=here, spa_dir=here
    )
    with pytest.raises(ValueError, match="unknown profile 'staging'"):
        InfraSettings.for_profile("staging", lambda_dir=here, spa_dir=here)


def test_context_chooses_the_profile_and_single_keys_override_it() -> None:
    import aws_cdk as cdk

    app = cdk.App(context={"profile": "prod", "natGateways": "3", "databaseClass": "db.r7g.large"})
    settings = InfraSettings.from_context(app.node)
    assert (settings.profile, settings.nat_gateways, settings.database_class) == ("prod", 3, "r7g.large")
    assert settings.multi_az_database is True  # from the profile


def test_dev_database_is_the_settings_instance_on_gp3(synth: Synth) -> None:
    db = _one(synth, "CruddurData", "AWS::RDS::DBInstance")
    assert (db["DBInstanceClass"], db["StorageType"], db["MultiAZ"]) == ("db.t4g.micro", "gp3", False)
    assert not db.get("EnablePerformanceInsights")
    parameters = _one(synth, "CruddurData", "AWS::RDS::DBParameterGroup")
    assert parameters["Parameters"] == {"max_connections": "80"}
    assert db["DBParameterGroupName"] == {"Ref": _logical(synth, "CruddurData", "AWS::RDS::DBParameterGroup")}
    assert len(synth.resources("CruddurNetwork", "AWS::EC2::NatGateway")) == 1


def test_prod_profile_is_multi_az_with_a_nat_per_az_and_performance_insights(
    prod: dict[str, dict[str, Any]],
) -> None:
    (db,) = _of(prod["Data"], "AWS::RDS::DBInstance")
    assert (db["DBInstanceClass"], db["StorageType"], db["MultiAZ"]) == ("db.t4g.medium", "gp3", True)
    assert db["EnablePerformanceInsights"] is True
    (parameters,) = _of(prod["Data"], "AWS::RDS::DBParameterGroup")
    assert parameters["Parameters"] == {"max_connections": "400"}
    assert len(_of(prod["Network"], "AWS::EC2::NatGateway")) == 2
    (cache,) = _of(prod["Data"], "AWS::ElastiCache::ReplicationGroup")
    assert (cache["NumCacheClusters"], cache["AutomaticFailoverEnabled"], cache["MultiAZEnabled"]) == (
        2,
        True,
        True,
    )


def test_every_task_that_can_run_at_once_fits_max_connections(synth: Synth) -> None:
    """Pools x the most tasks of each service (200 % during a deploy) + jobs + reserve <= max_connections."""
    limit = int(_one(synth, "CruddurData", "AWS::RDS::DBParameterGroup")["Parameters"]["max_connections"])
    containers = _containers(synth)
    services = synth.resources("CruddurCompute", "AWS::ECS::Service")
    by_name = {res["Properties"]["ServiceName"]: res["Properties"] for res in services.values()}
    most = {  # ResourceId is service/<cluster>/<GetAtt service.Name>
        services[t["Properties"]["ResourceId"]["Fn::Join"][1][-1]["Fn::GetAtt"][0]]["Properties"][
            "ServiceName"
        ]: t["Properties"]["MaxCapacity"]
        for t in synth.resources("CruddurCompute", "AWS::ApplicationAutoScaling::ScalableTarget").values()
    }
    used = 0
    for name in POSTGRES:
        surge = by_name[name]["DeploymentConfiguration"]["MaximumPercent"] / 100
        max_tasks = most[name]
        per_task = _connections(name, _env(containers[f"cruddur-{name}"]))
        used += int(per_task * max_tasks * surge)
        for family, container in containers.items():
            if family.startswith(f"cruddur-{name}-"):  # its scheduled jobs run the service's settings
                used += _connections(name, _env(container))
    assert used <= limit - RESERVED, f"{used} connections at peak, {limit - RESERVED} available"


def _connections(service: str, env: dict[str, Any]) -> int:
    """What one process opens (cruddur_common.db: pool_size + overflow; activity_service.db: two pools)."""
    count = 2 * int(env["DB_POOL_SIZE"])
    if service == "activity":
        assert int(env["PG_POOL_MIN"]) <= int(env["PG_POOL_MAX"])
        count += 2 * int(env["PG_POOL_MAX"])
    return count


def test_the_budget_refuses_what_cannot_fit_and_sizes_prod() -> None:
    jobs = {"notification": 1, "activity": 1, "user": 0}
    with pytest.raises(ValueError, match="bigger databaseClass or fewer maxTasks"):
        budget(database_class="t4g.micro", max_tasks=4, jobs=jobs)
    prod = budget(database_class="t4g.medium", max_tasks=4, jobs=jobs)
    assert prod.used() <= prod.max_connections - RESERVED
    assert int(prod.pools["activity"]["PG_POOL_MAX"]) >= 5


def test_valkey_is_encrypted_in_the_data_subnets_and_only_services_reach_it(synth: Synth) -> None:
    cache = _one(synth, "CruddurData", "AWS::ElastiCache::ReplicationGroup")
    assert cache["Engine"] == "valkey"
    assert cache["AtRestEncryptionEnabled"] is True
    assert (cache["TransitEncryptionEnabled"], cache["TransitEncryptionMode"]) == (True, "required")
    subnets = _one(synth, "CruddurData", "AWS::ElastiCache::SubnetGroup")["SubnetIds"]
    assert subnets and all("dataSubnet" in json.dumps(subnet) for subnet in subnets)
    groups = synth.resources("CruddurNetwork", "AWS::EC2::SecurityGroup")
    (cache_group,) = [name for name, g in groups.items() if "Valkey" in g["Properties"]["GroupDescription"]]
    assert json.dumps(cache["SecurityGroupIds"]).count(cache_group) == 1
    rules = [
        r["Properties"]
        for r in synth.resources("CruddurNetwork", "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [cache_group, "GroupId"]}
    ]
    assert [(r["FromPort"], r["SourceSecurityGroupId"]["Fn::GetAtt"][0]) for r in rules] == [
        (
            6379,
            next(n for n, g in groups.items() if g["Properties"]["GroupDescription"] == "ECS service tasks"),
        )
    ]
    assert "SecurityGroupEgress" not in groups[cache_group]["Properties"] or all(
        e.get("CidrIp") == "255.255.255.255/32"
        for e in groups[cache_group]["Properties"]["SecurityGroupEgress"]
    )


def test_every_service_task_gets_the_cache_over_tls(synth: Synth) -> None:
    """Every service counts rate limits (cruddur_common.app) and notification fans live events out."""
    containers = _containers(synth)
    for entry in REGISTRY:
        url = _env(containers[f"cruddur-{entry.name}"])["REDIS_URL"]
        text = json.dumps(url)
        assert text.startswith('{"Fn::Join": ["", ["rediss://"'), entry.name
        assert "PrimaryEndPointAddress" in text and ":6379/0" in text, entry.name


def _logical(synth: Synth, stack: str, kind: str) -> str:
    (name,) = synth.resources(stack, kind)
    return name
