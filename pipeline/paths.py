"""File names are data (reliability.md #27): what the operating system gives may hold bytes that are not UTF-8
(a USB stick written on an old Windows, a zip made in CP1258). Python keeps such bytes as surrogate escapes, so
the file can still be opened by that name; `readable` is the form that is printed, stored in SQLite and written
as JSON (stdlib only)."""
from __future__ import annotations

import os


def readable(path: str | os.PathLike) -> str:
    """The path as text: unchanged when it is valid UTF-8; otherwise each byte that is not is written as a
    backslash escape (`b\\xff.txt`), so two different names never print the same."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
