"""timeline fold: the cascade index also answers "is there a newer entry of this crud for this reader"

Revision ID: 0008_timeline_fold
Revises: 0007_erasure
Create Date: 2026-11-30
"""

from alembic import op

revision = "0008_timeline_fold"
down_revision = "0007_erasure"
branch_labels = None
depends_on = None

# A crud appears once in a home feed, at its newest entry (issue 18; feeds/repository.py `_HOME`): each
# entry of a page probes this index for a newer live entry of the same crud in the same timeline. It
# replaces `ix_timeline_activity (activity_uuid)`, whose prefix it keeps (cascade, un-repost), so fan-out
# still writes one secondary index entry per row; the INCLUDE makes the probe index-only.
UPGRADE = """
CREATE INDEX ix_timeline_activity_owner ON timeline (activity_uuid, owner_uuid)
    INCLUDE (created_at, reposter_uuid, expires_at);
DROP INDEX ix_timeline_activity
"""

DOWNGRADE = """
CREATE INDEX ix_timeline_activity ON timeline (activity_uuid);
DROP INDEX ix_timeline_activity_owner
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
