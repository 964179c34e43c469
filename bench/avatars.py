"""Avatar processing: our Pillow pipeline against sharp (what the original's Lambda used), same run.

Two inputs, made once into build/bench-avatars/: a 12-megapixel camera-like JPEG and a 4-megapixel PNG.
Each is processed into 512x512 and 128x128, JPEG q85 and WebP q80 (auto-orient, centre crop). sharp is
installed with npm into build/bench-node/ (git-ignored) at a pinned version. The two engines take turns
image by image, so a busy machine slows both alike; the figure is the median of the timed runs.
Standalone: `python -m bench.avatars`; in `make bench` through bench.run.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from bench.harness import Result, Run
from devstack.config import ROOT
from user_service.avatars.processing import process_image

SHARP_VERSION = "0.35.5"
NODE_DIR = ROOT / "build" / "bench-node"
DATA_DIR = ROOT / "build" / "bench-avatars"
SCRIPT = Path(__file__).with_name("avatars_sharp.mjs")
RUNS = 25
TARGET_RATIO = 1.25


@dataclass(frozen=True)
class Input:
    """One benchmark image."""

    name: str
    path: Path
    content_type: str


def _photo(width: int, height: int, *, grain: int) -> Image.Image:
    """Camera-like content: smooth colour fields plus sensor grain (deterministic per call pattern)."""
    channels = []
    for _ in range(3):
        field = Image.effect_noise((width // 40 + 1, height // 40 + 1), 90).resize(
            (width, height), Image.Resampling.BICUBIC
        )
        if grain:
            field = ImageChops.add(field, Image.effect_noise((width, height), grain), scale=1.0, offset=-128)
        channels.append(field)
    return Image.merge("RGB", channels)


def inputs() -> list[Input]:
    """The two images (made once; both stay under the 5 MB upload limit)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    made = [
        Input("12 MP JPEG (4000x3000)", DATA_DIR / "photo-12mp.jpg", "image/jpeg"),
        Input("4 MP PNG (2448x1632)", DATA_DIR / "graphic-4mp.png", "image/png"),
    ]
    if not made[0].path.exists():
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 1
        exif[0x010F] = "CruddurCam"
        _photo(4000, 3000, grain=10).save(out, "JPEG", quality=90, exif=exif)
        made[0].path.write_bytes(out.getvalue())
    if not made[1].path.exists():
        out = io.BytesIO()
        _photo(2448, 1632, grain=0).save(out, "PNG")
        made[1].path.write_bytes(out.getvalue())
    return made


def ensure_sharp() -> str:
    """Install the pinned sharp into build/bench-node/ (npm) unless it is there; returns its version."""
    package = NODE_DIR / "node_modules" / "sharp" / "package.json"
    if not package.exists() or json.loads(package.read_text())["version"] != SHARP_VERSION:
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        manifest = {"name": "cruddur-bench-node", "private": True, "dependencies": {"sharp": SHARP_VERSION}}
        (NODE_DIR / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True
        )
    return SHARP_VERSION


Sample = tuple[float, float]  # (wall ms, CPU ms of all the process's threads)


def _pillow_once(data: bytes, content_type: str) -> Sample:
    start, cpu = time.perf_counter(), time.process_time()
    process_image(data, declared_type=content_type)
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


class Sharp:
    """A node process running the sharp pipeline on request (one file per line)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            ["node", str(SCRIPT)], cwd=NODE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def once(self, path: Path) -> Sample:
        """Process one file; its wall and CPU milliseconds."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(f"{path}\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the sharp process exited")
        wall, cpu = line.split()
        return float(wall), float(cpu)

    def close(self) -> None:
        """Stop the node process."""
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=10)


def measure(*, runs: int = RUNS) -> dict[str, dict[str, list[Sample]]]:
    """Milliseconds per image, per input and engine; the engines alternate image by image."""
    items = inputs()
    ensure_sharp()
    timings: dict[str, dict[str, list[Sample]]] = {i.name: {"pillow": [], "sharp": []} for i in items}
    sharp = Sharp()
    try:
        for item in items:
            data = item.path.read_bytes()
            _pillow_once(data, item.content_type), sharp.once(item.path)  # warm-up: codecs, pools
            for turn in range(runs):
                first_pillow = turn % 2 == 0
                if first_pillow:
                    timings[item.name]["pillow"].append(_pillow_once(data, item.content_type))
                timings[item.name]["sharp"].append(sharp.once(item.path))
                if not first_pillow:
                    timings[item.name]["pillow"].append(_pillow_once(data, item.content_type))
    finally:
        sharp.close()
    return timings


def _run_of(samples: list[Sample]) -> Run:
    walls = sorted(wall for wall, _ in samples)
    p99 = walls[min(len(walls) - 1, round(0.99 * (len(walls) - 1)))]
    median = statistics.median(walls)
    return Run(rps=1000 / median, p50_ms=median, p99_ms=p99, errors=0)


def medians(samples: list[Sample]) -> tuple[float, float]:
    """Median wall and median CPU milliseconds."""
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def results(timings: dict[str, dict[str, list[Sample]]]) -> list[Result]:
    """The medians as bench Results (req/s = images per second on one process)."""
    out = []
    for name, engines in timings.items():
        ratio = medians(engines["pillow"])[0] / medians(engines["sharp"])[0]
        verdict = "OK" if ratio <= TARGET_RATIO else "MISSED"
        target = f"<= {TARGET_RATIO}x sharp: {ratio:.2f}x {verdict}"
        out.append(
            Result(area="avatars", name=f"pillow {name}", target=target, runs=[_run_of(engines["pillow"])])
        )
        sharp_name = f"sharp {SHARP_VERSION} {name}"
        out.append(
            Result(area="avatars", name=sharp_name, target="reference", runs=[_run_of(engines["sharp"])])
        )
    return out


def summary(timings: dict[str, dict[str, list[Sample]]]) -> str:
    """Wall (median and best) and CPU medians per engine, then the Pillow/sharp ratios."""
    lines = [
        "| image | engine | wall ms (median) | wall ms (best) | CPU ms (median) |",
        "|---|---|---:|---:|---:|",
    ]
    ratios = []
    for name, engines in timings.items():
        for engine in ("pillow", "sharp"):
            wall, cpu = medians(engines[engine])
            best = min(w for w, _ in engines[engine])
            lines.append(f"| {name} | {engine} | {wall:.0f} | {best:.0f} | {cpu:.0f} |")
        (pw, pc), (sw, sc) = medians(engines["pillow"]), medians(engines["sharp"])
        pb, sb = min(w for w, _ in engines["pillow"]), min(w for w, _ in engines["sharp"])
        ratios.append(f"{name}: Pillow/sharp wall {pw / sw:.2f} (best {pb / sb:.2f}), CPU {pc / sc:.2f}")
    return "\n".join([*lines, "", *ratios])


def run(ctx: Any) -> list[Result]:
    """bench.run entry point (needs no stack)."""
    timings = measure()
    print(summary(timings))
    return results(timings)


def main() -> None:
    """Print the comparison."""
    timings = measure()
    print(summary(timings))
    print(f"(median of {RUNS} runs per engine and image; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
