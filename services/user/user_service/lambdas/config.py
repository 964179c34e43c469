"""Database of the Lambdas: DATABASE_URL / DB_* locally, a Secrets Manager secret in AWS; an engine a call.

In AWS the functions get DB_SECRET_ARN: the RDS secret with host, port, dbname, username and password.
It is read once per execution environment (warm invocations reuse it).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import boto3
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.db import create_one_shot_engine, session_factory
from user_service.models import SCHEMA
from user_service.settings import Settings


def url_from_secret(secret: dict[str, object], *, default_dbname: str) -> str:
    """The asyncpg URL of an RDS-style secret (`default_dbname` when the secret names no database)."""
    missing = [k for k in ("host", "username", "password") if not secret.get(k)]
    if missing:
        raise RuntimeError(f"the database secret lacks {', '.join(missing)}")
    user = quote(str(secret["username"]), safe="")
    password = quote(str(secret["password"]), safe="")
    port = secret.get("port") or 5432
    dbname = secret.get("dbname") or default_dbname
    return f"postgresql+asyncpg://{user}:{password}@{secret['host']}:{port}/{dbname}"


@functools.cache
def _secret_url(arn: str, *, region: str, endpoint_url: str | None, default_dbname: str) -> str:
    client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint_url)
    value = client.get_secret_value(SecretId=arn)["SecretString"]
    return url_from_secret(json.loads(value), default_dbname=default_dbname)


def database_url(settings: Settings) -> str:
    """The database the Lambda uses: DATABASE_URL or DB_* if set, else the secret named by DB_SECRET_ARN."""
    url = settings.sqlalchemy_url
    if url:
        return url
    arn = os.environ.get("DB_SECRET_ARN")
    if arn:
        return _secret_url(
            arn,
            region=settings.aws_region,
            endpoint_url=settings.aws_endpoint_url,
            default_dbname=settings.db_name,
        )
    raise RuntimeError("no database configured: set DATABASE_URL, DB_HOST/DB_USER/..., or DB_SECRET_ARN")


@asynccontextmanager
async def one_shot_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on an engine made for this invocation and disposed after it (no pool outlives the call)."""
    engine = create_one_shot_engine(database_url, schema=SCHEMA)
    try:
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()
