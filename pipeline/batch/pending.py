"""The pending queue: files accepted while another run holds the archive's lock (a desk upload during the
nightly batch), kept on disk until a run files them.

`queue/` beside the archive holds, per accepted file, its copy `<sha256>.<id><ext>` and then its note
`<sha256>.<id>.json` (the path it is filed under, when it arrived, the upload it belongs to). The copy is
written as the batch writes its incoming copies: a temporary name, hashed while written, fsync, rename, fsync
the folder; the note the same way, after the copy. A file is accepted once its note is on disk, so a desk
stopped at any point loses nothing it acknowledged: a copy without a note was never acknowledged (tidied
after a day), a note is always beside its copy.

Any run that holds the lock files the queue (run.Batch.take_queue): `vanban ingest` after its own files and
again at its end (what arrived while it ran), `vanban watch`, and the desk as soon as the lock is free. A note
is removed only after its file's outcome is committed (filed, quarantined, or found to be a duplicate), so a
run killed in between files it again or finds it filed (skipped). Each accepted file has a copy of its own
(the id in the name): two clerks uploading the same bytes at once never share, or remove, each other's copy;
the run then finds the second one a duplicate as for any inbox.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from pipeline.archive.db import now
from pipeline.archive.store import fsync_dir
from pipeline.batch import quarantine as qr

FOLDER = "queue"
RESERVE = 64 << 20          # bytes kept free on the archive's disk beyond each copy (as the batch's)
STALE_S = 24 * 3600         # a copy without its note, or a temporary file, older than this is tidied away
_NOTE = re.compile(r"([0-9a-f]{64})\.([0-9a-f]{16})\.json")


def folder(root: str | os.PathLike) -> Path:
    return Path(root) / FOLDER


def accept(root: str | os.PathLike, stream, path: str, suffix: str, upload: str | None = None,
           reference: bool = False) -> dict:
    """Store `stream` (a binary file object) in the queue, durably, to be filed under `path`; returns its note.
    Raises OSError (ENOSPC when the disk lacks room for it and the reserve)."""
    base = folder(root)
    base.mkdir(parents=True, exist_ok=True)
    ident = uuid.uuid4().hex[:16]
    fd, tmp = tempfile.mkstemp(dir=base, prefix=".queue-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
                if shutil.disk_usage(base).free < RESERVE:
                    raise OSError(errno.ENOSPC, "not enough free space for the copy and its reserve")
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        os.chmod(tmp, 0o444)
        copy = base / f"{sha}.{ident}{suffix}"
        os.replace(tmp, copy)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(base)
    arrived = time.time_ns()
    info = {"path": path, "sha256": sha, "suffix": suffix, "time": now(), "arrival_ns": arrived,
            "upload": upload, "reference": reference, "id": ident}
    note = base / f"{sha}.{ident}.json"
    try:
        qr.write_json(note, info)
        fsync_dir(base)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return info


def notes(root: str | os.PathLike, upload: str | None = None) -> list[tuple[Path, dict]]:
    """The accepted files not yet filed, in arrival order (then path); with `upload`, only that upload's."""
    base = folder(root)
    if not base.is_dir():
        return []
    out = []
    for note in base.iterdir():
        m = _NOTE.fullmatch(note.name)
        if m is None:
            continue
        try:
            info = json.loads(note.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue  # filed meanwhile
        except (OSError, ValueError):
            info = {}  # unreadable note: still listed, the run reports it
        info.setdefault("sha256", m.group(1))
        info.setdefault("id", m.group(2))
        if upload is None or info.get("upload") == upload:
            out.append((note, info))
    out.sort(key=lambda n: (int(n[1].get("arrival_ns") or 0), str(n[1].get("path") or "")))
    return out


def copy_of(note: Path, info: dict) -> Path:
    return note.parent / f"{info['sha256']}.{info['id']}{info.get('suffix') or ''}"


def release(note: Path, info: dict) -> None:
    """The file's outcome is committed: its copy (if the run did not move it into the store or the quarantine)
    and then its note go."""
    copy_of(note, info).unlink(missing_ok=True)
    note.unlink(missing_ok=True)
    try:
        fsync_dir(note.parent)
    except OSError:
        pass


def tidy(root: str | os.PathLike) -> None:
    """Temporary files and copies without a note (a desk stopped while it wrote them: never acknowledged),
    once they are a day old; anything younger may be a write in progress in another process."""
    base = folder(root)
    if not base.is_dir():
        return
    named = {n.name[:81] for n in base.glob("*.json")}  # "<sha>.<id>"
    limit = time.time() - STALE_S
    for p in base.iterdir():
        if p.name.endswith(".json") and not p.name.startswith("."):
            continue
        try:
            if p.stat().st_mtime < limit and p.name[:81] not in named:
                p.unlink()
        except OSError:
            pass
