"""Issue 16, delete my account (the user service's part, ACCOUNT-CONTRACT.md §1), through the gateway.

What the other services erase when the ErasureEvents reach them is the lead's cross-service test
(tests/integration/test_account.py); here: the events are queued in the deletion's transaction.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from moto.utilities.utils import load_resource

from cruddur_common.auth import REAUTH_SECONDS
from cruddur_common.registry import load_registry
from devstack import seed
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.integration.user.safety import queue, report
from tests.integration.user.support import queued, uuid_of
from tests.support import PASSWORD, TestUser, expect_error, sign_in, unique_handle, wait_for

pytestmark = pytest.mark.integration
User = Callable[..., TestUser]
ERASURE_DESTINATIONS = ("activity", "relations", "messaging")


def signed_in_at(token: str, auth_time: float) -> str:
    """The same access token with another `auth_time`, signed as the local Cognito (moto) signs its tokens."""
    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    claims = jwt.decode(token, key).claims | {"auth_time": int(auth_time)}
    return jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, key)


def _user_service(stack: LocalStack) -> httpx.Client:
    """The user service itself, signing /internal calls as another service of the stack would."""
    entry = next(e for e in load_registry() if e.name == "user")
    return httpx.Client(base_url=stack.cfg.service_url(entry), auth=stack.internal_auth(), timeout=30)


def _s3(stack: LocalStack) -> Any:
    assert stack.aws is not None
    return boto3.client(
        "s3",
        endpoint_url=stack.cfg.aws_url,
        region_name=stack.aws.region,
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",
    )


def _files_of(stack: LocalStack, user: str) -> list[tuple[str, str]]:
    """(bucket, key) of one object in each folder the deletion empties."""
    assert stack.aws is not None
    return [
        (stack.aws.assets_bucket, f"avatars/{user}/v1/512.jpg"),
        (stack.aws.uploads_bucket, f"uploads/{user}/{'a' * 20}.jpg"),
        (stack.aws.uploads_bucket, f"exports/{user}/1.zip"),
    ]


def _exists(s3: Any, bucket: str, key: str) -> bool:
    return bool(s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0))


def _job(db: Db, user: str) -> dict[str, Any] | None:
    rows = db.fetch(
        "SELECT state, attempts, payload::text AS payload, last_error FROM jobs"
        " WHERE kind = 'erase_account' AND subject = $1::uuid ORDER BY id",
        user,
    )
    assert len(rows) <= 1, "one job per deletion, a repeat queues none"
    return dict(rows[0]) if rows else None


def _erased(db: Db, user: str) -> bool:
    job = _job(db, user)
    gone = not db.fetch("SELECT 1 FROM users WHERE uuid = $1::uuid", user)
    return job is not None and job["state"] == "done" and gone


@pytest.fixture
def outbox_held(db: Db) -> Iterator[Callable[[], None]]:
    """Hold delivery to the three destinations of an erasure; yields the release (also on teardown)."""
    keys = [f"users.outbox.{name}" for name in ERASURE_DESTINATIONS]
    held = True

    def release() -> None:
        nonlocal held
        if held:
            for key in keys:
                db.execute("SELECT pg_advisory_unlock(hashtext($1))", key)
            held = False

    for key in keys:
        db.execute("SELECT pg_advisory_lock(hashtext($1))", key)
    try:
        yield release
    finally:
        release()


def test_an_old_sign_in_must_sign_in_again(api: httpx.Client, make_user: User) -> None:
    user = make_user()
    stale = {"authorization": f"Bearer {signed_in_at(user.token, time.time() - REAUTH_SECONDS - 60)}"}
    assert api.get("/api/users/me", headers=stale).status_code == 200
    expect_error(api.delete("/api/users/me", headers=stale), 403, "reauth_required")
    expect_error(api.delete("/api/users/me"), 401)
    recent = signed_in_at(user.token, time.time() - REAUTH_SECONDS + 60)
    assert api.get(f"/api/users/@{user.handle}/short").status_code == 200, "nothing was deleted"
    assert api.delete("/api/users/me", headers={"authorization": f"Bearer {recent}"}).status_code == 202


def test_deletion_is_at_once_for_everyone_then_erased(
    stack: LocalStack,
    api: httpx.Client,
    db: Db,
    make_user: User,
    make_moderator: Callable[[], TestUser],
    outbox_held: Callable[[], None],
) -> None:
    leaver, fan, idol, blocker = make_user(), make_user(), make_user(), make_user()
    me = api.get("/api/users/me", headers=leaver.headers).json()
    leaver_uuid, sub = str(me["uuid"]), str(me["cognito_user_id"])
    fan_uuid = uuid_of(api, fan)
    assert api.put(f"/api/users/@{leaver.handle}/follow", headers=fan.headers).status_code == 200
    assert api.put(f"/api/users/@{idol.handle}/follow", headers=leaver.headers).status_code == 200
    assert api.put(f"/api/users/@{leaver.handle}/block", headers=blocker.headers).status_code == 204
    assert report(api, leaver, "user", fan_uuid).status_code in (200, 201)
    s3 = _s3(stack)
    for bucket, key in [*_files_of(stack, leaver_uuid), *_files_of(stack, fan_uuid)]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    response = api.delete("/api/users/me", headers=leaver.headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"status", "requested_at"} and body["status"] == "deleting"
    # the three erasures were queued by the same commit as the 202
    erasure = {"type": "erasure", "user": leaver_uuid, "sub": sub}
    for destination in ERASURE_DESTINATIONS:
        events = [e for e in queued(db, destination, leaver_uuid) if e["type"] == "erasure"]
        assert events == [erasure], destination
    again = api.delete("/api/users/me", headers=leaver.headers)
    assert (again.status_code, again.json()) == (202, body), "idempotent: the same answer"

    # gone for everyone at once
    expect_error(api.get(f"/api/users/@{leaver.handle}/short"), 404, "user_not_found")
    expect_error(api.get(f"/api/users/@{leaver.handle}/followers"), 404, "user_not_found")
    expect_error(api.get("/api/users/me", headers=leaver.headers), 401, "account_deleted")
    expect_error(api.put(f"/api/users/@{idol.handle}/follow", headers=leaver.headers), 401, "account_deleted")
    idol_followers = api.get(f"/api/users/@{idol.handle}/followers").json()["items"]
    assert leaver.handle not in [p["handle"] for p in idol_followers]
    fan_follows = api.get(f"/api/users/@{fan.handle}/following").json()["items"]
    assert fan_follows == [], "follows both ways are gone"
    unfollowed = api.delete(f"/api/users/@{idol.handle}/follow", headers=fan.headers).json()
    assert unfollowed["followers_count"] == 0, "the idol's follower count dropped"
    assert api.get("/api/users/blocks", headers=blocker.headers).json()["items"] == []
    suggested = api.get("/api/users/suggested", params={"limit": 50}, headers=fan.headers).json()["items"]
    assert leaver.handle not in [p["handle"] for p in suggested]
    with _user_service(stack) as internal:
        expect_error(internal.get(f"/internal/users/by-handle/{leaver.handle}"), 404, "user_not_found")
        expect_error(internal.get(f"/internal/users/by-sub/{sub}"), 404, "user_not_found")
        found = internal.post("/internal/users/batch", json={"uuids": [leaver_uuid, fan_uuid]}).json()
        assert [u["uuid"] for u in found["items"]] == [fan_uuid]
    outbox_held()

    # then erased: Cognito, the files, the row (the job)
    wait_for(lambda: _erased(db, leaver_uuid), what="the erase_account job", timeout=60)
    for bucket, key in _files_of(stack, leaver_uuid):
        assert not _exists(s3, bucket, key), key
    for bucket, key in _files_of(stack, fan_uuid):
        if not key.startswith("uploads/"):  # the avatar processor takes any upload nobody was granted
            assert _exists(s3, bucket, key), f"someone else's {key} stays"
    with pytest.raises(httpx.HTTPStatusError):
        sign_in(stack.cfg.gateway_url, stack.aws.client_id if stack.aws else "", leaver.email)
    # the token lives on, but nobody is recreated from it, and a repeat still answers the same
    expect_error(api.get("/api/users/me", headers=leaver.headers), 401, "account_deleted")
    assert not db.fetch("SELECT 1 FROM users WHERE cognito_user_id = $1", sub)
    again = api.delete("/api/users/me", headers=leaver.headers)
    assert (again.status_code, again.json()) == (202, body)
    # the report the leaver made stays for moderators, without a handle to show
    kept = [r for r in queue(api, make_moderator()) if r["reporter"]["uuid"] == leaver_uuid]
    assert [(r["target"]["user"]["uuid"], r["reporter"]["handle"]) for r in kept] == [(fan_uuid, "")]


def test_the_handle_is_reserved_then_freed(
    stack: LocalStack, api: httpx.Client, db: Db, make_user: User
) -> None:
    assert stack.aws is not None
    leaver = make_user()
    leaver_uuid = uuid_of(api, leaver)
    assert api.delete("/api/users/me", headers=leaver.headers).status_code == 202
    copycat = seed.DemoUser(leaver.handle.upper(), "Copycat", f"{unique_handle('c')}@example.com")
    with pytest.raises(RuntimeError, match=f"The handle @{leaver.handle.upper()} is taken"):
        seed.sign_up(stack.cfg.gateway_url, stack.aws.client_id, copycat, PASSWORD)  # while the row is there
    wait_for(lambda: _erased(db, leaver_uuid), what="the erase_account job", timeout=60)
    again = seed.DemoUser(leaver.handle, "Copycat", f"{unique_handle('c')}@example.com")
    with pytest.raises(RuntimeError, match=f"The handle @{leaver.handle} is taken"):
        seed.sign_up(stack.cfg.gateway_url, stack.aws.client_id, again, PASSWORD)  # after it is gone
    (reservation,) = db.fetch(
        "SELECT reserved_until - requested_at AS held FROM handle_reservations WHERE handle = $1",
        leaver.handle.lower(),
    )
    assert reservation["held"].days == 30
    db.execute(
        "UPDATE handle_reservations SET reserved_until = now() - interval '1 second' WHERE handle = $1",
        leaver.handle.lower(),
    )
    newcomer = make_user(handle=leaver.handle)
    assert api.get("/api/users/me", headers=newcomer.headers).json()["handle"] == leaver.handle
    assert not db.fetch("SELECT 1 FROM handle_reservations WHERE handle = $1", leaver.handle.lower()), (
        "a lapsed reservation is removed when the handle is taken again"
    )


def test_a_step_that_fails_is_retried_and_the_job_finishes(
    stack: LocalStack, api: httpx.Client, db: Db, make_user: User
) -> None:
    leaver = make_user()
    leaver_uuid = uuid_of(api, leaver)
    refuse = f"refuse_{leaver_uuid.replace('-', '')}"  # the database refuses the last step for this user
    db.execute(
        f"CREATE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF OLD.uuid = '{leaver_uuid}' THEN RAISE EXCEPTION 'refused once'; END IF; RETURN OLD; END $$"
    )
    db.execute(f"CREATE TRIGGER {refuse} BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION {refuse}()")
    try:
        assert api.delete("/api/users/me", headers=leaver.headers).status_code == 202
        wait_for(
            lambda: "refused once" in str((_job(db, leaver_uuid) or {}).get("last_error")),
            what="the last step refused",
            timeout=60,
        )
    finally:
        db.execute(f"DROP TRIGGER {refuse} ON users")
        db.execute(f"DROP FUNCTION {refuse}()")
    wait_for(lambda: _erased(db, leaver_uuid), what="the retried job", timeout=90)
    job = _job(db, leaver_uuid)
    assert job is not None and job["attempts"] >= 2 and job["last_error"] is None
    assert '"cognito_deleted": true' in job["payload"] and '"files_deleted"' in job["payload"]
    with pytest.raises(httpx.HTTPStatusError):
        sign_in(stack.cfg.gateway_url, stack.aws.client_id if stack.aws else "", leaver.email)


@pytest.mark.timeout(600)  # the user service starts again
def test_a_restart_mid_way_finishes_within_the_lease(
    stack: LocalStack, api: httpx.Client, db: Db, make_user: User
) -> None:
    assert stack.supervisor is not None
    leaver, other = make_user(), make_user()
    leaver_uuid = uuid_of(api, leaver)
    pin = Db(stack.cfg.db_url)  # holds the row: the job's last step (delete it) waits, leased, mid-way
    try:
        pin.execute("BEGIN")
        pin.execute("SELECT 1 FROM users.users WHERE uuid = $1::uuid FOR KEY SHARE", leaver_uuid)
        assert api.delete("/api/users/me", headers=leaver.headers).status_code == 202
        wait_for(
            lambda: '"files_deleted"' in str((_job(db, leaver_uuid) or {}).get("payload")),
            what="the job past its Cognito and S3 steps",
            timeout=60,
        )
        child = next(ch for ch in stack.children if ch.name == "user")
        assert child.proc is not None
        before = stack.supervisor.restarts("user")
        os.kill(child.proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        pin.execute("COMMIT")
    finally:
        pin.close()
    with _user_service(stack) as user_api:
        wait_for(lambda: _serving(user_api), what="the user service started again", timeout=240)
    back = time.monotonic()
    lease = 30  # user_service.settings.Settings.jobs_lease_seconds
    wait_for(lambda: _erased(db, leaver_uuid), what="the job after the restart", timeout=lease + 15)
    assert stack.supervisor.restarts("user") == before + 1
    job = _job(db, leaver_uuid)
    assert job is not None and job["attempts"] == 2, "run again once, skipping the checkpointed steps"
    assert time.monotonic() - killed < max(back - killed, lease) + 15
    assert api.get("/api/users/me", headers=other.headers).status_code == 200


def _serving(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.HTTPError:
        return False
