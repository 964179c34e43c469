"""cdk-nag v3 wiring: the AwsSolutions pack as a synth-time validation, acknowledgments with reasons."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, App, CfnElement, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

NAMESPACE = "AwsSolutions::"
BASIC_EXECUTION = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
VPC_EXECUTION = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


def check(app: App) -> None:
    """Run the AwsSolutions rules at synth; any unacknowledged error interrupts synthesis."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))


def suppress(construct: IConstruct, *reasons: tuple[str, str]) -> None:
    """Acknowledge findings (rule id, or `rule[finding]`) on `construct` and below, each with why."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=f"{NAMESPACE}{rule}", reason=reason) for rule, reason in reasons)
    )


def suppress_iam(
    construct: IConstruct,
    reason: str,
    *,
    actions: Iterable[str] = (),
    resources: Iterable[str] = (),
    managed: Iterable[str] = (),
) -> None:
    """Acknowledge reviewed IAM findings one by one: wildcard actions/resources and managed policies."""
    findings = [f"AwsSolutions-IAM5[Action::{action}]" for action in actions]
    findings += [f"AwsSolutions-IAM5[Resource::{resource}]" for resource in resources]
    findings += [f"AwsSolutions-IAM4[Policy::{policy}]" for policy in managed]
    suppress(construct, *((finding, reason) for finding in findings))


def arn(construct: IConstruct) -> str:
    """How cdk-nag renders `Fn::GetAtt <resource>.Arn` of a construct in this stack."""
    return f"<{_logical_id(construct)}.Arn>"


def ref(construct: IConstruct) -> str:
    """How cdk-nag renders `Ref <resource>` of a construct in this stack."""
    return f"<{_logical_id(construct)}>"


def _logical_id(construct: IConstruct) -> str:
    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    assert isinstance(element, CfnElement), f"{construct.node.path} has no CloudFormation resource"
    return Stack.of(element).get_logical_id(element)


def suppress_provider(stack: Stack, child_id: str, reason: str, **findings: Iterable[str]) -> None:
    """Acknowledge findings on a singleton provider CDK adds to `stack` itself, if present."""
    child = stack.node.try_find_child(child_id)
    if child is not None:
        suppress(child, ("AwsSolutions-L1", "CDK pins the provider's runtime; it moves with aws-cdk-lib"))
        suppress_iam(child, reason, **findings)
