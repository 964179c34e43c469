"""docs/deletion.md is checkable: every test its "proved by" column names exists (read with ast, not run)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "deletion.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def _rows() -> list[str]:
    """The table rows of the document (header and rule lines included; they name no tests)."""
    return [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]


@cache
def _defined(path: str) -> frozenset[str]:
    """`name` of every module-level test function and `Class::name` of every test method in a file."""
    file = ROOT / path
    if not file.is_file():
        return frozenset()
    names: set[str] = set()
    for node in ast.parse(file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return frozenset(name for name in names if name.split("::")[-1].startswith("test"))


def _exists(node_id: str) -> bool:
    path, name = node_id.split("::", 1)
    return name in _defined(path)


def test_the_doc_has_its_table_with_a_proved_by_column() -> None:
    headers = [row for row in _rows() if row.startswith("| where |")]
    assert len(headers) >= 5, (
        "one table per kind of thing: cruds, pictures, notifications, messages, accounts"
    )
    assert all(row.rstrip().endswith("| proved by |") for row in headers)


def test_every_named_test_exists() -> None:
    named = {f"{path}::{name}" for row in _rows() for path, name in NODE_ID.findall(row)}
    assert len(named) >= 20
    missing = sorted(node_id for node_id in named if not _exists(node_id))
    assert missing == [], "docs/deletion.md names tests that do not exist"


def test_the_checker_sees_a_missing_test() -> None:
    assert _exists("tests/unit/docs/test_deletion_doc.py::test_every_named_test_exists")
    assert not _exists("tests/unit/docs/test_deletion_doc.py::test_that_is_not_there")
    assert not _exists("tests/unit/docs/no_such_file.py::test_anything")
