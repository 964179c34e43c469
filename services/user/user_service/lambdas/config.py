"""Database settings of the Lambdas: DATABASE_URL / DB_* locally, a Secrets Manager secret in AWS.

In AWS the functions get DB_SECRET_ARN: the RDS secret with host, port, dbname, username and password.
It is read once per execution environment (warm invocations reuse it).
"""

from __future__ import annotations

import functools
import json
import os
from urllib.parse import quote

import boto3

from user_service.settings import get_settings


def url_from_secret(secret: dict[str, object]) -> str:
    """The asyncpg URL of an RDS-style secret."""
    missing = [k for k in ("host", "username", "password") if not secret.get(k)]
    if missing:
        raise RuntimeError(f"the database secret lacks {', '.join(missing)}")
    user = quote(str(secret["username"]), safe="")
    password = quote(str(secret["password"]), safe="")
    port = secret.get("port") or 5432
    dbname = secret.get("dbname") or get_settings().db_name
    return f"postgresql+asyncpg://{user}:{password}@{secret['host']}:{port}/{dbname}"


@functools.cache
def _secret_url(arn: str) -> str:
    settings = get_settings()
    client = boto3.client(
        "secretsmanager", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )
    value = client.get_secret_value(SecretId=arn)["SecretString"]
    return url_from_secret(json.loads(value))


def database_url() -> str:
    """The database the Lambda uses: DATABASE_URL or DB_* if set, else the secret named by DB_SECRET_ARN."""
    url = get_settings().sqlalchemy_url
    if url:
        return url
    arn = os.environ.get("DB_SECRET_ARN")
    if arn:
        return _secret_url(arn)
    raise RuntimeError("no database configured: set DATABASE_URL, DB_HOST/DB_USER/..., or DB_SECRET_ARN")
