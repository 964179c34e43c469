"""Dependencies of the notification service: the live broker and the stream context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from cruddur_common.people import PeopleDirectory
from notification_service.live.broker import Broker, create_broker
from notification_service.live.service import StreamContext
from notification_service.settings import Settings


async def start_broker(app: FastAPI) -> None:
    """Startup hook: Redis pub/sub when REDIS_URL is set, in-process otherwise."""
    settings: Settings = app.state.settings
    broker = create_broker(settings.redis_url)
    await broker.start()
    app.state.broker = broker
    app.state.stream_context = StreamContext(
        sessions=app.state.sessions,
        broker=broker,
        keepalive_seconds=settings.sse_keepalive_seconds,
        max_streams_per_user=settings.max_streams_per_user,
    )
    app.state.people = PeopleDirectory(
        http=app.state.http, base_url=settings.user_url, ttl=settings.people_cache_seconds
    )


async def stop_broker(app: FastAPI) -> None:
    """Shutdown hook."""
    broker: Broker | None = getattr(app.state, "broker", None)
    if broker is not None:
        await broker.stop()


async def broker_ready(app: FastAPI) -> None:
    """Readiness: the broker (Redis) answers."""
    await app.state.broker.ping()


def get_broker(request: Request) -> Broker:
    """The process's broker."""
    broker: Broker = request.app.state.broker
    return broker


def get_stream_context(request: Request) -> StreamContext:
    """What a live stream needs."""
    context: StreamContext = request.app.state.stream_context
    return context


def get_people(request: Request) -> PeopleDirectory:
    """The process's cached lookup of people's current names and avatars."""
    people: PeopleDirectory = request.app.state.people
    return people


PeopleDep = Annotated[PeopleDirectory, Depends(get_people)]
BrokerDep = Annotated[Broker, Depends(get_broker)]
StreamContextDep = Annotated[StreamContext, Depends(get_stream_context)]
