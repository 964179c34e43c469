"""WAF pieces both web ACLs use: CloudWatch visibility, a blocking rate-based rule per IP, request logs."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# WAF logs only to log groups whose name starts so.
LOG_GROUP_PREFIX = "aws-waf-logs-"
# Tokens and session cookies never reach the logs.
REDACTED_HEADERS = ("authorization", "cookie")


def visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    """Metrics and sampled requests under `name`."""
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def rate_per_ip_rule(
    name: str,
    *,
    priority: int,
    limit: float,
    window_seconds: int | None = None,
    scope_down: wafv2.CfnWebACL.StatementProperty | None = None,
) -> wafv2.CfnWebACL.RuleProperty:
    """Block an IP that sends more than `limit` matching requests in the window (WAF's default: 5 min)."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=limit,
                aggregate_key_type="IP",
                evaluation_window_sec=window_seconds,
                scope_down_statement=scope_down,
            )
        ),
        visibility_config=visibility(name),
    )


def log_requests(scope: Construct, acl: wafv2.CfnWebACL, name: str) -> logs.LogGroup:
    """Every request the web ACL sees, with the rule that decided it, in a log group kept a month
    (like `components.logs.month_of_logs`, but WAF needs the name); credentials redacted."""
    group = logs.LogGroup(
        scope,
        f"{acl.node.id}Logs",
        log_group_name=f"{LOG_GROUP_PREFIX}{name}",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )
    # WAF wants the log group's ARN without the `:*` that `group.log_group_arn` ends with.
    arn = Stack.of(scope).format_arn(
        service="logs",
        resource="log-group",
        resource_name=group.log_group_name,
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    wafv2.CfnLoggingConfiguration(
        scope,
        f"{acl.node.id}Logging",
        resource_arn=acl.attr_arn,
        log_destination_configs=[arn],
        redacted_fields=[
            wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": header})
            for header in REDACTED_HEADERS
        ],
    )
    return group
