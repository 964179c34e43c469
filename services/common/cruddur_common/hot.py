"""Hot routes: the busiest GET routes, served without Starlette's routing and FastAPI's dependency solving.

A hot route is a plain Starlette endpoint (`Request` -> `Response`) that authenticates and parses its
query with the helpers the dependencies use (`cruddur_common.auth.principal_of`,
`cruddur_common.pagination.page_of`). The service still declares the route in FastAPI, with its
parameters, security and response model, and that route calls the same code: /docs and the contract
stay the same, and `HOT_ROUTES=false` serves everything the ordinary way (tests compare the two).
Errors go through the app's own exception handlers, so a hot route's 401, 422 or 500 is byte for byte
the one any other route would send.

The service app (`cruddur_common.app.ServiceApp`) sends a hot request through its own
`RequestContextMiddleware` (request id, body limit and access log still apply) straight to the endpoint,
before Starlette's middleware stack. That saves about 0.15 ms of CPU per request, a third of the home
feed's budget (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Exception], Awaitable[Response]]


class HotRoutes:
    """Pure ASGI: serves GET requests whose path is in `routes`; the app sends only those here."""

    def __init__(self, routes: Mapping[str, Endpoint]) -> None:
        self.routes = dict(routes)

    def serves(self, scope: Scope) -> bool:
        """Whether this request is for a hot route."""
        return scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in self.routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.routes[scope["path"]](request)
        except Exception as exc:
            handler = _handler_for(scope, exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        await response(scope, receive, send)


def _handler_for(scope: Scope, exc: Exception) -> Handler | None:
    """The app's exception handler for `exc` (most specific class first), as Starlette would pick it."""
    handlers: dict[object, Handler] = getattr(scope.get("app"), "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
