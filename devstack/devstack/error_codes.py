"""Every stable error code the API can send, read from the services' source (the SPA words each one).

`make openapi` writes the list to the SPA (src/lib/error-codes.json); tests/unit/devstack/
test_error_codes.py holds it to the source and the SPA's test (src/lib/errorWords.test.ts) fails for a
code without words. A code is a string literal in one of these shapes:

- `code = "x"` (an AppError subclass), `code="x"` (a raise), `{"code": "x"}` (a hand-built body);
- the status fallbacks (`_STATUS_CODES` values and its `.get` default, in cruddur_common.errors);
- a picture's failure `reason` (`reason="x"`, `reason = "x"`, `reason or "x"`, `XRejected("x", ...)`,
  constants named like `GRANT_EXPIRED = "grant_expired"` used as a reason);
- `error_response(status, "x", ...)` and the local gateway's `_error(status, "x", ...)`.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

from devstack.config import ROOT

ERROR_CODES_FILE = ROOT / "frontend-react-js" / "src" / "lib" / "error-codes.json"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
SOURCES = (
    "services/*/*_service/**/*.py",
    "services/common/cruddur_common/**/*.py",
    "devstack/devstack/gateway.py",
)
_REASON_CONSTANTS = {"GRANT_EXPIRED", "FAILED_REASON"}


def _literal(node: ast.AST | None) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literal(node.body)
        yield from _literal(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literal(value)


def codes_in(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names & {"code", "CODE", "reason", *_REASON_CONSTANTS}:
                yield from _literal(node.value)
            if "_STATUS_CODES" in names and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    yield from _literal(value)
        elif isinstance(node, ast.keyword) and node.arg in {"code", "reason"}:
            yield from _literal(node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "code":
                    yield from _literal(value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id.endswith("Rejected"):
                yield from _literal(node.args[0])
            elif node.func.id in {"_error", "error_response"} and len(node.args) > 1:
                yield from _literal(node.args[1])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "_STATUS_CODES"
            and len(node.args) > 1
        ):
            yield from _literal(node.args[1])


def error_codes(root: Path = ROOT) -> list[str]:
    """The sorted, distinct codes found in the sources."""
    found: set[str] = set()
    for pattern in SOURCES:
        for path in root.glob(pattern):
            found.update(codes_in(ast.parse(path.read_text(), filename=str(path))))
    return sorted(found)


def write_error_codes(path: Path) -> Path:
    """Write the list as JSON (only when it changed); return the path."""
    text = json.dumps(error_codes(), indent=2) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path
