"""Calls to /internal routes as another service makes them: signed with the test stack's INTERNAL_SECRET."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from cruddur_common.internal_auth import InternalAuth
from devstack.config import StackConfig
from devstack.stack import load_internal_secret


def internal_auth(caller: str = "tests") -> httpx.Auth:
    """httpx auth for the session's test stack (the secret lives in its data directory)."""
    secret = load_internal_secret(StackConfig.for_tests().data_dir)
    return InternalAuth(secret=SecretStr(secret), caller=caller)
