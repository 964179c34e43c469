"""The app synthesizes offline, env-agnostic, cfn-lint clean and cdk-nag clean."""

from __future__ import annotations

import json

from tests.infra.support import Synth

MAIN_STACKS = {
    "CruddurNetwork",
    "CruddurData",
    "CruddurFunctions",
    "CruddurAuth",
    "CruddurCompute",
    "CruddurFrontend",
    "CruddurOps",
    "CruddurPipeline",
}
US_EAST_1_STACKS = {"CruddurEdge", "CruddurBilling"}
# CDK writes an explicit DependsOn next to the GetAtt it already has (roles of Lambdas/pipelines).
CFN_LINT_IGNORED = ("W3005",)
# The original ran in ca-central-1; us-east-1 is where the edge and billing stacks live.
LINT_REGIONS = ("us-east-1", "ca-central-1", "eu-west-1")


def test_every_lifecycle_stack_is_synthesized(synth: Synth) -> None:
    assert set(synth.templates) == MAIN_STACKS | US_EAST_1_STACKS


def test_main_stacks_are_env_agnostic_and_edge_stacks_pinned_to_us_east_1(synth: Synth) -> None:
    for name in MAIN_STACKS:
        assert synth.environments[name] == "aws://unknown-account/unknown-region", name
    for name in US_EAST_1_STACKS:
        assert synth.environments[name] == "aws://unknown-account/us-east-1", name


def test_no_account_or_context_lookups_baked_in(synth: Synth) -> None:
    for name, template in synth.templates.items():
        text = json.dumps(template)
        assert "123456789012" not in text, name
        assert "dummy-value" not in text, f"{name}: a context lookup ran without credentials"


def test_cfn_lint_is_clean_on_every_template(synth: Synth) -> None:
    from cfnlint.api import ManualArgs, lint_file

    config = ManualArgs(ignore_checks=list(CFN_LINT_IGNORED), regions=list(LINT_REGIONS))
    findings = {
        name: [str(match) for match in lint_file(synth.outdir / f"{name}.template.json", config=config)]
        for name in synth.templates
    }
    assert {name: found for name, found in findings.items() if found} == {}


def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings(synth: Synth) -> None:
    reports = {report["pluginName"]: report for report in synth.report["pluginReports"]}
    nag = reports["AwsSolutions"]
    assert nag["conclusion"] == "success"
    assert [v for v in nag["violations"] if v["severity"] in ("error", "fatal")] == []


def test_every_nag_acknowledgment_carries_a_reason(synth: Synth) -> None:
    suppressed = synth.report["pluginReports"][0]["suppressedViolations"]
    assert suppressed, "expected reviewed acknowledgments (e.g. the public ALB security group)"
    for violation in suppressed:
        assert len(violation["reason"].split()) >= 4, violation["acknowledgedId"]
