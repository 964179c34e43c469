"""Rows of moderation/repository.py as the internal contract's models."""

from __future__ import annotations

import asyncpg

from activity_service.moderation.schemas import Crud, CrudAuthor


def render_crud(row: asyncpg.Record) -> Crud:
    """A crud row (repository.crud) as the `Crud` the user service's moderation tools read."""
    return Crud(
        uuid=row["uuid"],
        author=CrudAuthor(uuid=row["author_uuid"], handle=row["handle"], display_name=row["display_name"]),
        message=row["message"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        reply_to_activity_uuid=row["reply_to_activity_uuid"],
        expired=row["expired"],
        held=row["held"],
    )
