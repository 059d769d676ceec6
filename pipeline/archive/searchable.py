"""A searchable copy of every scan (issue 19 #4), the way paperless-ngx keeps one beside each original: a
PDF/A-2b of the scanned original with an invisible text layer, stored in `originals/` under its own SHA-256
(the original is never touched) and recorded in the `searchable` table (migration 10).

The text layer is the text vanban extracted, not a second reading: `Source.blocks` of the pages read by OCR
(the lines after the scan stage's repairs, with their boxes in points), each line's words laid over the
line's box by their share of its characters. OCRmyPDF does the PDF work, run as `python -m ocrmypdf` in a
child process with no network (pipeline/ingest/offline.py) and a time limit: ocrmypdf_words.py, a plugin, is
its OCR engine and hands it those words; OCRmyPDF makes the page image a PDF page (img2pdf for an image,
the PDF's own page otherwise, unchanged: `--optimize 0`), renders the invisible text layer (fpdf2, fonts
embedded), and converts to PDF/A-2b: first its own way, without Ghostscript, which keeps the scan's images
as they are; Ghostscript (Debian `ghostscript`) where that way cannot confirm the file (a scanner's PDF
with an odd catalog key). Whatever made it, the result is kept only if pikepdf's PDF/A-2b validator
approves it. Anything that fails is a warning for the caller; the letter is filed all the same.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
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
        env = {**os.environ, "VANBAN_WORDS": str(words), "OMP_THREAD_LIMIT": "1"}
        failure, deadline = None, time.monotonic() + timeout  # one limit for every attempt together
        for mode, backend in _attempts(source):
            cmd = [sys.executable, "-m", "ocrmypdf", "--plugin", str(ENGINE), "--pdf-renderer", "fpdf2",
                   "--output-type", "pdfa-2", "--pdfa-backend", backend, "--rasterizer", "pypdfium",
                   "--optimize", "0", "--jobs", "1", "-l", "vie", "--image-dpi", "300", mode, "--quiet",
                   "--title", os.path.basename(source.path) or "vanban", str(original), str(Path(tmp) / "out.pdf")]
            try:
                done = subprocess.run(offline(cmd), capture_output=True, timeout=max(deadline - time.monotonic(), 0.001),
                                      env=env, check=False)
            except subprocess.TimeoutExpired:
                raise CopyFailed(f"OCRmyPDF took longer than {timeout:g} s") from None
            except OSError as exc:
                raise CopyFailed(f"OCRmyPDF cannot be started ({exc.strerror or exc})") from None
            if done.returncode == 0:
                break
            lines = [ln for ln in done.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
            failure = f"OCRmyPDF failed (exit {done.returncode}): {lines[-1].strip() if lines else 'no message'}"
        else:
            raise CopyFailed(failure)
        problem = pdfa_problem(Path(tmp) / "out.pdf")
        if problem:
            raise CopyFailed(f"the result is not PDF/A-2b ({problem})")
        os.replace(Path(tmp) / "out.pdf", out)


def _attempts(source: Source) -> list[tuple[str, str]]:
    """(OCRmyPDF mode, PDF/A backend) to try in turn. A PDF whose own text layer was useless (a scanner's OCR
    without diacritics, in fonts it did not embed) is made again from its page images, none of that layer
    left, Ghostscript allowed for the PDF/A. Otherwise pages with real text are kept as they are, and the
    PDF/A is OCRmyPDF's own (Ghostscript 10.0.0, Debian 12's, corrupts existing text, and OCRmyPDF refuses
    it beside --skip-text); where that cannot be confirmed and every page is a scan, the pages are made
    again from their images, as for a useless layer."""
    again = ("--force-ocr", "auto")
    if UNREADABLE_LAYER in source.warnings:
        return [again]
    return [("--skip-text", "internal")] + ([again] if source.pages and all(p.ocr for p in source.pages) else [])


def pdfa_problem(path: str | os.PathLike) -> str | None:
    """None when pikepdf's PDF/A validator (an allowlist: what it cannot confirm is not approved) approves
    `path` as PDF/A-2b, else its first finding."""
    import pikepdf.pdfa

    report = pikepdf.pdfa.validate_written(path, "2b")
    if report.passed:
        return None
    first = report.findings[0] if report.findings else None
    return f"{first.rule}: {first.message}" if first else report.verdict


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
