"""outbox: one shape for every service (cruddur_common.outbox), typed projection events, a dead-letter table

Revision ID: 0102_outbox
Revises: 0101
Create Date: 2026-11-29
"""

from alembic import op

revision = "0102_outbox"
down_revision = "0101"
branch_labels = None
depends_on = None

# Queued calls become events of the destination's batch endpoint: the row's path said what it was.
UPGRADE = """
DELETE FROM outbox WHERE body IS NULL;
UPDATE outbox SET body = jsonb_build_object('type', 'author', 'author', body)
    WHERE destination = 'activity' AND path LIKE '/internal/authors/%';
UPDATE outbox SET body = body || '{"type": "follow"}'::jsonb
    WHERE destination = 'activity' AND path = '/internal/follows';
UPDATE outbox SET body = body || '{"type": "unfollow"}'::jsonb
    WHERE destination = 'activity' AND path = '/internal/follows/delete';
ALTER TABLE outbox DROP COLUMN method, DROP COLUMN path, ALTER COLUMN body SET NOT NULL;
CREATE TABLE outbox_parked (
    id bigint PRIMARY KEY,
    destination varchar(32) NOT NULL,
    body jsonb NOT NULL,
    attempts integer NOT NULL,
    error text NOT NULL,
    created_at timestamptz NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now()
)
"""

DOWNGRADE = """
DROP TABLE outbox_parked;
ALTER TABLE outbox ALTER COLUMN body DROP NOT NULL,
    ADD COLUMN method varchar(8) NOT NULL DEFAULT 'POST',
    ADD COLUMN path text NOT NULL DEFAULT '/internal/notifications/events';
UPDATE outbox SET method = 'PUT', path = '/internal/authors/' || (body->'author'->>'uuid'),
    body = body->'author' WHERE body->>'type' = 'author';
UPDATE outbox SET method = 'PUT', path = '/internal/follows', body = body - 'type'
    WHERE body->>'type' = 'follow';
UPDATE outbox SET path = '/internal/follows/delete', body = body - 'type'
    WHERE body->>'type' = 'unfollow';
ALTER TABLE outbox ALTER COLUMN method DROP DEFAULT, ALTER COLUMN path DROP DEFAULT
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
