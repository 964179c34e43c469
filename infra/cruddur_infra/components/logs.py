"""Log groups of the functions, tasks, builds and flow logs: kept a month, deleted with their stack."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct


def month_of_logs(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group that keeps a month of lines (ops.md) and goes when its stack does."""
    return logs.LogGroup(
        scope, construct_id, retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
    )
