"""Every Lambda and task definition reaches the services it names, as deployed (issue 17, item 1).

The class of bug: a setting that names another service (`<NAME>_URL`) left to its default, which is a
Service Connect name (`http://notification:8104`) that resolves only inside an ECS service; or set to an
address no template creates; or used from subnets or security groups that cannot reach it.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from moto import mock_aws

from cruddur_common.registry import load_registry
from cruddur_common.settings import CommonSettings
from cruddur_infra.settings import INTERNAL_DNS_NAMESPACE
from tests.infra.support import Synth

REGISTRY = load_registry()
PACKAGES = tuple(f"{entry.package}." for entry in REGISTRY)
SERVICE_URLS = {f"{entry.name}_url": entry for entry in REGISTRY}  # settings naming another service


@dataclass(frozen=True)
class Consumer:
    """A Lambda or a task definition's container: what it is given and where it runs."""

    label: str
    stack: str
    env: dict[str, Any]
    subnets: list[Any]
    security_groups: list[Any]
    service_connect: bool  # an ECS service's task, with Service Connect on


def _ref(synth: Synth, stack: str, value: Any) -> tuple[str, str]:
    """(stack, logical id) that a Ref / GetAtt / ImportValue points at."""
    if "Ref" in value:
        return stack, value["Ref"]
    if "Fn::GetAtt" in value:
        return stack, value["Fn::GetAtt"][0]
    name = value["Fn::ImportValue"]
    for other, template in synth.templates.items():
        for output in template.get("Outputs", {}).values():
            if output.get("Export", {}).get("Name") == name:
                return _ref(synth, other, output["Value"])
    raise AssertionError(f"{stack}: no stack exports {name}")


def _resource(synth: Synth, where: tuple[str, str]) -> dict[str, Any]:
    stack, logical = where
    found: dict[str, Any] = synth.templates[stack]["Resources"][logical]
    return found


def _lambdas(synth: Synth) -> Iterator[Consumer]:
    for stack in synth.templates:
        for name, function in synth.resources(stack, "AWS::Lambda::Function").items():
            props = function["Properties"]
            if not str(props.get("Handler", "")).startswith(PACKAGES):
                continue  # CDK's own providers
            vpc = props.get("VpcConfig", {})
            yield Consumer(
                label=f"{stack}/{name} ({props['Handler']})",
                stack=stack,
                env=props.get("Environment", {}).get("Variables", {}),
                subnets=vpc.get("SubnetIds", []),
                security_groups=vpc.get("SecurityGroupIds", []),
                service_connect=False,
            )


def _tasks(synth: Synth) -> Iterator[Consumer]:
    stack = "CruddurCompute"
    services = synth.resources(stack, "AWS::ECS::Service").values()
    targets = [
        target
        for rule in synth.resources(stack, "AWS::Events::Rule").values()
        for target in rule["Properties"].get("Targets", [])
        if "EcsParameters" in target
    ]
    for name, task in synth.resources(stack, "AWS::ECS::TaskDefinition").items():
        runs = [s["Properties"] for s in services if s["Properties"]["TaskDefinition"] == {"Ref": name}]
        runs += [
            t["EcsParameters"] for t in targets if t["EcsParameters"]["TaskDefinitionArn"] == {"Ref": name}
        ]
        assert len(runs) == 1, f"{name}: run by {len(runs)} services or schedules"
        (run,) = runs
        network = run["NetworkConfiguration"]  # spelled AwsvpcConfiguration by services, AwsVpc by targets
        network = network.get("AwsvpcConfiguration") or network["AwsVpcConfiguration"]
        connect = run.get("ServiceConnectConfiguration", {}).get("Enabled", False)
        for container in task["Properties"]["ContainerDefinitions"]:
            yield Consumer(
                label=f"{stack}/{name} ({container['Name']})",
                stack=stack,
                env={item["Name"]: item["Value"] for item in container.get("Environment", [])},
                subnets=network["Subnets"],
                security_groups=network["SecurityGroups"],
                service_connect=connect,
            )


def _consumers(synth: Synth) -> list[Consumer]:
    found = [*_lambdas(synth), *_tasks(synth)]
    assert len([c for c in found if "Lambda" not in c.label]) >= len(REGISTRY)
    return found


