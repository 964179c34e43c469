"""Per-service database roles (cruddur_common.db_roles) on the real local Postgres: each service's role
owns its schema, runs its own migrations, and can neither read nor write another service's schema."""

from __future__ import annotations

import asyncio
import importlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from cruddur_common.db_roles import ServiceRole, ensure_roles, role_name
from cruddur_common.migrations import migrations_dir, upgrade
from devstack.stack import LocalStack

pytestmark = pytest.mark.integration
SERVICES = ("activity", "user", "notification")


@dataclass(frozen=True)
class Database:
    """A throwaway database of the test stack's server, and how to reach it as anyone."""

    admin_url: str
    name: str

    def url(self, user: str, *, driver: str = "postgresql") -> str:
        """The database as `user` (the local server trusts 127.0.0.1: no password)."""
        host = self.admin_url.split("@", 1)[1].rsplit("/", 1)[0]
        return f"{driver}://{user}@{host}/{self.name}"


def schema_of(service: str) -> str:
    """The schema the service's models live in (as the devstack's migrate reads it)."""
    return str(importlib.import_module(f"{service}_service.models").SCHEMA)


def roles() -> list[ServiceRole]:
    """What each service's secret would hold."""
    return [
        ServiceRole(schema=schema_of(s), username=role_name(s), password=f"pw-{s}-{uuid.uuid4().hex}")
        for s in SERVICES
    ]


async def migrate(database: Database, service: str, *, as_user: str, revision: str = "head") -> None:
    """The service's migrations as `as_user`, as a task with MIGRATE_ON_START does."""
    path = migrations_dir(f"{service}_service")
    assert path is not None
    url = database.url(as_user, driver="postgresql+asyncpg")
    schema = schema_of(service)
    await asyncio.to_thread(upgrade, migrations_dir=path, url=url, schema=schema, revision=revision)


@pytest.fixture
async def database(stack: LocalStack) -> AsyncIterator[Database]:
    name = f"roles_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(stack.cfg.db_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield Database(admin_url=stack.cfg.db_url.rsplit("/", 1)[0] + f"/{name}", name=name)
    admin = await asyncpg.connect(stack.cfg.db_url)
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


async def denied(url: str, statement: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    except asyncpg.InsufficientPrivilegeError:
        return True
    finally:
        await conn.close()
    return False


async def test_each_service_role_owns_only_its_schema(database: Database) -> None:
    # An existing deployment: the admin ran the user service's first migrations, as before roles existed.
    await migrate(database, "user", as_user="cruddur", revision="0105_default_ttl")
    services = roles()
    await ensure_roles(services, dsn=database.admin_url)
    await ensure_roles(services, dsn=database.admin_url)  # a second run changes nothing and fails nothing

    # Each role runs its own migrations to head: the user role alters the tables the admin created.
    for service in SERVICES:
        await migrate(database, service, as_user=role_name(service))
    admin = await asyncpg.connect(database.admin_url)
    try:
        for role in services:
            owners = await admin.fetch(
                "SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class "
                "WHERE relnamespace = $1::regnamespace",
                role.schema,
            )
            assert [r["owner"] for r in owners] == [role.role], role
            assert await admin.fetchval(
                "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1", role.username
            )
            assert not await admin.fetchval(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = $1", role.role
            )
    finally:
        await admin.close()

    activity = database.url(role_name("activity"))
    assert await denied(activity, "SELECT count(*) FROM users.users")
    assert await denied(activity, "DELETE FROM notifications.notifications")
    assert await denied(activity, "CREATE TABLE users.stolen (id int)")
    assert await denied(activity, "CREATE TABLE public.stray (id int)")
    assert await denied(activity, "CREATE SCHEMA elsewhere")
    assert await denied(database.url(role_name("notification")), "SELECT count(*) FROM activity.activities")
    assert await denied(database.url(role_name("user")), "SELECT count(*) FROM notifications.notifications")
    # ...and its own schema is its to use.
    assert not await denied(activity, "SELECT count(*) FROM activity.activities")


async def test_the_rotation_clone_acts_as_the_service_role(database: Database) -> None:
    services = roles()
    await ensure_roles(services, dsn=database.admin_url)
    # After a rotation the secret names the clone; the next run sets the clone's password.
    rotated = [
        ServiceRole(schema=r.schema, username=r.clone, password="rotated") if r.schema == "activity" else r
        for r in services
    ]
    await ensure_roles(rotated, dsn=database.admin_url)
    clone = await asyncpg.connect(database.url(role_name("activity") + "_clone"))
    try:
        assert await clone.fetchval("SELECT current_user") == role_name("activity")
        await clone.execute("CREATE TABLE activity.made_by_clone (id int)")
        owner = await clone.fetchval(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'activity.made_by_clone'::regclass"
        )
        assert owner == role_name("activity")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await clone.execute("SELECT count(*) FROM users.users")
    finally:
        await clone.close()
