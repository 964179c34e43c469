"""Alarms where it breaks first, deployments that roll back on them, ECS Exec (issue 17, items 4, 9, 10)."""

from __future__ import annotations

import json
from typing import Any

from cruddur_common.registry import load_registry
from cruddur_infra.components.service_app import EXEC_AGENT_PATHS
from cruddur_infra.settings import image_tag_parameter
from tests.infra.support import Synth

REGISTRY = load_registry()
JOBS = ("cruddur-activity-purge", "cruddur-notification-purge")


def _alarms(synth: Synth, stack: str = "CruddurOps") -> dict[str, dict[str, Any]]:
    found = synth.resources(stack, "AWS::CloudWatch::Alarm").values()
    return {alarm["Properties"]["AlarmName"]: alarm["Properties"] for alarm in found}


def _metric(alarm: dict[str, Any]) -> tuple[str, str]:
    return alarm["Namespace"], alarm["MetricName"]


def test_the_data_tier_alarms(synth: Synth) -> None:
    alarms = _alarms(synth)
    expected = {
        "cruddur-rds-cpu": ("AWS/RDS", "CPUUtilization"),
        "cruddur-rds-cpu-credits": ("AWS/RDS", "CPUCreditBalance"),  # dev runs a t4g
        "cruddur-rds-free-storage": ("AWS/RDS", "FreeStorageSpace"),
        "cruddur-rds-connections": ("AWS/RDS", "DatabaseConnections"),
        "cruddur-stream-iterator-age": ("AWS/Lambda", "IteratorAge"),
    }
    assert {name: _metric(alarms[name]) for name in expected} == expected
    (db,) = synth.resources("CruddurData", "AWS::RDS::DBParameterGroup").values()
    limit = int(db["Properties"]["Parameters"]["max_connections"])
    assert alarms["cruddur-rds-connections"]["Threshold"] < limit


def test_running_tasks_below_desired_per_service(synth: Synth) -> None:
    alarms = _alarms(synth)
    for entry in REGISTRY:
        alarm = alarms[f"cruddur-{entry.name}-tasks-below-desired"]
        metrics = {m["Id"]: m for m in alarm["Metrics"]}
        for name in ("desired", "running"):
            stat = metrics[name]["MetricStat"]["Metric"]
            assert stat["Namespace"] == "ECS/ContainerInsights"
            assert {"Name": "ServiceName", "Value": entry.name} in stat["Dimensions"]
        assert alarm["Threshold"] == 1


def test_outbox_lag_and_dead_letters_come_from_the_services_log_lines(synth: Synth) -> None:
    filters = [f["Properties"] for f in synth.resources("CruddurOps", "AWS::Logs::MetricFilter").values()]
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for f in filters:
        by_metric.setdefault(f["MetricTransformations"][0]["MetricName"], []).append(f)
    (lag, parked) = (by_metric["OutboxOldestPendingSeconds"], by_metric["OutboxParkedEvents"])
    # the lines cruddur_common.outbox writes: "outbox lag" with its figures, and a parked event's id
    assert {f["FilterPattern"] for f in lag} == {'{ $.msg = "outbox lag" }'}
    assert {f["MetricTransformations"][0]["MetricValue"] for f in lag} == {"$.outbox.oldest_pending_seconds"}
    assert {f["FilterPattern"] for f in parked} == {"{ $.outbox_parked.id > 0 }"}
    for service in ("activity", "user"):  # the services with an outbox
        assert any(service.capitalize() + "Logs" in json.dumps(f["LogGroupName"]) for f in lag), service
    alarms = _alarms(synth)
    for service in ("activity", "user"):
        assert _metric(alarms[f"cruddur-{service}-outbox-lag"]) == ("Cruddur", "OutboxOldestPendingSeconds")
        assert _metric(alarms[f"cruddur-{service}-outbox-dead-letters"]) == ("Cruddur", "OutboxParkedEvents")


def test_a_failed_purge_notifies_and_a_refused_launch_alarms(synth: Synth) -> None:
    (topic,) = synth.resources("CruddurOps", "AWS::SNS::Topic")
    rules = {
        r["Properties"]["Name"]: r["Properties"]
        for r in synth.resources("CruddurOps", "AWS::Events::Rule").values()
    }
    alarms = _alarms(synth)
    for family in JOBS:
        rule = rules[f"{family}-failed"]
        detail = rule["EventPattern"]["detail"]
        assert detail["group"] == [f"family:{family}"] and detail["lastStatus"] == ["STOPPED"]
        assert {"containers": {"exitCode": [{"anything-but": 0}]}} in detail["$or"]
        assert rule["Targets"][0]["Arn"] == {"Ref": topic}
        launches = alarms[f"{family}-launch-failures"]
        assert _metric(launches) == ("AWS/Events", "FailedInvocations")
        assert launches["Dimensions"] == [{"Name": "RuleName", "Value": family}]


