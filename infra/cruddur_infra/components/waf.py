"""WAF pieces both web ACLs use: CloudWatch visibility and a blocking rate-based rule per IP."""

from __future__ import annotations

from aws_cdk import aws_wafv2 as wafv2


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
