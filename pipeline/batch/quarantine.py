"""The quarantine: files the batch could not file, kept unchanged beside the archive with their reason.

A quarantined file's copy is `quarantine/<sha256><ext>` beside the database, with `<sha256>.json` holding
the same facts as its row in the `quarantine` table (path, reason, message, time, run, tool versions), so the
folder explains itself without the database. A symlink or a special file is never opened: it has no copy, its
id is `path:<sha256 of the path>`. The JSON is written atomically before the row is committed, so a run killed
in between leaves a JSON and no row, and the next run records it again (the row is the truth).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline import __version__
from pipeline.archive.db import now

FOLDER = "quarantine"


def folder(archive) -> Path:
    return archive.path.parent / FOLDER


def unopened_id(path: str) -> str:
    return "path:" + hashlib.sha256(os.fsencode(path)).hexdigest()


def versions(archive) -> dict:
    """The tools that judged the file (a retry after an upgrade may judge it otherwise)."""
    return {"vanban": __version__, "sqlite": archive.sqlite_version(), **_installed()}


@functools.cache
def _installed() -> dict:
    """Versions of the reading libraries, looked up once per process (package metadata is file I/O)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("pypdfium2", "pdfplumber", "python-docx", "spacy", "underthesea"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def write_json(path: Path, data: dict) -> None:
    """Atomically: a temporary file, fsync'd, renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record(archive, qid: str, sha: str | None, path: str, reason: str, message: str, stored: str | None,
           run_id: str | None) -> dict:
    """The JSON beside the copy, then the row and an event in one transaction (a later record of the same
    id, from a retry, replaces the row)."""
    entry = {"id": qid, "sha256": sha, "path": path, "reason": reason, "message": message, "stored": stored,
             "time": now(), "run_id": run_id, "versions": versions(archive)}
    base = folder(archive)
    base.mkdir(parents=True, exist_ok=True)
    name = sha if sha else qid.split(":", 1)[1]
    write_json(base / f"{name}.json", entry)
    with archive.transaction():
        archive.db.execute("INSERT OR REPLACE INTO quarantine (id, sha256, path, reason, message, stored, time, run_id, "
                           "versions, released) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                           (qid, sha, path, reason, message, stored, entry["time"], run_id,
                            json.dumps(entry["versions"])))
        archive.event("quarantine", sha, None, {"path": path, "reason": reason, "message": message, "run_id": run_id})
    return entry


def held(archive, qid: str) -> dict | None:
    """The quarantine row of `qid` if it is still in quarantine."""
    row = archive.db.execute("SELECT * FROM quarantine WHERE id = ? AND released IS NULL", (qid,)).fetchone()
    return dict(row) if row else None


def entries(archive, reason: str | None = None, released: bool = False) -> list[dict]:
    rows = archive.db.execute(
        "SELECT id, sha256, path, reason, message, stored, time, run_id, released FROM quarantine "
        "WHERE (? IS NULL OR reason = ? OR reason LIKE ? || ':%') AND (? OR released IS NULL) ORDER BY time, id",
        (reason, reason, reason, released))
    return [dict(r) for r in rows]


def release(archive, qid: str, document_id: int | None) -> None:
    """A retry filed the file: the row stays (history), marked released; the copy has moved to the store."""
    with archive.transaction():
        archive.db.execute("UPDATE quarantine SET released = ? WHERE id = ?", (now(), qid))
        archive.event("released", None if qid.startswith("path:") else qid, document_id, {"id": qid})
