"""The consumer side of a batch call: each event on its own; refused data is reported, other errors raise."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import exc as sa_exc

from cruddur_common.contracts import IngestEvent, consume, refused_by_database


class Item(BaseModel):
    n: int


async def test_invalid_and_refused_events_are_reported_and_the_rest_applied() -> None:
    applied: list[int] = []

    async def apply(item: Item) -> None:
        if item.n == 3:
            raise asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence: 0x00")
        if item.n == 4:
            raise asyncpg.exceptions.UniqueViolationError("duplicate key")
        applied.append(item.n)

    result = await consume(
        [{"n": 1}, {"n": "x"}, {"n": 3}, {"n": 4}, {"n": 5}], model=TypeAdapter(Item), apply=apply
    )
    assert [r.ok for r in result.results] == [True, False, False, False, True]
    assert result.results[1].error is not None and result.results[1].error.startswith("invalid:")
    assert result.results[2].error is not None and "CharacterNotInRepertoire" in result.results[2].error
    assert applied == [1, 5]


async def test_an_unexpected_error_fails_the_whole_call_so_it_is_retried() -> None:
    async def apply(item: Item) -> None:
        raise asyncpg.exceptions.ConnectionDoesNotExistError("closed")

    with pytest.raises(asyncpg.exceptions.ConnectionDoesNotExistError):
        await consume([{"n": 1}], model=TypeAdapter(Item), apply=apply)


def test_postgres_refusals_are_recognised_behind_sqlalchemys_wrapper() -> None:
    adapted = RuntimeError("invalid byte sequence for encoding UTF8: 0x00")
    adapted.__cause__ = asyncpg.exceptions.CharacterNotInRepertoireError("0x00")
    assert refused_by_database(sa_exc.DBAPIError("INSERT", None, adapted))
    lost = RuntimeError("connection was closed")
    lost.__cause__ = asyncpg.exceptions.ConnectionDoesNotExistError("closed")
    assert not refused_by_database(sa_exc.DBAPIError("INSERT", None, lost))
    assert not refused_by_database(RuntimeError("boom"))


CRUD = "5f0c7a53-35a4-4a8a-9d1e-3b0a7f1e2d4c"


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "like", "created_at": "2026-11-29T00:00:00Z"},  # no recipient or actor
        {"kind": "retract", "created_at": "2026-11-29T00:00:00Z"},  # retract without a crud
        {"kind": "expire", "created_at": "2026-11-29T00:00:00Z", "expires_at": "2026-12-01T00:00:00Z"},
        {"kind": "expire", "created_at": "2026-11-29T00:00:00Z", "target": {"activity_uuid": CRUD}},  # no end
        {"kind": "like", "created_at": "2026-11-29T00:00:00"},  # naive time
    ],
)
def test_the_notification_contract_refuses_incomplete_events(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        IngestEvent.model_validate({"event_id": "0b6f2c1e-8a51-4d5e-9f0a-1c2d3e4f5a6b", **event})


def test_an_expire_event_needs_only_its_crud_and_its_new_end() -> None:
    event = IngestEvent.model_validate(
        {
            "event_id": "0b6f2c1e-8a51-4d5e-9f0a-1c2d3e4f5a6b",
            "kind": "expire",
            "target": {"activity_uuid": CRUD},
            "expires_at": "2026-12-01T00:00:00Z",
            "created_at": "2026-11-29T00:00:00Z",
        }
    )
    assert (event.recipient, event.actor, str(event.target.activity_uuid)) == (None, None, CRUD)
