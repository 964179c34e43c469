"""The SPA's committed OpenAPI documents are the services' own (the SPA's API types come from them)."""

from __future__ import annotations

from pathlib import Path

from devstack.config import ROOT
from devstack.openapi import dump


def test_committed_openapi_documents_match_the_services(tmp_path: Path) -> None:
    stale = []
    for fresh in dump(tmp_path):
        committed = ROOT / "frontend-react-js" / "openapi" / fresh.name
        if not committed.exists() or committed.read_text() != fresh.read_text():
            stale.append(fresh.name)
    assert not stale, f"{stale} changed: run `make openapi` and commit the result"
