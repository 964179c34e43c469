"""Ops stack: alarms to one SNS topic and a dashboard over the services, ALB, Lambdas and DLQ."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.service_app import ServiceApp

FIVE_MINUTES = Duration.minutes(5)
GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


class OpsStack(Stack):
    """Every alarm notifies the ops topic; thresholds are deliberately simple to reason about."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        services: dict[str, ServiceApp],
        load_balancer: elbv2.ApplicationLoadBalancer,
        functions: dict[str, lambda_.IFunction],
        dead_letters: sqs.IQueue,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        email = CfnParameter(self, "AlarmEmail", description="Who gets operational alarms").value_as_string
        self.topic = sns.Topic(self, "AlarmTopic", topic_name="cruddur-alarms", enforce_ssl=True)
        self.topic.add_subscription(subscriptions.EmailSubscription(email))
        nag.suppress(
            self.topic,
            (
                "AwsSolutions-SNS2",
                "Alarm notices carry no secrets; SSE-KMS would need a key policy granting CloudWatch",
            ),
        )
        self.alarms: list[cloudwatch.Alarm] = []
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name="cruddur")
        for name, app in services.items():
            dashboard.add_widgets(*self._service_alarms(name=name, target_group=app.target_group))
        edge_5xx = load_balancer.metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=FIVE_MINUTES)
        self._alarm("alb-5xx", edge_5xx, threshold=10, comparison=GTE, periods=1)
        depth = dead_letters.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES)
        self._alarm("stream-dlq-depth", depth, threshold=1, comparison=GTE, periods=1)
        widgets: list[cloudwatch.IWidget] = [
            cloudwatch.GraphWidget(title="ALB 5xx", left=[edge_5xx]),
            cloudwatch.GraphWidget(title="Stream DLQ depth", left=[depth]),
        ]
        for name, function in functions.items():
            errors = function.metric_errors(period=FIVE_MINUTES)
            self._alarm(f"{name.replace('_', '-')}-errors", errors, threshold=1, comparison=GTE, periods=1)
            widgets.append(cloudwatch.GraphWidget(title=f"{name} errors", left=[errors]))
        dashboard.add_widgets(*widgets)
        dashboard.add_widgets(cloudwatch.AlarmStatusWidget(alarms=self.alarms, title="Alarms", width=24))

    def _service_alarms(
        self, *, name: str, target_group: elbv2.ApplicationTargetGroup
    ) -> list[cloudwatch.IWidget]:
        metrics = target_group.metrics
        errors_rate = cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * errors / requests, 0)",
            using_metrics={
                "errors": metrics.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=FIVE_MINUTES
                ),
                "requests": metrics.request_count(period=FIVE_MINUTES),
            },
            label=f"{name} 5xx %",
            period=FIVE_MINUTES,
        )
        p99 = metrics.target_response_time(statistic="p99", period=FIVE_MINUTES)
        unhealthy = metrics.unhealthy_host_count(statistic="Maximum", period=Duration.minutes(1))
        self._alarm(f"{name}-5xx-rate", errors_rate, threshold=5, comparison=GT, periods=2)
        self._alarm(f"{name}-p99-latency", p99, threshold=2, comparison=GT, periods=3)
        self._alarm(f"{name}-unhealthy-targets", unhealthy, threshold=1, comparison=GTE, periods=3)
        return [
            cloudwatch.GraphWidget(title=f"{name} 5xx %", left=[errors_rate], width=8),
            cloudwatch.GraphWidget(title=f"{name} p99 latency (s)", left=[p99], width=8),
            cloudwatch.GraphWidget(title=f"{name} unhealthy targets", left=[unhealthy], width=8),
        ]

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        periods: int,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            f"Alarm-{name}",
            alarm_name=f"cruddur-{name}",
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm
