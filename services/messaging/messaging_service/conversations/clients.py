"""Typed calls to other services from the conversations: user lookups (cached)."""

from __future__ import annotations

import time
from urllib.parse import quote

import httpx

from messaging_service.conversations.schemas import Person
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
