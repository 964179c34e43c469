"""The home feed's plain-data items serialise exactly like `ActivityItem`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from asyncpg.pgproto.pgproto import UUID as PgUUID
from pydantic import TypeAdapter

from activity_service.feeds.render import render_item, render_items, to_json
from activity_service.schemas import ActivityItem, Reposter

NOW = datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC)
ROW = {
    "uuid": uuid.uuid4(),
    "display_name": "Ann <b>",
    "handle": "ann",
    "avatar_url": "/a.svg",
    "message": 'héllo "world" #cruddur',
    "replies_count": 1,
    "reposts_count": 2,
    "likes_count": 3,
    "expires_at": NOW,
    "created_at": NOW,
    "reply_to_activity_uuid": None,
    "liked": True,
    "reposted": False,
}
REPOST = ROW | {
    "at": NOW,
    "reposter": uuid.uuid4(),
    "reposter_handle": "bob",
    "reposter_display_name": "Bob",
    "reposter_avatar_url": "/b.svg",
}


# asyncpg hands out its own UUID subclass; rows with it must render the same.
PG_ROW = REPOST | {"uuid": PgUUID(str(uuid.uuid4())), "reposter": PgUUID(str(uuid.uuid4()))}
LATER = ROW | {"created_at": NOW.replace(microsecond=0), "expires_at": NOW.replace(microsecond=5)}


def item(row: dict, *, signed_in: bool) -> ActivityItem:
    """The oracle: the validated model, built field by field from the row."""
    data = {k: row[k] for k in ActivityItem.model_fields if k in row}
    if not signed_in:
        data["liked"] = data["reposted"] = None
    if row.get("reposter_handle") is not None:
        data["reposted_by"] = Reposter(
            handle=row["reposter_handle"],
            display_name=row["reposter_display_name"],
            avatar_url=row["reposter_avatar_url"],
        )
        data["reposted_at"] = row["at"]
    return ActivityItem(**data)


@pytest.mark.parametrize(
    "row", [ROW, REPOST, PG_ROW, LATER], ids=["crud", "repost", "asyncpg", "microseconds"]
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_item_data_matches_the_model(row: dict, signed_in: bool) -> None:
    adapter = TypeAdapter(list[ActivityItem])
    as_model = adapter.dump_json([item(row, signed_in=signed_in)])
    data = [render_item(row, signed_in=signed_in)]  # type: ignore[arg-type]
    assert to_json(data) == as_model
    assert (
        adapter.validate_json(to_json(data))[0].model_dump()
        == adapter.validate_json(as_model)[0].model_dump()
    )


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_page_renders_each_row_on_its_own(signed_in: bool) -> None:
    rows = [REPOST, ROW, PG_ROW, LATER, ROW]  # a repost's fields must not leak into the next row
    as_model = TypeAdapter(list[ActivityItem]).dump_json([item(r, signed_in=signed_in) for r in rows])
    assert to_json(render_items(rows, signed_in=signed_in)) == as_model


def test_a_repost_at_its_crud_s_own_instant_shows_that_instant() -> None:
    # The home query sends `at` only where it differs from created_at (feeds/repository.py).
    (data,) = render_items([REPOST | {"at": None}], signed_in=True)
    assert data["reposted_at"] == REPOST["created_at"]
    assert data["reposted_by"] == {"handle": "bob", "display_name": "Bob", "avatar_url": "/b.svg"}


def test_unknown_types_are_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError):
        to_json([{"what": object()}])
