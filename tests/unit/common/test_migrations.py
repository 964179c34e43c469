"""Where a service's Alembic migrations are: one lookup for the app's migrate-on-start and the devstack."""

from __future__ import annotations

from pathlib import Path

from cruddur_common.migrations import migrations_dir

SERVICES = Path(__file__).resolve().parents[3] / "services"


def test_a_postgres_service_has_its_migrations_next_to_its_package() -> None:
    for name in ("activity", "user", "notification"):
        assert migrations_dir(f"{name}_service") == SERVICES / name / "migrations"


def test_a_service_without_tables_has_none() -> None:
    assert migrations_dir("messaging_service") is None


def test_an_unknown_package_has_none() -> None:
    assert migrations_dir("no_such_service") is None
