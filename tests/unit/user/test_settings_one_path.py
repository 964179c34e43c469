"""User settings are read one way: only entry points call get_settings(); the rest is passed them."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import user_service
from user_service import main
from user_service.settings import Settings

PACKAGE = Path(user_service.__file__).resolve().parent
# main.create_app, the worker's main() and the Lambdas' handlers (plus the getter's own definition).
ENTRY_POINTS = {
    "main.py",
    "settings.py",
    "avatar_worker.py",
    "lambdas/avatar_processor.py",
    "lambdas/post_confirmation.py",
    "lambdas/pre_sign_up.py",
}


def _calls_get_settings(source: str) -> bool:
    calls = (node.func for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call))
    return any(getattr(f, "id", getattr(f, "attr", "")) == "get_settings" for f in calls)


def test_only_entry_points_call_get_settings() -> None:
    callers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if _calls_get_settings(path.read_text(encoding="utf-8"))
    }
    assert callers <= ENTRY_POINTS, callers - ENTRY_POINTS
    assert "main.py" in callers  # the fence is looking at the right files


def test_create_app_takes_settings_like_the_other_services() -> None:
    parameter = inspect.signature(main.create_app).parameters["settings"]
    assert parameter.default is None and parameter.annotation in (Settings | None, "Settings | None")
