"""The local AWS: a moto server on 127.0.0.1 whose state survives restarts (pickled on shutdown).

Run as `python -m devstack.aws_server --port 4566 --state .data/moto/state.pickle`.
"""

from __future__ import annotations

import argparse
import copyreg
import logging
import os
import pickle
import signal
import threading
from pathlib import Path
from typing import Any

# Stable Cognito ids across restarts, even without a saved state.
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger("devstack.aws")
# dynamodbstreams is left out: it only holds shard iterators (one per get_records call), never data.
PERSISTED = ("cognito-idp", "dynamodb", "s3", "sqs", "secretsmanager")


def _load_rsa(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, None)


def _reduce_rsa(key: Any) -> tuple[Any, tuple[bytes]]:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _load_rsa, (pem,)


def _register_reducers() -> None:
    copyreg.pickle(type(rsa.generate_private_key(public_exponent=65537, key_size=2048)), _reduce_rsa)
    copyreg.pickle(type(threading.RLock()), lambda _: (threading.RLock, ()))
    copyreg.pickle(type(threading.Lock()), lambda _: (threading.Lock, ()))


def save_state(path: Path) -> None:
    """Pickle the backends we use; write atomically."""
    from moto.backends import get_backend

    state = {name: dict(get_backend(name)) for name in PERSISTED}  # type: ignore[call-overload]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(state))
    tmp.replace(path)


def load_state(path: Path) -> bool:
    """Restore saved backends; a corrupt or incompatible file is ignored (the stack re-bootstraps)."""
    from moto.backends import get_backend

    if not path.exists():
        return False
    try:
        state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file in our data dir
        for name, accounts in state.items():
            live = get_backend(name)
            live.clear()
            live.update(accounts)
    except Exception as exc:  # a stale pickle from another moto version must not stop the stack
        log.warning("ignoring saved AWS state %s: %s", path, exc)
        return False
    return True


def _patch_transaction_rollback() -> None:
    """Make a cancelled TransactWriteItems leave the table's stream as real DynamoDB does.

    moto rolls a cancelled transaction back by swapping in a deep copy of the table: the live stream
    shard, which open shard iterators hold, is replaced (a stream poller then never sees another
    record) and keeps the records of the writes that were rolled back. Keep the live shard, drop those
    records. Transactions also run one at a time (moto's threaded server would interleave two).
    """
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    one_at_a_time = threading.Lock()

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        shards = {
            n: (t.stream_shard, len(t.stream_shard.items)) for n, t in self.tables.items() if t.stream_shard
        }
        try:
            with one_at_a_time:
                original(self, transact_items)
        except Exception:
            for name, (shard, length) in shards.items():
                table = self.tables.get(name)
                if table is not None and table.stream_shard is not shard:
                    del shard.items[length:]
                    shard.table = table
                    table.stream_shard = shard
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def main() -> None:
    """Serve until SIGTERM/SIGINT, then save the state."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--state", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    _register_reducers()
    _patch_transaction_rollback()

    from moto.server import ThreadedMotoServer

    restored = load_state(args.state)
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    log.info("moto on %s:%s (state %s)", args.host, args.port, "restored" if restored else "new")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(timeout=30):
        try:  # a periodic save survives a hard kill
            save_state(args.state)
        except Exception as exc:
            log.debug("periodic save skipped: %s", exc)
    server.stop()
    save_state(args.state)
    log.info("moto state saved to %s", args.state)


if __name__ == "__main__":
    main()
