"""Ops stack: alarms to one SNS topic and a dashboard over the services, ALB, Lambdas, DLQ and data tier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components.scheduled_job import ScheduledServiceJob
from cruddur_infra.components.service_app import ServiceApp
from cruddur_infra.settings import CLUSTER_NAME

FIVE_MINUTES = Duration.minutes(5)
GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
# Log-based metrics from the services' own JSON lines (cruddur_common.outbox, cruddur_common.logging).
LOG_METRICS = "Cruddur"
OUTBOX_LAG_LINE = '{ $.msg = "outbox lag" }'  # every 30 s while events wait or are parked
OUTBOX_PARKED_LINE = "{ $.outbox_parked.id > 0 }"  # an event given up on: a dead letter


@dataclass(frozen=True, slots=True)
class DataTier:
    """What the data-tier alarms watch."""

    database: rds.IDatabaseInstance
    max_connections: int  # the parameter group's, which the pools are sized to (connections.py)
    burstable: bool  # a t-class instance: it runs on CPU credits
    stream_function: lambda_.IFunction  # the DynamoDB stream consumer


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
        data_tier: DataTier,
        jobs: dict[str, ScheduledServiceJob],
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
            dashboard.add_widgets(
                *self._service_alarms(name=name, target_group=app.target_group, log_group=app.log_group)
            )
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
        dashboard.add_widgets(*self._data_alarms(data_tier))
        for family in jobs:
            self._job_failures(family)
        dashboard.add_widgets(cloudwatch.AlarmStatusWidget(alarms=self.alarms, title="Alarms", width=24))

    def _service_alarms(
        self, *, name: str, target_group: elbv2.ApplicationTargetGroup, log_group: logs.ILogGroup
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
        missing = self._missing_tasks(name)
        self._alarm(f"{name}-tasks-below-desired", missing, threshold=1, comparison=GTE, periods=3)
        lag, parked = self._outbox_metrics(name, log_group)
        self._alarm(f"{name}-outbox-lag", lag, threshold=120, comparison=GT, periods=2)
        self._alarm(f"{name}-outbox-dead-letters", parked, threshold=1, comparison=GTE, periods=1)
        return [
            cloudwatch.GraphWidget(title=f"{name} 5xx %", left=[errors_rate], width=6),
            cloudwatch.GraphWidget(title=f"{name} p99 latency (s)", left=[p99], width=6),
            cloudwatch.GraphWidget(title=f"{name} unhealthy targets", left=[unhealthy], width=6),
            cloudwatch.GraphWidget(title=f"{name} tasks missing", left=[missing], width=6),
        ]

    @staticmethod
    def _missing_tasks(name: str) -> cloudwatch.IMetric:
        """Desired minus running tasks (Container Insights), 0 when all run."""
        dimensions = {"ClusterName": CLUSTER_NAME, "ServiceName": name}

        def insight(metric: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="ECS/ContainerInsights",
                metric_name=metric,
                dimensions_map=dimensions,
                statistic="Average",
                period=FIVE_MINUTES,
            )

        return cloudwatch.MathExpression(
            expression="IF(desired > running, desired - running, 0)",
            using_metrics={"desired": insight("DesiredTaskCount"), "running": insight("RunningTaskCount")},
            label=f"{name} tasks missing",
            period=FIVE_MINUTES,
        )

    def _outbox_metrics(
        self, name: str, log_group: logs.ILogGroup
    ) -> tuple[cloudwatch.Metric, cloudwatch.Metric]:
        """The oldest waiting outbox event (s) and the events parked, from the service's log lines.

        Only services with an outbox (activity, user) write these lines; a filter on the others costs
        nothing and keeps working the day they get one.
        """

        def log_metric(metric: str, pattern: str, value: str, statistic: str) -> cloudwatch.Metric:
            found = logs.MetricFilter(
                self,
                f"{name.capitalize()}{metric}",
                log_group=log_group,
                filter_pattern=logs.FilterPattern.literal(pattern),
                metric_namespace=LOG_METRICS,
                metric_name=metric,
                metric_value=value,
                dimensions={"Service": "$.service"},
            )
            return found.metric(statistic=statistic, period=FIVE_MINUTES, dimensions_map={"Service": name})

        return (
            log_metric(
                "OutboxOldestPendingSeconds", OUTBOX_LAG_LINE, "$.outbox.oldest_pending_seconds", "Maximum"
            ),
            log_metric("OutboxParkedEvents", OUTBOX_PARKED_LINE, "1", "Sum"),
        )

    def _data_alarms(self, tier: DataTier) -> list[cloudwatch.IWidget]:
        """Where the data tier breaks first: CPU, credits, storage, connections, the stream's backlog."""
        db = tier.database
        cpu = db.metric_cpu_utilization(period=FIVE_MINUTES)
        storage = db.metric_free_storage_space(period=FIVE_MINUTES, statistic="Minimum")
        connections = db.metric_database_connections(period=FIVE_MINUTES, statistic="Maximum")
        iterator_age = tier.stream_function.metric("IteratorAge", statistic="Maximum", period=FIVE_MINUTES)
        self._alarm("rds-cpu", cpu, threshold=80, comparison=GT, periods=3)
        self._alarm("rds-free-storage", storage, threshold=2 * 1024**3, comparison=LT, periods=1)
        # the pools are sized to fit max_connections: more than 90 % of it means someone else is connected
        self._alarm(
            "rds-connections",
            connections,
            threshold=int(tier.max_connections * 0.9),
            comparison=GT,
            periods=2,
        )
        self._alarm("stream-iterator-age", iterator_age, threshold=60_000, comparison=GT, periods=3)
        widgets: list[cloudwatch.IWidget] = [
            cloudwatch.GraphWidget(title="RDS CPU %", left=[cpu], width=6),
            cloudwatch.GraphWidget(title="RDS free storage", left=[storage], width=6),
            cloudwatch.GraphWidget(title="RDS connections", left=[connections], width=6),
            cloudwatch.GraphWidget(title="Stream iterator age (ms)", left=[iterator_age], width=6),
        ]
        if tier.burstable:
            credits = db.metric("CPUCreditBalance", statistic="Minimum", period=FIVE_MINUTES)
            self._alarm("rds-cpu-credits", credits, threshold=20, comparison=LT, periods=3)
            widgets.append(cloudwatch.GraphWidget(title="RDS CPU credits", left=[credits], width=6))
        return widgets

    def _job_failures(self, family: str) -> None:
        """A scheduled job that exits non-zero or never starts notifies; a refused launch alarms."""
        failed = events.Rule(
            self,
            f"JobFailed-{family}",
            rule_name=f"{family}-failed",
            description=f"{family} stopped with a non-zero exit code or failed to start",
            event_pattern=events.EventPattern(
                source=["aws.ecs"],
                detail_type=["ECS Task State Change"],
                detail={
                    "group": [f"family:{family}"],
                    "lastStatus": ["STOPPED"],
                    "$or": [
                        {"containers": {"exitCode": [{"anything-but": 0}]}},
                        {"stopCode": ["TaskFailedToStart"]},
                    ],
                },
            ),
        )
        failed.add_target(targets.SnsTopic(self.topic))
        launches = cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name="FailedInvocations",
            dimensions_map={"RuleName": family},  # the schedule's rule is named as its family (job_name)
            statistic="Sum",
            period=Duration.hours(1),
        )
        self._alarm(
            f"{family.removeprefix('cruddur-')}-launch-failures",
            launches,
            threshold=1,
            comparison=GTE,
            periods=1,
        )

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
