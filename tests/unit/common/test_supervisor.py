"""Supervised background tasks: a task that ends makes /ready fail and say why; a running one is `ok`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.settings import CommonSettings
from cruddur_common.supervisor import BackgroundTask


async def _forever(app: FastAPI) -> None:
    await asyncio.Event().wait()


async def _dies(app: FastAPI) -> None:
    await asyncio.sleep(0)
    raise ConnectionResetError("the database went away")


async def _lag(app: FastAPI) -> dict[str, Any]:
    return {"pending": 3, "oldest_pending_seconds": 1.5, "parked": 1}


async def _ready(*tasks: BackgroundTask) -> httpx.Response:
    spec = ServiceSpec(name="sup", title="t", description="t", settings=CommonSettings(), routers=[])
    spec.background = tasks
    app = create_service_app(spec)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.05)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
            return await http.get("/ready")


async def test_a_running_task_is_ready_with_its_detail() -> None:
    response = await _ready(BackgroundTask(name="outbox", run=_forever, detail=_lag))
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"task:outbox": "ok"}
    assert body["detail"] == {"outbox": {"pending": 3, "oldest_pending_seconds": 1.5, "parked": 1}}


async def test_a_task_that_ends_fails_readiness_and_says_why(capsys: Any) -> None:
    response = await _ready(
        BackgroundTask(name="outbox", run=_dies), BackgroundTask(name="other", run=_forever)
    )
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["task:outbox"] == "error: stopped: ConnectionResetError: the database went away"
    assert checks["task:other"] == "ok"
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    (stopped,) = [r for r in logged if r["msg"] == "background task outbox stopped"]
    assert stopped["level"] == "error" and "ConnectionResetError" in stopped["exc"]  # with the traceback


async def test_a_disabled_task_is_not_reported() -> None:
    response = await _ready(BackgroundTask(name="outbox", run=_dies, enabled=lambda app: False))
    assert response.status_code == 200 and response.json()["checks"] == {}
