"""Shared paths. ../shared sits beside the repository (CI lays it there); VANBAN_SHARED overrides."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VANBAN_SHARED", ROOT.parent / "shared"))
SAMPLES = ROOT / "samples"
DEV = SHARED / "corpus" / "dev"


def squash(text: str) -> str:
    """Whitespace-free text: how two layouts of one letter are compared."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session")
def dev_docs() -> Path:
    assert DEV.is_dir(), f"the shared corpus is missing: {DEV}"
    return DEV / "docs"


def archive_before(path: Path, version: int):
    """A connection to a new SQLite file holding the archive as migrations 1..version-1 made it (the SQL ones):
    how a test builds an archive of an earlier release, then opens it with today's Archive."""
    import sqlite3

    from pipeline.archive.schema import MIGRATIONS

    old = sqlite3.connect(path)
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)")
    for number, name, sql in MIGRATIONS:
        if number >= version:
            break
        old.executescript(sql)
        old.execute("INSERT INTO schema_migrations VALUES (?, ?, 't')", (number, name))
    return old
