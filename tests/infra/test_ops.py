"""Ops intent: alarms to SNS, a dashboard, billing guardrails, one pipeline per service."""

from __future__ import annotations

import json

from cruddur_common.registry import load_registry
from tests.infra.support import Synth

REGISTRY = load_registry()


def test_alarms_cover_each_service_the_alb_the_dlq_and_the_lambdas(synth: Synth) -> None:
    alarms = synth.resources("CruddurOps", "AWS::CloudWatch::Alarm")
    names = {alarm["Properties"]["AlarmName"] for alarm in alarms.values()}
    for entry in REGISTRY:
        assert {
            f"cruddur-{entry.name}-5xx-rate",
            f"cruddur-{entry.name}-p99-latency",
            f"cruddur-{entry.name}-unhealthy-targets",
        } <= names
    assert {
        "cruddur-alb-5xx",
        "cruddur-stream-dlq-depth",
        "cruddur-post-confirmation-errors",
        "cruddur-avatar-processor-errors",
        "cruddur-messaging-stream-errors",
    } <= names
    (topic,) = synth.resources("CruddurOps", "AWS::SNS::Topic")
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
    assert synth.resources("CruddurOps", "AWS::CloudWatch::Dashboard")


def test_daily_estimated_charges_alarm_uses_the_seed_metric_math(synth: Synth) -> None:
    (alarm,) = synth.resources("CruddurBilling", "AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    metrics = {m["Id"]: m for m in props["Metrics"]}
    expression = [m for m in metrics.values() if "Expression" in m]
    assert [m["Expression"] for m in expression] == ["IF(RATE(m1)>0, RATE(m1)*86400, 0)"]
    stat = metrics["m1"]["MetricStat"]
    assert stat["Metric"]["Namespace"] == "AWS/Billing"
    assert stat["Metric"]["MetricName"] == "EstimatedCharges"
    assert stat["Metric"]["Dimensions"] == [{"Name": "Currency", "Value": "USD"}]
    assert props["Threshold"] == {"Ref": "DailyChargesThresholdUsd"}
    assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert props["AlarmActions"]


def test_monthly_budget_alerts_at_80_percent(synth: Synth) -> None:
    (budget,) = synth.resources("CruddurBilling", "AWS::Budgets::Budget").values()
    props = budget["Properties"]
    assert props["Budget"]["TimeUnit"] == "MONTHLY"
    assert props["Budget"]["BudgetType"] == "COST"
    assert props["Budget"]["BudgetLimit"]["Amount"] == {"Ref": "MonthlyBudgetUsd"}
    actual = [
        n["Notification"]
        for n in props["NotificationsWithSubscribers"]
        if n["Notification"]["NotificationType"] == "ACTUAL"
    ]
    assert actual == [
        {
            "ComparisonOperator": "GREATER_THAN",
            "NotificationType": "ACTUAL",
            "Threshold": 80,
            "ThresholdType": "PERCENTAGE",
        }
    ]


def test_one_pipeline_and_build_project_per_service_deploying_only_it(synth: Synth) -> None:
    projects = synth.resources("CruddurPipeline", "AWS::CodeBuild::Project")
    pipelines = synth.resources("CruddurPipeline", "AWS::CodePipeline::Pipeline")
    by_service = {
        next(
            v["Value"]
            for v in p["Properties"]["Environment"]["EnvironmentVariables"]
            if v["Name"] == "SERVICE"
        ): p
        for p in projects.values()
    }
    assert set(by_service) == {entry.name for entry in REGISTRY}
    assert len(pipelines) == len(REGISTRY)
    for pipeline in pipelines.values():
        props = pipeline["Properties"]
        service = props["Name"].removeprefix("cruddur-")
        stages = {stage["Name"]: stage["Actions"] for stage in props["Stages"]}
        assert list(stages) == ["Source", "Deploy"]
        # the deploy is `make deploy`'s own code (devstack.deploy), so the two paths cannot drift apart
        (deploy,) = stages["Deploy"]
        assert deploy["ActionTypeId"]["Provider"] == "CodeBuild"
        project = by_service[service]
        assert deploy["Configuration"]["ProjectName"] == {"Ref": _logical(projects, project)}
        spec = json.loads(project["Properties"]["Source"]["BuildSpec"])
        assert spec["phases"]["build"]["commands"] == [
            'uv run --frozen python -m devstack.deploy deploy --service "$SERVICE" --tag "$IMAGE_TAG"'
        ]
        (trigger,) = props["Triggers"]
        paths = trigger["GitConfiguration"]["Push"][0]["FilePaths"]["Includes"]
        assert f"services/{service}/**" in paths
        assert not [
            p
            for p in paths
            if p.startswith("services/") and service not in p and "common" not in p and "registry" not in p
        ]


def _logical(resources: dict[str, dict], resource: dict) -> str:
    return next(name for name, res in resources.items() if res is resource)
