"""Alembic environment of the activity service."""

from activity_service.models import Base
from cruddur_common.migrations import run_env

run_env(Base.metadata)
