"""The SPA: production bundle size (gzip) and navigation → home feed rendered with 20 cruds in Chromium."""

from __future__ import annotations

import json
import statistics
import subprocess
from typing import Any

from bench.harness import Result, Run
from devstack import spa
from devstack.chromium import launch
from devstack.config import ROOT

LOADS = 10
JS_BUDGET = 200 * 1024
FEED_BUDGET_MS = 1000


def bundle_sizes() -> dict[str, int]:
    """Gzip sizes of the built bundle (frontend-react-js/scripts/bundle-size.mjs)."""
    spa.build()
    output = subprocess.run(
        ["node", "scripts/bundle-size.mjs"],
        cwd=ROOT / "frontend-react-js",
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    sizes: dict[str, int] = json.loads(output)
    return sizes


def feed_render_times(gateway_url: str, *, loads: int = LOADS) -> list[float]:
    """Milliseconds from navigation start to the home feed's `cruddur:home-feed` mark, fresh context each."""
    times = []
    with launch() as browser:
        for _ in range(loads + 1):  # the first load warms the server side; not counted
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(gateway_url + "/")
            page.wait_for_function(
                "performance.getEntriesByName('cruddur:home-feed').length > 0", timeout=30_000
            )
            items = page.locator("article.crud").count()
            mark = page.evaluate("performance.getEntriesByName('cruddur:home-feed')[0].startTime")
            context.close()
            if items < 20:
                raise RuntimeError(f"the home feed rendered {items} cruds; seed the bench data first")
            times.append(float(mark))
    return times[1:]


def run(ctx: Any) -> list[Result]:
    """bench.run entry point: needs the bench stack with at least 20 live cruds."""
    sizes = bundle_sizes()
    times = feed_render_times(ctx.gateway_url)
    median = statistics.median(times)
    initial = sizes["js_gzip_bytes_initial"]
    print(
        f"frontend: initial JS {initial / 1024:.1f} KB gzip (budget 200), total JS "
        f"{sizes['js_gzip_bytes_total'] / 1024:.1f} KB, CSS {sizes['css_gzip_bytes'] / 1024:.1f} KB; "
        f"home feed rendered in {median:.0f} ms median of {len(times)} loads (budget 1000)"
    )
    verdict_js = "OK" if initial <= JS_BUDGET else "MISSED"
    verdict_feed = "OK" if median <= FEED_BUDGET_MS else "MISSED"
    feed = Run(rps=1000 / median, p50_ms=median, p99_ms=max(times), errors=0)
    return [
        Result(
            area="frontend",
            name=f"initial JS {initial / 1024:.1f} KB gzip",
            target=f"<= 200 KB {verdict_js}",
            runs=[Run(rps=0, p50_ms=0, p99_ms=0, errors=0)],
        ),
        Result(
            area="frontend",
            name="navigation -> home feed (20 cruds)",
            target=f"<= 1 s {verdict_feed}",
            runs=[feed],
        ),
    ]
