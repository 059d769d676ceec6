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
