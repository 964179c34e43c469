"""text length: authors' names hold 50 characters of up to 8 code points each (issue 18)

Revision ID: 0009_text_length
Revises: 0008_people_search
Create Date: 2026-11-30
"""

from alembic import op

revision = "0009_text_length"
down_revision = "0008_people_search"
branch_labels = None
depends_on = None

# The user service counts a name's limit in user-perceived characters (cruddur_common.text.over_limit):
# 50 of them may be 400 code points. At most 1,600 bytes: within a btree entry (the prefix index).
UPGRADE = "ALTER TABLE authors ALTER COLUMN display_name TYPE varchar(400)"
DOWNGRADE = "ALTER TABLE authors ALTER COLUMN display_name TYPE varchar(50)"


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
