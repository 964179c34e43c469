"""The caller's avatar and latest upload as the API shows them."""

from __future__ import annotations

from user_service.avatars.models import AvatarUpload
from user_service.avatars.schemas import AvatarStatus, AvatarVariant
from user_service.avatars.urls import avatar_url, variant_urls
from user_service.models import User


def render_status(user: User, upload: AvatarUpload | None, *, assets_base_url: str) -> AvatarStatus:
    """Where the latest upload stands (processing, ready, or failed with its reason) and the avatar now."""
    variants = [
        AvatarVariant(size=size, format=fmt, url=url)
        for (size, fmt), url in variant_urls(user, assets_base_url=assets_base_url).items()
    ]
    current = AvatarStatus(
        status="ready",
        updated_at=user.updated_at,
        avatar_url=avatar_url(user, assets_base_url=assets_base_url),
        is_default=user.avatar_key is None,
        variants=variants,
    )
    if upload is None:
        return current
    if upload.status in ("granted", "processing"):
        return current.model_copy(update={"status": "processing", "updated_at": upload.updated_at})
    if upload.status == "failed":
        failed = {"status": "failed", "reason": upload.reason, "message": upload.message}
        return current.model_copy(update={**failed, "updated_at": upload.updated_at})
    return current.model_copy(update={"updated_at": upload.updated_at})
