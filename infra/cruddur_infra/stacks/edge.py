"""Edge stack (us-east-1): the CloudFront-scope WAF web ACL in front of the whole site, and its logs."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, CfnParameter, Stack
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cruddur_infra.components.waf import log_requests, rate_per_ip_rule, visibility

MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",  # queries are parameterized; this stops probes before they cost a task
)


class EdgeStack(Stack):
    """CLOUDFRONT-scope WAF must be created in us-east-1; its ARN is a parameter of the frontend."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        rate_limit = CfnParameter(
            self,
            "RateLimitPerFiveMinutes",
            type="Number",
            default=2000,
            min_value=100,
            description="Requests one IP may send in 5 minutes before WAF blocks it",
        )
        rules = [rate_per_ip_rule("RateLimitPerIp", priority=0, limit=rate_limit.value_as_number)]
        for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1):
            rules.append(
                wafv2.CfnWebACL.RuleProperty(
                    name=group,
                    priority=priority,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name=group
                        )
                    ),
                    visibility_config=visibility(group),
                )
            )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name="cruddur-edge",
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=visibility("cruddur-edge"),
        )
        self.logs = log_requests(self, self.web_acl, "cruddur-edge")
        CfnOutput(self, "WebAclArn", value=self.web_acl.attr_arn)
