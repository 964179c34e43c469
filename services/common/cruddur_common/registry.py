"""The routing registry: which service owns which public path, read from services/registry.toml."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REGISTRY_FILE = Path(__file__).resolve().parents[2] / "registry.toml"
MAX_PATTERNS_PER_RULE = 5


@dataclass(frozen=True, slots=True)
class ListenerRule:
    """One ALB listener rule of a service: at most MAX_PATTERNS_PER_RULE path patterns at one priority."""

    priority: int
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One service: its name, paths (from `priority` on), port and health paths."""

    name: str
    priority: int
    paths: tuple[str, ...]
    port: int
    health_path: str
    ready_path: str
    cpu: int
    memory: int

    @property
    def rules(self) -> tuple[ListenerRule, ...]:
        """The listener rules that route `paths` here: 5 patterns each, at `priority`, `priority + 1`, …"""
        step = MAX_PATTERNS_PER_RULE
        return tuple(
            ListenerRule(self.priority + i, self.paths[start : start + step])
            for i, start in enumerate(range(0, len(self.paths), step))
        )

    @property
    def package(self) -> str:
        """The Python package that implements this service."""
        return f"{self.name}_service"

    def matches(self, path: str) -> bool:
        """True when any of this rule's path patterns matches `path` (ALB wildcard semantics)."""
        return any(_compile(pattern).fullmatch(path) for pattern in self.paths)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    """Translate an ALB path pattern (`*` any run, `?` one character) into a regex."""
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts))


def _validate(entries: list[ServiceEntry]) -> None:
    names = [e.name for e in entries]
    priorities = [rule.priority for e in entries for rule in e.rules]
    ports = [e.port for e in entries]
    for label, values in (("name", names), ("priority", priorities), ("port", ports)):
        if len(set(values)) != len(values):
            raise ValueError(f"registry: duplicate service {label} in {REGISTRY_FILE}")
    for entry in entries:
        if not entry.paths:
            raise ValueError(f"registry: {entry.name} needs at least one path pattern")
        if any(p.startswith("/internal") for p in entry.paths):
            raise ValueError(f"registry: {entry.name} routes /internal paths, which must stay private")


@functools.cache
def load_registry(path: str | None = None) -> tuple[ServiceEntry, ...]:
    """Load and validate the registry, ordered by rule priority (lowest first)."""
    file = Path(path or os.environ.get("CRUDDUR_REGISTRY_FILE") or REGISTRY_FILE)
    raw = tomllib.loads(file.read_text(encoding="utf-8"))
    entries = [
        ServiceEntry(
            name=item["name"],
            priority=int(item["priority"]),
            paths=tuple(item["paths"]),
            port=int(item["port"]),
            health_path=item["health_path"],
            ready_path=item["ready_path"],
            cpu=int(item["cpu"]),
            memory=int(item["memory"]),
        )
        for item in raw["service"]
    ]
    _validate(entries)
    return tuple(sorted(entries, key=lambda e: e.priority))


def service(name: str) -> ServiceEntry:
    """The registry entry called `name`; KeyError if there is none."""
    for entry in load_registry():
        if entry.name == name:
            return entry
    raise KeyError(f"no service {name!r} in the routing registry")


def route(path: str) -> ServiceEntry | None:
    """The service an ALB would forward `path` to, or None (the listener's default 404)."""
    rules = sorted(
        ((rule.priority, rule.paths, entry) for entry in load_registry() for rule in entry.rules),
        key=lambda found: found[0],
    )
    for _, paths, entry in rules:
        if any(_compile(pattern).fullmatch(path) for pattern in paths):
            return entry
    return None