def _ecs_service_behind(synth: Synth, host: str, port: int, *, service_connect: bool) -> dict[str, Any]:
    """The ECS service a host name of the templates leads to (a Service Connect alias or a Cloud Map name)."""
    stack = "CruddurCompute"
    services = synth.resources(stack, "AWS::ECS::Service").values()
    if service_connect:
        found: list[dict[str, Any]] = [
            s["Properties"]
            for s in services
            for entry in s["Properties"].get("ServiceConnectConfiguration", {}).get("Services", [])
            for alias in entry.get("ClientAliases", [])
            if (alias["DnsName"], alias["Port"]) == (host, port)
        ]
        assert len(found) == 1, f"no Service Connect alias {host}:{port}"
        return found[0]
    label, _, namespace = host.partition(".")
    assert namespace == INTERNAL_DNS_NAMESPACE, f"{host} is not in the internal DNS namespace"
    (namespace_id,) = [
        n
        for n, ns in synth.resources(stack, "AWS::ServiceDiscovery::PrivateDnsNamespace").items()
        if ns["Properties"]["Name"] == namespace
    ]
    (discovery,) = [
        n
        for n, d in synth.resources(stack, "AWS::ServiceDiscovery::Service").items()
        if d["Properties"]["Name"] == label
        and d["Properties"]["DnsConfig"]["NamespaceId"] == {"Fn::GetAtt": [namespace_id, "Id"]}
    ]
    services_found: list[dict[str, Any]] = [
        s["Properties"]
        for s in services
        if {"Fn::GetAtt": [discovery, "Arn"]}
        in [r["RegistryArn"] for r in s["Properties"]["ServiceRegistries"]]
    ]
    (service,) = services_found
    task = synth.templates[stack]["Resources"][service["TaskDefinition"]["Ref"]]["Properties"]
    ports = [m["ContainerPort"] for c in task["ContainerDefinitions"] for m in c.get("PortMappings", [])]
    assert port in ports, f"{host}:{port}: the task behind it listens on {ports}"
    return service


def _allowed_sources(synth: Synth, group: tuple[str, str], port: int) -> set[tuple[str, str]]:
    """Security groups a group admits on `port` (inline rules and separate ingress resources)."""
    rules = [
        (group[0], rule)
        for rule in _resource(synth, group)["Properties"].get("SecurityGroupIngress", [])
        if "SourceSecurityGroupId" in rule
    ]
    rules += [
        (stack, ingress["Properties"])
        for stack in synth.templates
        for ingress in synth.resources(stack, "AWS::EC2::SecurityGroupIngress").values()
        if _ref(synth, stack, ingress["Properties"]["GroupId"]) == group
    ]
    return {
        _ref(synth, stack, rule["SourceSecurityGroupId"])
        for stack, rule in rules
        if rule["IpProtocol"] == "tcp" and rule["FromPort"] <= port <= rule["ToPort"]
    }


def _has_egress(synth: Synth, subnet: tuple[str, str]) -> bool:
    """A subnet whose route table sends 0.0.0.0/0 to a NAT gateway (private, yet reaches AWS APIs)."""
    stack, logical = subnet
    resources = synth.templates[stack]["Resources"].values()
    (table,) = [
        r["Properties"]["RouteTableId"]
        for r in resources
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        and r["Properties"]["SubnetId"] == {"Ref": logical}
    ]
    return any(
        r["Type"] == "AWS::EC2::Route"
        and r["Properties"]["RouteTableId"] == table
        and r["Properties"].get("DestinationCidrBlock") == "0.0.0.0/0"
        and "NatGatewayId" in r["Properties"]
        for r in resources
    )


def test_every_setting_naming_a_service_is_a_common_setting() -> None:
    assert SERVICE_URLS.keys() <= CommonSettings.model_fields.keys()


