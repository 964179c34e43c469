"""Dump every service's OpenAPI document (the SPA generates its API types from them).

`python -m devstack.openapi [out_dir]` (default frontend-react-js/openapi/); no server needed.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from cruddur_common.registry import load_registry
from devstack.config import ROOT
from devstack.error_codes import ERROR_CODES_FILE, write_error_codes


def dump(out_dir: Path) -> list[Path]:
    """Write <service>.json for every service of the registry; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in load_registry():
        app = importlib.import_module(f"{entry.package}.main").create_app()
        path = out_dir / f"{entry.name}.json"
        text = json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "frontend-react-js" / "openapi"
    for file in [*dump(target), write_error_codes(ERROR_CODES_FILE)]:
        print(f"openapi: {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}")
