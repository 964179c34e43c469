"""Dependencies of the activity service: the caller as an author, and the reader (optional)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from activity_service.authors import service as authors_service
from activity_service.db import PoolDep
from cruddur_common.auth import CurrentUser, OptionalUser


async def get_author_uuid(request: Request, principal: CurrentUser, pool: PoolDep) -> uuid.UUID:
    """The signed-in caller's user uuid (projection, filled from the user service on first sight)."""
    return await authors_service.uuid_for(
        pool, http=request.app.state.http, principal=principal, settings=request.app.state.settings
    )


async def get_reader_uuid(request: Request, principal: OptionalUser, pool: PoolDep) -> uuid.UUID | None:
    """The reader's user uuid when signed in, else None."""
    if principal is None:
        return None
    return await get_author_uuid(request, principal, pool)


AuthorId = Annotated[uuid.UUID, Depends(get_author_uuid)]
ReaderId = Annotated[uuid.UUID | None, Depends(get_reader_uuid)]
