"""Feed items come from the SQL's columns by name: every feed's item equals the ORM's view of its rows.

The feeds run hand-written SQL (feeds/repository.py) rendered without models (feeds/render.py); the ORM
(activity_service.models) reads the same tables another way. Every field of the items gets a value no
other field of its type has (three counters, two timestamps, three strings, two flags, two uuids), so a
column selected under another field's name, or rows read by position after a change of the SELECT
list, make an item differ from the ORM's. The crud carries two pictures: the feeds render the crud's copy
(`activities.media`), the ORM view builds them from the `media` table's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activity_service.models import Activity, Author, Like, Media, Repost
from activity_service.schemas import ActivityItem, MediaItem, Reposter
from cruddur_common.db import create_engine, session_factory
from devstack.stack import LocalStack
from tests.integration.activity.media import ready_picture
from tests.integration.activity.support import follow
from tests.support import TestUser, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
async def orm(stack: LocalStack) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """ORM sessions on the test stack's activity schema."""
    url = stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_engine(url, schema="activity", pool_size=1)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def _media(session: AsyncSession, crud: Activity, *, assets: str) -> list[MediaItem]:
    """The crud's pictures from the `media` table (not the crud's copy), as the API shows them."""
    rows = (
        await session.execute(select(Media).where(Media.activity_uuid == crud.uuid).order_by(Media.position))
    ).scalars()
    query = f"?expires={int(crud.expires_at.timestamp())}"
    return [
        MediaItem(
            url=f"{assets}/media/{m.user_uuid}/{m.token}/1600.webp{query}",
            thumbnail_url=f"{assets}/media/{m.user_uuid}/{m.token}/400.webp{query}",
            width=m.width or 0,
            height=m.height or 0,
            thumbnail_width=m.thumbnail_width or 0,
            thumbnail_height=m.thumbnail_height or 0,
            alt=m.alt or "",
        )
        for m in rows
    ]


async def expected(
    orm: async_sessionmaker[AsyncSession],
    activity: str,
    *,
    reader: TestUser | None,
    assets: str,
    reposter: TestUser | None = None,
) -> dict[str, Any]:
    """The item as the ORM sees its rows, in the JSON the API sends."""
    async with orm() as session:
        crud, author = (
            await session.execute(
                select(Activity, Author)
                .join(Author, Author.uuid == Activity.user_uuid)
                .where(Activity.uuid == uuid.UUID(activity))
            )
        ).one()
        liked = reposted = None
        if reader is not None:
            reader_uuid = await _uuid_of(session, reader)
            liked = await session.get(Like, (crud.uuid, reader_uuid)) is not None
            reposted = await session.get(Repost, (crud.uuid, reader_uuid)) is not None
        reposted_by = reposted_at = None
        if reposter is not None:
            by = await _author(session, reposter)
            repost = await session.get(Repost, (crud.uuid, by.uuid))
            assert repost is not None
            reposted_by = Reposter(handle=by.handle, display_name=by.display_name, avatar_url=by.avatar_url)
            reposted_at = repost.created_at
        media = await _media(session, crud, assets=assets)
    item = ActivityItem(
        uuid=crud.uuid,
        display_name=author.display_name,
        handle=author.handle,
        avatar_url=author.avatar_url,
        message=crud.message,
        replies_count=crud.replies_count,
        reposts_count=crud.reposts_count,
        likes_count=crud.likes_count,
        expires_at=crud.expires_at,
        created_at=crud.created_at,
        reply_to_activity_uuid=crud.reply_to_activity_uuid,
        liked=liked,
        reposted=reposted,
        reposted_by=reposted_by,
        reposted_at=reposted_at,
        media=media,
    )
    return item.model_dump(mode="json")


async def _author(session: AsyncSession, user: TestUser) -> Author:
    found = (await session.execute(select(Author).where(Author.handle == user.handle))).scalar_one()
    return found


async def _uuid_of(session: AsyncSession, user: TestUser) -> uuid.UUID:
    return (await _author(session, user)).uuid


def _distinct(item: dict[str, Any]) -> None:
    """The scenario's precondition: no two fields of one type share a value."""
    for group in (
        ("replies_count", "reposts_count", "likes_count"),
        ("expires_at", "created_at"),
        ("display_name", "handle", "avatar_url", "message"),
        ("uuid", "reply_to_activity_uuid"),
        ("liked", "reposted"),
    ):
        values = [item[k] for k in group if item[k] is not None]
        assert len(set(values)) == len(values), (group, values)


