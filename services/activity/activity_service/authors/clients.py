"""Calls to the user service (the owner of users) for the author projection."""

from __future__ import annotations

import httpx

from activity_service.authors.schemas import AuthorIn
from cruddur_common.errors import AppError, DependencyUnavailable
from cruddur_common.http import auth_headers


async def fetch_me(http: httpx.AsyncClient, *, base_url: str, token: str) -> AuthorIn:
    """The caller's user, via the user service's /api/users/me (which also repairs a missing row)."""
    try:
        response = await http.get(f"{base_url.rstrip('/')}/api/users/me", headers=auth_headers(token))
    except httpx.HTTPError as exc:
        raise DependencyUnavailable("user") from exc
    if response.status_code in (401, 403):  # not signed in; a suspended account (403 `suspended`)
        body = response.json().get("error", {})
        raise AppError(
            body.get("message", "Forbidden"), code=body.get("code"), status_code=response.status_code
        )
    if response.status_code != 200:
        raise DependencyUnavailable("user")
    return AuthorIn.model_validate(response.json())
