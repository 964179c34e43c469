"""jobs: durable work that outlives its request (account deletion and data export, issue 16)

Revision ID: 0106_jobs
Revises: 0105_default_ttl
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0106_jobs"
down_revision = "0105_default_ttl"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # cruddur_common.jobs.JobColumns. No foreign key to users: a deletion job outlives its user's row.
    op.create_table(
        "jobs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", UUID(as_uuid=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("payload", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("result", JSONB(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'done', 'failed')", name="ck_jobs_state"),
    )
    op.create_index("ix_jobs_due", "jobs", ["next_attempt_at"], postgresql_where=sa.text("state = 'pending'"))
    op.create_index("ix_jobs_subject", "jobs", ["subject", "kind", "id"])


def downgrade() -> None:
    op.drop_table("jobs")
