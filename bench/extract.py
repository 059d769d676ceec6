"""Extraction speed (issue 3): `vanban extract` over 200 copies of a real multi-page e-office PDF in one
process on one core, next to bare pypdfium2 text extraction of the same files in the same run.

    python bench/extract.py [--copies 200] [--letter 023]

Floor: open + get_text_range of every page + close (bare pypdfium2). Ours: read_document + extract_letter
(the spaCy pipeline), the whole thing per file, start-up (imports, model load, first letter) excluded.
Target: ours within 1.5× of the floor. The letters are copies under different names, so nothing is
cached between them. A stamped letter (e-office number and day stamped as images) also needs OCR of two
small regions; that cost is printed separately (target: under 1 s per stamped letter).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
import pypdfium2 as pdfium  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.ingest import read_document  # noqa: E402
from pipeline.nlp import extract_letter  # noqa: E402

SHARED = Path(os.environ.get("VANBAN_SHARED", ROOT.parent / "shared"))
DOCS = SHARED / "corpus" / "dev" / "docs"


def bare(paths):
    for p in paths:
        pdf = pdfium.PdfDocument(str(p))
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        pdf.close()


def ours(paths, ocr):
    for p in paths:
        extract_letter(read_document(p, ocr=ocr))


def best_of(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return min(runs), statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--letter", default="023", help="dev letter id of a multi-page e-office PDF (023: 2 pages, iText)")
    ap.add_argument("--stamped", default="022", help="dev letter id whose number and day are stamped images")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        source = DOCS / f"{args.letter}.pdf"
        paths = []
        for i in range(args.copies):
            paths.append(Path(tmp) / f"{args.letter}-{i:03d}.pdf")
            shutil.copyfile(source, paths[-1])
        pages = len(pdfium.PdfDocument(str(source)))
        ours(paths[:1], ocr=True)  # start-up: imports, spaCy pipeline, lexicons, underthesea
        t_bare, m_bare = best_of(lambda: bare(paths), args.repeat)
        t_ours, m_ours = best_of(lambda: ours(paths, ocr=True), args.repeat)
        n = len(paths)
        print(f"{n} copies of {source.name} ({pages} pages), one process, one core (best of {args.repeat}; median in brackets)")
        print(f"  bare pypdfium2 text      {n / t_bare:8.1f} letters/s  ({n / m_bare:.1f})")
        print(f"  vanban extract           {n / t_ours:8.1f} letters/s  ({n / m_ours:.1f})   "
              f"{t_ours / t_bare:.2f}x the floor (target <= 1.5x)")
        stamped = DOCS / f"{args.stamped}.pdf"
        with_ocr, _ = best_of(lambda: ours([stamped], ocr=True), 3)
        without, _ = best_of(lambda: ours([stamped], ocr=False), 3)
        print(f"  stamped letter {stamped.name}: OCR of the stamp regions adds {with_ocr - without:.2f} s "
              f"per letter (target < 1 s); whole letter {with_ocr:.2f} s")


if __name__ == "__main__":
    main()
