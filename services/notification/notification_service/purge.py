"""Delete notifications whose crud or message has ended: `python -m notification_service.purge`.

What the scheduled task runs in AWS (infra/cruddur_infra/needs.py) and the local janitor asks for through
`POST /internal/notifications/purge`; both run `ingest.service.purge_expired`. Reads hide an ended
notification at once; this removes the row.
"""

from __future__ import annotations

import asyncio
import logging

from cruddur_common import db
from notification_service.ingest.service import purge_expired
from notification_service.models import SCHEMA
from notification_service.settings import get_settings

log = logging.getLogger("notification.purge")


async def run() -> int:
    """Purge with the service's settings; the number of notifications deleted."""
    settings = get_settings()
    url = settings.sqlalchemy_url
    if not url:
        raise SystemExit("no database configured (DATABASE_URL or DB_*)")
    engine = db.create_one_shot_engine(url, schema=SCHEMA)
    try:
        async with db.session_factory(engine)() as session:
            deleted = await purge_expired(session)
        log.info("purged %d ended notifications", deleted)
        return deleted
    finally:
        await engine.dispose()


def main() -> None:
    """CLI entry point (the scheduled task in AWS)."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    print(f"purged {asyncio.run(run())} ended notifications")


if __name__ == "__main__":
    main()
