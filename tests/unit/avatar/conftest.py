"""The in-process moto fixtures of the Lambda tests, for the worker tests."""

from tests.unit.lambdas.conftest import aws_env, moto_url

__all__ = ["aws_env", "moto_url"]
