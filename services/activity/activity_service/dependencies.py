"""Dependencies of the activity service: the caller as an author, and the reader (optional)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request

from activity_service.authors import service as authors_service
from activity_service.settings import Settings
from cruddur_common.auth import BearerScheme, Principal, principal_of


async def _author_uuid(request: Request, principal: Principal) -> uuid.UUID:
    state = request.app.state
    return await authors_service.uuid_for(
        state.pg, http=state.http, principal=principal, settings=state.settings
    )


# One dependency each (no nested pool/principal dependencies): every read route resolves the reader, and
# FastAPI's per-request cost grows with the number of dependencies.
async def get_current_user_uuid(request: Request, _: BearerScheme) -> uuid.UUID:
    """The signed-in caller's user uuid (projection, filled from the user service on first sight)."""
    principal = await principal_of(request, required=True)
    assert principal is not None
    return await _author_uuid(request, principal)


async def get_reader_uuid(request: Request, _: BearerScheme) -> uuid.UUID | None:
    """The reader's user uuid when signed in, else None."""
    principal = await principal_of(request, required=False)
    return None if principal is None else await _author_uuid(request, principal)


CurrentUserId = Annotated[uuid.UUID, Depends(get_current_user_uuid)]
ReaderId = Annotated[uuid.UUID | None, Depends(get_reader_uuid)]


def get_settings_of_app(request: Request) -> Settings:
    """The settings the app was built with (`create_app(settings)`)."""
    settings: Settings = request.app.state.settings
    return settings


def get_s3(request: Request) -> Any:
    """The process's aioboto3 S3 client (opened in the lifespan; picture uploads)."""
    return request.app.state.aws["s3"]


SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
S3Dep = Annotated[Any, Depends(get_s3)]
