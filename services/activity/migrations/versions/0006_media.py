"""media: crud pictures, their S3 deletions queue, and the crud's copy for the feeds (issue 15)

Revision ID: 0006_media
Revises: 0005_safety
Create Date: 2026-11-30
"""

from alembic import op

revision = "0006_media"
down_revision = "0005_safety"
branch_labels = None
depends_on = None

# One row per upload grant (docs/activity.md, "Pictures"): granted -> processing -> ready | failed, then
# attached to one crud (activity_uuid, position, alt) in the crud's own transaction. A picture goes with its
# crud or its author (ON DELETE CASCADE). `activities.media` is the render's copy of the attached pictures
# (NULL when none), so feeds read no second table. Whenever a row whose objects may exist goes (any
# deletion path: purge cascade, author delete, moderation removal, orphan cleanup), the trigger queues its
# folder in `media_deletions`, which the purge drains from S3: no deletion path can forget the objects.
UPGRADE = """
CREATE TABLE media (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    upload_key text NOT NULL,
    token text NOT NULL,
    content_type varchar(16) NOT NULL,
    status varchar(10) NOT NULL DEFAULT 'granted',
    reason varchar(64),
    message text,
    width integer,
    height integer,
    thumbnail_width integer,
    thumbnail_height integer,
    activity_uuid uuid REFERENCES activities (uuid) ON DELETE CASCADE,
    position smallint,
    alt text,
    granted_at timestamptz NOT NULL DEFAULT now(),
    grant_expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_media_upload_key UNIQUE (upload_key),
    CONSTRAINT ck_media_status CHECK (status IN ('granted', 'processing', 'ready', 'failed')),
    CONSTRAINT ck_media_attached CHECK (activity_uuid IS NULL OR (status = 'ready' AND position IS NOT NULL))
);
CREATE INDEX ix_media_activity ON media (activity_uuid) WHERE activity_uuid IS NOT NULL;
CREATE INDEX ix_media_user ON media (user_uuid);
CREATE INDEX ix_media_orphans ON media (created_at) WHERE activity_uuid IS NULL;
CREATE TABLE media_deletions (
    prefix text PRIMARY KEY,
    queued_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE activities ADD COLUMN media jsonb;
CREATE FUNCTION queue_media_deletion() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO media_deletions (prefix) VALUES ('media/' || OLD.user_uuid || '/' || OLD.token)
    ON CONFLICT DO NOTHING; RETURN NULL; END $$;
CREATE TRIGGER media_deleted AFTER DELETE ON media FOR EACH ROW
    WHEN (OLD.status IN ('processing', 'ready')) EXECUTE FUNCTION queue_media_deletion()
"""

DOWNGRADE = """
DROP TRIGGER media_deleted ON media;
DROP FUNCTION queue_media_deletion();
ALTER TABLE activities DROP COLUMN media;
DROP TABLE media_deletions;
DROP TABLE media
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
