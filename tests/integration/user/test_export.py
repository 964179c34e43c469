"""Issue 16, export my data: the routes and the job end to end, through the gateway (docs/user.md "Export").

Until activity and messaging serve EXPORT_PATH (their branches), the stack's user service is replaced for
this module by one whose activity and messaging are a fake peer in this process (what each answers is set
per user), and whose jobs retry quickly. The avatar and pictures are real objects in the assets bucket;
the profile and follows are made through the API. The lead's cross-service test checks the real parts.
"""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cruddur_common.contracts import EXPORT_PATH
from cruddur_common.internal_auth import HEADER
from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from tests.extra_tasks import service_tasks
from tests.integration.activity.support import Db
from tests.integration.avatar.support import s3_client
from tests.integration.user.support import uuid_of
from tests.support import TestUser, expect_error, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]  # the module restarts the user service
User = Callable[..., TestUser]
PATH = "/api/users/me/export"
PEERS = {"activity": 8170, "messaging": 8171}  # fake peers' ports, + the slot's port offset
DAY = 24 * 3600
DOWN_REASON = "Your cruds and likes could not be collected: the activity service did not answer."


class FakePeers:
    """Activity and messaging answering EXPORT_PATH: the part set for a user (empty lists by default),
    503 for a user whose activity is `down`; 503 for every other route (the outbox retries later)."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str], dict[str, Any]] = {}
        self.down: set[str] = set()
        self.seen: list[tuple[str, str, bool]] = []  # (peer, user, carried the service credential)

    def answer(self, peer: str, path: str, credential: bool) -> tuple[int, dict[str, Any]]:
        prefix, suffix = EXPORT_PATH.split("{user_uuid}")
        if not (path.startswith(prefix) and path.endswith(suffix)):
            return 503, {}
        user = path.removeprefix(prefix).removesuffix(suffix)
        self.seen.append((peer, user, credential))
        if peer == "activity" and user in self.down:
            return 503, {}
        empty = {"cruds": [], "likes": [], "reposts": []} if peer == "activity" else {"conversations": []}
        return 200, self.parts.get((peer, user), empty)


def _serve(fake: FakePeers, peer: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = fake.answer(peer, self.path, bool(self.headers.get(HEADER)))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self.send_response(503)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def peers(stack: LocalStack) -> Iterator[FakePeers]:
    fake = FakePeers()
    servers = [_serve(fake, peer, port + stack.cfg.port_offset) for peer, port in PEERS.items()]
    try:
        yield fake
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module", autouse=True)
def user_service(stack: LocalStack, peers: FakePeers) -> Iterator[None]:
    """The stack's user service swapped, on its own port (so the gateway reaches it), for one whose peers
    are the fake and whose jobs retry within seconds; the stack's is started again afterwards."""
    entry = next(e for e in load_registry() if e.name == "user")
    original = next(child for child in stack.children if child.name == "user")
    env = {
        f"{peer.upper()}_URL": f"http://127.0.0.1:{port + stack.cfg.port_offset}"
        for peer, port in PEERS.items()
    }
    env |= {"JOBS_POLL_SECONDS": "0.2", "JOBS_MAX_ATTEMPTS": "2", "JOBS_MAX_BACKOFF_SECONDS": "1"}
    with stack.unsupervised("user"):
        original.stop()
        try:
            with service_tasks(stack, "user", entry.port) as start:
                start("user-export", 0, **env)
                yield
        finally:
            original.start()
            url = f"{stack.cfg.service_url(entry)}/ready"
            wait_for(lambda: _ready(url), what="the stack's user service", timeout=120)


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _status(api: httpx.Client, user: TestUser, wanted: str, *, timeout: float = 60) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    def check() -> bool:
        response = api.get(PATH, headers=user.headers)
        assert response.status_code == 200, response.text
        seen.append(response.json())
        return bool(seen[-1]["status"] == wanted)

    wait_for(check, what=f"export {wanted} (last: {seen[-1:]})", timeout=timeout)
    return seen[-1]


