"""The notification service's tables (schema `notifications`)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from cruddur_common.db import service_metadata

SCHEMA = "notifications"


class Base(DeclarativeBase):
    """Declarative base bound to the `notifications` schema."""

    metadata = service_metadata(SCHEMA)