def test_a_deploy_rolls_back_on_its_alarm_as_well_as_the_circuit_breaker(synth: Synth) -> None:
    services = synth.resources("CruddurCompute", "AWS::ECS::Service").values()
    alarms = {name: props for name, props in _by_logical(synth).items()}
    for service in services:
        config = service["Properties"]["DeploymentConfiguration"]
        assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
        assert (config["Alarms"]["Enable"], config["Alarms"]["Rollback"]) == (True, True)
        (name,) = config["Alarms"]["AlarmNames"]
        alarm = alarms[name["Ref"]]
        assert alarm["AlarmName"] == f"cruddur-{service['Properties']['ServiceName']}-deploy-5xx"
        assert _metric(alarm) == ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count")


def _by_logical(synth: Synth) -> dict[str, dict[str, Any]]:
    found = synth.resources("CruddurCompute", "AWS::CloudWatch::Alarm").items()
    return {name: alarm["Properties"] for name, alarm in found}


def test_rds_log_exports_are_kept_a_month(synth: Synth) -> None:
    (db,) = synth.resources("CruddurData", "AWS::RDS::DBInstance").values()
    exports = db["Properties"]["EnableCloudwatchLogsExports"]
    retention = synth.resources("CruddurData", "Custom::LogRetention").values()
    named = {
        json.dumps(r["Properties"]["LogGroupName"]): r["Properties"]["RetentionInDays"] for r in retention
    }
    assert len(named) == len(exports)
    for export in exports:
        (days,) = [days for name, days in named.items() if name.endswith(f'"/{export}"]]}}')]
        assert days == 30


def test_operators_can_exec_into_service_tasks_and_sessions_are_logged(synth: Synth) -> None:
    (cluster,) = synth.resources("CruddurCompute", "AWS::ECS::Cluster").values()
    config = cluster["Properties"]["Configuration"]["ExecuteCommandConfiguration"]
    assert config["Logging"] == "OVERRIDE"
    sessions = config["LogConfiguration"]["CloudWatchLogGroupName"]["Ref"]
    groups = synth.resources("CruddurCompute", "AWS::Logs::LogGroup")
    assert groups[sessions]["Properties"]["RetentionInDays"] == 30
    for service in synth.resources("CruddurCompute", "AWS::ECS::Service").values():
        assert service["Properties"]["EnableExecuteCommand"] is True
    tasks = {
        t["Properties"]["Family"]: t["Properties"]
        for t in synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition").values()
    }
    policies = json.dumps(synth.resources("CruddurCompute", "AWS::IAM::Policy"))
    assert "ssmmessages:OpenDataChannel" in policies
    for entry in REGISTRY:
        (container,) = tasks[f"cruddur-{entry.name}"]["ContainerDefinitions"]
        assert container["ReadonlyRootFilesystem"] is True  # kept: the agent gets writable volumes instead
        mounted = {m["ContainerPath"] for m in container["MountPoints"] if m["ReadOnly"] is False}
        assert set(EXEC_AGENT_PATHS) <= mounted


def test_the_image_each_task_runs_is_read_from_its_ssm_parameter(synth: Synth) -> None:
    """One place says what runs: `devstack.deploy` writes the parameter, every stack deploy reads it."""
    template = synth.templates["CruddurCompute"]
    parameters = {
        props["Default"]: name
        for name, props in template["Parameters"].items()
        if props["Type"] == "AWS::SSM::Parameter::Value<String>"
    }
    tasks = {
        t["Properties"]["Family"]: t["Properties"]
        for t in synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition").values()
    }
    for entry in REGISTRY:
        parameter = parameters[image_tag_parameter(entry.name)]
        families = [
            f for f in tasks if f == f"cruddur-{entry.name}" or f.startswith(f"cruddur-{entry.name}-")
        ]
        for family in families:  # the service and its scheduled jobs run one image
            image = json.dumps(tasks[family]["ContainerDefinitions"][0]["Image"])
            assert image.endswith(f'":", {{"Ref": "{parameter}"}}]]}}'), family
    assert not [p for p in template["Parameters"] if p.endswith("ImageTag")]
