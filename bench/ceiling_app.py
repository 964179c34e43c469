"""The ceiling: a bare Starlette + asyncpg + orjson app serving the same 20-row pages as the product.

`make bench` starts it beside the product (uvicorn, the same worker count, the same Postgres and data) and
measures it in the same interleaved rounds, so "product / ceiling" is a ratio from one run on one machine
rather than a figure quoted from elsewhere (issue 19). It is what a hand-written app with none of the
product's concerns costs for the same page: no authentication (the reader's uuid is in the path), no
cursor or Link header, no rendering beyond `orjson.dumps` of the rows. Postgres does the same work as for
the product, planned once per connection (generic plans forced: the best Postgres offers): home is the
product's own timeline statement (`repository.home`); the global page has the same columns and rows as the
product's, written as a bare app would (no parameters, the page size in the SQL, `NOT au.suspended`).

    GET /home/{reader}   the reader's timeline page (the product's signed-in home feed)
    GET /global          everyone's newest live cruds (the product's signed-out home feed)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from activity_service.cruds.repository import ITEM_COLUMNS
from activity_service.feeds import repository
from activity_service.feeds.repository import TOP
from devstack.processes import Child

if TYPE_CHECKING:
    from devstack.stack import LocalStack

PORT = 8199  # + the stack's port_offset: beside its services (8101-8104)
PAGE = 20

# Everyone's newest live cruds, signed out, as a bare app would ask for them: no parameters (so Postgres plans
# it once per connection), the page size written in, suspended authors left out, no reader to probe likes for.
GLOBAL = f"""
SELECT {ITEM_COLUMNS}, false AS liked, false AS reposted
FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now() AND NOT au.suspended
ORDER BY a.created_at DESC, a.uuid DESC LIMIT {PAGE + 1}
"""  # noqa: S608 - constant SQL fragments


def _default(value: object) -> str:
    if isinstance(value, uuid.UUID):  # asyncpg's own UUID subclass
        return str(value)
    raise TypeError(type(value).__name__)


def _page(rows: list[asyncpg.Record]) -> Response:
    body = orjson.dumps([dict(r) for r in rows[:PAGE]], default=_default, option=orjson.OPT_UTC_Z)
    return Response(body, media_type="application/json")


async def home(request: Request) -> Response:
    """The reader's timeline page."""
    pool: asyncpg.Pool = request.app.state.pool
    reader = uuid.UUID(request.path_params["reader"])
    return _page(await repository.home(pool, reader=reader, before=(*TOP, TOP[1]), limit=PAGE + 1))


async def global_feed(request: Request) -> Response:
    """Everyone's newest page, signed out."""
    pool: asyncpg.Pool = request.app.state.pool
    return _page(await pool.fetch(GLOBAL))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """One pool per worker, the product's size (activity's `pg_pool_max`)."""
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"],
        min_size=10,
        max_size=10,
        server_settings={
            "search_path": "activity,public",
            "timezone": "UTC",
            "jit": "off",
            "plan_cache_mode": "force_generic_plan",
        },
    )
    yield
    await app.state.pool.close()


def create_app() -> Starlette:
    """The ceiling app (uvicorn factory)."""
    return Starlette(routes=[Route("/home/{reader}", home), Route("/global", global_feed)], lifespan=lifespan)


def start(stack: LocalStack) -> str:
    """Start the ceiling beside the bench stack (same workers, same database); returns its URL.

    It joins the stack's children, so `watched_pids` samples its CPU and `stack.stop()` stops it.
    """
    port = stack.cfg.port_offset + PORT
    args = [
        "-m",
        "uvicorn",
        "bench.ceiling_app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--workers",
        str(stack.cfg.workers_per_service),
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "DATABASE_URL": stack.cfg.db_url, "PYTHONPATH": os.getcwd()}
    child = Child("ceiling", args, env=env, log_dir=stack.log_dir)
    child.start()
    stack.children.append(child)
    url = f"http://127.0.0.1:{port}"
    _wait(url, child)
    return url


def _wait(url: str, child: Child) -> None:
    import time

    import httpx

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"the ceiling app exited during start:\n{child.tail()}")
        try:
            if httpx.get(f"{url}/global", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the ceiling app did not answer within 300 s")
