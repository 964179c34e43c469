#!/usr/bin/env bash
# Installs everything Cruddur needs on a fresh machine (Python 3.11+, .python-version preferred; Node 20.19+).
# Idempotent and quick when nothing changed. Usage: scripts/bootstrap.sh [python] [frontend] [browser]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
UV_VERSION=0.13.8
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy
want() { [ $# -eq 0 ] && return 0; for w in "${WANTS[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANTS=("$@"); [ ${#WANTS[@]} -eq 0 ] && WANTS=(python frontend)

# One Python ships: .python-version is what the service image and the Lambdas run, and the tests and
# tools run on it wherever it is installed (pyenv reads the same file). The newcomer's promise is Python
# 3.11+, and Debian 12 has only 3.11: without the shipped version, the oldest supported one (FLOOR,
# pyproject's requires-python, ruff's and mypy's target) is used, with a warning.
PY_VERSION=$(tr -d '[:space:]' < .python-version)
FLOOR=3.11
# One call per candidate, which also resolves a pyenv shim (about a second a call under load) to the real
# interpreter: `make run` with nothing changed runs this script first (docs/performance.md, "Warm start").
probe() { "$1" -c "import sys; print(sys.executable, '%d.%d' % sys.version_info[:2], sys.version.split()[0])" 2>/dev/null; }
minor() { echo "${1#*.}"; }
PY="" PY_FULL=""
choose() {  # choose <candidate> <exact X.Y, or empty for FLOOR or later>
  local found exe mm full
  command -v "$1" >/dev/null || return 1
  found=$(probe "$1") || return 1
  read -r exe mm full <<< "$found"
  if [ -n "$2" ]; then [ "$mm" = "$2" ] || return 1
  else [ "${mm%%.*}" -eq 3 ] && [ "$(minor "$mm")" -ge "$(minor "$FLOOR")" ] || return 1; fi
  PY=$exe PY_FULL=$full
}
if [ -n "${PYTHON:-}" ]; then
  choose "$PYTHON" "" || { echo "bootstrap: PYTHON=$PYTHON is not Python $FLOOR+" >&2; exit 1; }
else
  for cand in "python$PY_VERSION" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$PY_VERSION".*/bin/python"$PY_VERSION"; do
    choose "$cand" "$PY_VERSION" && break
  done
fi
if [ -z "$PY" ]; then
  for cand in python3.13 python3.12 python3.11 python3; do
    choose "$cand" "" && break
  done
  [ -n "$PY" ] && echo "bootstrap: Python $PY_VERSION (.python-version, what ships) not found; using Python $PY_FULL ($PY)" >&2
fi
[ -n "$PY" ] || { echo "bootstrap: Python $FLOOR+ is required ($PY_VERSION preferred)" >&2; exit 1; }

if want python; then
  if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "bootstrap: installing uv $UV_VERSION into .tools/"
    "$PY" -m venv .tools
    .tools/bin/pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  stamp=.venv/.cruddur-synced
  # The stamp names the Python and that site-packages was compiled: an environment synced before it was
  # compiled is synced (and compiled) once more.
  py_id="$PY_FULL bytecode"
  if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ] \
      || [ "$(cat "$stamp")" != "$py_id" ]; then
    echo "bootstrap: syncing the Python environment (uv.lock, Python ${py_id% *})"
    # Compiled once here, not on every start: where PYTHONDONTWRITEBYTECODE is set (it is on our dev and
    # CI machines) nothing caches the bytecode, and each of `make run`'s ten processes compiled FastAPI,
    # SQLAlchemy, botocore ... from source every start (docs/performance.md, "Warm start").
    .tools/bin/uv sync --frozen --all-packages --python "$PY" --quiet --compile-bytecode
    echo "$py_id" > "$stamp"
  fi
fi

if want frontend && [ -f frontend-react-js/package-lock.json ]; then
  stamp=frontend-react-js/node_modules/.cruddur-installed
  if [ ! -f "$stamp" ] || [ frontend-react-js/package-lock.json -nt "$stamp" ]; then
    echo "bootstrap: installing frontend packages (npm ci)"
    (cd frontend-react-js && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
fi

SWAGGER_UI_VERSION=5.35.0
swagger_pkg=.tools/swagger/node_modules/swagger-ui-dist/package.json
if want frontend && ! grep -qs "\"version\": \"$SWAGGER_UI_VERSION\"" "$swagger_pkg"; then
  echo "bootstrap: installing Swagger UI $SWAGGER_UI_VERSION for the API docs (served offline)"
  mkdir -p .tools/swagger
  npm install --silent --no-audit --no-fund --no-save --prefix .tools/swagger "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null
fi

# Another apt (a parallel checkout's bootstrap, an unattended upgrade) may hold dpkg's lock: wait for it.
APT=(apt-get -o DPkg::Lock::Timeout=300)
apt_packages=()
if want browser && [ ! -x /usr/bin/chromium ]; then apt_packages+=(chromium); fi   # the SPA's browser tests
if want redis && ! command -v redis-server >/dev/null; then apt_packages+=(redis-server); fi  # multi-task SSE test
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages for the tests: ${apt_packages[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO "${APT[@]}" update -qq && DEBIAN_FRONTEND=noninteractive $SUDO "${APT[@]}" install -y -qq "${apt_packages[@]}" >/dev/null
fi

# The local edge (devstack/edge.py): nginx, with the headers-more module (to drop `Server`), forwards the
# API to the services in front of the Python gateway. `make run` works without it (the Python gateway then
# serves everything, at about half the throughput), so a failed install only warns.
edge_packages=()
if want python; then
  { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || edge_packages+=(nginx)
  [ -f /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] || edge_packages+=(libnginx-mod-http-headers-more-filter)
fi
if [ ${#edge_packages[@]} -gt 0 ]; then
  echo "bootstrap: installing the local edge's Debian packages: ${edge_packages[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  if ! { $SUDO "${APT[@]}" update -qq && DEBIAN_FRONTEND=noninteractive $SUDO "${APT[@]}" install -y -qq \
      --no-install-recommends "${edge_packages[@]}" >/dev/null; } 2>/dev/null; then
    echo "bootstrap: could not install ${edge_packages[*]}: the Python gateway will serve every request" >&2
  fi
fi
