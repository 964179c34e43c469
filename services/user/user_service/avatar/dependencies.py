"""Dependencies of avatars: settings and the S3 client of the process."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from user_service.avatar.settings import AvatarSettings, get_avatar_settings


def get_s3(request: Request) -> Any:
    """The process's aioboto3 S3 client (opened in the lifespan)."""
    return request.app.state.aws["s3"]


S3Dep = Annotated[Any, Depends(get_s3)]
SettingsDep = Annotated[AvatarSettings, Depends(get_avatar_settings)]
