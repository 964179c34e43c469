"""Compute intent: the ALB routes exactly like the registry; one task + service per registry entry."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from cruddur_common.registry import ServiceEntry, load_registry
from cruddur_infra.needs import SERVICE_NEEDS, needs_for
from tests.infra.support import Synth

REGISTRY = load_registry()


def _by_name(entries: dict[str, dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {res["Properties"][key]: res for res in entries.values()}


def test_needs_cover_exactly_the_registry() -> None:
    assert set(SERVICE_NEEDS) == {entry.name for entry in REGISTRY}


def test_listener_rules_route_every_registry_path_at_its_priority(synth: Synth) -> None:
    rules = synth.resources("CruddurCompute", "AWS::ElasticLoadBalancingV2::ListenerRule")
    groups = synth.resources("CruddurCompute", "AWS::ElasticLoadBalancingV2::TargetGroup")
    expected = [rule for entry in REGISTRY for rule in entry.rules]
    assert len(rules) == len(expected)
    by_priority = {rule["Properties"]["Priority"]: rule["Properties"] for rule in rules.values()}
    for entry in REGISTRY:
        for expected_rule in entry.rules:
            rule = by_priority[expected_rule.priority]
            assert rule["Conditions"] == [
                {"Field": "path-pattern", "PathPatternConfig": {"Values": list(expected_rule.paths)}}
            ]
            assert len(expected_rule.paths) <= 5  # an ALB rule's limit
            (action,) = rule["Actions"]
            group = groups[action["TargetGroupArn"]["Ref"]]["Properties"]
            assert (group["Port"], group["HealthCheckPath"], group["ProtocolVersion"]) == (
                entry.port,
                entry.health_path,
                "HTTP1",
            )


def test_https_listener_404s_unrouted_paths_on_an_internal_alb(synth: Synth) -> None:
    template = Template.from_json(synth.templates["CruddurCompute"])
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 443,
            "Protocol": "HTTPS",
            "Certificates": [{"CertificateArn": {"Ref": "CertificateArn"}}],
            "DefaultActions": [Match.object_like({"Type": "fixed-response"})],
        },
    )
    # CloudFront's VPC origin speaks HTTPS to it; nothing else reaches it (tests/infra/test_edge_bypass.py)
    template.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 1)
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal"})


def _container(synth: Synth, entry: ServiceEntry) -> dict[str, Any]:
    tasks = _by_name(synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition"), "Family")
    task = tasks[f"cruddur-{entry.name}"]["Properties"]
    assert (task["Cpu"], task["Memory"]) == (str(entry.cpu), str(entry.memory))
    (container,) = task["ContainerDefinitions"]
    return container


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_one_task_definition_per_service_with_health_check_logs_and_settings(
    synth: Synth, entry: ServiceEntry
) -> None:
    container = _container(synth, entry)
    assert container["Name"] == entry.name
    assert container["PortMappings"] == [
        {"AppProtocol": "http", "ContainerPort": entry.port, "Name": entry.name, "Protocol": "tcp"}
    ]
    assert f"http://127.0.0.1:{entry.port}{entry.health_path}" in " ".join(
        container["HealthCheck"]["Command"]
    )
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    env = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert env["CRUDDUR_ENV"] == "prod"
    for peer in REGISTRY:
        assert env[f"{peer.name.upper()}_URL"] == f"http://{peer.name}:{peer.port}"
    secrets = {item["Name"] for item in container.get("Secrets", [])}
    needs = needs_for(entry)
    expected = {"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"} if needs.postgres else set()
    assert secrets == expected | {"CURSOR_SECRET", "INTERNAL_SECRET"}
    assert ("MESSAGES_TABLE" in env) is needs.messages_table
    assert ("STREAM_DEAD_LETTER_QUEUE" in env) is needs.messages_table  # /ready counts what was parked
    assert ({"UPLOADS_BUCKET", "ASSETS_BUCKET", "ASSETS_BASE_URL"} <= env.keys()) is (needs.media is not None)
    assert not any("PASSWORD" in name or "SECRET" in name for name in env)


def test_one_private_fargate_service_per_registry_entry(synth: Synth) -> None:
    services = _by_name(synth.resources("CruddurCompute", "AWS::ECS::Service"), "ServiceName")
    assert set(services) == {entry.name for entry in REGISTRY}
    for entry in REGISTRY:
        props = services[entry.name]["Properties"]
        assert props["LaunchType"] == "FARGATE"
        assert props["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
        assert props["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
            "Enable": True,
            "Rollback": True,
        }
        assert props["LoadBalancers"][0]["ContainerPort"] == entry.port
        connect = props["ServiceConnectConfiguration"]["Services"]
        assert connect == [
            {"ClientAliases": [{"DnsName": entry.name, "Port": entry.port}], "PortName": entry.name}
        ]
        assert props["ServiceRegistries"], "Cloud Map DNS name for callers outside Service Connect"


def test_services_autoscale_on_cpu_and_request_count(synth: Synth) -> None:
    targets = synth.resources("CruddurCompute", "AWS::ApplicationAutoScaling::ScalableTarget")
    policies = synth.resources("CruddurCompute", "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert len(targets) == len(REGISTRY)
    metrics = [
        policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for policy in policies.values()
    ]
    assert sorted(metrics) == sorted(
        ["ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"] * len(REGISTRY)
    )


def test_scheduled_jobs_run_from_their_service_image(synth: Synth) -> None:
    rules = synth.resources("CruddurCompute", "AWS::Events::Rule")
    tasks = synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition")
    jobs = [(entry, job) for entry in REGISTRY for job in needs_for(entry).jobs]
    assert jobs, "the purge job is declared"
    for entry, job in jobs:
        (rule,) = [r for r in rules.values() if r["Properties"]["Name"] == f"cruddur-{entry.name}-{job.name}"]
        assert rule["Properties"]["ScheduleExpression"] == job.schedule
        task = tasks[rule["Properties"]["Targets"][0]["EcsParameters"]["TaskDefinitionArn"]["Ref"]][
            "Properties"
        ]
        (container,) = task["ContainerDefinitions"]
        assert container["Command"] == list(job.command)
        assert container["Image"] == _container(synth, entry)["Image"]
