"""Alembic environment of the notification service."""

from cruddur_common.migrations import run_env
from notification_service.models import Base

run_env(Base.metadata)
