"""`vanban verify`: a fixity check (BagIt/Archivematica habit). Every stored original, every scan's searchable
copy and every quarantined copy is hashed again and compared with the SHA-256 it was filed under; files in the store that no record
names are listed as untracked. Nothing is changed."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.archive.store import sha256_of
from pipeline.batch import quarantine as qr


def verify(archive, progress=None) -> dict:
    originals = archive.originals
    qfolder = qr.folder(archive)
    expected: dict[Path, tuple[str, str]] = {}  # file → (sha256, what names it)
    for row in archive.db.execute("SELECT sha256, stored, path FROM sources"):
        expected[originals / row["stored"]] = (row["sha256"], row["path"])
    for row in archive.db.execute("SELECT c.sha256, c.stored, s.path FROM searchable c "
                                  "JOIN sources s ON s.sha256 = c.source_sha256"):  # a scan's searchable copy
        expected[originals / row["stored"]] = (row["sha256"], f"{row['path']} (searchable copy)")
    for row in archive.db.execute("SELECT sha256, stored, path FROM quarantine WHERE stored IS NOT NULL AND released IS NULL"):
        expected[archive.path.parent / row["stored"]] = (row["sha256"], row["path"])
    report = {"checked": 0, "ok": 0, "changed": [], "missing": [], "untracked": []}
    for i, (file, (sha, path)) in enumerate(sorted(expected.items())):
        report["checked"] += 1
        try:
            actual = sha256_of(file)
        except FileNotFoundError:
            report["missing"].append({"file": str(file), "sha256": sha, "path": path})
            continue
        except OSError as exc:
            report["missing"].append({"file": str(file), "sha256": sha, "path": path, "error": exc.strerror})
            continue
        if actual == sha:
            report["ok"] += 1
        else:
            report["changed"].append({"file": str(file), "sha256": sha, "actual": actual, "path": path})
        if progress:
            progress(i + 1, len(expected))
    for folder in (originals, qfolder):
        if not folder.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                file = Path(dirpath) / name
                if file in expected or (folder == qfolder and name.endswith(".json")):
                    continue
                report["untracked"].append(str(file))
    report["untracked"].sort()
    return report
