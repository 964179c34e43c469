"""The README and docs/: every relative link reaches a file (and heading) that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _without_fences(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a markdown file."""
    headings = re.findall(r"^#+\s+(.*)$", _without_fences(path.read_text()), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def broken_links(doc: Path) -> list[str]:
    """Relative links in `doc` (outside code) whose file or heading does not exist."""
    prose = re.sub(r"`[^`\n]*`", "", _without_fences(doc.read_text()))
    broken = []
    for target in LINK.findall(prose):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        path = (doc.parent / file).resolve() if file else doc
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in _anchors(path)):
            broken.append(target)
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc: Path) -> None:
    assert broken_links(doc) == []


def test_the_check_finds_broken_links(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# A heading\n[a](missing.md) [b](#nowhere) [c](#a-heading) `[d](code.md)` [e](doc.md#a-heading)\n"
    )
    assert broken_links(doc) == ["missing.md", "#nowhere"]


def test_no_doc_calls_the_original_client_drop_in() -> None:
    # docs/compatibility.md says what is kept and what changed; the original client does not work unchanged.
    assert [str(p.relative_to(ROOT)) for p in DOCS if re.search(r"drop[- ]in", p.read_text(), re.I)] == []
