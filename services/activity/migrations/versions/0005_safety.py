"""safety: hidden pairs (block, mute), suspended authors, evidence holds (issue 14)

Revision ID: 0005_safety
Revises: 0004_outbox
Create Date: 2026-11-30
"""

from alembic import op

revision = "0005_safety"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None

# `hidden` is a projection of the user service's blocks and mutes, read per viewer (the primary key's prefix).
# A block (a, b) is two rows: (a, b, 'block') and (b, a, 'blocked'), so that each side's block is undone on
# its own when both blocked each other. No foreign keys to `authors`: a relation event may name a user the
# projection has not seen (rows of unknown users are harmless). `holds` keep reported cruds past expiry;
# a hold goes with its crud (a moderator's removal, the author's delete).
UPGRADE = """
ALTER TABLE authors ADD COLUMN suspended boolean NOT NULL DEFAULT false;
CREATE INDEX ix_authors_suspended ON authors (uuid) WHERE suspended;
CREATE TABLE hidden (
    viewer_uuid uuid NOT NULL,
    author_uuid uuid NOT NULL,
    kind varchar(8) NOT NULL,
    until timestamptz,
    CONSTRAINT pk_hidden PRIMARY KEY (viewer_uuid, author_uuid, kind),
    CONSTRAINT ck_hidden_kind CHECK (kind IN ('block', 'blocked', 'mute')),
    CONSTRAINT ck_hidden_until CHECK (kind = 'mute' OR until IS NULL),
    CONSTRAINT ck_hidden_not_self CHECK (viewer_uuid <> author_uuid)
);
CREATE TABLE holds (
    report_id uuid PRIMARY KEY,
    activity_uuid uuid NOT NULL REFERENCES activities (uuid) ON DELETE CASCADE,
    reporter_uuid uuid NOT NULL,
    until timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_holds_activity ON holds (activity_uuid)
"""

DOWNGRADE = """
DROP TABLE holds;
DROP TABLE hidden;
DROP INDEX ix_authors_suspended;
ALTER TABLE authors DROP COLUMN suspended
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
