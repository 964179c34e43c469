"""timeline: the home feed fanned out on write, one row per (reader, entry); back-filled from live data

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# reposter_uuid is the zero uuid for an original crud (the home cursor's own sentinel), so the whole entry key
# is NOT NULL and the primary key is the page's access path. Indexes are built after the back-fill.
UPGRADE = """
CREATE TABLE timeline (
    owner_uuid uuid NOT NULL,
    created_at timestamptz NOT NULL,
    activity_uuid uuid NOT NULL,
    reposter_uuid uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    expires_at timestamptz NOT NULL
);
INSERT INTO timeline (owner_uuid, created_at, activity_uuid, reposter_uuid, expires_at)
SELECT o.owner, e.created_at, e.activity_uuid, e.reposter, e.expires_at
FROM (
    SELECT a.user_uuid AS author, a.created_at, a.uuid AS activity_uuid,
           '00000000-0000-0000-0000-000000000000'::uuid AS reposter, a.expires_at
    FROM activities a WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
    UNION ALL
    SELECT r.user_uuid, r.created_at, r.activity_uuid, r.user_uuid, r.expires_at
    FROM reposts r JOIN activities a ON a.uuid = r.activity_uuid
    WHERE a.reply_to_activity_uuid IS NULL AND r.expires_at > now()
) e
CROSS JOIN LATERAL (
    SELECT e.author AS owner UNION ALL SELECT f.follower_uuid FROM follows f WHERE f.followee_uuid = e.author
) o
ORDER BY 1, 2, 3, 4;
ALTER TABLE timeline ADD CONSTRAINT pk_timeline
    PRIMARY KEY (owner_uuid, created_at, activity_uuid, reposter_uuid) INCLUDE (expires_at);
ALTER TABLE timeline ADD CONSTRAINT fk_timeline_owner_uuid_authors
    FOREIGN KEY (owner_uuid) REFERENCES authors (uuid) ON DELETE CASCADE;
ALTER TABLE timeline ADD CONSTRAINT fk_timeline_activity_uuid_activities
    FOREIGN KEY (activity_uuid) REFERENCES activities (uuid) ON DELETE CASCADE;
-- the cascade from a deleted or purged crud, and un-repost
CREATE INDEX ix_timeline_activity ON timeline (activity_uuid)
"""


def upgrade() -> None:
    for statement in UPGRADE.split(";\n"):
        if statement.strip():
            op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE timeline")
