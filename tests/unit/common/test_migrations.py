"""Where a service's Alembic migrations are: one lookup for the app's migrate-on-start and the devstack."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from cruddur_common.migrations import alembic_config, migrations_dir

SERVICES = Path(__file__).resolve().parents[3] / "services"


def test_a_postgres_service_has_its_migrations_next_to_its_package() -> None:
    for name in ("activity", "user", "notification"):
        assert migrations_dir(f"{name}_service") == SERVICES / name / "migrations"


def test_a_service_without_tables_has_none() -> None:
    assert migrations_dir("messaging_service") is None


def test_an_unknown_package_has_none() -> None:
    assert migrations_dir("no_such_service") is None


def test_each_service_has_one_chain_numbered_in_order() -> None:
    """Two branches that each add "the next" migration leave two heads (or two files with one number);
    Alembic would only refuse at start. Each file's revision follows the one before it in number order."""
    for name in ("activity", "user", "notification"):
        folder = SERVICES / name / "migrations"
        script = ScriptDirectory.from_config(
            alembic_config(migrations_dir=folder, url="postgresql://x", schema=name)
        )
        assert len(script.get_heads()) == 1, f"{name}: more than one head {script.get_heads()}"
        chain = [Path(rev.path).stem for rev in script.walk_revisions()][::-1]  # base first
        files = sorted(p.stem for p in (folder / "versions").glob("[0-9]*.py"))
        assert chain == files, f"{name}: the chain {chain} is not the files in number order {files}"
        numbers = [f.split("_", 1)[0] for f in files]
        assert len(set(numbers)) == len(numbers), f"{name}: two migrations share a number"
