"""account deletion: users.deleted_at, handle_reservations, reports outlive their reporter (issue 16)

Revision ID: 0107_account_deletion
Revises: 0106_jobs
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0107_account_deletion"
down_revision = "0106_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Set in the deletion's transaction: from then on the user is gone for everyone, until the
    # erase_account job deletes the row.
    op.add_column("users", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    # A leaver's handle, held 30 days so nobody can take it and pass for them; rows past reserved_until
    # are ignored and removed lazily. The sub answers a leaver's still-valid token (401 account_deleted)
    # and a repeated DELETE (same requested_at) after the row is gone.
    op.create_table(
        "handle_reservations",
        sa.Column("handle", sa.String(30), nullable=False),  # lower(handle)
        sa.Column("reserved_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("cognito_user_id", sa.String(128), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("handle", name="pk_handle_reservations"),
        sa.CheckConstraint("handle = lower(handle)", name="ck_handle_reservations_lower"),
    )
    op.create_index("ix_handle_reservations_sub", "handle_reservations", ["cognito_user_id"])
    # Reports by a deleted user stay for moderators (their uuid kept, the handle gone): no cascade.
    op.drop_constraint("fk_reports_reporter_uuid_users", "reports", type_="foreignkey")


def downgrade() -> None:
    op.execute("DELETE FROM reports WHERE reporter_uuid NOT IN (SELECT uuid FROM users)")
    op.create_foreign_key(
        "fk_reports_reporter_uuid_users", "reports", "users", ["reporter_uuid"], ["uuid"], ondelete="CASCADE"
    )
    op.drop_table("handle_reservations")
    op.drop_column("users", "deleted_at")
