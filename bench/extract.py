"""Extraction speed (issues 3 and 16): `vanban extract` on its default path over 200 copies of a real e-office
PDF in one process on one core, next to bare pypdfium2 text extraction of the same files in the same run.

    python bench/extract.py [--copies 200] [--letter 028] [--repeat 3]
    python bench/extract.py --files a.pdf b.pdf ...     # your own letters instead of copies of one

Floor: open + get_text_range of every page + close (bare pypdfium2). Ours: read_document + extract_letter
(the spaCy pipeline) as `vanban extract` runs them by default (OCR allowed, signature widgets read), the
whole thing per file, start-up (imports, model load, first letter) excluded. Target: ours within 1.5× of the
floor. The letters are copies under different names, so nothing is cached between them. The default letter,
dev2 028, is a real 4-page e-office PDF whose number and day sit in signature widgets as text: they are read
with the page (pdfium flattens the widgets in memory), no OCR. Widget reading is also timed on its own
(pdf.read_pages with and without annotations, target under 5 ms a letter), and the bench counts the letters
on which OCR ran (expected: none).
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
from floor import bare_pdfium  # noqa: E402  (bench/ is on sys.path when a script here runs)
from pipeline.ingest import pdf, read_document  # noqa: E402
from pipeline.nlp import extract_letter  # noqa: E402

SHARED = Path(os.environ.get("VANBAN_SHARED", ROOT.parent / "shared"))
CORPORA = [SHARED / "corpus" / "dev2" / "docs", SHARED / "corpus" / "dev" / "docs"]


def ours(paths) -> int:
    """The default path; returns on how many letters OCR ran."""
    ocr = 0
    for p in paths:
        source = read_document(p)
        ocr += source.ocr or bool(source.stamps)
        extract_letter(source)
    return ocr


def read_words(paths, annotations: bool) -> None:
    for p in paths:
        pdf.read_pages(str(p), annotations=annotations)


def one_pass(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): on a machine shared with other work the CPU time is
    the steadier figure of what the work costs one core; both are printed."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def letter_path(letter: str) -> Path:
    for docs in CORPORA:
        if (docs / f"{letter}.pdf").is_file():
            return docs / f"{letter}.pdf"
    raise SystemExit(f"bench/extract.py: no {letter}.pdf in {' or '.join(map(str, CORPORA))}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--letter", default="028", help="corpus letter id (dev2, then dev) of an e-office PDF")
    ap.add_argument("--files", nargs="+", type=Path, help="time these PDFs instead of copies of one letter")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        if args.files:
            paths, label = args.files, f"{len(args.files)} files"
        else:
            source = letter_path(args.letter)
            paths = []
            for i in range(args.copies):
                paths.append(Path(tmp) / f"{args.letter}-{i:03d}.pdf")
                shutil.copyfile(source, paths[-1])
            doc = pdfium.PdfDocument(str(source))
            label = f"{args.copies} copies of {source.parent.parent.name}/{source.name} ({len(doc)} pages)"
            doc.close()
        ours(paths[:1])  # start-up: imports, spaCy pipeline, lexicons, underthesea
        bare_pdfium(paths[:1])
        runs: dict[str, list] = {"bare": [], "ours": [], "with": [], "without": []}
        counted = {}
        passes = {"bare": lambda: bare_pdfium(paths), "ours": lambda: counted.update(ocr=ours(paths)),
                  "with": lambda: read_words(paths, True), "without": lambda: read_words(paths, False)}
        for i in range(args.repeat):  # alternate, so load from elsewhere on the machine hits both
            for pair in (("bare", "ours"), ("with", "without")):
                for name in (pair if i % 2 == 0 else pair[::-1]):
                    runs[name].append(one_pass(passes[name]))
        ocr_runs = counted["ocr"]
        n = len(paths)
        print(f"{label}, one process, one core ({args.repeat} alternating passes; best pass, median in brackets)")
        for clock, k in (("wall clock", 0), ("CPU time", 1)):
            best = {name: min(r[k] for r in v) for name, v in runs.items()}
            median = {name: statistics.median(r[k] for r in v) for name, v in runs.items()}
            print(f" {clock}:")
            print(f"  bare pypdfium2 text           {n / best['bare']:8.1f} letters/s  ({n / median['bare']:.1f})")
            print(f"  vanban extract (default path) {n / best['ours']:8.1f} letters/s  ({n / median['ours']:.1f})   "
                  f"{best['ours'] / best['bare']:.2f}x the floor ({median['ours'] / median['bare']:.2f}x median; "
                  f"target <= 1.5x)")
            print(f"  widget reading: +{(best['with'] - best['without']) / n * 1000:.2f} ms a letter "
                  f"(+{(median['with'] - median['without']) / n * 1000:.2f} median; target < 5 ms): words with "
                  f"annotations {best['with'] / n * 1000:.2f} ms, without {best['without'] / n * 1000:.2f} ms")
        print(f"  OCR ran on {ocr_runs} of {n} letters in the last pass")


if __name__ == "__main__":
    main()
