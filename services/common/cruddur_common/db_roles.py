"""One database role per service, owner of its schema and of nothing else (AWS; docs/ops.md).

Run with the admin credentials before the services start (in AWS: the `cruddur-db-roles` Lambda that the
compute stack triggers on deploy), and again whenever a service or its secret is added; it is safe to
repeat. Each service's secret names its login (`cruddur_<service>`) and password; Secrets Manager rotates
it with alternating users, so `cruddur_<service>_clone` exists too: a member of the service role that
acts as it on login (`SET role`), so whatever either login creates belongs to the service role.
Locally the services keep the one `cruddur` user; tests/integration/test_db_roles.py runs this there.
"""

from __future__ import annotations

import asyncio
import json
import os
import zlib
from dataclasses import dataclass
from typing import Any

import asyncpg
import boto3

CLONE_SUFFIX = "_clone"  # what Secrets Manager's alternating-users rotation appends to the login
LOCK_ID = zlib.crc32(b"cruddur-db-roles")

# Relations of a schema by relkind, and the ALTER that changes each one's owner. Indexes and the sequences
# of serial/identity columns follow their table.
RELATION_KINDS = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
RELATIONS = """
SELECT c.relkind::text AS relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relowner <> $2::regrole
  AND (c.relkind IN ('r', 'p', 'f', 'v', 'm')
       OR (c.relkind = 'S' AND NOT EXISTS (
           SELECT 1 FROM pg_depend d
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))))
"""
ROUTINES = """
SELECT p.oid::regprocedure::text AS name FROM pg_proc p
WHERE p.pronamespace = $1::regnamespace AND p.proowner <> $2::regrole
"""
TYPES = """
SELECT t.oid::regtype::text AS name FROM pg_type t
WHERE t.typnamespace = $1::regnamespace AND t.typowner <> $2::regrole AND t.typtype IN ('e', 'd', 'r')
"""


def role_name(service: str) -> str:
    """The database role (and first login) of a service, as its secret names it."""
    return f"cruddur_{service}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceRole:
    """A service's schema and the login its secret holds now (either of the alternating pair)."""

    schema: str
    username: str
    password: str

    @property
    def role(self) -> str:
        """The role that owns the schema: the login without the rotation's clone suffix."""
        return self.username.removesuffix(CLONE_SUFFIX)

    @property
    def clone(self) -> str:
        """The other login of the alternating pair."""
        return self.role + CLONE_SUFFIX


async def _execute(conn: asyncpg.Connection, template: str, *args: str) -> None:
    """Run DDL built by the server's own `format` (%I identifiers, %L literals): no quoting of ours."""
    params = ", ".join(f"${i}::text" for i in range(2, len(args) + 2))
    statement = await conn.fetchval(f"SELECT format($1::text, {params})", template, *args)
    await conn.execute(statement)


async def _ensure_login(conn: asyncpg.Connection, name: str) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    if not exists:
        await _execute(conn, "CREATE ROLE %I LOGIN", name)


async def ensure_role(conn: asyncpg.Connection, service: ServiceRole) -> None:
    """The service's role pair with the secret's password, owning `service.schema` and all in it."""
    role, clone = service.role, service.clone
    for name in (role, clone):
        await _ensure_login(conn, name)
    await _execute(conn, "ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", role)
    await _execute(conn, "ALTER ROLE %I WITH LOGIN PASSWORD %L", service.username, service.password)
    # What the clone creates belongs to the service role: it is a member and becomes it on login.
    await _execute(conn, "GRANT %I TO %I", role, clone)
    await _execute(conn, "ALTER ROLE %I SET role = %L", clone, role)
    # RDS's admin is no superuser: to hand objects to the role it must be able to SET ROLE to it.
    admin = await conn.fetchval("SELECT current_user")
    is_superuser = await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not is_superuser:
        await _execute(conn, "GRANT %I TO %I", role, admin)
    await _execute(conn, "CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I", service.schema, role)
    await _execute(conn, "ALTER SCHEMA %I OWNER TO %I", service.schema, role)
    await _execute(conn, "REVOKE ALL ON SCHEMA %I FROM PUBLIC", service.schema)
    # Objects an earlier admin-run migration created (names come quoted from the catalog).
    owned = [
        (RELATION_KINDS.get(row["relkind"], "SEQUENCE"), row["name"])
        for row in await conn.fetch(RELATIONS, service.schema, role)
    ]
    for query, kind in ((ROUTINES, "ROUTINE"), (TYPES, "TYPE")):
        owned += [(kind, row["name"]) for row in await conn.fetch(query, service.schema, role)]
    for kind, name in owned:
        await _execute(conn, "ALTER %s %s OWNER TO %I", kind, name, role)


async def ensure_roles(services: list[ServiceRole], *, dsn: str | None = None, **connect: Any) -> None:
    """Every service's role, in one transaction under a lock (two runs at once wait for each other).

    `dsn` or asyncpg's connect keywords (host, port, user, password, database) reach the admin.
    """
    conn = await asyncpg.connect(dsn, **connect)
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_ID)
            # No role creates objects outside its schema (PUBLIC's CREATE on `public`, gone since PG 15).
            await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            for service in services:
                await ensure_role(conn, service)
    finally:
        await conn.close()


def _secret(client: Any, arn: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    return value


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: the admin from DB_SECRET_ARN; DB_ROLES maps service -> {schema, secret_arn}."""
    client = boto3.client("secretsmanager", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
    admin = _secret(client, os.environ["DB_SECRET_ARN"])
    services = []
    for name, spec in sorted(json.loads(os.environ["DB_ROLES"]).items()):
        secret = _secret(client, spec["secret_arn"])
        services.append(
            ServiceRole(schema=spec["schema"], username=secret["username"], password=secret["password"])
        )
        if services[-1].role != role_name(name):
            raise RuntimeError(f"the {name} secret names {secret['username']!r}, not {role_name(name)}")
    asyncio.run(
        ensure_roles(
            services,
            host=admin["host"],
            port=int(admin.get("port") or 5432),
            user=admin["username"],
            password=admin["password"],
            database=admin.get("dbname") or "cruddur",
        )
    )
    return {"roles": [service.role for service in services]}
