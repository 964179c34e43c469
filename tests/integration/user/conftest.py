"""Fixtures of the user API tests: direct SQL on the users schema, and the user outbox held to be read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.stack import LocalStack
from tests.integration.activity.support import Db

# The outbox destinations whose delivery `held` stops (cruddur_common.outbox: "<namespace>.outbox.<name>").
HELD_DESTINATIONS = ("activity", "relations")


@pytest.fixture
def db(stack: LocalStack) -> Iterator[Db]:
    """Direct access to the users schema (what only time would do: a mute's `until` moved into the past)."""
    helper = Db(stack.cfg.db_url)
    helper.execute("SET search_path TO users, public")
    try:
        yield helper
    finally:
        helper.close()


@pytest.fixture
def held(db: Db) -> Iterator[Db]:
    """Hold the user outbox's delivery locks for activity and relations: their events stay to be read."""
    for name in HELD_DESTINATIONS:
        db.execute("SELECT pg_advisory_lock(hashtext($1))", f"users.outbox.{name}")
    try:
        yield db
    finally:
        for name in HELD_DESTINATIONS:
            db.execute("SELECT pg_advisory_unlock(hashtext($1))", f"users.outbox.{name}")
