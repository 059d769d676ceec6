"""Originals stored by content, never modified (BagIt/Archivematica habit): `originals/ab/<sha256>.<ext>`
beside the database. Written to a temporary name, fsync'd, renamed into place, and the folder fsync'd, so a
crash leaves either the whole file or nothing."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path


def open_regular(path: str | os.PathLike):
    """A binary file object for a regular file only: never follows a symlink, never blocks on a FIFO that
    took a file's place after it was listed (OSError otherwise)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return os.fdopen(fd, "rb")


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_name(sha256: str, suffix: str) -> str:
    """'ab/abcdef….pdf': two-level fan-out keeps folders small."""
    return f"{sha256[:2]}/{sha256}{suffix.lower()}"


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename inside `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_copy(source: str | os.PathLike, target: Path, sha256: str | None = None) -> bool:
    """Copy a regular file to `target`, read-only: a temporary name beside it, fsync, rename, fsync the
    folder, so a crash leaves the whole file or nothing. With `sha256`, the bytes are hashed as they are
    copied and nothing is kept (False) when they no longer match: the file changed meanwhile."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, open_regular(source) as src:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if sha256 is not None and digest.hexdigest() != sha256:
            os.unlink(tmp)
            return False
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return True


def store_original(originals: Path, source: str | os.PathLike, sha256: str) -> str:
    """Copy `source` into the store (once per content); returns the stored name relative to `originals`."""
    name = stored_name(sha256, Path(source).suffix)
    target = originals / name
    if target.exists():
        return name
    target.parent.mkdir(parents=True, exist_ok=True)
    durable_copy(source, target)
    return name
