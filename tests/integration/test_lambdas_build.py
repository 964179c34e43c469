"""`make lambdas`: three deployable zips, each with its handler, our packages and Linux cp312 wheels."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from devstack import lambdas

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built() -> dict[str, Path]:
    """Build (or reuse, when up to date) every function's zip."""
    return {fn.name: lambdas.build(fn) for fn in lambdas.FUNCTIONS}


def test_make_lambdas_builds_the_three_functions(built: dict[str, Path]) -> None:
    assert set(built) == {"post_confirmation", "messaging_stream", "avatar_processor"}
    for path in built.values():
        assert path.parent == lambdas.OUT_DIR and path.exists()


@pytest.mark.parametrize("fn", lambdas.FUNCTIONS, ids=lambda fn: fn.name)
def test_each_zip_holds_its_handler_deps_and_linux_wheels(
    fn: lambdas.Function, built: dict[str, Path]
) -> None:
    with zipfile.ZipFile(built[fn.name]) as archive:
        names = set(archive.namelist())
        unzipped = sum(info.file_size for info in archive.infolist())
    assert fn.module.replace(".", "/") + ".py" in names
    assert "cruddur_common/settings.py" in names
    assert not any("__pycache__" in n for n in names)
    tops = {n.split("/", 1)[0] for n in names}
    assert {"pydantic", "pydantic_core", "aioboto3", "botocore", "httpx"} <= tops
    assert not tops & {"uvicorn", "uvloop", "alembic", "watchfiles"}  # server-only code stays out
    binaries = [n for n in names if n.endswith(".so") and "pydantic_core" in n]
    assert binaries and all("cpython-312-x86_64-linux-gnu" in n for n in binaries)
    assert ("PIL" in tops) == (fn.name == "avatar_processor")
    assert unzipped < lambdas.UNZIPPED_LIMIT


@pytest.mark.parametrize("fn", lambdas.FUNCTIONS, ids=lambda fn: fn.name)
def test_each_handler_imports_from_its_zip_alone(
    fn: lambdas.Function, built: dict[str, Path], tmp_path: Path
) -> None:
    if lambdas.python312() is None:
        pytest.skip("no Python 3.12 interpreter on this machine")
    with zipfile.ZipFile(built[fn.name]) as archive:
        archive.extractall(tmp_path)
    assert lambdas.smoke_import(fn, tmp_path)


def test_a_second_build_reuses_the_zip(built: dict[str, Path]) -> None:
    before = {name: path.stat().st_mtime_ns for name, path in built.items()}
    for fn in lambdas.FUNCTIONS:
        lambdas.build(fn)
    assert {name: path.stat().st_mtime_ns for name, path in built.items()} == before
