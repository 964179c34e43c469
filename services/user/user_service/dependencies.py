"""Dependencies of the user service: the caller's user row (repaired from Cognito), settings, clients."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from cruddur_common import auth
from cruddur_common.db import SessionDep
from user_service.models import User
from user_service.outbox.events import Notify
from user_service.profiles import service as profiles_service
from user_service.settings import Settings


def get_settings_of_app(request: Request) -> Settings:
    """The settings the app was built with (`create_app(settings)`)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]


def get_s3(request: Request) -> Any:
    """The process's aioboto3 S3 client (opened in the lifespan)."""
    return request.app.state.aws["s3"]


S3Dep = Annotated[Any, Depends(get_s3)]


def get_cognito(request: Request) -> Any:
    """The process's aioboto3 Cognito client (opened in the lifespan)."""
    return request.app.state.aws["cognito-idp"]


CognitoDep = Annotated[Any, Depends(get_cognito)]


def _nothing() -> None:
    return None


def get_outbox_notify(request: Request) -> Notify:
    """Wakes the outbox deliverer after a commit that queued events (a no-op when the outbox is off)."""
    deliverer = getattr(request.app.state, "outbox", None)
    return deliverer.notify if deliverer is not None else _nothing


OutboxNotify = Annotated[Notify, Depends(get_outbox_notify)]


def get_jobs_notify(request: Request) -> Notify:
    """Wakes the job runner after a commit that queued a job (a no-op before it runs)."""
    runner = getattr(request.app.state, "jobs", None)
    return runner.notify if runner is not None else _nothing


JobsNotify = Annotated[Notify, Depends(get_jobs_notify)]


async def get_current_user(
    principal: auth.CurrentUser, session: SessionDep, cognito: CognitoDep, settings: SettingsDep
) -> User:
    """The caller's user row (403 `suspended`, 401 `account_deleted`: their token may still be valid)."""
    return await profiles_service.signed_in(session, principal=principal, cognito=cognito, settings=settings)


async def get_reader(
    principal: auth.OptionalUser, session: SessionDep, cognito: CognitoDep, settings: SettingsDep
) -> User | None:
    """The caller's user row when signed in (as `get_current_user`), else None."""
    if principal is None:
        return None
    return await get_current_user(principal, session, cognito, settings)


CurrentUser = Annotated[User, Depends(get_current_user)]
Reader = Annotated[User | None, Depends(get_reader)]


async def get_moderator(_: auth.Moderator, me: CurrentUser) -> User:
    """The caller's user row; 403 `forbidden` unless their token puts them in the `moderators` group."""
    return me


ModeratorUser = Annotated[User, Depends(get_moderator)]
