"""`make purge`: delete expired cruds (and what hangs off them) from the `make run` stack's database.

Runs the activity service's own purge (`activity_service.purge`), the code the scheduled task runs in AWS.
"""

from __future__ import annotations

import asyncio
import os

from devstack import config as c


def main() -> None:
    """Purge in batches; safe while the product serves traffic."""
    cfg = c.StackConfig.for_run()
    os.environ.setdefault("DATABASE_URL", cfg.db_url)
    from activity_service.purge import run as purge_expired

    try:
        total = asyncio.run(purge_expired())
    except OSError as exc:
        raise SystemExit(f"cannot reach {cfg.db_url} ({exc}); start `make run` first") from exc
    print(f"purged {total} expired cruds")
