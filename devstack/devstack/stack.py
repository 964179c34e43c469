"""The whole product on one machine: Postgres, moto, the four services, workers and the gateway."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from cruddur_common.registry import ServiceEntry, load_registry
from devstack import config as c
from devstack import edge
from devstack.postgres import LocalPostgres
from devstack.processes import Child, Zygote, running, wait_port
from devstack.supervisor import RestartPolicy, Supervisor, Watched

if TYPE_CHECKING:
    from devstack.aws_bootstrap import AwsResources

# What the start needs only after Postgres and moto are up: boto3 (the AWS bootstrap), Alembic and
# SQLAlchemy (the migrations) and the services' models. Imported on a thread while those two boot (a warm
# start spends seconds of CPU on these imports alone), not before the first child is spawned; the methods
# import them again, which costs nothing once loaded.
_LATER = ("devstack.aws_bootstrap", "cruddur_common.migrations", "cruddur_common.internal_auth")

log = logging.getLogger("devstack")
# Background workers `make run` starts when their module exists (each runs the same code as its Lambda).
WORKERS = ("messaging_service.stream_poller", "user_service.avatar_worker")


def _import_later() -> None:
    for module in _LATER:
        importlib.import_module(module)
    for entry in load_registry():  # the models whose SCHEMA `migrate` reads
        if importlib.util.find_spec(f"{entry.package}.models"):
            importlib.import_module(f"{entry.package}.models")


def wait_ready(
    url: str, child: Child, *, http: httpx.Client, name: str | None = None, timeout: float = 120
) -> None:
    """Poll a service's readiness URL until it answers 200; fail if its process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{name or url} exited during start:\n{child.tail()}")
        try:
            if http.get(url).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name or url} not ready after {timeout}s:\n{child.tail()}")


def uvicorn_args(entry: ServiceEntry, *, port: int, workers: int) -> list[str]:
    """uvicorn's arguments for one service of the local stack.

    docker/service.Dockerfile's CMD starts the same app factory; a Dockerfile cannot call this, so
    tests/unit/devstack/test_uvicorn_args.py holds the two equal and lists each difference with its reason.
    """
    return [
        f"{entry.package}.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "3",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def load_internal_secret(data_dir: Path) -> str:
    """The stack's INTERNAL_SECRET: made once per data directory, so every restart's processes agree."""
    path = data_dir / "internal-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # written owner-only before the value goes in: the secret signs calls to every /internal route
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value)
    return value


def _ensure_free(port: int, what: str) -> None:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(
                f"port {port} ({what}) is already in use: another `make run`? Stop it or set CRUDDUR_PORT."
            )


