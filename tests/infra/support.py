"""What the infra tests read: the synthesized cloud assembly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Synth:
    """The synthesized cloud assembly: its directory, templates by stack name, and the nag report."""

    outdir: Path
    templates: dict[str, dict[str, Any]]
    environments: dict[str, str]
    report: dict[str, Any]

    def resources(self, stack: str, kind: str) -> dict[str, dict[str, Any]]:
        """Resources of one CloudFormation type in one stack, by logical id."""
        found = self.templates[stack]["Resources"].items()
        return {name: res for name, res in found if res["Type"] == kind}
