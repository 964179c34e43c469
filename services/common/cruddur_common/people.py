"""People's current names and avatars, looked up by reference at read time (issue 18, finding 6).

Messaging and notification store a copy of the sender's or actor's name and avatar with each item. Lists
show the person's *current* ones: one batch call to the user service's `/internal/users/batch` per list,
cached for a few seconds. When the user service cannot answer, the stored copies are shown (a list never
fails because names could not be refreshed); a person the user service does not know (an erased account)
keeps the stored copy too, which the erasure paths already blank out.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable

import httpx
from pydantic import BaseModel

log = logging.getLogger("cruddur.people")
BATCH_PATH = "/internal/users/batch"
MAX_BATCH = 100  # the route's limit per list
# Cards kept per process. Past it, the expired ones go (then the oldest): a long-lived process otherwise
# kept a card for everyone it ever looked up. Expired cards are kept until then for when the lookup fails.
MAX_CACHED = 20_000


class Card(BaseModel):
    """A person's current handle, name and avatar."""

    uuid: uuid.UUID
    handle: str
    display_name: str
    avatar_url: str | None = None


class _Found(BaseModel):
    items: list[Card]


class PeopleDirectory:
    """Batch lookups of people's current cards, cached for `ttl` seconds per person."""

    def __init__(self, *, http: httpx.AsyncClient, base_url: str, ttl: float) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + BATCH_PATH
        self._ttl = ttl
        self._cache: dict[uuid.UUID, tuple[float, Card]] = {}

    async def cards(self, uuids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Card]:
        """The current cards of these people that the user service knows (one call per 100 not cached)."""
        wanted = set(uuids)
        now = time.monotonic()
        found = {u: hit[1] for u in wanted if (hit := self._cache.get(u)) and now - hit[0] < self._ttl}
        missing = sorted(wanted - found.keys())
        for start in range(0, len(missing), MAX_BATCH):
            chunk = missing[start : start + MAX_BATCH]
            try:
                response = await self._http.post(self._url, json={"uuids": [str(u) for u in chunk]})
                response.raise_for_status()
                fresh = _Found.model_validate(response.json()).items
            except (httpx.HTTPError, ValueError) as exc:  # stored copies are shown instead
                log.warning("people lookup failed: %s", exc)
                found |= {u: hit[1] for u in chunk if (hit := self._cache.get(u))}
                continue
            for card in fresh:
                found[card.uuid] = card
                if self._ttl > 0:
                    self._cache.pop(card.uuid, None)  # re-inserted last: the dict's order is the age order
                    self._cache[card.uuid] = (now, card)
        if len(self._cache) > MAX_CACHED:
            self._sweep(now)
        return found

    def _sweep(self, now: float) -> None:
        """Drop the expired cards, then the oldest, down to MAX_CACHED."""
        self._cache = {u: hit for u, hit in self._cache.items() if now - hit[0] < self._ttl}
        for u in list(self._cache)[: max(0, len(self._cache) - MAX_CACHED)]:
            del self._cache[u]
