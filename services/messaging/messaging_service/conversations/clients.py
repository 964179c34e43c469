"""Typed calls to other services from the conversations: user lookups (cached) and blocks (never cached)."""

from __future__ import annotations

import time
import uuid
from urllib.parse import quote

import httpx

from cruddur_common.errors import DependencyUnavailable
from messaging_service.conversations.schemas import Person, Relation
from messaging_service.errors import UserNotFound


class UserDirectory:
    """The user service's internal lookups, cached briefly (a sub never changes owner)."""

    def __init__(self, *, http: httpx.AsyncClient, base_url: str, ttl: float) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Person]] = {}

    async def by_sub(self, sub: str) -> Person:
        """The user with this Cognito sub; 404 `user_not_found` when they have no profile."""
        return await self._get(f"sub:{sub}", f"/internal/users/by-sub/{quote(sub, safe='')}")

    async def by_handle(self, handle: str) -> Person:
        """The user with this handle (case-insensitive); 404 `user_not_found` otherwise."""
        key = f"handle:{handle.lower()}"
        return await self._get(key, f"/internal/users/by-handle/{quote(handle, safe='')}")

    async def blocked(self, a: uuid.UUID, b: uuid.UUID) -> bool:
        """Whether either of the two blocked the other, asked on every call (a block applies at once).

        Unknown uuids are `false` there, never 404, so a 404 means a user service without the route:
        it is answered as the user service being unavailable (503) rather than letting the message through.
        """
        response = await self._http.get(f"{self._base_url}/internal/relations/{a}/{b}")
        if response.status_code == 404:
            raise DependencyUnavailable("user")
        response.raise_for_status()
        return Relation.model_validate(response.json()).blocked

    async def _get(self, key: str, path: str) -> Person:
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        response = await self._http.get(self._base_url + path)
        if response.status_code == 404:
            raise UserNotFound("No such user.")
        response.raise_for_status()
        person = Person.model_validate(response.json())
        if self._ttl > 0:
            self._cache[key] = (time.monotonic(), person)
        return person
