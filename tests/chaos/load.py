"""A small write load through the gateway that remembers every write the API acknowledged (2xx).

Threads post cruds and like each other's cruds while a fault is in place. A 2xx promises the write is
durable, so after the fault every acknowledged write must still be there: `missing()` lists those that
are not. Every answer (or transport error) is recorded too, so a test can check what clients saw.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import httpx

from tests.support import TestUser

Kind = Literal["post", "like"]
MAX_SECONDS = 120.0  # a run stops by itself even if nobody calls stop()


@dataclass(frozen=True, slots=True)
class Ack:
    """A write the API acknowledged with a 2xx."""

    kind: Kind
    user: TestUser
    author: TestUser
    activity_uuid: str
    at: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request got: a status and error code, or a transport error."""

    kind: Kind
    started: float
    elapsed: float
    status: int | None
    code: str | None = None
    retry_after: str | None = None
    error: str | None = None


class WriteLoad:
    """Post and like through the gateway from a few threads until stopped; a context manager."""

    def __init__(
        self,
        gateway_url: str,
        users: list[TestUser],
        *,
        threads: int = 4,
        timeout: float = 5.0,
        pause: float = 0.02,
    ) -> None:
        if len(users) < 2:
            raise ValueError("give at least two users, so likes cross authors")
        self.gateway_url = gateway_url
        self.users = users
        self.threads = threads
        self.timeout = timeout
        self.pause = pause  # keeps a 2-core machine responsive for the stack under test
        self.acks: list[Ack] = []
        self.outcomes: list[Outcome] = []
        self._posts: list[Ack] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def __enter__(self) -> WriteLoad:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the threads."""
        for index in range(self.threads):
            user = self.users[index % len(self.users)]
            worker = threading.Thread(target=self._run, args=(user,), name=f"write-load-{index}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self) -> None:
        """Stop the threads and wait for their last request."""
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)
        self._workers.clear()

    def _run(self, user: TestUser) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        with httpx.Client(base_url=self.gateway_url, headers=user.headers, timeout=self.timeout) as client:
            while not self._stop.is_set() and time.monotonic() < deadline:
                self._post(client, user)
                target = self._target(user)
                if target is not None:
                    self._like(client, user, target)
                self._stop.wait(self.pause)

    def _target(self, user: TestUser) -> Ack | None:
        """The newest acknowledged crud by someone else."""
        with self._lock:
            return next((p for p in reversed(self._posts) if p.user.handle != user.handle), None)

    def _post(self, client: httpx.Client, user: TestUser) -> None:
        body = {"message": f"chaos {uuid.uuid4().hex[:12]}", "ttl": "1-day"}
        response = self._send(client, "post", "POST", "/api/activities", json=body)
        if response is not None and response.is_success:
            ack = Ack("post", user, user, response.json()["uuid"], time.monotonic())
            with self._lock:
                self.acks.append(ack)
                self._posts.append(ack)

    def _like(self, client: httpx.Client, user: TestUser, target: Ack) -> None:
        response = self._send(client, "like", "PUT", f"/api/activities/{target.activity_uuid}/like")
        if response is not None and response.is_success:
            with self._lock:
                self.acks.append(Ack("like", user, target.author, target.activity_uuid, time.monotonic()))

    def _send(
        self, client: httpx.Client, kind: Kind, method: str, path: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self._record(Outcome(kind, started, time.monotonic() - started, None, error=type(exc).__name__))
            return None
        code = None
        if not response.is_success:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = None
        outcome = Outcome(
            kind,
            started,
            time.monotonic() - started,
            response.status_code,
            code=code,
            retry_after=response.headers.get("retry-after"),
        )
        self._record(outcome)
        return response

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def summary(self) -> Counter[str]:
        """How many requests got each answer, e.g. {"post 201": 40, "like 500 internal_error": 3}."""
        return Counter(
            f"{o.kind} {o.status if o.status is not None else o.error}{f' {o.code}' if o.code else ''}"
            for o in self.outcomes
        )

    def between(self, start: float, end: float) -> list[Outcome]:
        """The requests started in [start, end) (time.monotonic())."""
        return [o for o in self.outcomes if start <= o.started < end]

    def missing(self, *, timeout: float = 10.0) -> list[Ack]:
        """Acknowledged writes that cannot be read back: a post whose page is gone, a like not `liked`."""
        lost = []
        checked: set[tuple[str, str, str]] = set()
        with httpx.Client(base_url=self.gateway_url, timeout=timeout) as client:
            for ack in list(self.acks):
                key = (ack.kind, ack.user.handle, ack.activity_uuid)
                if key in checked:
                    continue
                checked.add(key)
                page = client.get(
                    f"/api/activities/@{ack.author.handle}/status/{ack.activity_uuid}",
                    headers=ack.user.headers,
                )
                if page.status_code != 200 or (
                    ack.kind == "like" and page.json()["activity"]["liked"] is not True
                ):
                    lost.append(ack)
        return lost
