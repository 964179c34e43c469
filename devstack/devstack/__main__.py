"""`python -m devstack run|seed-large|purge`: the local product for people without AWS or Docker."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading
import time

from cruddur_common.registry import load_registry
from devstack import config as c
from devstack.stack import LocalStack

log = logging.getLogger("devstack")


def _banner(stack: LocalStack, elapsed: float) -> str:
    from devstack.seed import DEMO_USERS

    cfg = stack.cfg
    lines = [
        "",
        f"Cruddur is up in {elapsed:.1f}s — open {cfg.gateway_url}",
        "",
        f"  web app            {cfg.gateway_url}/",
        f"  API health         {cfg.gateway_url}/api/health-check",
        f"  runtime config     {cfg.gateway_url}/config.json",
    ]
    for entry in load_registry():
        lines.append(
            f"  {entry.name + ' docs':<18} {cfg.gateway_url}/docs/{entry.name}"
            f"   (service on {cfg.service_url(entry)})"
        )
    lines += [
        f"  Postgres           {cfg.db_url}",
        f"  AWS (moto)         {cfg.aws_url}   Cognito pool {stack.aws.user_pool_id if stack.aws else '?'}",
        f"  logs               {stack.log_dir}/",
        "",
        f"  demo users (password {c.DEMO_PASSWORD}; @andrewbrown moderates):",
        *[f"    {u.email:<34} @{u.handle}" for u in DEMO_USERS],
        "",
        "Ctrl-C stops everything (data is kept in .data/ for the next start).",
        "",
    ]
    return "\n".join(lines)


def run() -> None:
    """Start the whole product and wait for Ctrl-C or SIGTERM."""
    started = time.monotonic()
    stack = LocalStack(c.StackConfig.for_run())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("starting Postgres, moto, the four services and the gateway ...", flush=True)
    stack.start()
    crashed = False
    try:
        if stack.cfg.seed_demo and stack.aws:
            from devstack.seed import seed_demo  # after the start: boto3 and httpx are loaded by then

            seed_demo(
                gateway_url=stack.cfg.gateway_url,
                client_id=stack.aws.client_id,
                data_dir=stack.cfg.data_dir,
                aws_url=stack.cfg.aws_url,
            )
        print(_banner(stack, time.monotonic() - started), flush=True)
        supervisor = stack.supervise()  # restarts a dead part; only a crash loop ends the run
        while not stop.wait(0.5):
            if supervisor.failed.is_set():
                print(supervisor.failure, file=sys.stderr, flush=True)
                crashed = True
                break
    finally:
        print("stopping ...", flush=True)
        stack.stop()
        print("stopped.", flush=True)
    if crashed:
        sys.exit(1)


def main() -> None:
    """Dispatch the sub-command."""
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "gateway", "seed-large", "purge", "moderator"])
    parser.add_argument("email", nargs="?", help="moderator: the email of the user to add to the group")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # seeding makes dozens of calls; keep the console readable
    if args.command == "run":
        run()
    elif args.command == "moderator":
        from devstack.moderator import main as add_moderator

        add_moderator(args.email)
    elif args.command == "gateway":
        from devstack.gateway import serve_from_env

        serve_from_env()
    else:
        module = importlib.import_module(f"devstack.{args.command.replace('-', '_')}")
        module.main()


if __name__ == "__main__":
    main()
