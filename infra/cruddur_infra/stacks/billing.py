"""Billing stack (us-east-1, where AWS/Billing metrics live): daily-charges alarm and monthly budget."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cruddur_infra import nag

DAILY_CHARGES_EXPRESSION = "IF(RATE(m1)>0, RATE(m1)*86400, 0)"
BUDGET_ALERT_PERCENT = 80


class BillingStack(Stack):
    """The seed notes' guardrails as code instead of CLI steps."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        email = CfnParameter(self, "BillingEmail", description="Who gets billing alerts").value_as_string
        daily = CfnParameter(
            self,
            "DailyChargesThresholdUsd",
            type="Number",
            default=1,
            min_value=0,
            description="Alarm when the estimated charges grow faster than this many USD per day",
        )
        monthly = CfnParameter(
            self,
            "MonthlyBudgetUsd",
            type="Number",
            default=50,
            min_value=1,
            description="Monthly cost budget in USD; alerts at 80% actual and 100% forecast",
        )
        self.topic = sns.Topic(self, "BillingTopic", topic_name="cruddur-billing", enforce_ssl=True)
        self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )
        nag.suppress(
            self.topic,
            (
                "AwsSolutions-SNS2",
                "Billing alerts carry no secrets; SSE-KMS would need key grants for CloudWatch and Budgets",
            ),
        )
        self.alarm = self._daily_charges_alarm(threshold=daily.value_as_number)
        self.budget = self._budget(amount=monthly.value_as_number, email=email)

    def _daily_charges_alarm(self, *, threshold: float) -> cloudwatch.Alarm:
        charges = cloudwatch.Metric(
            namespace="AWS/Billing",
            metric_name="EstimatedCharges",
            dimensions_map={"Currency": "USD"},
            statistic="Maximum",
            period=Duration.days(1),
        )
        alarm = cloudwatch.Alarm(
            self,
            "DailyEstimatedCharges",
            alarm_name="cruddur-daily-estimated-charges",
            alarm_description="Estimated charges grow faster than the daily threshold (USD/day)",
            metric=cloudwatch.MathExpression(
                expression=DAILY_CHARGES_EXPRESSION,
                using_metrics={"m1": charges},
                label="DailyEstimatedCharges",
                period=Duration.days(1),
            ),
            threshold=threshold,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # RATE needs two daily points: a fresh account has none, which is not overspending.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        return alarm

    def _budget(self, *, amount: float, email: str) -> budgets.CfnBudget:
        def notify(kind: str, percent: int) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind,
                    comparison_operator="GREATER_THAN",
                    threshold=percent,
                    threshold_type="PERCENTAGE",
                ),
                subscribers=[
                    budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=email),
                    budgets.CfnBudget.SubscriberProperty(
                        subscription_type="SNS", address=self.topic.topic_arn
                    ),
                ],
            )

        return budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name="cruddur-monthly",
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=amount, unit="USD"),
            ),
            notifications_with_subscribers=[
                notify("ACTUAL", BUDGET_ALERT_PERCENT),
                notify("FORECASTED", 100),
            ],
        )
