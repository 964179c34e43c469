"""Lambda cold start: INTERNAL_SECRET read from the Secrets Manager secret that INTERNAL_SECRET_ARN names.

ECS injects the secret into the task's environment; a Lambda gets only the ARN (a CloudFormation-resolved
value would sit in plain text in the function's configuration) and reads it once per execution
environment, so warm invocations cost nothing.
"""

from __future__ import annotations

import functools
from typing import TypeVar

import boto3
from pydantic import SecretStr

from cruddur_common.settings import CommonSettings

SettingsT = TypeVar("SettingsT", bound=CommonSettings)


@functools.cache
def _read(arn: str, *, region: str, endpoint_url: str | None) -> str:
    client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint_url)
    value = str(client.get_secret_value(SecretId=arn)["SecretString"])
    if not value:
        raise RuntimeError(f"the internal secret {arn} is empty")
    return value


def with_internal_secret(settings: SettingsT) -> SettingsT:
    """The settings, with `internal_secret` from INTERNAL_SECRET_ARN unless INTERNAL_SECRET was given."""
    if not settings.internal_secret_arn or "internal_secret" in settings.model_fields_set:
        return settings
    value = _read(
        settings.internal_secret_arn, region=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )
    return settings.model_copy(update={"internal_secret": SecretStr(value)})
