"""Helpers of the user API tests: a user's uuid, and the relation events queued for a set of users."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.integration.activity.support import Db
from tests.support import TestUser


def uuid_of(api: httpx.Client, user: TestUser) -> str:
    """The user's uuid (from their own profile)."""
    return str(api.get("/api/users/me", headers=user.headers).json()["uuid"])


def queued(db: Db, destination: str, *uuids: str) -> list[dict[str, Any]]:
    """The events still queued for a destination that name all of these users, oldest first."""
    rows = db.fetch(
        "SELECT body::text AS body FROM outbox"
        " WHERE destination = $1 AND body::text LIKE ALL($2) ORDER BY id",
        destination,
        [f"%{u}%" for u in uuids],
    )
    return [json.loads(r["body"]) for r in rows]


def kinds(events: list[dict[str, Any]]) -> list[str]:
    """The events' types in order."""
    return [str(e["type"]) for e in events]
