"""Build one deployable zip per Lambda into build/lambdas/ without Docker (`make lambdas`).

Each zip holds the function's pinned dependencies exported from uv.lock, installed as Linux x86_64
wheels for the Lambda Python 3.12 runtime (`uv pip install --target --python-platform`, binary only, so
nothing is compiled here), minus what only a web server needs, plus our own packages. A zip is rebuilt
only when its inputs change (a stamp of the requirements and sources next to it); the wheel downloads
are cached by uv. When a Python 3.12 interpreter is on the machine, the handler is imported from the
unpacked tree with it (`-I`: nothing but the zip's content) to prove the package is complete.

Run as `python -m devstack.lambdas build [--force] [name ...]`.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from devstack.config import ROOT

OUT_DIR = ROOT / "build" / "lambdas"
PLATFORM = "x86_64-manylinux_2_28"  # the python3.12 runtime is Amazon Linux 2023 (glibc 2.34)
PYTHON_VERSION = (ROOT / ".python-version").read_text().strip()  # one version: image, Lambdas, tests
UNZIPPED_LIMIT = 250 * 1024 * 1024  # Lambda's limit for a function's unzipped code
# Distributions only a web server or migrations use; no handler imports them.
SERVER_ONLY = frozenset(
    {"uvicorn", "uvloop", "httptools", "watchfiles", "websockets", "alembic", "mako", "pyyaml", "redis"}
)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same zip (and asset hash)


@dataclass(frozen=True, kw_only=True)
class Function:
    """One Lambda: the uv workspace package whose locked deps it needs, and its handler."""

    name: str
    package: str
    handler: str
    sources: tuple[str, ...]
    exclude: frozenset[str] = frozenset()

    @property
    def module(self) -> str:
        """The handler's module."""
        return self.handler.rsplit(".", 1)[0]

    def handler_file(self) -> Path:
        """The handler module's source file in the repo."""
        package_dir = next(ROOT / s for s in self.sources if (ROOT / s).name == self.module.split(".")[0])
        return package_dir.parent / (self.module.replace(".", "/") + ".py")


COMMON = "services/common/cruddur_common"
FUNCTIONS = (
    Function(
        name="post_confirmation",
        package="user-service",
        handler="user_service.lambdas.post_confirmation.handler",
        sources=(COMMON, "services/user/user_service"),
        exclude=frozenset({"pillow"}),
    ),
    Function(
        name="messaging_stream",
        package="messaging-service",
        handler="messaging_service.lambdas.stream.handler",
        sources=(COMMON, "services/messaging/messaging_service"),
    ),
    Function(
        name="avatar_processor",
        package="user-service",
        handler="user_service.lambdas.avatar_processor.handler",
        sources=(COMMON, "services/user/user_service"),
    ),
)


