"""pytest plugin of `make test-unit`: a test that needs the local stack is refused, not started.

The stack (embedded Postgres, moto, services, gateway) is the `stack` fixture of tests/conftest.py;
the quick loop must never pay for it, so asking for it fails the collection with the tests' names.
"""

from __future__ import annotations

import pytest

STACK_FIXTURE = "stack"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fail before anything runs when a collected test depends on the stack fixture."""
    needs_stack = [item.nodeid for item in items if STACK_FIXTURE in getattr(item, "fixturenames", ())]
    if needs_stack:
        raise pytest.UsageError(
            "make test-unit runs without the local stack, but these tests need it "
            "(move them under tests/integration): " + ", ".join(needs_stack)
        )
