"""The home feed's plain-data items serialise exactly like `ActivityItem` (pictures included)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest
from asyncpg.pgproto.pgproto import UUID as PgUUID
from pydantic import TypeAdapter

from activity_service.feeds.render import render_item, render_items, to_json
from activity_service.media.render import render_media, stored_media
from activity_service.schemas import ActivityItem, MediaItem, Reposter

NOW = datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC)
ASSETS = "https://cruddur.test/assets/"
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
    "media": None,
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
OWNER = uuid.uuid4()
ATTACHED = [  # media rows as attach() returns them, out of order
    {"user_uuid": OWNER, "token": "tok-b" * 4, "position": 1, "width": 1200, "height": 1600,
     "thumbnail_width": 300, "thumbnail_height": 400, "alt": ""},
    {"user_uuid": OWNER, "token": "tok-a" * 4, "position": 0, "width": 1600, "height": 900,
     "thumbnail_width": 400, "thumbnail_height": 225, "alt": 'a "cat" <on> a mat 🐈'},
]  # fmt: skip
# What asyncpg hands for the jsonb column (text), and what an ORM session hands (decoded).
PICTURES = ROW | {"media": orjson.dumps(stored_media(ATTACHED)).decode()}
PICTURES_DECODED = REPOST | {"media": stored_media(ATTACHED)}


def media_items(row: dict) -> list[MediaItem]:
    """The oracle's pictures: built from the stored copy by hand, field by field."""
    stored = row["media"]
    if stored is None:
        return []
    expires = int(row["expires_at"].timestamp())
    return [
        MediaItem(
            url=f"https://cruddur.test/assets/{p['prefix']}/1600.webp?expires={expires}",
            thumbnail_url=f"https://cruddur.test/assets/{p['prefix']}/400.webp?expires={expires}",
            width=p["width"],
            height=p["height"],
            thumbnail_width=p["thumbnail_width"],
            thumbnail_height=p["thumbnail_height"],
            alt=p["alt"],
        )
        for p in (orjson.loads(stored) if isinstance(stored, str) else stored)
    ]


def item(row: dict, *, signed_in: bool) -> ActivityItem:
    """The oracle: the validated model, built field by field from the row."""
    data = {k: row[k] for k in ActivityItem.model_fields if k in row and k != "media"}
    data["media"] = media_items(row)
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
    "row",
    [ROW, REPOST, PG_ROW, LATER, PICTURES, PICTURES_DECODED],
    ids=["crud", "repost", "asyncpg", "microseconds", "pictures", "pictures-decoded"],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_item_data_matches_the_model(row: dict, signed_in: bool) -> None:
    adapter = TypeAdapter(list[ActivityItem])
    as_model = adapter.dump_json([item(row, signed_in=signed_in)])
    data = [render_item(row, signed_in=signed_in, assets_base_url=ASSETS)]  # type: ignore[arg-type]
    assert to_json(data) == as_model
    assert (
        adapter.validate_json(to_json(data))[0].model_dump()
        == adapter.validate_json(as_model)[0].model_dump()
    )


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_page_renders_each_row_on_its_own(signed_in: bool) -> None:
    rows = [REPOST, ROW, PG_ROW, PICTURES, LATER, ROW]  # a row's fields must not leak into the next row
    as_model = TypeAdapter(list[ActivityItem]).dump_json([item(r, signed_in=signed_in) for r in rows])
    assert to_json(render_items(rows, signed_in=signed_in, assets_base_url=ASSETS)) == as_model


def test_a_repost_at_its_crud_s_own_instant_shows_that_instant() -> None:
    # The home query sends `at` only where it differs from created_at (feeds/repository.py).
    (data,) = render_items([REPOST | {"at": None}], signed_in=True, assets_base_url=ASSETS)
    assert data["reposted_at"] == REPOST["created_at"]
    assert data["reposted_by"] == {"handle": "bob", "display_name": "Bob", "avatar_url": "/b.svg"}


def test_unknown_types_are_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError):
        to_json([{"what": object()}])


def test_pictures_keep_their_order_and_their_urls_carry_the_crud_s_end() -> None:
    (data,) = render_items([PICTURES], signed_in=True, assets_base_url=ASSETS)
    first, second = data["media"]
    expires = int(NOW.timestamp())  # floored: the URL never outlives the crud
    assert (
        first["url"] == f"https://cruddur.test/assets/media/{OWNER}/{'tok-a' * 4}/1600.webp?expires={expires}"
    )
    assert first["thumbnail_url"].endswith(f"/{'tok-a' * 4}/400.webp?expires={expires}")
    assert (first["width"], first["height"], first["alt"]) == (1600, 900, 'a "cat" <on> a mat 🐈')
    assert second["url"].endswith(f"/{'tok-b' * 4}/1600.webp?expires={expires}")


def test_a_changed_end_is_a_changed_url() -> None:
    later = NOW.replace(year=2027)
    before = render_media(PICTURES["media"], expires_at=NOW, assets_base_url=ASSETS)
    after = render_media(PICTURES["media"], expires_at=later, assets_base_url=ASSETS)
    assert before[0]["url"] != after[0]["url"]
    assert after[0]["url"].endswith(f"?expires={int(later.timestamp())}")


def test_a_crud_without_pictures_has_an_empty_list() -> None:
    (data,) = render_items([ROW], signed_in=False, assets_base_url=ASSETS)
    assert data["media"] == []
