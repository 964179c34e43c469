"""outbox: one shape for every service (cruddur_common.outbox), delivered rows deleted, a dead-letter table

Revision ID: 0004_outbox
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op

revision = "0004_outbox"
down_revision = "0003"
branch_labels = None
depends_on = None

# Every queued row here is a notification event: the batch path is the destination's, not the row's.
UPGRADE = """
DELETE FROM outbox WHERE delivered_at IS NOT NULL;
DELETE FROM outbox WHERE body IS NULL;
DROP INDEX ix_outbox_pending;
DROP INDEX ix_outbox_delivered;
ALTER TABLE outbox DROP COLUMN delivered_at, DROP COLUMN method, DROP COLUMN path,
    ALTER COLUMN body SET NOT NULL;
CREATE INDEX ix_outbox_destination ON outbox (destination, id);
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
DROP INDEX ix_outbox_destination;
ALTER TABLE outbox ALTER COLUMN body DROP NOT NULL,
    ADD COLUMN method varchar(8) NOT NULL DEFAULT 'POST',
    ADD COLUMN path text NOT NULL DEFAULT '/internal/notifications/events',
    ADD COLUMN delivered_at timestamptz;
ALTER TABLE outbox ALTER COLUMN method DROP DEFAULT, ALTER COLUMN path DROP DEFAULT;
CREATE INDEX ix_outbox_pending ON outbox (destination, id) WHERE delivered_at IS NULL;
CREATE INDEX ix_outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
