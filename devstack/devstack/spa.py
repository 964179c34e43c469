"""Build the SPA once: `python -m devstack.spa build` rebuilds only when a source is newer than dist/."""

from __future__ import annotations

import shutil
import subprocess
import sys

from devstack.config import ROOT

FRONTEND = ROOT / "frontend-react-js"
DIST = FRONTEND / "dist" / "index.html"
SOURCES = ("src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts")


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = FRONTEND / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            newest = max([newest, *(p.stat().st_mtime for p in path.rglob("*") if p.is_file())])
    return newest


def build(force: bool = False) -> None:
    """Run `npm run build` when needed."""
    if not (FRONTEND / "package.json").exists():
        print("spa: no frontend-react-js/package.json yet; the gateway serves a placeholder page")
        return
    if not force and DIST.exists() and DIST.stat().st_mtime >= _newest_source():
        return
    if shutil.which("npm") is None:
        sys.exit("spa: npm (Node 20) is required to build the web app")
    print("spa: building the web app (npm run build) ...", flush=True)
    subprocess.run(["npm", "run", "--silent", "build"], cwd=FRONTEND, check=True)


if __name__ == "__main__":
    build(force="--force" in sys.argv)
