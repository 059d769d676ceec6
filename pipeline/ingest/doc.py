"""Legacy Word (.doc), RTF and ODT: antiword first, LibreOffice headless as the fallback.

antiword is fast and prints layout tables as `|cell|cell|` lines, which keeps the two header columns apart.
LibreOffice (start-up ≈ 0.7 s) converts what antiword cannot read (RTF, ODT, Word 6/95, odd .doc files)
to DOCX, read then by the DOCX reader; `convert_with_libreoffice` takes many files in one call.
Both run with no network (offline.py); LibreOffice's throw-away profile also blocks every link of a
document to a resource outside it (BlockUntrustedRefererLinks: linked images, media, auto-reload) and
macros, which is what keeps it offline where no network namespace can be made.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.ingest.layout import split_flat_header
from pipeline.ingest.offline import offline
from pipeline.ingest.words import Line, Segment
from pipeline.text.patterns import HEADER_RIGHT, NOI_NHAN_LOOSE

TIMEOUT_S = 120
# The per-run profile's settings (LibreOffice's registrymodifications.xcu format). No location is trusted
# (SecureURL is empty), so every document's links to outside resources are left unresolved.
_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def antiword_text(path: str) -> str | None:
    """antiword's UTF-8 text, or None when antiword is missing or cannot read the file."""
    if not shutil.which("antiword"):
        return None
    try:
        done = subprocess.run(offline(["antiword", "-w", "0", "-m", "UTF-8.txt", "--", path]),
                              capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise ReadError(path, "timeout", f"antiword took longer than {TIMEOUT_S} s") from None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return done.stdout.decode("utf-8", "replace")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(paths: list[str], out_dir: str, fmt: str = "docx") -> dict[str, Path]:
    """Convert many files in ONE soffice call (its start-up dominates); returns input → output path."""
    exe = _soffice()
    if not exe:
        return {}
    profile = tempfile.mkdtemp(prefix="vanban-lo-")
    os.mkdir(Path(profile) / "user")
    (Path(profile) / "user" / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
    try:
        # Inputs are copied under safe names: soffice reads options from names that start with "-".
        staged = {}
        for i, p in enumerate(paths):
            dst = Path(out_dir) / f"in{i}{Path(p).suffix.lower() or '.bin'}"
            shutil.copyfile(p, dst)
            staged[p] = dst
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(Path(out_dir) / "out"), *map(str, staged.values())]
        subprocess.run(offline(cmd), capture_output=True, timeout=TIMEOUT_S + 10 * len(paths), check=False,
                       env={**os.environ, "HOME": profile})
    except subprocess.TimeoutExpired:
        return {}
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = {}
    for p, dst in staged.items():
        result = Path(out_dir) / "out" / (dst.stem + "." + fmt)
        if result.exists() and result.stat().st_size:
            out[p] = result
    return out


def segments_from_antiword(text: str) -> list[Segment]:
    """antiword output → segments: `|`-tables become columns, the rest flows as text."""
    segments: list[Segment] = []
    flow: list[str] = []
    rows: list[list[str]] = []

    def flush_table():
        if not rows:
            return
        ncols = max(len(r) for r in rows)
        cols = [[r[k].strip() for r in rows if k < len(r) and r[k].strip()] for k in range(ncols)]
        joined = "\n".join("\n".join(c) for c in cols)
        marker = HEADER_RIGHT if not segments and not any(x.strip() for x in flow) and HEADER_RIGHT.search(joined) else \
            (NOI_NHAN_LOOSE if any(NOI_NHAN_LOOSE.match(x) for c in cols for x in c) else None)
        if marker is not None and ncols <= 4:
            split = next(k for k, c in enumerate(cols) if any(marker.search(x) for x in c))
            split = split if marker is HEADER_RIGHT else split + 1
            names = ("header_left", "header_right") if marker is HEADER_RIGHT else ("signature_left", "signature_right")
            segments.append(Segment("body", [Line(x) for x in flow]))
            flow.clear()
            segments.append(Segment(names[0], [Line(x) for c in cols[:split] for x in c]))
            segments.append(Segment(names[1], [Line(x) for c in cols[split:] for x in c]))
        elif ncols <= 3:
            flow.extend(x for c in cols for x in c)
        else:
            flow.extend(" ".join(c.strip() for c in r if c.strip()) for r in rows)
        rows.clear()

    for raw in text.splitlines():
        if raw.lstrip().startswith("|") and raw.rstrip().endswith("|"):  # an indented table's rows start after spaces
            rows.append(raw.strip()[1:-1].split("|"))
            continue
        flush_table()
        flow.append(raw)
    flush_table()
    if not segments:
        return split_flat_header(flow)
    segments.append(Segment("body", [Line(x) for x in flow]))
    return segments