def _uv() -> str:
    local = ROOT / ".tools" / "bin" / "uv"
    return str(local) if local.exists() else (shutil.which("uv") or "uv")


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def requirements(fn: Function) -> list[str]:
    """The function's pinned third-party requirements, from uv.lock."""
    exported = subprocess.run(
        [
            _uv(),
            "export",
            "--package",
            fn.package,
            "--no-dev",
            "--no-hashes",
            "--frozen",
            "--no-emit-workspace",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = []
    for line in exported.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-e", "-")):
            continue
        name = _normal(line.split("==", 1)[0].split("[", 1)[0].split(";", 1)[0].strip())
        if name not in SERVER_ONLY | fn.exclude:
            pins.append(line)
    return pins


def _source_files(fn: Function) -> list[Path]:
    files = []
    for source in fn.sources:
        for path in sorted((ROOT / source).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                files.append(path)
    return files


def stamp(fn: Function, pins: list[str]) -> str:
    """A digest of everything that goes into the zip."""
    digest = hashlib.sha256("\n".join([PLATFORM, PYTHON_VERSION, *pins]).encode())
    for path in _source_files(fn):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _install(pins: list[str], target: Path) -> None:
    requirements_file = target.parent / f"{target.name}.requirements.txt"
    requirements_file.write_text("\n".join(pins) + "\n")
    subprocess.run(
        [
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--target",
            str(target),
            "--python-platform",
            PLATFORM,
            "--python-version",
            PYTHON_VERSION,
            "--only-binary",
            ":all:",
            "--no-deps",  # the export is the complete, locked closure
            "--requirement",
            str(requirements_file),
        ],
        cwd=ROOT,
        check=True,
    )


def _copy_sources(fn: Function, target: Path) -> None:
    for source in fn.sources:
        src = ROOT / source
        shutil.copytree(src, target / src.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def _zip(tree: Path, out: Path) -> tuple[int, int]:
    unzipped = 0
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(tree.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            info = zipfile.ZipInfo(str(path.relative_to(tree)), date_time=ZIP_TIME)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            archive.writestr(info, data, compresslevel=6)
    tmp.replace(out)
    return out.stat().st_size, unzipped


def python312() -> str | None:
    """A Python 3.12 interpreter to import the handler with, if this machine has one."""
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    name = f"python{PYTHON_VERSION}"
    pyenv_builds = str(home / f"versions/{PYTHON_VERSION}*/bin/{name}")
    candidates = [shutil.which(name), *sorted(glob.glob(pyenv_builds))]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    return None


def smoke_import(fn: Function, tree: Path) -> bool:
    """Import the handler from the unpacked tree alone; False when no 3.12 interpreter is available."""
    interpreter = python312()
    if interpreter is None:
        return False
    module, attribute = fn.handler.rsplit(".", 1)
    code = (
        "import importlib, sys; sys.path.insert(0, sys.argv[1]); "
        f"handler = getattr(importlib.import_module({module!r}), {attribute!r}); assert callable(handler)"
    )
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}  # noqa: S108
    result = subprocess.run(
        [interpreter, "-I", "-c", code, str(tree)], capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{fn.name}: the handler does not import from the package:\n{result.stderr[-3000:]}"
        )
    return True


def build(fn: Function, *, force: bool = False) -> Path:
    """Build (or reuse) build/lambdas/<name>.zip."""
    if not fn.handler_file().exists():
        raise FileNotFoundError(f"{fn.name}: handler module {fn.module} does not exist ({fn.handler_file()})")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out, stamp_file = OUT_DIR / f"{fn.name}.zip", OUT_DIR / f"{fn.name}.stamp"
    pins = requirements(fn)
    digest = stamp(fn, pins)
    if not force and out.exists() and stamp_file.exists() and stamp_file.read_text() == digest:
        print(f"lambdas: {fn.name}: up to date ({out.stat().st_size / 1e6:.1f} MB)")
        return out
    tree = OUT_DIR / f".{fn.name}"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir()
    _install(pins, tree)
    _copy_sources(fn, tree)
    smoked = smoke_import(fn, tree)
    zipped, unzipped = _zip(tree, out)
    if unzipped > UNZIPPED_LIMIT:
        raise RuntimeError(f"{fn.name}: {unzipped / 1e6:.0f} MB unzipped is over Lambda's 250 MB limit")
    stamp_file.write_text(digest)
    shutil.rmtree(tree, ignore_errors=True)
    check = "handler imported with Python 3.12" if smoked else "no Python 3.12 here to import-check"
    print(
        f"lambdas: {fn.name}: {out.relative_to(ROOT)} {zipped / 1e6:.1f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped, {len(pins)} distributions; {check}"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: build the named functions (default: all)."""
    parser = argparse.ArgumentParser(description="Build the Lambda zips into build/lambdas/")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("names", nargs="*", help="functions to build (default: all)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_intermixed_args(argv)
    known = {fn.name: fn for fn in FUNCTIONS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown function(s) {', '.join(unknown)}; known: {', '.join(known)}")
    for name in args.names or list(known):
        build(known[name], force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
