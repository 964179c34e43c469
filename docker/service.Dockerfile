# syntax=docker/dockerfile:1.7
# One image for any Cruddur service, built from the repository root with the workspace lock:
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=activity -t cruddur/activity .
# The container port comes from services/registry.toml at build time (override with PORT).
# Keep equal to .python-version (tests/unit/test_versions.py holds them): a Dockerfile cannot read it.
ARG PYTHON_VERSION=3.12

FROM ghcr.io/astral-sh/uv:0.13.8 AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ARG SERVICE
ARG PACKAGE=${SERVICE}-service
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<registry name>" >&2; exit 1)
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Third-party dependencies first: this layer is reused until uv.lock changes.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=.,target=/src,rw \
    uv sync --frozen --no-dev --no-install-workspace --package "${PACKAGE}"
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "${PACKAGE}"
# The registry's port for this service; 8080 for non-service images (the gateway).
RUN /app/.venv/bin/python -c "from cruddur_common.registry import service; print(service('${SERVICE}').port)" \
        > /app/port 2>/dev/null || echo 8080 > /app/port

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ARG SERVICE
RUN groupadd --system --gid 10001 cruddur \
 && useradd --system --uid 10001 --gid cruddur --no-create-home --shell /usr/sbin/nologin cruddur
COPY --from=build /app /app
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 SERVICE=${SERVICE}
USER 10001:10001
WORKDIR /app
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; port = os.environ.get('PORT') or open('/app/port').read().strip(); urllib.request.urlopen(f'http://127.0.0.1:{port}/health', timeout=3)"
# Behind the ALB (or the gateway) only: X-Forwarded-* are trusted so URLs and client IPs are right.
CMD ["sh", "-c", "exec uvicorn \"${SERVICE}_service.main:create_app\" --factory --host 0.0.0.0 --port \"${PORT:-$(cat /app/port)}\" --proxy-headers --forwarded-allow-ips '*'"]
