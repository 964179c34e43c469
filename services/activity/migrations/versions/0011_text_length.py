"""text length: names and messages hold their characters' worth of code points, 8 each (issue 18)

Revision ID: 0011_text_length
Revises: 0010_people_search
Create Date: 2026-11-30
"""

from alembic import op

revision = "0011_text_length"
down_revision = "0010_people_search"
branch_labels = None
depends_on = None

# The user service counts a name's limit in user-perceived characters (cruddur_common.text.over_limit):
# 50 of them may be 400 code points. At most 1,600 bytes: within a btree entry (the prefix index).
# A crud's 280 characters may be 2,240 code points, a reply's 1,024 may be 8,192.
_CHECK = """ALTER TABLE activities ADD CONSTRAINT ck_activities_message_length CHECK (
    char_length(btrim(message)) >= 1
    AND char_length(message) <= CASE WHEN reply_to_activity_uuid IS NULL THEN {crud} ELSE {reply} END
)"""
UPGRADE = [
    "ALTER TABLE authors ALTER COLUMN display_name TYPE varchar(400)",
    "ALTER TABLE activities DROP CONSTRAINT ck_activities_message_length",
    _CHECK.format(crud=2240, reply=8192),
]
DOWNGRADE = [
    "ALTER TABLE activities DROP CONSTRAINT ck_activities_message_length",
    _CHECK.format(crud=280, reply=1024),
    "ALTER TABLE authors ALTER COLUMN display_name TYPE varchar(50)",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
