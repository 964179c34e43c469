"""Put on the PYTHONPATH of the notification process by `bench.live`: logs each full (generation 2)
garbage collection as `<ms> <objects it freed> <pid>` to the file named by LIVE_GC_LOG (with several
workers, every process of the service writes to it).

Only the bench loads this; the product never does.
"""

from __future__ import annotations

import gc
import os
import time

_path = os.environ.get("LIVE_GC_LOG")
_started = [0.0]


def _watch(phase: str, info: dict[str, int]) -> None:
    if info.get("generation") != 2:
        return
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    took = (time.perf_counter() - _started[0]) * 1000
    if _path:
        with open(_path, "a") as out:
            out.write(f"{took:.1f} {info.get('collected', 0)} {os.getpid()}\n")


if _path:
    gc.callbacks.append(_watch)
