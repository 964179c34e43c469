"""The export's zip: its layout, its README and its JSON (blocking: run it in a thread).

The zip is written straight to a file (`write_zip`), the pictures copied into it from files on disk, so a
large export never sits in memory whole. JSON is UTF-8, indented, keys sorted, times ISO 8601.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import orjson
from pydantic import BaseModel

README = "README.txt"
PROFILE = "profile.json"
CRUDS = "cruds.json"
LIKES = "likes.json"
FOLLOWING = "following.json"
FOLLOWERS = "followers.json"
MESSAGES = "messages.json"
PICTURES = "pictures/"

README_TEXT = """\
Your Cruddur data
=================

@{handle} asked for this export on {date} (UTC). It holds what was on Cruddur for you at that
moment. Cruds, messages and pictures that had already reached their end are not in it: they were
deleted when their time was up.

The .json files are plain text (UTF-8) that any text editor opens; times are in UTC, written as
2026-11-30T09:25:00Z.

profile.json    Your account: handle, display name, bio, email, default crud duration, when you
                joined, and which file in this folder is your avatar.
cruds.json      Your live cruds and replies, newest first: the text, when you posted it, when it
                ends, the crud it answers (for a reply), its likes, replies and reposts, and its
                pictures (the file in pictures/ and the alt text you wrote).
likes.json      The live cruds you liked ("likes") and reposted ("reposts"): which crud, whose,
                and when.
following.json  The people you follow, and since when.
followers.json  The people who follow you, and since when.
messages.json   Your conversations: who with, and every message still there, oldest first
                ("mine": true for the ones you sent). A conversation's timer changes are lines
                of kind "timer".
avatar.*        Your avatar as everyone sees it (absent if you never set one).
pictures/       The pictures of your cruds, named <crud uuid>-<n>.jpg, n counting from 1 in the
                order you attached them.

The link to this file worked for 24 hours; the file is deleted from our storage a day later.
"""


def readme(*, handle: str, exported_at: datetime) -> str:
    """The README of one export."""
    return README_TEXT.format(handle=handle, date=exported_at.strftime("%Y-%m-%d %H:%M"))


def picture_name(crud: uuid.UUID, n: int) -> str:
    """Where the `n`-th picture (from 1) of a crud goes in the zip."""
    return f"{PICTURES}{crud}-{n}.jpg"


def avatar_name(key: str) -> str:
    """Where the avatar goes in the zip: `avatar.<the key's extension>`."""
    return f"avatar.{key.rsplit('.', 1)[-1]}"


def to_json(document: BaseModel | Sequence[BaseModel]) -> bytes:
    """Pretty and stable JSON: indented, keys sorted, UTF-8, ISO times, a final newline."""
    data = (
        document.model_dump(mode="json")
        if isinstance(document, BaseModel)
        else [item.model_dump(mode="json") for item in document]
    )
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_zip(
    path: Path, *, readme_text: str, documents: Mapping[str, bytes], files: Mapping[str, Path]
) -> int:
    """Write the zip: README first, then the JSON documents, then the files (by name in the zip); its size."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README, readme_text.encode())
        for name, content in documents.items():
            archive.writestr(name, content)
        for name, source in files.items():  # JPEGs are compressed already: stored as they are
            archive.write(source, name, compress_type=zipfile.ZIP_STORED)
    return path.stat().st_size
