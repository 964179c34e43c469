"""text length: an actor's name holds 50 characters of up to 8 code points each (issue 18)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The user service counts a name's limit in user-perceived characters (cruddur_common.text.over_limit):
# 50 of them may be 400 code points; a longer name than 128 made the event unstorable.


def upgrade() -> None:
    op.execute("ALTER TABLE notifications ALTER COLUMN actor_display_name TYPE varchar(400)")


def downgrade() -> None:
    op.execute("ALTER TABLE notifications ALTER COLUMN actor_display_name TYPE varchar(128)")
