"""search: an index of every crud and reply newest first, so search ranks the newest matches (issue 19)

Revision ID: 0009_search_recent
Revises: 0008_timeline_fold
Create Date: 2026-11-30
"""

from alembic import op

revision = "0009_search_recent"
down_revision = "0008_timeline_fold"
branch_labels = None
depends_on = None

# Search ranks only the newest matches (feeds/repository.py `_SEARCH`). For a common word the planner reads
# this index newest first and checks each row until the window is full: a few thousand rows however large
# the table, where ranking every match grew with the data (docs/performance.md). `ix_activities_feed` is
# newest first too, but it has cruds only and search finds replies as well.
UPGRADE = "CREATE INDEX ix_activities_recent ON activities (created_at DESC, uuid DESC)"
DOWNGRADE = "DROP INDEX ix_activities_recent"


def upgrade() -> None:
    """Apply."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Revert."""
    op.execute(DOWNGRADE)
