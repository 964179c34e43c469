"""Synthesize the whole CDK app once per session, offline, with placeholder Lambda zips."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from tests.infra.support import Synth

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20,21")

LAMBDAS = ("post_confirmation", "messaging_stream", "avatar_processor")


def _placeholder_artifacts(root: Path) -> tuple[Path, Path]:
    lambdas, spa = root / "lambdas", root / "spa"
    lambdas.mkdir()
    spa.mkdir()
    for name in LAMBDAS:
        with zipfile.ZipFile(lambdas / f"{name}.zip", "w") as archive:
            archive.writestr("placeholder.py", "def handler(event, context):\n    return event\n")
    (spa / "index.html").write_text("<!doctype html><title>Cruddur</title>", encoding="utf-8")
    return lambdas, spa


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """Build and synthesize every stack into a temporary cdk.out (no credentials, no network)."""
    import aws_cdk as cdk

    from cruddur_infra.app_builder import build
    from cruddur_infra.settings import InfraSettings

    root = tmp_path_factory.mktemp("cdk")
    lambdas, spa = _placeholder_artifacts(root)
    outdir = root / "cdk.out"
    app = cdk.App(outdir=str(outdir))
    build(app, settings=InfraSettings(lambda_dir=lambdas, spa_dir=spa))
    app.synth()
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = {
        name: artifact
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    return Synth(
        outdir=outdir,
        templates={name: json.loads((outdir / f"{name}.template.json").read_text()) for name in stacks},
        environments={name: artifact["environment"] for name, artifact in stacks.items()},
        report=json.loads((outdir / "validation-report.json").read_text()),
    )
