"""Ingest speed, next to the bare tools in the same run.

Text PDFs: pages/s of bare pypdfium2 (open, get_text_range per page, close), of read_document with the default
engine and with pdfplumber (text layer only: ocr=False), and the extra time the e-office stamp OCR costs a
stamped letter. Bare and default-engine passes over the same files alternate in one loop (after one untimed
pass of each), so a busy spell on the machine hits both; each is reported by its best pass (the usual timing
estimate: slower passes are interference) and by its median pass. Scans: seconds per page of read_document
on a 300 dpi scan next to bare `tesseract FILE - -l vie` (both with OMP_THREAD_LIMIT=1). Target (issue 2):
default engine within 1.5× of bare pypdfium2; OCR within 1.15× of bare tesseract.

    python bench/ingest.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from floor import bare_pdfium  # noqa: E402  (bench/ is on sys.path when a script here runs)
from pipeline.ingest import read_document  # noqa: E402

SHARED = Path(os.environ.get("VANBAN_SHARED", ROOT.parent / "shared"))
PDFS = [ROOT / "samples" / "seed-letter.pdf"] + sorted((SHARED / "corpus" / "dev" / "docs").glob("0*.pdf"))
SCANS = [ROOT / "samples" / "seed-letter-scan.png", ROOT / "samples" / "real" / "017_p1.jpg"]


def interleaved(fns, repeat):
    """Best and median seconds of each of `fns`, run in turn `repeat` times (order flipped every round)."""
    for fn in fns:
        fn()
    runs = [[] for _ in fns]
    for r in range(repeat):
        order = list(enumerate(fns)) if r % 2 == 0 else list(enumerate(fns))[::-1]
        for i, fn in order:
            t = time.perf_counter()
            fn()
            runs[i].append(time.perf_counter() - t)
    return [(min(x), statistics.median(x)) for x in runs]


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    text_pdfs = [p for p in PDFS if p.name != "040.pdf"]  # 040 is a scan: no text layer
    pages = bare_pdfium(text_pdfs)
    print(f"text PDFs: {len(text_pdfs)} files, {pages} pages (samples/seed-letter.pdf + corpus/dev *.pdf but the scan)")
    (bare, bare_med), (ours, ours_med) = interleaved(
        [lambda: bare_pdfium(text_pdfs), lambda: [read_document(p, ocr=False) for p in text_pdfs]], args.repeat)
    t_plumber = timed(lambda: [read_document(p, pdf_engine="pdfplumber", ocr=False) for p in text_pdfs], max(1, args.repeat // 2))
    print(f"  ({args.repeat} alternating passes each; best pass / median pass)")
    print(f"  bare pypdfium2          {pages / bare:8.1f} / {pages / bare_med:5.1f} pages/s")
    print(f"  vanban (pypdfium2)      {pages / ours:8.1f} / {pages / ours_med:5.1f} pages/s   "
          f"{ours / bare:.2f}x / {ours_med / bare_med:.2f}x bare (target <= 1.5x)")
    print(f"  vanban (pdfplumber)     {pages / t_plumber:8.1f} pages/s   {t_plumber / bare_med:.1f}x bare (median)")
    stamped = [p for p in text_pdfs if p.stem in ("022", "025", "027", "035")]
    t_stamped = timed(lambda: [read_document(p) for p in stamped], 1)
    t_plain = timed(lambda: [read_document(p, ocr=False) for p in stamped], 1)
    print(f"  e-office stamp OCR      {(t_stamped - t_plain) / len(stamped):8.2f} s per stamped letter ({len(stamped)} letters)")

    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    print("scans (300 dpi page images, tesseract -l vie, OMP_THREAD_LIMIT=1):")
    for scan in SCANS:
        bare = timed(lambda: subprocess.run(["tesseract", str(scan), "-", "-l", "vie"], capture_output=True, env=env,
                                            check=True), max(1, args.repeat // 2))
        ours = timed(lambda: read_document(scan), max(1, args.repeat // 2))
        print(f"  {scan.name:24} bare tesseract {bare:6.2f} s/page   vanban {ours:6.2f} s/page   {ours / bare:.2f}x (target <= 1.15x)")


if __name__ == "__main__":
    main()
