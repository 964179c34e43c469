"""`make seed-large`: a realistic data set for benchmarks, bulk-loaded with COPY in well under two minutes.

1,000 users with a skewed follow graph, 100,000 cruds over the last 30 days (most still live), replies,
likes, reposts and hashtags. `scale` (`make seed-large SCALE=10`) multiplies the content, not the people:
SCALE=10 is 1,000,000 cruds, 200,000 replies, ~1.5 M likes and 50,000 reposts by the same 1,000 users
(issue 19's "ten times the data" for search). The home timelines stay at scale 1: they are fanned out for
the first 100,000 cruds and reposts only (a reader's timeline keeps today's size; the follow graph is the
same), so the extra content shows in explore, user pages and search, not in home feeds.

Users are written to the user service's tables and, like its outbox would,
to the activity service's projections; counters are computed from the generated rows so they are exact.
Seeded users have no Cognito account (their sub is `seed-N`); benchmark readers are real Cognito users
passed in `readers`, who get a follow list like everyone else.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import asyncpg

from devstack import config as c

log = logging.getLogger("devstack.seed_large")
TAGS = [
    "cruddur",
    "aws",
    "python",
    "postgres",
    "fastapi",
    "babylon5",
    "cloud",
    "serverless",
    "react",
    "devops",
    "coffee",
    "music",
    "books",
    "running",
    "photography",
    "travel",
    "food",
    "gaming",
    "startup",
    "security",
    "linux",
    "rust",
    "golang",
    "kubernetes",
    "dynamodb",
    "lambda",
    "cdk",
    "terraform",
    "observability",
    "sre",
]
WORDS = [
    "the",
    "a",
    "cloud",
    "crud",
    "time",
    "post",
    "expires",
    "soon",
    "today",
    "tomorrow",
    "deploy",
    "ship",
    "build",
    "test",
    "fix",
    "bug",
    "feature",
    "team",
    "coffee",
    "morning",
    "night",
    "weekend",
    "idea",
    "launch",
    "review",
    "data",
    "query",
    "index",
    "cache",
    "latency",
    "fast",
    "slow",
    "happy",
    "tired",
    "learning",
    "reading",
    "writing",
    "walking",
    "city",
    "river",
    "mountain",
    "sunset",
    "music",
    "code",
    "service",
    "queue",
    "stream",
    "event",
]
TTLS = [
    (timedelta(days=30), 0.80),
    (timedelta(days=7), 0.12),
    (timedelta(days=1), 0.05),
    (timedelta(hours=3), 0.03),
]


TABLES = (
    "users.users",
    "users.follows",
    "activity.authors",
    "activity.follows",
    "activity.activities",
    "activity.likes",
    "activity.reposts",
    "activity.hashtags",
    "activity.timeline",
)

# The home timelines (activity service, fanned out on write): every live crud and repost (not of a reply) into
# its author's and every follower's timeline, in primary-key order so the index grows at its right edge.
TIMELINES = """
INSERT INTO activity.timeline (owner_uuid, created_at, activity_uuid, reposter_uuid, expires_at)
SELECT o.owner, e.created_at, e.activity_uuid, e.reposter, e.expires_at
FROM (
    SELECT a.user_uuid AS author, a.created_at, a.uuid AS activity_uuid,
           '00000000-0000-0000-0000-000000000000'::uuid AS reposter, a.expires_at
    FROM activity.activities a WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
    UNION ALL
    SELECT r.user_uuid, r.created_at, r.activity_uuid, r.user_uuid, r.expires_at
    FROM activity.reposts r JOIN activity.activities a ON a.uuid = r.activity_uuid
    WHERE a.reply_to_activity_uuid IS NULL AND r.expires_at > now()
) e
CROSS JOIN LATERAL (
    SELECT e.author AS owner
    UNION ALL SELECT f.follower_uuid FROM activity.follows f WHERE f.followee_uuid = e.author
) o
ORDER BY 1, 2, 3, 4
ON CONFLICT DO NOTHING
"""

# What the activity service does when a follow edge arrives: the followee's live cruds and reposts.
BACKFILL = """
INSERT INTO activity.timeline (owner_uuid, created_at, activity_uuid, reposter_uuid, expires_at)
SELECT $1::uuid, created_at, uuid, '00000000-0000-0000-0000-000000000000'::uuid, expires_at
FROM activity.activities
WHERE user_uuid = $2::uuid AND reply_to_activity_uuid IS NULL AND expires_at > now()
UNION ALL
SELECT $1::uuid, r.created_at, r.activity_uuid, r.user_uuid, r.expires_at
FROM activity.reposts r JOIN activity.activities a ON a.uuid = r.activity_uuid
WHERE r.user_uuid = $2::uuid AND r.expires_at > now() AND a.reply_to_activity_uuid IS NULL
ON CONFLICT DO NOTHING
"""


@dataclass
class Plan:
    """How big the data set is."""

    users: int = 1_000
    cruds: int = 100_000
    replies: int = 20_000
    likes: int = 150_000
    reposts: int = 5_000
    days: int = 30
    seed: int = 42
    scale: int = 1  # how many times the content above (cruds, replies, likes, reposts); users stay
    readers: list[dict[str, str]] = field(default_factory=list)


# Which scale the database holds (a comment on activity.activities): `load` adds the missing batches.
SCALE_MARK = "seed-large scale "


# uuid, cognito_user_id, handle, email, display_name, bio, created_at
UserRow = tuple[uuid.UUID, str, str, str, str, str, datetime]


class ActivityRow(NamedTuple):
    """A crud or reply, in the column order of activity.activities (without the counts)."""

    uuid: uuid.UUID
    user_uuid: uuid.UUID
    message: str
    reply_to_activity_uuid: uuid.UUID | None
    expires_at: datetime
    created_at: datetime


def _message(rng: random.Random) -> tuple[str, list[str]]:
    words = rng.choices(WORDS, k=rng.randint(4, 24))
    tags: list[str] = []
    if rng.random() < 0.35:
        tags = list(dict.fromkeys(rng.choices(TAGS, weights=[1 / (i + 1) for i in range(len(TAGS))], k=2)))
        words += [f"#{t}" for t in tags]
    return " ".join(words)[:280], tags


def _users(plan: Plan, rng: random.Random, now: datetime) -> list[UserRow]:
    rows: list[UserRow] = []
    for i in range(plan.users):
        handle = f"user{i:04d}"
        created = now - timedelta(days=plan.days + 10) + timedelta(seconds=i)
        rows.append(
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                f"seed-{i}",
                handle,
                f"{handle}@seed.cruddur.test",
                f"Seed User {i}",
                rng.choice(["", "Here for the cruds.", "Ephemeral thoughts only."]),
                created,
            )
        )
    return rows


def _follows(ids: list[uuid.UUID], rng: random.Random, now: datetime) -> set[tuple[uuid.UUID, uuid.UUID]]:
    weights = [1 / (i + 1) ** 0.8 for i in range(len(ids))]  # a few people are followed by many
    edges: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for follower in ids:
        k = max(5, min(200, int(rng.lognormvariate(3.6, 0.6))))  # median ~37
        for followee in rng.choices(ids, weights=weights, k=k):
            if followee != follower:
                edges.add((follower, followee))
    return edges


async def _copy(
    conn: asyncpg.Connection, schema: str, table: str, columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    await conn.copy_records_to_table(table, schema_name=schema, columns=columns, records=rows)


async def load(db_url: str, plan: Plan | None = None) -> bool:
    """Load the data set unless it is there; returns True when it loaded."""
    plan = plan or Plan()
    conn = await asyncpg.connect(db_url)
    try:
        done = await conn.fetchval("SELECT count(*) FROM users.users WHERE cognito_user_id LIKE 'seed-%'")
        loaded = await _loaded_scale(conn) if done >= plan.users else 0
        if loaded >= plan.scale:
            await _add_readers(conn, plan)
            return False
        started = time.monotonic()
        if not loaded:
            async with conn.transaction():
                await _generate(conn, plan)
                await _add_readers(conn, plan)
                await _mark_scale(conn, 1)
            loaded = 1
        ids = [r["uuid"] for r in await conn.fetch(_SEEDED)]
        for batch in range(loaded, plan.scale):  # one transaction per extra batch of content
            async with conn.transaction():
                rng = random.Random(plan.seed + 1000 * batch)
                await _content(conn, plan, rng, datetime.now(UTC), ids, timelines=False)
                await _mark_scale(conn, batch + 1)
            log.info("scale %d of %d loaded after %.1fs", batch + 1, plan.scale, time.monotonic() - started)
        await _add_readers(conn, plan)
        await vacuum(db_url, conn=conn)
        log.info("large data set (scale %d) loaded in %.1fs", plan.scale, time.monotonic() - started)
        return True
    finally:
        await conn.close()


_SEEDED = "SELECT uuid FROM users.users WHERE cognito_user_id LIKE 'seed-%' ORDER BY handle"


async def _loaded_scale(conn: asyncpg.Connection) -> int:
    mark = await conn.fetchval("SELECT obj_description('activity.activities'::regclass, 'pg_class')")
    if mark and mark.startswith(SCALE_MARK):
        return int(mark.removeprefix(SCALE_MARK))
    return 1  # loaded before scales existed


async def _mark_scale(conn: asyncpg.Connection, scale: int) -> None:
    await conn.execute(f"COMMENT ON TABLE activity.activities IS '{SCALE_MARK}{int(scale)}'")


async def _generate(conn: asyncpg.Connection, plan: Plan) -> None:
    rng = random.Random(plan.seed)
    now = datetime.now(UTC)
    users = _users(plan, rng, now)
    ids = [u[0] for u in users]
    await _copy(
        conn,
        "users",
        "users",
        ["uuid", "cognito_user_id", "handle", "email", "display_name", "bio", "created_at"],
        users,
    )
    authors = [
        (u[0], u[1], u[2], u[4], u[5], f"/assets/avatars/default/v1/0-{u[2][0].upper()}.svg", u[6])
        for u in users
    ]
    await _copy(
        conn,
        "activity",
        "authors",
        ["uuid", "cognito_user_id", "handle", "display_name", "bio", "avatar_url", "updated_at"],
        authors,
    )
    edges = _follows(ids, rng, now)
    follow_rows = [(a, b, now - timedelta(days=rng.uniform(0, plan.days))) for a, b in edges]
    await _copy(conn, "users", "follows", ["follower_uuid", "followee_uuid", "created_at"], follow_rows)
    await _copy(conn, "activity", "follows", ["follower_uuid", "followee_uuid", "created_at"], follow_rows)
    await _content(conn, plan, rng, now, ids)


async def _content(
    conn: asyncpg.Connection,
    plan: Plan,
    rng: random.Random,
    now: datetime,
    ids: list[uuid.UUID],
    *,
    timelines: bool = True,
) -> None:
    activity_weights = [rng.paretovariate(1.5) for _ in ids]
    authors = rng.choices(ids, weights=activity_weights, k=plan.cruds)
    span = plan.days * 86400
    cruds: list[ActivityRow] = []
    tags: list[tuple[uuid.UUID, str, datetime, datetime]] = []
    for author in authors:
        created = now - timedelta(seconds=rng.uniform(60, span))
        ttl = rng.choices([t for t, _ in TTLS], weights=[w for _, w in TTLS])[0]
        message, found = _message(rng)
        crud_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        cruds.append(ActivityRow(crud_id, author, message, None, created + ttl, created))
        tags += [(crud_id, t, created, created + ttl) for t in found]
    replies: list[ActivityRow] = []
    reply_counts = Counter[uuid.UUID]()
    for parent in rng.choices(cruds, k=plan.replies):
        created = parent.created_at + timedelta(seconds=rng.uniform(1, 3600))
        if created >= parent.expires_at or created >= now:
            continue
        replies.append(
            ActivityRow(
                uuid.UUID(int=rng.getrandbits(128), version=4),
                rng.choice(ids),
                " ".join(rng.choices(WORDS, k=8)),
                parent.uuid,
                parent.expires_at,
                created,
            )
        )
        reply_counts[parent.uuid] += 1
    likes = {(rng.choice(cruds).uuid, rng.choice(ids)) for _ in range(plan.likes)}
    like_counts = Counter(a for a, _ in likes)
    by_id = {row.uuid: row for row in cruds}
    reposts = {(rng.choice(cruds).uuid, rng.choice(ids)) for _ in range(plan.reposts)}
    repost_counts = Counter(a for a, _ in reposts)
    rows = [(*r, reply_counts[r.uuid], like_counts[r.uuid], repost_counts[r.uuid]) for r in cruds + replies]
    columns = [
        "uuid",
        "user_uuid",
        "message",
        "reply_to_activity_uuid",
        "expires_at",
        "created_at",
        "replies_count",
        "likes_count",
        "reposts_count",
    ]
    await _copy(conn, "activity", "activities", columns, rows)
    await _copy(
        conn,
        "activity",
        "likes",
        ["activity_uuid", "user_uuid", "created_at"],
        [(a, u, min(now, by_id[a].created_at + timedelta(minutes=5))) for a, u in likes],
    )
    await _copy(
        conn,
        "activity",
        "reposts",
        ["activity_uuid", "user_uuid", "expires_at", "created_at"],
        [
            (a, u, by_id[a].expires_at, min(now, by_id[a].created_at + timedelta(minutes=10)))
            for a, u in reposts
        ],
    )
    await _copy(conn, "activity", "hashtags", ["activity_uuid", "tag", "created_at", "expires_at"], tags)
    if timelines:
        await conn.execute(TIMELINES)


async def _add_readers(conn: asyncpg.Connection, plan: Plan) -> None:
    """Benchmark readers (real Cognito users, already in both schemas) follow 50 seeded users each."""
    if not plan.readers:
        return
    rng = random.Random(plan.seed + 1)
    seeded = [r["uuid"] for r in await conn.fetch(_SEEDED)]
    for reader in plan.readers:
        me = uuid.UUID(reader["uuid"])
        for followee in rng.sample(seeded, k=min(50, len(seeded))):
            for schema in ("users", "activity"):
                await conn.execute(
                    f"INSERT INTO {schema}.follows (follower_uuid, followee_uuid) VALUES ($1, $2) "  # noqa: S608
                    "ON CONFLICT DO NOTHING",
                    me,
                    followee,
                )
            await conn.execute(BACKFILL, me, followee)


async def vacuum(db_url: str, *, conn: asyncpg.Connection | None = None) -> None:
    """VACUUM ANALYZE the seeded tables (statistics and the visibility map index-only scans rely on)."""
    own = conn is None
    conn = conn or await asyncpg.connect(db_url)
    try:
        for table in TABLES:
            await conn.execute(f"VACUUM ANALYZE {table}")
    finally:
        if own:
            await conn.close()


def scale_from_env() -> int:
    """`SCALE` (`make seed-large SCALE=10`; the bench reads it too): how many times the content, 1-20."""
    text = os.environ.get("SCALE", "1").strip() or "1"
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise SystemExit(f"SCALE must be a whole number from 1 to 20, not {text!r}")
    return int(text)


def main() -> None:
    """Load the large data set into the `make run` stack's database (start `make run` first)."""
    cfg = c.StackConfig.for_run()
    try:
        loaded = asyncio.run(load(cfg.db_url, Plan(scale=scale_from_env())))
    except (OSError, asyncpg.PostgresError) as exc:
        raise SystemExit(
            f"cannot reach {cfg.db_url} ({exc}); start `make run` in another terminal first"
        ) from exc
    print("large data set loaded" if loaded else "large data set already present")
