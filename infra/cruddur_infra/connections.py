"""The Postgres connection budget: pool sizes derived from `max_connections` and the task maximums.

Every task of a Postgres service opens at most `per_task(service, env)` connections; during a deploy
ECS runs up to 200 % of the tasks (the old and the new ones), and each scheduled job is one more task
with the service's settings. The sizes below are chosen so that all of them together, plus what the
admins, the post-confirmation Lambda and the migrations' operators need, fit `max_connections`, which
the database's parameter group sets explicitly (below the engine's memory-derived default).
"""

from __future__ import annotations

from dataclasses import dataclass

# Explicit `max_connections` per instance size: under RDS's default LEAST(DBInstanceClassMemory/9531392,
# 5000) for 1/2/4/8/16/32 GiB (the default rounds down with the memory the OS keeps).
MAX_CONNECTIONS = {"micro": 80, "small": 180, "medium": 400, "large": 800, "xlarge": 1600, "2xlarge": 3200}
# superuser_reserved_connections (3) + rds.rds_superuser_reserved_connections (2) + the post-confirmation
# Lambda (5 concurrent sign-ups) + an operator's psql, ECS Exec session or restore check (3).
RESERVED = 3 + 2 + 5 + 3
DEPLOY_SURGE = 2  # the services' maximum healthy percent (200) / 100
# activity opens two asyncpg pools (requests, the home timeline) besides SQLAlchemy's (outbox, migrations):
# it gets twice the share of a service with SQLAlchemy alone.
WEIGHTS = {"activity": 2}
MAX_POOL = 10  # the services' own defaults: bigger pools buy nothing for one uvicorn process


def max_connections(database_class: str) -> int:
    """The `max_connections` the parameter group sets for an instance type such as `t4g.micro`."""
    size = database_class.removeprefix("db.").rsplit(".", 1)[-1]
    try:
        return MAX_CONNECTIONS[size]
    except KeyError:
        raise ValueError(
            f"no connection budget for instance size {size!r}: add it to MAX_CONNECTIONS"
        ) from None


def per_task(service: str, env: dict[str, str]) -> int:
    """Connections one task of `service` may open with the pool settings `env`."""
    sqlalchemy = 2 * int(env["DB_POOL_SIZE"])  # pool_size + max_overflow (= pool_size), cruddur_common.db
    if service == "activity":
        return sqlalchemy + 2 * int(env["PG_POOL_MAX"])  # the `pg` pool and the timeline's StatementPool
    return sqlalchemy


@dataclass(frozen=True, slots=True)
class Budget:
    """The pool settings of each Postgres service, and the figures they were derived from."""

    max_connections: int
    peak_tasks: dict[str, int]  # the most tasks of each service connected at once
    pools: dict[str, dict[str, str]]  # environment variables per service

    def used(self) -> int:
        """The most connections all tasks together may open."""
        return sum(per_task(name, env) * self.peak_tasks[name] for name, env in self.pools.items())


def budget(*, database_class: str, max_tasks: int, jobs: dict[str, int]) -> Budget:
    """Pool sizes for the services in `jobs` (service -> its scheduled jobs), within the database's limit."""
    limit = max_connections(database_class)
    available = limit - RESERVED
    weights = {name: WEIGHTS.get(name, 1) for name in jobs}
    peak = {name: max_tasks * DEPLOY_SURGE + count for name, count in jobs.items()}
    pools = {}
    for name in jobs:
        share = available * weights[name] // sum(weights.values()) // peak[name]
        pools[name] = _pools(name, share)
        if per_task(name, pools[name]) > share:
            raise ValueError(
                f"connection budget: {peak[name]} {name} tasks cannot fit {limit} connections of a "
                f"db.{database_class}; choose a bigger databaseClass or fewer maxTasks (docs/ops.md)"
            )
    return Budget(max_connections=limit, peak_tasks=peak, pools=pools)


def _pools(service: str, share: int) -> dict[str, str]:
    """The largest pools whose connections fit `share` (at least 1 each: the minimum that runs)."""
    if service != "activity":
        return {"DB_POOL_SIZE": str(min(MAX_POOL, max(1, share // 2)))}
    sqlalchemy = 2 if share >= 8 else 1  # the outbox and migrations; its default is 2
    pg = min(MAX_POOL, max(1, (share - 2 * sqlalchemy) // 2))
    return {"DB_POOL_SIZE": str(sqlalchemy), "PG_POOL_MAX": str(pg), "PG_POOL_MIN": str(min(2, pg))}
