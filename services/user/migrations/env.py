"""Alembic environment of the user service."""

from cruddur_common.migrations import run_env
from user_service.models import Base

run_env(Base.metadata)
