"""The warm-start bench's bookkeeping: which process is which, and the stack it starts beside others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.start import _descendants, _label
from devstack import config as c


@pytest.mark.parametrize(
    ("argv", "label"),
    [
        (
            [b"/v/bin/python", b"-m", b"uvicorn", b"activity_service.main:create_app", b"--factory"],
            "activity_service",
        ),
        ([b"/v/bin/python", b"-m", b"devstack", b"run"], "devstack (parent)"),
        ([b"/v/bin/python", b"-m", b"messaging_service.stream_poller"], "stream_poller"),
        ([b"/usr/lib/postgresql/15/bin/postgres", b"-D", b"x"], "postgres"),
        ([], "?"),
    ],
)
def test_label(argv: list[bytes], label: str) -> None:
    assert _label(argv) == label


def test_a_forked_child_is_told_apart_from_its_zygote_by_its_name() -> None:
    zygote = [b"/v/bin/python", b"-m", b"devstack.zygote"]
    assert _label(zygote, "python") == "zygote"
    assert _label(zygote, "activity") == "activity (forked)"


def test_descendants_include_the_root_with_its_cpu() -> None:
    found = _descendants(os.getpid())
    assert os.getpid() in found
    assert found[os.getpid()][1] > 0


def test_for_run_shifts_every_port_and_moves_the_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CRUDDUR_PORT", raising=False)
    monkeypatch.setenv("CRUDDUR_PORT_SHIFT", "22000")
    monkeypatch.setenv("CRUDDUR_DATA_DIR", str(tmp_path))
    cfg = c.StackConfig.for_run()
    default = c.StackConfig()
    assert (cfg.gateway_port, cfg.moto_port, cfg.pg_port) == (
        default.gateway_port + 22000,
        default.moto_port + 22000,
        default.pg_port + 22000,
    )
    assert cfg.port_offset == 22000
    assert cfg.data_dir == tmp_path
