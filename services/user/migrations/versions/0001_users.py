"""users table

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("uuid", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("cognito_user_id", sa.String(128), nullable=False),
        sa.Column("handle", sa.String(30), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(50), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False, server_default=""),
        sa.Column("avatar_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("uuid", name="pk_users"),
        sa.UniqueConstraint("cognito_user_id", name="uq_users_cognito_user_id"),
        sa.CheckConstraint("handle ~ '^[A-Za-z0-9_]{3,30}$'", name="ck_users_handle_format"),
        sa.CheckConstraint("char_length(display_name) BETWEEN 1 AND 50", name="ck_users_display_name_length"),
        sa.CheckConstraint("char_length(bio) <= 160", name="ck_users_bio_length"),
    )
    op.create_index("uq_users_handle_lower", "users", [sa.text("lower(handle)")], unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)


def downgrade() -> None:
    op.drop_table("users")
