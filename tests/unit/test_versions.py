"""One Python that ships, one floor, one supported Node: every place that names a version agrees.

`.python-version` is the Python the service image, the Lambdas and the tests run (pyenv and
scripts/bootstrap.sh read it; devstack's Lambda build reads it). The places that cannot read a file,
a Dockerfile and the CDK runtime constant, are held equal to it here. The floor is the oldest Python a
newcomer may bring (3.11, Debian 12's): requires-python, ruff's and mypy's target say it, so code that
only runs on the shipped version is caught by the linters.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from devstack.lambdas import PYTHON_VERSION as LAMBDA_PYTHON

ROOT = Path(__file__).resolve().parents[2]
PYTHON = (ROOT / ".python-version").read_text().strip()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FLOOR = "3.11"


def _one(pattern: str, path: str) -> str:
    found = re.findall(pattern, (ROOT / path).read_text(), flags=re.MULTILINE)
    assert len(found) == 1, f"{path}: expected one match of {pattern!r}, found {found}"
    return str(found[0])


def test_python_version_names_one_minor_release() -> None:
    assert re.fullmatch(r"3\.\d+", PYTHON), f".python-version should say MAJOR.MINOR, not {PYTHON!r}"


def _shipped_python_installed() -> bool:
    """Whether bootstrap could find the shipped Python here (on PATH or in pyenv, as it looks)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    return bool(shutil.which(f"python{PYTHON}") or list(pyenv.glob(f"{PYTHON}.*/bin/python{PYTHON}")))


def test_the_tests_run_on_the_python_that_ships_wherever_it_is_installed() -> None:
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if running != PYTHON:
        assert not _shipped_python_installed(), f"Python {PYTHON} is here: scripts/bootstrap.sh python"
        pytest.skip(f"Python {PYTHON} is not installed here: bootstrap fell back to {running}")


def test_the_service_image_runs_it() -> None:
    assert _one(r"^ARG PYTHON_VERSION=(\S+)$", "docker/service.Dockerfile") == PYTHON


def test_the_lambdas_are_built_for_it_and_deployed_on_it() -> None:
    assert LAMBDA_PYTHON == PYTHON
    function = "infra/cruddur_infra/components/python_function.py"
    runtime = _one(r"lambda_\.Runtime\.PYTHON_(\d+_\d+)\b", function)
    assert runtime.replace("_", ".") == PYTHON


def test_the_project_floor_ruff_mypy_and_bootstrap_say_one_floor() -> None:
    assert PYPROJECT["project"]["requires-python"] == f">={FLOOR}"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + FLOOR.replace(".", "")
    assert PYPROJECT["tool"]["mypy"]["python_version"] == FLOOR
    assert _one(r"^FLOOR=(\S+)$", "scripts/bootstrap.sh") == FLOOR
    for member in ("services/common", "services/activity", "devstack", "infra"):
        project = tomllib.loads((ROOT / member / "pyproject.toml").read_text())["project"]
        assert project["requires-python"] == f">={FLOOR}", member
    assert tuple(map(int, PYTHON.split("."))) >= tuple(map(int, FLOOR.split(".")))


def test_the_spa_image_runs_a_node_that_engines_admits() -> None:
    major = int(_one(r"^FROM node:(\d+)\S* AS build$", "docker/frontend.Dockerfile"))
    assert major % 2 == 0 and major >= 22, "an LTS line still supported (node 20 ended April 2026)"
    engines = json.loads((ROOT / "frontend-react-js/package.json").read_text())["engines"]["node"]
    ranges = [re.fullmatch(r"(\^|>=)(\d+)(?:\.\d+)*", r.strip()) for r in engines.split("||")]
    assert all(ranges), f"engines: unexpected range in {engines!r}"
    assert any(
        (op == "^" and int(m) == major) or (op == ">=" and int(m) <= major)
        for op, m in (r.groups() for r in ranges if r)
    ), f"engines {engines!r} does not admit node {major}"
