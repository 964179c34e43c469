"""A child for the zygote and supervisor tests, run as `-m tests.unit.devstack.zygote_child <what>`."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    comm = Path("/proc/self/comm").read_text().strip()
    print(f"probe={os.environ.get('ZYGOTE_PROBE')} leader={os.getpgid(0) == os.getpid()} comm={comm}")
    print(f"argv={sys.argv[1:]} path_set={'PATH' in os.environ}")
    print(f"ctrl_c_interrupts={signal.getsignal(signal.SIGINT) is signal.default_int_handler}")
    what = sys.argv[1]
    if what == "sleep":
        time.sleep(60)
    elif what == "raise":
        raise RuntimeError("boom in the child")
    else:
        sys.exit(int(what))