def _signed_for(url: str) -> float:
    """Seconds from now until a presigned URL stops working (SigV4: X-Amz-Date + X-Amz-Expires, or
    SigV2: Expires, what botocore signs with in us-east-1 unless told s3v4)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    if "X-Amz-Expires" in query:
        signed = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return (signed + timedelta(seconds=int(query["X-Amz-Expires"])) - datetime.now(UTC)).total_seconds()
    return int(query["Expires"]) - time.time()


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _follow(api: httpx.Client, fan: TestUser, star: TestUser) -> None:
    response = api.put(f"/api/users/@{star.handle}/follow", headers=fan.headers)
    assert response.status_code == 200, response.text


def _download(url: str) -> zipfile.ZipFile:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="cruddur-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def _parts(me: str, crud: uuid.UUID, picture: str) -> tuple[dict[str, Any], dict[str, Any]]:
    now = datetime.now().astimezone()
    activity = {
        "cruds": [
            {
                "uuid": str(crud),
                "message": "my crud ✨",
                "created_at": now.isoformat(),
                "expires_at": (now + timedelta(days=1)).isoformat(),
                "reply_to_activity_uuid": None,
                "likes_count": 1,
                "replies_count": 0,
                "reposts_count": 0,
                "pictures": [
                    {"key": picture, "alt": "a cat"},
                    {"key": f"media/{me}/gone/1600.jpg", "alt": "gone since"},
                ],
            }
        ],
        "likes": [
            {"activity_uuid": str(uuid.uuid4()), "author_handle": "bob", "created_at": now.isoformat()}
        ],
        "reposts": [],
    }
    messaging = {
        "conversations": [
            {
                "message_group_uuid": str(uuid.uuid4()),
                "with_uuid": str(uuid.uuid4()),
                "with_handle": "bob",
                "with_display_name": "Bob",
                "messages": [
                    {
                        "uuid": str(uuid.uuid4()),
                        "mine": True,
                        "kind": "message",
                        "message": "hello",
                        "created_at": now.isoformat(),
                        "expires_at": None,
                    }
                ],
            }
        ]
    }
    return activity, messaging


def test_an_export_holds_what_the_user_made_behind_a_link_for_a_day(
    api: httpx.Client, make_user: User, db: Db, peers: FakePeers, stack: LocalStack
) -> None:
    assert stack.aws is not None
    alice, bob, carol = make_user(), make_user(), make_user()
    me = uuid_of(api, alice)
    edit = {"display_name": "Alice Ä", "bio": "a bio ✨"}
    assert api.put("/api/profile/update", json=edit, headers=alice.headers).status_code == 200
    _follow(api, alice, bob)
    _follow(api, bob, alice)
    _follow(api, carol, alice)
    s3 = s3_client(stack)
    avatar = f"avatars/{me}/v1/512.jpg"
    picture = f"media/{me}/tok/1600.jpg"
    s3.put_object(Bucket=stack.aws.assets_bucket, Key=avatar, Body=b"\xff\xd8 avatar")
    s3.put_object(Bucket=stack.aws.assets_bucket, Key=picture, Body=b"\xff\xd8 picture")
    db.execute("UPDATE users SET avatar_key = $1 WHERE uuid = $2", avatar, uuid.UUID(me))
    crud = uuid.uuid4()
    activity, messaging = _parts(me, crud, picture)
    peers.parts[("activity", me)] = activity
    peers.parts[("messaging", me)] = messaging

    started = api.post(PATH, headers=alice.headers)
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["status"] == "running"
    assert (body["finished_at"], body["url"], body["expires_at"]) == (None, None, None)
    refused = api.post(PATH, headers=alice.headers)  # running: one at a time, one a day
    expect_error(refused, 429, "export_limit")
    assert DAY - 60 <= int(refused.headers["retry-after"]) <= DAY

    ready = _status(api, alice, "ready")
    assert ready["id"] == body["id"] and ready["requested_at"] == body["requested_at"]
    assert _time(ready["expires_at"]) == _time(ready["finished_at"]) + timedelta(days=1)
    assert DAY - 60 <= _signed_for(ready["url"]) <= DAY  # signed now, ends with the day
    assert all(p[1] != me or p[2] for p in peers.seen)  # both peers asked with the service credential
    assert {p[0] for p in peers.seen if p[1] == me} == {"activity", "messaging"}

    with _download(ready["url"]) as archive:
        assert sorted(archive.namelist()) == sorted(
            [
                "README.txt",
                "profile.json",
                "cruds.json",
                "likes.json",
                "following.json",
                "followers.json",
                "messages.json",
                "avatar.jpg",
                f"pictures/{crud}-1.jpg",
            ]
        )
        files = {name: archive.read(name) for name in archive.namelist()}
    profile = json.loads(files["profile.json"])
    assert (profile["uuid"], profile["handle"], profile["email"]) == (me, alice.handle, alice.email)
    assert (profile["display_name"], profile["bio"], profile["avatar_file"]) == (
        "Alice Ä",
        "a bio ✨",
        "avatar.jpg",
    )
    assert "a bio ✨".encode() in files["profile.json"]  # UTF-8 as it is
    assert [p["handle"] for p in json.loads(files["following.json"])] == [bob.handle]
    assert sorted(p["handle"] for p in json.loads(files["followers.json"])) == sorted(
        [bob.handle, carol.handle]
    )
    assert all(_time(p["since"]).tzinfo for p in json.loads(files["followers.json"]))
    cruds = json.loads(files["cruds.json"])
    assert [(c["uuid"], c["message"]) for c in cruds] == [(str(crud), "my crud ✨")]
    assert cruds[0]["pictures"] == [
        {"file": f"pictures/{crud}-1.jpg", "alt": "a cat"},
        {"file": None, "alt": "gone since"},  # its object was gone: the alt text stays
    ]
    assert files[f"pictures/{crud}-1.jpg"] == b"\xff\xd8 picture"
    assert files["avatar.jpg"] == b"\xff\xd8 avatar"
    likes = json.loads(files["likes.json"])
    assert [like["author_handle"] for like in likes["likes"]] == ["bob"] and likes["reposts"] == []
    conversation = json.loads(files["messages.json"])["conversations"][0]
    assert conversation["with_handle"] == "bob"
    assert [m["message"] for m in conversation["messages"]] == ["hello"]
    assert "cruds.json" in files["README.txt"].decode()
    key = f"exports/{me}/{body['id']}.zip"
    assert s3.head_object(Bucket=stack.aws.uploads_bucket, Key=key)["ContentLength"] > 0

    # 30 s of its day left: the link is signed for those 30 s only (moto does not enforce the expiry)
    db.execute(
        "UPDATE jobs SET finished_at = now() - interval '24 hours' + interval '30 seconds' WHERE id = $1",
        body["id"],
    )
    late = api.get(PATH, headers=alice.headers).json()
    assert late["status"] == "ready"
    assert 0 < _signed_for(late["url"]) <= 30
    # the day is over: expired, no link; asked for over a day ago, so a new one may be asked for
    db.execute(
        "UPDATE jobs SET finished_at = now() - interval '25 hours', created_at = now() - interval '25 hours'"
        " WHERE id = $1",
        body["id"],
    )
    expired = api.get(PATH, headers=alice.headers).json()
    assert (expired["status"], expired["url"], expired["reason"]) == ("expired", None, None)
    assert api.post(PATH, headers=alice.headers).status_code == 202


def test_no_export_is_a_404_and_signed_out_a_401(api: httpx.Client, make_user: User) -> None:
    expect_error(api.get(PATH, headers=make_user().headers), 404, "export_not_found")
    expect_error(api.get(PATH), 401)
    expect_error(api.post(PATH), 401)


def test_asked_for_at_once_only_one_is_queued(api: httpx.Client, make_user: User) -> None:
    user = make_user()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: api.post(PATH, headers=user.headers).status_code, range(4)))
    assert sorted(answers) == [202, 429, 429, 429]
    _status(api, user, "ready")  # an empty export (no follows, nothing at the peers) is ready too


def test_a_failed_collection_is_retried_then_failed_and_may_be_asked_again(
    api: httpx.Client, make_user: User, peers: FakePeers
) -> None:
    user = make_user()
    me = uuid_of(api, user)
    peers.down.add(me)
    first = api.post(PATH, headers=user.headers)
    assert first.status_code == 202, first.text

    failed = _status(api, user, "failed")
    assert failed["reason"] == DOWN_REASON
    assert failed["url"] is None and failed["finished_at"] is not None
    assert sum(1 for p in peers.seen if p[:2] == ("activity", me)) == 2  # JOBS_MAX_ATTEMPTS

    peers.down.discard(me)
    again = api.post(PATH, headers=user.headers)  # a failed one does not count against the day
    assert again.status_code == 202, again.text
    ready = _status(api, user, "ready")
    assert ready["id"] == again.json()["id"] != first.json()["id"] and ready["reason"] is None