def test_every_lambda_and_task_reaches_every_service_it_may_call(synth: Synth) -> None:
    problems: list[str] = []
    for consumer in _consumers(synth):
        groups = {_ref(synth, consumer.stack, g) for g in consumer.security_groups}
        subnets = [_ref(synth, consumer.stack, s) for s in consumer.subnets]
        if not subnets or not all(_has_egress(synth, s) for s in subnets):
            problems.append(f"{consumer.label}: not in the VPC's private subnets with egress")
            continue
        for setting, peer in SERVICE_URLS.items():
            value = consumer.env.get(setting.upper())
            if not isinstance(value, str):
                problems.append(
                    f"{consumer.label}: {setting.upper()} is not set (the default only resolves in ECS)"
                )
                continue
            url = urlsplit(value)
            assert url.hostname is not None and url.port is not None, value
            service = _ecs_service_behind(
                synth, url.hostname, url.port, service_connect="." not in url.hostname
            )
            if "." not in url.hostname and not consumer.service_connect:
                problems.append(
                    f"{consumer.label}: {value} is a Service Connect name, outside Service Connect"
                )
            if service["ServiceName"] != peer.name:
                problems.append(
                    f"{consumer.label}: {setting.upper()}={value} leads to {service['ServiceName']}"
                )
            targets = {
                _ref(synth, "CruddurCompute", g)
                for g in service["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
            }
            if not any(groups & _allowed_sources(synth, target, url.port) for target in targets):
                problems.append(f"{consumer.label}: no security group rule lets it reach {value}")
    assert problems == []


# --- the second half: each Lambda's own settings loader, run on the environment its template gives it ---


def _placeholder(value: Any) -> str:
    """A CloudFormation value as a plain string (intrinsics become stable, readable stand-ins)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_placeholder(p) for p in parts)
    if "Ref" in value:
        return f"ref-{value['Ref']}"
    if "Fn::GetAtt" in value:
        return "getatt-" + "-".join(value["Fn::GetAtt"])
    if "Fn::ImportValue" in value:
        return "import-" + re.sub(r"[^A-Za-z0-9-]", "-", value["Fn::ImportValue"])
    raise AssertionError(f"unexpected intrinsic {value}")


SECRET_BODIES = {
    "INTERNAL_SECRET_ARN": "s" * 40,
    "DB_SECRET_ARN": '{"host": "db", "username": "u", "password": "p"}',
}


@pytest.fixture
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing of this process's environment leaks into a loader; moto answers Secrets Manager."""
    for key in list(os.environ):
        monkeypatch.delenv(key)
    with mock_aws():
        yield


def test_each_lambda_handlers_settings_loader_accepts_its_template_environment(
    synth: Synth, lambda_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    consumers = list(_lambdas(synth))
    handlers = {str(c.label.rsplit("(", 1)[1].rstrip(")")) for c in consumers}
    assert {
        "messaging_service.lambdas.stream.handler",
        "user_service.lambdas.avatar_processor.handler",
        "user_service.lambdas.post_confirmation.handler",
        "user_service.lambdas.pre_sign_up.handler",
    } <= handlers
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    created: set[str] = set()
    for consumer in consumers:
        env = {name: _placeholder(value) for name, value in consumer.env.items()}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for arn_setting, body in SECRET_BODIES.items():
            if env.get(arn_setting) in created or arn_setting not in env:
                continue
            # what the Lambda reads at cold start, stood in for by moto
            secrets.create_secret(Name=env[arn_setting], SecretString=body)
            created.add(env[arn_setting])
        handler = consumer.label.rsplit("(", 1)[1].rstrip(")")
        module = importlib.import_module(handler.rsplit(".", 1)[0])
        loader = module.get_settings  # the entry point's loader (a cached getter)
        loader.cache_clear()
        try:
            settings = loader()
            for url in SERVICE_URLS:
                assert url in settings.model_fields_set, f"{handler}: {url.upper()} falls back to its default"
                assert getattr(settings, url) == env[url.upper()]
            if settings.internal_secret_arn:
                from cruddur_common.lambda_secrets import with_internal_secret

                assert len(with_internal_secret(settings).internal_secret.get_secret_value()) == 40
            if "DB_SECRET_ARN" in env:
                from user_service.lambdas.config import database_url

                assert database_url(settings).startswith("postgresql+asyncpg://u:p@db:5432/")
        finally:
            loader.cache_clear()
            for name in env:
                monkeypatch.delenv(name)
