"""Alembic per service: one schema and one version table per service, run async over asyncpg."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def migrations_dir(package: str) -> Path | None:
    """services/<name>/migrations, next to the service's package `package`, when the service has one."""
    found = importlib.util.find_spec(package)
    if found is None or found.origin is None:
        return None
    path = Path(found.origin).resolve().parent.parent / "migrations"
    return path if path.is_dir() else None


def alembic_config(*, migrations_dir: Path, url: str, schema: str) -> Config:
    """An in-memory Alembic config for a service's migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["schema"] = schema
    return config


def upgrade(*, migrations_dir: Path, url: str, schema: str, revision: str = "head") -> None:
    """Apply a service's migrations up to `revision` (blocking; call it outside the event loop)."""
    command.upgrade(alembic_config(migrations_dir=migrations_dir, url=url, schema=schema), revision)


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    config = context.config
    schema: str = config.attributes.get("schema") or metadata.schema or "public"
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, version_table_schema=schema, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection: Connection) -> None:
        # Only when missing: CREATE SCHEMA needs CREATE on the database even with IF NOT EXISTS, and a
        # service's own role (cruddur_common.db_roles) owns its schema but may create no other.
        if connection.scalar(text("SELECT to_regnamespace(:s)"), {"s": schema}) is None:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}", public'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(str(url))
        async with engine.begin() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())


def is_up_to_date(*, migrations_dir: Path, url: str, schema: str) -> bool:
    """Whether the schema's version table already holds every head (skips Alembic's env on restarts)."""
    heads = set(
        ScriptDirectory.from_config(
            alembic_config(migrations_dir=migrations_dir, url=url, schema=schema)
        ).get_heads()
    )

    async def current() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                exists = await conn.scalar(
                    text("SELECT to_regclass(:t)"), {"t": f'"{schema}".alembic_version'}
                )
                if exists is None:
                    return set()
                query = f'SELECT version_num FROM "{schema}".alembic_version'  # noqa: S608 - our schema
                rows = await conn.execute(text(query))
                return {row[0] for row in rows}
        finally:
            await engine.dispose()

    return asyncio.run(current()) == heads
