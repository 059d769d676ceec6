"""`vanban ingest`: scan the inputs, file each letter into the archive, quarantine what cannot be read, and
report every file exactly once (contract: run report, schema vanban.run/1).

This first version runs in one process, one file after the other; the isolation of each parse in a watched
worker (time and memory limits), the run lock, parallel workers and crash recovery are issue 5's work.
What it already promises: symlinks and special files are reported, never opened; every original is stored
by SHA-256 before it is filed; a file whose bytes are already archived is `skipped` (same name) or a
`duplicate` (another name); an unreadable file is copied unchanged into the quarantine folder beside the
archive with a JSON of its reason, and the run goes on.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from pathlib import Path

from pipeline import __version__
from pipeline.archive import Archive
from pipeline.archive.db import now
from pipeline.archive.store import sha256_of
from pipeline.errors import ReadError
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter


def scan(paths) -> list[tuple[str, str | None]]:
    """(path, problem) for every entry under `paths`, in a stable order; problem is a quarantine reason for
    entries that must not be opened (symlink, special_file)."""
    found: list[tuple[str, str | None]] = []
    for root in paths:
        root = str(root)
        if os.path.islink(root):
            found.append((root, "symlink"))
        elif os.path.isdir(root):
            for folder, dirs, files in os.walk(root, followlinks=False):
                dirs.sort()
                for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
                    found.append(_classify(os.path.join(folder, name)))
        else:
            found.append(_classify(root))
    return found


def _classify(path: str) -> tuple[str, str | None]:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return path, "symlink"
    if not stat.S_ISREG(mode):
        return path, "special_file"
    return path, None


def quarantine(archive: Archive, path: str, sha: str | None, reason: str, message: str) -> None:
    """Keep the file, unchanged, beside the archive, with a small JSON of why."""
    folder = archive.path.parent / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    name = sha or uuid.uuid4().hex
    if sha and os.path.isfile(path) and not os.path.islink(path):
        shutil.copyfile(path, folder / f"{name}{Path(path).suffix.lower()}")
    (folder / f"{name}.json").write_text(json.dumps(
        {"path": path, "sha256": sha, "reason": reason, "message": message, "time": now(), "vanban": __version__},
        ensure_ascii=False, indent=1), encoding="utf-8")
    archive.event("quarantine", sha, None, {"path": path, "reason": reason, "message": message})


def _quarantined(archive: Archive, sha: str) -> bool:
    return (archive.path.parent / "quarantine" / f"{sha}.json").exists()


def run_ingest(paths, db: str | os.PathLike | None = None, *, pdf_engine: str = "pypdfium2", ocr: bool = True,
               progress=None) -> dict:
    """File everything under `paths`; returns the run report."""
    report = {"schema": "vanban.run/1", "run_id": uuid.uuid4().hex, "started": now(), "finished": None,
              "counts": {k: 0 for k in ("done", "done_with_warnings", "duplicate", "skipped", "quarantined")},
              "files": [], "new_documents": 0, "new_edges": 0, "stubs_resolved": 0}
    entries = scan(paths)
    seen: dict[str, str] = {}
    with Archive(db) as archive:
        for i, (path, problem) in enumerate(entries):
            entry = _one(archive, path, problem, seen, report, pdf_engine, ocr)
            report["files"].append(entry)
            report["counts"][entry["outcome"]] += 1
            if progress:
                progress(i + 1, len(entries), path)
        if report["new_documents"] or report["new_edges"]:
            from pipeline.graph import warm
            warm(archive.db)  # the nightly run pays the graph arrays, not the researcher's first question
    report["finished"] = now()
    return report


def _one(archive: Archive, path: str, problem: str | None, seen: dict, report: dict, pdf_engine: str, ocr: bool) -> dict:
    entry = {"path": path, "sha256": None, "outcome": None, "reason": None, "key": None}
    if problem:
        quarantine(archive, path, None, problem, f"{problem.replace('_', ' ')}: reported, not opened")
        return entry | {"outcome": "quarantined", "reason": problem}
    sha = entry["sha256"] = sha256_of(path)
    if sha in seen:
        return entry | {"outcome": "duplicate", "key": seen[sha]}
    held = archive.has_source(sha)
    if held is not None:
        row = archive.db.execute("SELECT path FROM sources WHERE sha256 = ?", (sha,)).fetchone()
        key = archive.key_of(held)
        if row["path"] != path:
            archive.event("duplicate", sha, held, {"path": path})
        return entry | {"outcome": "skipped" if row["path"] == path else "duplicate", "key": key}
    if _quarantined(archive, sha):
        return entry | {"outcome": "skipped", "reason": "quarantined earlier"}
    try:
        letter = extract_letter(read_document(path, pdf_engine=pdf_engine, ocr=ocr))
    except ReadError as exc:
        quarantine(archive, path, sha, exc.reason, exc.message)
        seen[sha] = None  # a second copy in this run is a duplicate of the quarantined one
        return entry | {"outcome": "quarantined", "reason": exc.reason.split(":")[0]}
    added = archive.add(path, letter)
    seen[sha] = added.key
    report["new_documents"] += added.outcome in ("new", "stub_resolved")
    report["new_edges"] += added.new_edges
    report["stubs_resolved"] += added.stubs_resolved
    outcome = "done_with_warnings" if letter.warnings else "done"
    return entry | {"outcome": outcome, "key": added.key}
