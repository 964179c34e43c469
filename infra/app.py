"""Cruddur CDK app: `python app.py` synthesizes every stack into cdk.out, offline, no credentials."""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20,21")

import aws_cdk as cdk

from cruddur_infra.app_builder import build

app = cdk.App(outdir=os.environ.get("CDK_OUTDIR", os.path.join(os.path.dirname(__file__), "cdk.out")))
build(app)
app.synth()
