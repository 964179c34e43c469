"""Errors the platform sends on every route of a kind are documented on every route of that kind."""

from __future__ import annotations

import json

import pytest

from cruddur_common.registry import load_registry
from devstack.config import ROOT

OPENAPI_DIR = ROOT / "frontend-react-js" / "openapi"


@pytest.mark.parametrize("service", [entry.name for entry in load_registry()])
def test_every_paged_operation_documents_invalid_cursor(service: str) -> None:
    document = json.loads((OPENAPI_DIR / f"{service}.json").read_text())
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "cursor" and p["in"] == "query" for p in operation.get("parameters", []))
        and "400" not in operation["responses"]
    ]
    assert undocumented == [], f"these take a cursor but do not document 400 invalid_cursor: {undocumented}"
