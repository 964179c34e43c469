"""Per-user rate limits on writes: `dependencies=[rate_limited("posts")]` on a route (docs/rate-limits.md).

One limit per action (settings `rate_limit_<action>`, e.g. "30/5 minutes"), counted per signed-in caller
(the token's `sub`) in a moving window by the `limits` library: a hit is allowed while fewer than `count`
hits of that caller and action fall in the last window. Counters live in Redis when REDIS_URL is set, so
every task of a service shares them; in the process otherwise.

The dependency runs before the route's handler: a caller over the limit gets 429 `rate_limited` and nothing
is written. A refused hit is not counted (retrying at once does not push the wait further out).

Headers (draft-ietf-httpapi-ratelimit-headers-09/10, Structured Field Lists of one item named after the
action), on the 429 and on every allowed write:
    RateLimit-Policy: "posts";q=30;w=300    the quota and its window in seconds
    RateLimit: "posts";r=12;t=41            remaining hits; seconds until the oldest counted hit leaves
                                            the window (with r=0: when the next hit is allowed)
and on the 429 `Retry-After: <t>` (whole seconds, at least 1).

Redis unreachable: the limit is kept per process (the in-memory counters) with a warning, and Redis is
tried again after `REDIS_RETRY_SECONDS`: a Redis outage never takes writes down, and a caller still cannot
write more than the limit times the number of tasks.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Literal, get_args

import redis.asyncio as redis
from fastapi import FastAPI, Request, Response
from fastapi.params import Depends as DependsParam
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from cruddur_common.auth import principal_of
from cruddur_common.errors import RateLimited
from cruddur_common.settings import CommonSettings

log = logging.getLogger("cruddur.rate_limits")
Action = Literal["posts", "reactions", "follows", "messages", "uploads", "reports", "relations"]
ACTIONS: tuple[Action, ...] = get_args(Action)
KEY_PREFIX = "cruddur:rate"
REDIS_TIMEOUT_SECONDS = 0.25  # a write waits at most this long on a Redis that does not answer
REDIS_RETRY_SECONDS = 5.0  # after a Redis failure, count in the process this long before trying again


@dataclass(frozen=True, slots=True)
class Verdict:
    """One hit's outcome: allowed or not, and the figures of the response headers."""

    action: Action
    allowed: bool
    limit: int
    window_seconds: int
    remaining: int
    reset_seconds: int  # until one more hit is allowed (when none remain) or the oldest hit leaves

    @property
    def headers(self) -> dict[str, str]:
        """RateLimit-Policy and RateLimit, as the IETF draft's Structured Field Lists."""
        return {
            "RateLimit-Policy": f'"{self.action}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{self.action}";r={self.remaining};t={self.reset_seconds}',
        }


class RateLimiter:
    """The limits of every action, over Redis when `settings.redis_url` is set, else in the process."""

    def __init__(self, settings: CommonSettings) -> None:
        self.items: dict[Action, RateLimitItem] = {
            action: parse(getattr(settings, f"rate_limit_{action}")) for action in ACTIONS
        }
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        self._redis_down_until = 0.0
        self._pool: redis.ConnectionPool | None = None
        if settings.redis_url:
            # Our own pool (limits would make one it never closes), on the client the services already use.
            self._pool = redis.ConnectionPool.from_url(
                settings.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                wrap_exceptions=True,  # every client error is a limits StorageError
                key_prefix=KEY_PREFIX,
                connection_pool=self._pool,  # type: ignore[arg-type]  # passed on to redis-py's client
            )
            self._redis = MovingWindowRateLimiter(storage)

    async def aclose(self) -> None:
        """Close the Redis connections (at shutdown)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def hit(self, action: Action, caller: str) -> Verdict:
        """Count one `action` by `caller` unless that would exceed the limit."""
        item = self.items[action]
        if self._redis is not None and time.monotonic() >= self._redis_down_until:
            try:
                return await self._hit(self._redis, item, action, caller)
            except StorageError as exc:
                self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
                log.warning(
                    "rate limits: redis unavailable, counting in this process for %.0f s",
                    REDIS_RETRY_SECONDS,
                    extra={"error": type(exc.storage_error).__name__, "action": action},
                )
        return await self._hit(self._memory, item, action, caller)

    @staticmethod
    async def _hit(
        limiter: MovingWindowRateLimiter, item: RateLimitItem, action: Action, caller: str
    ) -> Verdict:
        allowed = await limiter.hit(item, action, caller)
        stats = await limiter.get_window_stats(item, action, caller)
        reset = max(math.ceil(stats.reset_time - time.time()), 0)
        return Verdict(
            action=action,
            allowed=allowed,
            limit=item.amount,
            window_seconds=item.get_expiry(),
            remaining=max(stats.remaining, 0),
            reset_seconds=reset if allowed else max(reset, 1),
        )


def limiter_of(app: FastAPI) -> RateLimiter:
    """The app's limiter (made by the lifespan in create_service_app; made here for an app without one)."""
    limiter: RateLimiter | None = getattr(app.state, "rate_limiter", None)
    if limiter is None:
        limiter = app.state.rate_limiter = RateLimiter(app.state.settings)
    return limiter


def _responses(action: Action) -> dict[int, dict[str, Any]]:
    integer = {"schema": {"type": "integer"}}
    text = {"schema": {"type": "string"}}
    default = parse(CommonSettings.model_fields[f"rate_limit_{action}"].default)
    policy = f'"{action}";q={default.amount};w={default.get_expiry()}'
    return {
        429: {
            "description": f"Too many {action} (`rate_limited`); wait Retry-After seconds",
            "headers": {
                "Retry-After": {**integer, "description": "Seconds until the next write is allowed"},
                "RateLimit-Policy": {**text, "description": f"By default `{policy}` (quota; window in s)"},
                "RateLimit": {**text, "description": f'`"{action}";r=0;t=<Retry-After>` (remaining; reset)'},
            },
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
        }
    }


def rate_limited(action: Action) -> DependsParam:
    """A route dependency: 401 without a token, 429 `rate_limited` over the limit, else RateLimit headers.

    No sub-dependencies (each one costs on every request): the token is verified by the verifier's cache,
    which the route's own user dependency then hits again.
    """

    async def limit(request: Request, response: Response) -> None:
        principal = await principal_of(request, required=True)
        assert principal is not None
        verdict = await limiter_of(request.app).hit(action, principal.sub)
        if not verdict.allowed:
            raise RateLimited(action, retry_after=verdict.reset_seconds, headers=verdict.headers)
        response.headers.update(verdict.headers)

    limit.openapi_responses = _responses(action)  # type: ignore[attr-defined]  # errors._document_errors
    return DependsParam(dependency=limit)
