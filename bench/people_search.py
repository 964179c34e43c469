"""People search on a large directory: `python -m bench.people_search [authors]` (default 100,000).

Starts a throwaway Postgres, applies the activity migrations, fills `authors` with made-up people (plus
Andrew Brown and Londo Mollari), and prints EXPLAIN (ANALYZE, BUFFERS) of the people query
(activity_service.feeds.repository) for a surname, a handle fragment and a near miss.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import asyncpg

from activity_service.feeds import repository
from cruddur_common.migrations import migrations_dir, upgrade
from devstack.postgres import LocalPostgres

PORT = 55_431
FILL = """
INSERT INTO authors (uuid, cognito_user_id, handle, display_name, updated_at)
SELECT gen_random_uuid(), 'sub-' || i, 'user' || i || '_' || substr(md5(i::text), 1, 6),
       initcap(substr(md5('f' || i), 1, 3 + i % 5)) || ' ' || initcap(substr(md5('l' || i), 1, 4 + i % 6)),
       now()
FROM generate_series(1, $1) AS i
"""


async def _measure(url: str, authors: int) -> None:
    conn = await asyncpg.connect(url, server_settings={"search_path": "activity,public"})
    try:
        await conn.execute(FILL, authors)
        await conn.execute(
            "INSERT INTO authors (uuid, cognito_user_id, handle, display_name, updated_at) VALUES "
            "(gen_random_uuid(), 'sub-ab', 'andrewbrown', 'Andrew Brown', now()),"
            "(gen_random_uuid(), 'sub-lm', 'londo', 'Londo Mollari', now())"
        )
        await conn.execute("ANALYZE authors")
        for term in ("brown", "mollari", "molari"):
            escaped = term
            args = (None, term, f"%{escaped}%", f"{escaped}%", f"% {escaped}%", 10)
            for _ in range(3):  # warm: a generic plan after five executions is what the service runs
                await conn.fetch(repository._PEOPLE, *args)
            found = [r["display_name"] for r in await conn.fetch(repository._PEOPLE, *args)]
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {repository._PEOPLE}", *args)
            print(f"\n-- term {term!r}: {found[:3]}")
            print("\n".join(r[0] for r in plan))
    finally:
        await conn.close()


def main() -> None:
    """Run the measurement and print the plans."""
    authors = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # as root, Postgres runs as its own user and must reach its data dir
        pg = LocalPostgres(data_dir=Path(tmp) / "pg", port=PORT)
        pg.start()
        try:
            url = f"postgresql://cruddur@127.0.0.1:{PORT}/cruddur"
            migrations = migrations_dir("activity_service")
            assert migrations is not None
            upgrade(
                migrations_dir=migrations,
                url=url.replace("postgresql://", "postgresql+asyncpg://"),
                schema="activity",
            )
            asyncio.run(_measure(url, authors))
        finally:
            pg.stop()


if __name__ == "__main__":
    main()
