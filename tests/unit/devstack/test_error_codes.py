"""The SPA's list of error codes is the services' own (src/lib/errorWords.test.ts words every one)."""

from __future__ import annotations

import ast
import json

from devstack.error_codes import ERROR_CODES_FILE, codes_in, error_codes


def test_the_committed_list_matches_the_sources() -> None:
    assert error_codes() == json.loads(ERROR_CODES_FILE.read_text()), (
        "the services' error codes changed: run `make openapi`, word the new ones in src/lib/errorWords.ts"
    )


def test_every_shape_of_a_code_is_found() -> None:
    source = """
class Gone(AppError):
    code = "a_class"
raise AppError("x", code="a_raise")
body = {"error": {"code": "a_body"}}
_STATUS_CODES = {404: "a_status"}
_STATUS_CODES.get(s, "a_fallback")
raise AvatarRejected("a_reason", "message")
reason = result.reason or "an_or"
error_response(400, "a_response", "message")
x = {"code": "Not A Code"}
"""
    assert set(codes_in(ast.parse(source))) == {
        "a_class",
        "a_raise",
        "a_body",
        "a_status",
        "a_fallback",
        "a_reason",
        "an_or",
        "a_response",
    }


def test_the_list_holds_the_codes_of_the_findings() -> None:
    """Issue 18 finding 9 showed these raw; the platform's own fallbacks are listed too."""
    assert {"not_an_image", "activity_not_found", "validation_error", "handle_taken", "invalid_body"} <= set(
        error_codes()
    )
