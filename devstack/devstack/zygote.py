"""A pre-loaded parent for the stack's Python services: import the shared libraries once, fork each service.

Every service process imports the same FastAPI, pydantic, SQLAlchemy, asyncpg, uvicorn and its own package
before it answers: about 2 s of CPU each, paid by four services and the gateway at once on two cores, on
every start and every restart (docs/performance.md, "Warm start"). The zygote is started first, imports all
of it while Postgres and moto boot, and then forks a service in milliseconds.

Protocol, one JSON object per line: the stack writes `{"name", "argv", "env", "log"}` to the zygote's stdin
and reads `{"pid": n}` back (or `{"error": "..."}`); the zygote also writes `{"exit": pid, "code": c}` when a
child ends (a negative code is the signal that killed it, as `subprocess` reports it). EOF on stdin (the
stack stopped, or died) ends the zygote; its children then get SIGTERM from their parent-death signal, as
every child of the stack does (devstack/processes.py).

Only `-m module args...` runs here, and only code that reads its configuration when it is called, not when it
is imported (every service's settings come from `create_app`): the zygote imported it with the stack's
environment, and a child gets its own.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import importlib
import importlib.util
import io
import json
import os
import runpy
import selectors
import signal
import sys
import time
import traceback
from typing import Any

# What every service and the gateway import. Each entry is imported if it is installed; the services' own
# packages come from the registry (`preload_modules`).
SHARED = (
    "uvicorn",
    "uvicorn.main",
    "uvicorn.config",
    "uvicorn.server",
    "uvicorn.lifespan.on",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.loops.uvloop",
    "uvicorn.loops.asyncio",
    "aioboto3",
    "devstack.gateway",
)


def preload_modules() -> list[str]:
    """SHARED, then each registered service's app module (`<package>.main`)."""
    from cruddur_common.registry import load_registry

    return [*SHARED, *(f"{entry.package}.main" for entry in load_registry())]


def _preload(names: list[str]) -> None:
    began, cpu = time.monotonic(), time.process_time()
    loaded = 0
    for name in names:
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except ModuleNotFoundError:  # its parent package is not installed
            continue
        try:
            importlib.import_module(name)
        except Exception:  # one service's bug at import: the others are still forked from here
            print(f"zygote: {name} not preloaded, it raised:", file=sys.stderr)
            traceback.print_exc()  # the child that runs it raises again, in its own log
            continue
        loaded += 1
    # What the zygote imported stays shared, page for page, by every child it forks: keep the collector from
    # touching it (and copying every page) in each child.
    gc.collect()
    gc.freeze()
    print(  # to zygote.log: what the first forks waited for
        f"zygote: {loaded} of {len(names)} modules and their imports preloaded in "
        f"{time.monotonic() - began:.1f} s ({time.process_time() - cpu:.1f} s of CPU)",
        file=sys.stderr,
        flush=True,
    )


def _write(out: Any, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _reap(out: Any) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _write(out, {"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def serve(preload: list[str]) -> None:
    """The zygote's loop: fork on each request line, report each exit; return at EOF.

    Replies go to a copy of the stdout it was started with; fd 1 itself then points at stderr
    (zygote.log), so a module that prints while it is imported cannot break the protocol. Ctrl-C in
    `make run`'s terminal is the stack's to handle: the zygote ignores SIGINT and ends at EOF.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    _preload(preload)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd hears of each exit
    _write(out, {"ready": os.getpid()})
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(0, selectors.EVENT_READ, "request")
        selector.register(wake_r, selectors.EVENT_READ, "exit")
        # What a child must not keep open: the stack would never see the zygote's replies end.
        inherited = [wake_r, wake_w, out.fileno(), selector.fileno()]
        while True:
            for key, _ in selector.select():
                if key.data == "exit":
                    with contextlib.suppress(BlockingIOError):
                        os.read(wake_r, 512)
                    _reap(out)
                    continue
                chunk = os.read(0, 65536)
                if not chunk:
                    return
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    _answer(out, line, inherited)


def _answer(out: Any, line: bytes, inherited: list[int]) -> None:
    try:
        pid = _fork(json.loads(line), inherited)
    except Exception as exc:  # a bad request is answered, never the zygote's end
        _write(out, {"error": f"{type(exc).__name__}: {exc}"})
    else:
        _write(out, {"pid": pid})


def _fork(request: dict[str, Any], inherited: list[int]) -> int:
    argv = request["argv"]
    if len(argv) < 2 or argv[0] != "-m":
        raise ValueError(f"only `-m module args...` runs in the zygote, not {argv!r}")
    log_fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns (measured by the tests through its output)
            _become(request, log_fd, inherited)
    finally:
        os.close(log_fd)
    return pid


def _become(request: dict[str, Any], log_fd: int, inherited: list[int]) -> None:
    """In the child: what `subprocess.Popen([python, -m, ...], start_new_session=True)` would have set up."""
    code: int = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for fd in inherited:
            os.close(fd)
        os.setsid()
        from devstack.processes import die_with_parent, name_process

        die_with_parent()
        name_process(request["name"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # the zygote's request pipe
        os.close(null)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(line_buffering=True, write_through=True)  # as PYTHONUNBUFFERED=1
        os.environ.clear()
        os.environ.update(request["env"])
        if os.environ.get("PYTHONFAULTHANDLER"):
            faulthandler.enable()
        module, *args = request["argv"][1:]
        sys.argv = [module, *args]
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        atexit._run_exitfuncs()  # as a normal interpreter exit would (logging's flush among them)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def main() -> None:
    """`python -m devstack.zygote [module ...]`: preload (the modules named, or `preload_modules()`), then
    serve the stack's requests on stdin/stdout."""
    serve(sys.argv[1:] or preload_modules())


if __name__ == "__main__":
    main()