class _PostgresPart:
    """The pg_ctl server as a supervised part (a daemon: alive while its postmaster pid runs)."""

    name = "postgres"

    def __init__(self, server: LocalPostgres) -> None:
        self.server = server

    @property
    def _pid_file(self) -> Path:
        return self.server.data_dir / "postmaster.pid"

    def alive(self) -> bool:
        """Whether the postmaster of postmaster.pid runs (cheaper than `pg_ctl status` every poll).

        A killed postmaster is nobody's child once pg_ctl has exited; where PID 1 does not reap, it stays
        a zombie that `kill -0` (and so `pg_ctl status`) still sees: read its state instead.
        """
        try:
            pid = int(self._pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return False
        return running(pid)

    def exit_code(self) -> int | None:
        """pg_ctl's server is not our child: its status is unknown."""
        return None

    def restart(self) -> None:
        """`pg_ctl start` (crash recovery replays the WAL), after removing a dead postmaster's lock files."""
        if not self.alive():
            self.server.remove_stale_locks()
        self.server.start()

    def tail(self, lines: int = 30) -> str:
        """The end of the server log."""
        path = self.server.data_dir / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class LocalStack:
    """Start and stop every part of the product for `make run` or a test session."""

    def __init__(self, cfg: c.StackConfig) -> None:
        self.cfg = cfg
        self.children: list[Child] = []
        self.postgres: LocalPostgres | None = None
        self.aws: AwsResources | None = None
        self.log_dir = cfg.data_dir / "logs"
        self.supervisor: Supervisor | None = None
        self.zygote: Zygote | None = None

    @property
    def internal_secret(self) -> str:
        """The secret every service, worker and emulated Lambda of this stack signs internal calls with."""
        return load_internal_secret(self.cfg.data_dir)

    def internal_auth(self, caller: str = "devstack") -> httpx.Auth:
        """httpx auth that signs calls to /internal routes as a service of this stack would (bench, tests)."""
        from pydantic import SecretStr

        from cruddur_common.internal_auth import InternalAuth

        return InternalAuth(secret=SecretStr(self.internal_secret), caller=caller)

    def service_env(self) -> dict[str, str]:
        """The environment every service and worker process gets."""
        assert self.aws is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "DB_"))}
        env.update(
            CRUDDUR_ENV="dev",
            PYTHONUNBUFFERED="1",
            PYTHONFAULTHANDLER="1",  # a crash in C code leaves the Python stack in the log
            AWS_REGION=self.aws.region,
            AWS_DEFAULT_REGION=self.aws.region,
            AWS_ENDPOINT_URL=self.cfg.aws_url,
            AWS_ACCESS_KEY_ID=os.environ.get("AWS_ACCESS_KEY_ID", "cruddur"),
            AWS_SECRET_ACCESS_KEY=os.environ.get("AWS_SECRET_ACCESS_KEY", "cruddur"),
            DATABASE_URL=self.cfg.db_url,
            COGNITO_USER_POOL_ID=self.aws.user_pool_id,
            COGNITO_CLIENT_ID=self.aws.client_id,
            COGNITO_ISSUER=self.aws.issuer,
            COGNITO_JWKS_URL=self.aws.jwks_url,
            MESSAGES_TABLE=self.aws.messages_table,
            UPLOADS_BUCKET=self.aws.uploads_bucket,
            ASSETS_BUCKET=self.aws.assets_bucket,
            ASSETS_BASE_URL=f"{self.cfg.gateway_url}/assets",
            AVATAR_QUEUE_URL=self.aws.avatar_queue_url,
            INTERNAL_SECRET=self.internal_secret,
            **self.cfg.service_urls(),
            **self.cfg.extra_env,
        )
        if self.cfg.redis_url:
            env["REDIS_URL"] = self.cfg.redis_url
        return env

    def _spawn(self, name: str, args: list[str], env: dict[str, str], *, forked: bool = False) -> Child:
        """Start a child: its own interpreter, or (`forked`) forked from the zygote's pre-loaded one."""
        zygote = self._zygote() if forked else None
        child = Child(name, args, env=env, log_dir=self.log_dir, zygote=zygote)
        child.start()
        self.children.append(child)
        return child

    def _zygote(self) -> Zygote:
        """The pre-loaded parent the services are forked from (devstack/zygote.py), started on first use."""
        if self.zygote is None or not self.zygote.alive():
            self.zygote = Zygote(env=dict(os.environ), log_dir=self.log_dir)
        return self.zygote

    def start_datastores(self) -> None:
        """Postgres and moto (unless DATABASE_URL / AWS_ENDPOINT_URL replace them), then the AWS resources.

        The zygote starts first: it imports what the services need while Postgres and moto boot.
        """
        self.cfg.data_dir.mkdir(parents=True, exist_ok=True)
        self._zygote()
        later = threading.Thread(target=_import_later, name="devstack-imports", daemon=True)
        later.start()
        moto = None
        if not self.cfg.aws_endpoint_url:  # moto boots while Postgres starts
            _ensure_free(self.cfg.moto_port, "moto")
            moto = self._spawn(
                "moto",
                [
                    "-m",
                    "devstack.aws_server",
                    "--port",
                    str(self.cfg.moto_port),
                    "--state",
                    str(self.cfg.data_dir / "moto" / "state.pickle"),
                ],
                dict(os.environ),
            )
        if not self.cfg.database_url:
            self.postgres = LocalPostgres(data_dir=self.cfg.data_dir / "postgres", port=self.cfg.pg_port)
            self.postgres.start()
        if moto is not None:
            wait_port(self.cfg.moto_port, timeout=30, child=moto)
        later.join()
        from devstack.aws_bootstrap import bootstrap

        self.aws = bootstrap(self.cfg.aws_url, out_file=self.cfg.data_dir / "aws.json")

    def migrate(self) -> None:
        """Apply every Postgres-owning service's Alembic migrations."""
        from cruddur_common.migrations import is_up_to_date, migrations_dir, upgrade

        os.environ.setdefault("DATABASE_URL", self.cfg.db_url)
        for entry in load_registry():
            migrations = migrations_dir(entry.package)
            if migrations is None:
                continue
            schema = importlib.import_module(f"{entry.package}.models").SCHEMA
            url = self.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
            if not is_up_to_date(migrations_dir=migrations, url=url, schema=schema):
                upgrade(migrations_dir=migrations, url=url, schema=schema)

    def start_services(self) -> None:
        """One uvicorn process group per service and the gateway (behind the edge if any); the workers once
        the services answer.

        On two cores every process that starts at once slows the others' imports: the background
        workers (stream poller, avatar worker, janitor) serve nobody who is waiting for the banner, so
        they start after the services are ready (docs/performance.md, "Warm start").
        """
        env = self.service_env()
        nginx = edge.find_nginx()
        gateway_port = self.cfg.gateway_app_port if nginx else self.cfg.gateway_port
        _ensure_free(self.cfg.gateway_port, "gateway")
        if nginx:
            _ensure_free(gateway_port, "gateway behind the edge")
        for entry in load_registry():
            _ensure_free(self.cfg.service_port(entry), entry.name)
        started: list[tuple[ServiceEntry, Child]] = []
        for entry in load_registry():
            args = uvicorn_args(
                entry, port=self.cfg.service_port(entry), workers=self.cfg.workers_per_service
            )
            started.append((entry, self._spawn(entry.name, ["-m", "uvicorn", *args], env, forked=True)))
        gateway_cfg = {
            "port": gateway_port,
            "services": {e.name: self.cfg.service_url(e) for e in load_registry()},
            "aws": asdict(self.aws) if self.aws else {},
            "spa_dir": str(c.ROOT / "frontend-react-js" / "dist"),
        }
        cfg_file = self.cfg.data_dir / "gateway.json"
        cfg_file.write_text(json.dumps(gateway_cfg, indent=2))
        gateway_args = ["-m", "devstack.gateway", "--config", str(cfg_file)]
        gateway = self._spawn("gateway", gateway_args, env, forked=True)
        front = self._start_edge(nginx, gateway_cfg, env) if nginx else None
        if nginx is None:
            log.warning("nginx not installed (scripts/bootstrap.sh): the Python gateway serves every request")
        # One client for every poll: `httpx.get` builds a client, and its TLS context, per call: seconds of
        # the parent's CPU over a start's few hundred polls (docs/performance.md, "Warm start").
        with httpx.Client(timeout=1) as http:
            for entry, child in started:
                self._wait_ready(entry, child, http)
        for module in WORKERS:
            if importlib.util.find_spec(module.rsplit(".", 1)[0]) and importlib.util.find_spec(module):
                self._spawn(module.rsplit(".", 1)[1], ["-m", module], env, forked=True)
        if self.cfg.janitor:
            self._spawn("janitor", ["-m", "devstack.janitor"], env, forked=True)
        wait_port(gateway_port, timeout=30, child=gateway)
        if front is not None:
            wait_port(self.cfg.gateway_port, timeout=30, child=front)

    def _start_edge(self, nginx: edge.Nginx, gateway_cfg: dict[str, Any], env: dict[str, str]) -> Child:
        """nginx on the public port: the registry's paths to their services, the rest to the gateway."""
        conf = edge.write_config(
            self.cfg.data_dir / "edge",
            edge.render_config(
                listen_port=self.cfg.gateway_port,
                gateway_url=f"http://127.0.0.1:{gateway_cfg['port']}",
                services=gateway_cfg["services"],
                headers=edge.gateway_headers(gateway_cfg),
                data_dir=self.cfg.data_dir / "edge",
                modules=nginx.modules,
            ),
        )
        return self._spawn("edge", ["-m", "devstack.edge", str(conf)], env)

    def _wait_ready(self, entry: ServiceEntry, child: Child, http: httpx.Client) -> None:
        wait_ready(f"{self.cfg.service_url(entry)}{entry.ready_path}", child, http=http, name=entry.name)

    def start(self) -> None:
        """Everything, in dependency order, then the supervisor that keeps it up."""
        try:
            self.start_datastores()
            self.migrate()
            self.start_services()
            self.supervise()
        except BaseException:
            self.stop()
            raise

    def parts(self) -> Sequence[Watched]:
        """What the supervisor watches: Postgres (when embedded) first, then every child."""
        found: list[Watched] = [_PostgresPart(self.postgres)] if self.postgres is not None else []
        return [*found, *self.children]

    def supervise(self, policy: RestartPolicy | None = None) -> Supervisor:
        """Restart any part that dies (with backoff); `supervisor.failed` is set on a crash loop."""
        if self.supervisor is None:
            self.supervisor = Supervisor(self.parts, policy=policy, after_restart=self._after_restart)
            self.supervisor.start()
        return self.supervisor

    def _after_restart(self, part: Watched) -> None:
        if part.name == "moto":  # its state is saved every 30 s: make sure the resources exist again
            wait_port(self.cfg.moto_port, timeout=30)
            from devstack.aws_bootstrap import bootstrap

            bootstrap(self.cfg.aws_url, out_file=self.cfg.data_dir / "aws.json")

    @contextmanager
    def unsupervised(self, name: str) -> Iterator[None]:
        """Leave part `name` down while a test stops it on purpose; it is watched again afterwards."""
        if self.supervisor is None:
            yield
            return
        self.supervisor.hold(name)
        try:
            yield
        finally:
            self.supervisor.release(name)

    def stop(self) -> None:
        """Stop the children (gateway first, moto last so it saves its state), then Postgres."""
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None
        moto = [ch for ch in self.children if ch.name == "moto"]
        others = [ch for ch in self.children if ch.name != "moto"]
        for child in others:
            child.terminate()
        for child in [*others, *moto]:
            child.stop()
        self.children.clear()
        if self.zygote is not None:
            self.zygote.stop()
            self.zygote = None
        if self.postgres is not None:
            self.postgres.stop()

    def wipe(self) -> None:
        """Remove this stack's data directory (tests start clean)."""
        if self.postgres is not None:
            self.postgres.stop()
        else:
            LocalPostgres(data_dir=self.cfg.data_dir / "postgres", port=self.cfg.pg_port).stop()
        shutil.rmtree(self.cfg.data_dir, ignore_errors=True)