async def test_every_feed_item_equals_the_orm_view_of_its_rows(
    api: httpx.Client,
    stack: LocalStack,
    orm: async_sessionmaker[AsyncSession],
    make_user: Callable[..., TestUser],
    post: Callable[..., dict[str, Any]],
) -> None:
    me, author, replier, reposter = make_user(), make_user(), make_user(), make_user()
    follow(api, me, author.handle)
    follow(api, me, reposter.handle)
    word = f"columns{uuid.uuid4().hex[:10]}"
    pictures = [
        ready_picture(api, stack, author),
        ready_picture(
            api, stack, author, sizes={"width": 7, "height": 11, "thumbnail_width": 5, "thumbnail_height": 3}
        ),
    ]
    media = [{"id": pictures[1]["id"], "alt": "second first"}, {"id": pictures[0]["id"], "alt": "then this"}]
    posted = api.post(
        "/api/activities",
        json={"message": f"crud {word}", "ttl": "7-days", "media": media},
        headers=author.headers,
    )
    assert posted.status_code == 201, posted.text
    crud = posted.json()["uuid"]
    reply = api.post(
        f"/api/activities/{crud}/reply", json={"message": f"reply {word}"}, headers=replier.headers
    )
    assert reply.status_code == 201, reply.text
    reply_uuid = reply.json()["uuid"]
    for target in (crud, reply_uuid):  # liked, not reposted: the two flags differ
        assert api.put(f"/api/activities/{target}/like", headers=me.headers).is_success
    assert api.put(f"/api/activities/{crud}/repost", headers=reposter.headers).is_success
    # Counters and author columns that no other field of their type shares.
    async with orm.begin() as session:
        for target, counts in ((crud, (3, 5, 7)), (reply_uuid, (11, 13, 17))):
            await session.execute(
                update(Activity)
                .where(Activity.uuid == uuid.UUID(target))
                .values(replies_count=counts[0], reposts_count=counts[1], likes_count=counts[2])
            )
        await session.execute(
            update(Author)
            .where(Author.handle.in_([author.handle, replier.handle, reposter.handle]))
            .values(display_name="Shown " + Author.handle, avatar_url="/avatars/" + Author.handle + ".png")
        )
    home_url = "/api/activities/home"
    wait_for(
        lambda: [bool(i["reposted_by"]) for i in api.get(home_url, headers=me.headers).json()] == [True],
        what="the crud at home, folded into its repost",
    )

    assets = f"{stack.cfg.gateway_url}/assets"
    crud_item = await expected(orm, crud, reader=me, assets=assets)
    reply_item = await expected(orm, reply_uuid, reader=me, assets=assets)
    reposted_item = await expected(orm, crud, reader=me, reposter=reposter, assets=assets)
    signed_out = await expected(orm, crud, reader=None, assets=assets)
    assert [m["alt"] for m in crud_item["media"]] == ["second first", "then this"]
    assert crud_item["media"][0]["width"] == 7 and reply_item["media"] == []
    for item in (crud_item, reply_item, reposted_item):
        _distinct(item)
    assert reply_item["reply_to_activity_uuid"] == crud

    home = api.get(home_url, headers=me.headers).json()
    assert home == [reposted_item]  # one card per crud, at its newest entry: the repost
    explore = api.get("/api/activities/explore", params={"limit": 100}, headers=me.headers).json()
    assert crud_item in explore["items"]
    explore_out = api.get("/api/activities/explore", params={"limit": 100}).json()
    assert signed_out in explore_out["items"]
    user_page = api.get(f"/api/activities/@{author.handle}", headers=me.headers).json()
    assert user_page["activities"] == [crud_item]
    reposter_page = api.get(f"/api/activities/@{reposter.handle}", headers=me.headers).json()
    assert reposter_page["activities"] == [reposted_item]
    crud_page = api.get(f"/api/activities/@{author.handle}/status/{crud}", headers=me.headers).json()
    assert crud_page["activity"] == crud_item
    assert crud_page["replies"] == [reply_item]
    found = api.get("/api/activities/search", params={"term": word}, headers=me.headers).json()
    assert sorted(found["activities"], key=lambda i: i["uuid"]) == sorted(
        [crud_item, reply_item], key=lambda i: i["uuid"]
    )
