"""The activity service's tables (schema `activity`)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from cruddur_common.db import service_metadata

SCHEMA = "activity"


class Base(DeclarativeBase):
    """Declarative base bound to the `activity` schema."""

    metadata = service_metadata(SCHEMA)
