"""handle reservations of unconfirmed sign-ups: handle_reservations.email (issue 18)

Revision ID: 0109_sign_up_reservations
Revises: 0108_text_length
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0109_sign_up_reservations"
down_revision = "0108_text_length"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PreSignUp holds the handle for the sign-up's email until it is confirmed (or 24 h pass): the sub
    # and uuid do not exist yet, so a reservation is a deleted account's (uuid + sub) or a sign-up's (email).
    op.add_column("handle_reservations", sa.Column("email", sa.String(320), nullable=True))
    op.alter_column("handle_reservations", "user_uuid", nullable=True)
    op.alter_column("handle_reservations", "cognito_user_id", nullable=True)
    op.create_check_constraint(
        "ck_handle_reservations_holder",
        "handle_reservations",
        "(user_uuid IS NOT NULL AND cognito_user_id IS NOT NULL) OR email IS NOT NULL",
    )


def downgrade() -> None:
    op.execute("DELETE FROM handle_reservations WHERE user_uuid IS NULL OR cognito_user_id IS NULL")
    op.drop_constraint("ck_handle_reservations_holder", "handle_reservations", type_="check")
    op.alter_column("handle_reservations", "cognito_user_id", nullable=False)
    op.alter_column("handle_reservations", "user_uuid", nullable=False)
    op.drop_column("handle_reservations", "email")
