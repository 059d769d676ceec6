"""A searchable copy of every scan (issue 19 #4), the way paperless-ngx keeps one beside each original: a
PDF/A-2b of the scanned original with an invisible text layer, stored in `originals/` under its own SHA-256
(the original is never touched) and recorded in the `searchable` table (migration 12).

The text layer is the text vanban extracted, not a second reading: `Source.blocks` of the pages read by OCR
(the lines after the scan stage's repairs, with their boxes in points), each line's words laid over the
line's box by their share of its characters. OCRmyPDF does the PDF work, run as `python -m ocrmypdf` in a
child process with no network (pipeline/ingest/offline.py) and a time limit: ocrmypdf_words.py, a plugin, is
its OCR engine and hands it those words; OCRmyPDF makes the page image a PDF page (img2pdf for an image,
the PDF's own page otherwise, unchanged: `--optimize 0`), renders the invisible text layer (fpdf2, fonts
embedded), and converts to PDF/A-2b without Ghostscript (`--pdfa-backend internal`), validated by pikepdf's
PDF/A checks: a file they do not approve fails the run (exit 10) and no copy is kept. Anything that fails
is a warning for the caller; the letter is filed all the same.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.ingest.offline import offline
from pipeline.records import Source

TIMEOUT_S = 180.0  # seconds; VANBAN_SEARCHABLE_TIMEOUT overrides (a 20-page scan takes about a minute)
ENGINE = Path(__file__).with_name("ocrmypdf_words.py")
UNREADABLE_LAYER = "text layer unreadable, used OCR"  # the reader's warning (ingest/__init__.py)


class CopyFailed(Exception):
    """The searchable copy could not be made; the message says why in one line."""


def wanted(source: Source) -> bool:
    """A scan: some page was read by OCR (a page image, an image-only PDF, a PDF whose layer was useless)."""
    return any(p.ocr for p in source.pages)


def page_words(source: Source) -> dict:
    """{page number: {width, height, lines: [{words: [[text, x0, top, x1, bottom], …]}]}} for the pages read
    by OCR: each block's words over its box, in proportion to where they sit in the line's characters."""
    pages = {}
    for p in source.pages:
        if p.ocr and p.width and p.height:
            pages[p.number] = {"width": p.width, "height": p.height, "lines": []}
    for block in source.blocks:
        page = pages.get(block.page)
        if page is None or block.bbox is None or not block.text.strip():
            continue
        x0, top, x1, bottom = block.bbox
        n = len(block.text)
        words = [[m.group(), x0 + (x1 - x0) * m.start() / n, top, x0 + (x1 - x0) * m.end() / n, bottom]
                 for m in re.finditer(r"\S+", block.text)]
        page["lines"].append({"words": words})
    return pages


def make_copy(original: str | os.PathLike, source: Source, out: str | os.PathLike,
              timeout: float = TIMEOUT_S) -> None:
    """Write the searchable PDF/A of `original` (read as `source`) to `out`; CopyFailed otherwise."""
    pages = page_words(source)
    if not pages:
        raise CopyFailed("no page was read by OCR")
    with tempfile.TemporaryDirectory(prefix="vanban-pdfa-") as tmp:
        words = Path(tmp) / "words.json"
        words.write_text(json.dumps({"pages": pages}, ensure_ascii=False), encoding="utf-8")
        # A PDF whose own text layer was useless (a scanner's OCR without diacritics) has it replaced; pages
        # with real text are kept as they are.
        mode = "--redo-ocr" if UNREADABLE_LAYER in source.warnings else "--skip-text"
        cmd = [sys.executable, "-m", "ocrmypdf", "--plugin", str(ENGINE), "--pdf-renderer", "fpdf2",
               "--output-type", "pdfa-2", "--pdfa-backend", "internal", "--rasterizer", "pypdfium",
               "--optimize", "0", "--jobs", "1", "-l", "vie", "--image-dpi", "300", mode, "--quiet",
               "--title", os.path.basename(source.path) or "vanban", str(original), str(Path(tmp) / "out.pdf")]
        env = {**os.environ, "VANBAN_WORDS": str(words), "OMP_THREAD_LIMIT": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                            os.environ.get("PYTHONPATH")]))}
        try:
            done = subprocess.run(offline(cmd), capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise CopyFailed(f"OCRmyPDF took longer than {timeout:g} s") from None
        except OSError as exc:
            raise CopyFailed(f"OCRmyPDF cannot be started ({exc.strerror or exc})") from None
        if done.returncode != 0:
            lines = [ln for ln in done.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
            raise CopyFailed(f"OCRmyPDF failed (exit {done.returncode}): {lines[-1].strip() if lines else 'no message'}")
        os.replace(Path(tmp) / "out.pdf", out)


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"ocrmypdf {version('ocrmypdf')}"
    except PackageNotFoundError:
        return "ocrmypdf"


def file_copy(archive, source_sha: str, original: str | os.PathLike, source: Source,
              timeout: float | None = None) -> str | None:
    """Make and keep the searchable copy of a scan just filed; None when done (or not a scan), else the
    warning to report (the letter stays filed). The failure is in the archive's events too."""
    if not wanted(source):
        return None
    timeout = timeout or float(os.environ.get("VANBAN_SEARCHABLE_TIMEOUT") or TIMEOUT_S)
    with tempfile.TemporaryDirectory(prefix="vanban-pdfa-", dir=archive.originals.parent) as tmp:
        made = Path(tmp) / "searchable.pdf"
        try:
            make_copy(original, source, made, timeout=timeout)
            archive.keep_searchable(source_sha, made, tool_version())
            return None
        except CopyFailed as exc:
            message = f"searchable copy not made: {exc}"
    with archive.transaction():
        archive.event("searchable_failed", source_sha, archive.has_source(source_sha), {"message": message})
    return message
