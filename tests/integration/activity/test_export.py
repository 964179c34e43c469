"""A user's data export, the activity service's part: `GET /internal/users/{uuid}/export` (ActivityExport).

Held against what the user made through the API: live cruds and replies they wrote, newest first, with
counts and pictures; their likes and reposts of live cruds; nothing expired, nothing of anyone else.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cruddur_common.contracts import EXPORT_PATH
from devstack.stack import LocalStack
from tests.integration.activity.media import ready_picture
from tests.integration.activity.safety import activity_url, user_uuid
from tests.integration.activity.support import Db
from tests.internal import internal_auth
from tests.support import TestUser, post_crud

pytestmark = pytest.mark.integration


def _export(stack: LocalStack, user: str, **kwargs: Any) -> httpx.Response:
    path = EXPORT_PATH.format(user_uuid=user)
    return httpx.get(f"{activity_url(stack)}{path}", timeout=10, **({"auth": internal_auth()} | kwargs))


def _exported(item: dict[str, Any], *, pictures: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """What the export should say of a crud as the API answered it."""
    fields = ("uuid", "message", "created_at", "expires_at", "reply_to_activity_uuid")
    counts = ("likes_count", "replies_count", "reposts_count")
    return {k: item[k] for k in fields} | {k: item[k] for k in counts} | {"pictures": pictures or []}


def _reaction(crud: dict[str, Any], handle: str) -> tuple[str, str]:
    return crud["uuid"], handle


def test_the_export_is_what_the_user_made_and_still_lives(
    api: httpx.Client, stack: LocalStack, db: Db, make_user: Callable[..., TestUser]
) -> None:
    me, other = make_user(), make_user()
    me_id = user_uuid(api, me)
    picture = ready_picture(api, stack, me)
    first = post_crud(api, "first, with a picture", user=me, media=[{"id": picture["id"], "alt": "a cat"}])
    gone = post_crud(api, "expired since", user=me)
    theirs, theirs_too, theirs_gone = (
        post_crud(api, m, user=other) for m in ("theirs", "theirs too", "gone")
    )
    reply = api.post(
        f"/api/activities/{theirs['uuid']}/reply", json={"message": "my reply"}, headers=me.headers
    )
    assert reply.status_code == 201, reply.text
    last = post_crud(api, "last", user=me)
    for crud, what in ((theirs, "like"), (theirs_too, "repost"), (theirs_gone, "like"), (first, "like")):
        assert api.put(f"/api/activities/{crud['uuid']}/{what}", headers=me.headers).status_code == 200
    assert api.put(f"/api/activities/{last['uuid']}/like", headers=other.headers).status_code == 200
    db.expire(gone["uuid"])
    db.expire(theirs_gone["uuid"])

    response = _export(stack, me_id)
    assert response.status_code == 200, response.text
    body = response.json()
    first_now = first | {"likes_count": 1}
    last_now = last | {"likes_count": 1}
    assert body["cruds"] == [
        _exported(last_now),
        _exported(reply.json()),
        _exported(first_now, pictures=[{"key": f"{picture['prefix']}/1600.jpg", "alt": "a cat"}]),
    ]
    likes = [(x["activity_uuid"], x["author_handle"]) for x in body["likes"]]
    assert likes == [_reaction(first, me.handle), _reaction(theirs, other.handle)]  # newest first
    assert [(x["activity_uuid"], x["author_handle"]) for x in body["reposts"]] == [
        _reaction(theirs_too, other.handle)
    ]
    assert all(x["created_at"] for x in body["likes"] + body["reposts"])


def test_an_unknown_user_s_export_is_empty_and_the_route_is_internal(stack: LocalStack) -> None:
    response = _export(stack, str(uuid.uuid4()))
    assert response.status_code == 200, response.text
    assert response.json() == {"cruds": [], "likes": [], "reposts": []}
    assert _export(stack, str(uuid.uuid4()), auth=None).status_code == 401
    assert _export(stack, "not-a-uuid").status_code == 422
