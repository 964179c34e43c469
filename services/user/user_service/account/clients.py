"""Calls the account deletion makes: Cognito (sign out everywhere, delete the user) and S3 (their files)."""

from __future__ import annotations

from typing import Any

from user_service.moderation.clients import cognito_admin

PAGE = 1000  # S3's most keys per ListObjectsV2 page and per DeleteObjects call


async def delete_cognito_user(cognito: Any, *, pool_id: str, username: str) -> None:
    """Revoke every refresh token, then delete the user (idempotent: a user Cognito does not know is done)."""
    await cognito_admin(cognito, "admin_user_global_sign_out", pool_id=pool_id, username=username)
    await cognito_admin(cognito, "admin_delete_user", pool_id=pool_id, username=username)


async def delete_prefix(s3: Any, *, bucket: str, prefix: str) -> int:
    """Delete every object under `prefix` (idempotent); returns how many; raises when S3 refuses one."""
    deleted = 0
    while True:  # each round lists what is left: the deletes move the listing on
        listing = await s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=PAGE)
        keys = [{"Key": item["Key"]} for item in listing.get("Contents", [])]
        if not keys:
            return deleted
        response = await s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise RuntimeError(
                f"S3 kept {len(errors)} object(s) under {bucket}/{prefix}, e.g. {first.get('Key')}:"
                f" {first.get('Code')} {first.get('Message')}"
            )
        deleted += len(keys)
