"""Scanned letters (issue 6): character error rate against a transcription, and seconds per page, of vanban's
reading next to bare `tesseract FILE - -l vie` on the same pages (both with OMP_THREAD_LIMIT=1), and the
header fields and references extracted from the scans the issue names.

    python bench/ocr.py [--repeat 1]

Pages: letter 017 (two real scanned pages, corpus/dev, with its transcription 017.txt), the seed letter
rendered as a noisy 300 dpi scan (samples/seed-letter-scan.pdf: both pages, image only, with
samples/seed-letter.txt), and letter 040
(a real scanned PDF, 040.reference.txt). For bare tesseract a PDF page is rendered at 300 dpi first (timed, as
vanban's render is). CER = Levenshtein distance / reference length on the body (Kính gửi … up to Nơi nhận, cut
the same way in all three texts), after NFC and runs of whitespace made one space.
Target (issue 6): CER within 1.5× of bare tesseract, seconds per page ≤ 1.15×.
Then the letters of corpus/dev that have a text layer (022 023 025 027 035 037: e-office PDFs with their
red seals, blue signatures and the number and day in form fields), rendered at 300 dpi as printed and run
through the flatbed-scan simulation of samples/make_samples.py, in colour and in grey, and the grey scan
with an invisible text layer that lost every diacritic, as a scanner without Vietnamese writes it ("broken";
`--printed`): header fields and references against their gold records, the targets of a real scan applied
to letters in general.
Last, the handwritten number, day and month: `--handwritten N` scans of the seed letter with unseen MNIST
digits written into its blanks (tests/handwritten.py), and 040, counted as read right, read wrong or left empty.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("VANBAN_SHARED", ROOT.parent / "shared"))
DOCS = SHARED / "corpus" / "dev" / "docs"
CASES = [("017 (2 scanned pages)", [DOCS / "017_p1.jpg", DOCS / "017_p2.jpg"], DOCS / "017.txt"),
         ("seed letter, noisy scan", [ROOT / "samples" / "seed-letter-scan.pdf"], ROOT / "samples" / "seed-letter.txt"),
         ("040 (scanned PDF)", [DOCS / "040.pdf"], DOCS / "040.reference.txt")]
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row per character of `a` (insertions folded in with a running minimum)."""
    if not a or not b:
        return max(len(a), len(b))
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    row = idx.copy()
    for ch in a:
        sub = row[:-1] + (codes_b != ord(ch))
        new = np.empty_like(row)
        new[0] = row[0] + 1
        new[1:] = np.minimum(sub, row[1:] + 1)
        row = np.minimum.accumulate(new - idx) + idx
    return int(row[-1])


_BODY_START = re.compile(r"K[íi]nh\s*g[ửu]i|C[ăa]n\s*c[ứu]|Th[ựu]c\s*hi[ệe]n", re.I)
_BODY_END = re.compile(r"N[ơo]i\s*nh", re.I)


def body(text: str) -> str:
    """The body, as the issue measures it: from Kính gửi (or the first Căn cứ / Thực hiện) to Nơi nhận, so that
    the header's two columns and the signature table, whose reading order a transcription may choose
    otherwise, do not count; the same cut for the reference, bare tesseract and vanban."""
    start = _BODY_START.search(text)
    text = text[start.start():] if start else text
    end = _BODY_END.search(text)
    return text[:end.start()] if end else text


def cer(text: str, reference: str) -> float:
    hyp, ref = normal(body(text)), normal(body(reference))
    return levenshtein(hyp, ref) / max(len(ref), 1)


def bare(pages: list[Path]) -> tuple[str, float, int]:
    """Bare tesseract: text, seconds, pages (a PDF's pages rendered at 300 dpi first, timed: tesseract cannot
    read a PDF, and vanban pays the same render)."""
    from pipeline.ingest.pdf import page_count, render_page
    images, tmp = [], tempfile.TemporaryDirectory(prefix="vanban-ocr-bench-")
    t = time.perf_counter()
    for p in pages:
        if p.suffix.lower() == ".pdf":
            for n in range(1, page_count(str(p)) + 1):
                out = Path(tmp.name) / f"{p.stem}-{n}.pgm"  # uncompressed, as vanban hands pages to tesseract
                render_page(str(p), n, dpi=300, forms=False).save(out)
                images.append(out)
        else:
            images.append(p)
    texts = []
    for image in images:
        done = subprocess.run(["tesseract", str(image), "-", "-l", "vie"], capture_output=True, env=ENV, check=True)
        texts.append(done.stdout.decode("utf-8"))
    secs = time.perf_counter() - t
    tmp.cleanup()
    return "\n".join(texts), secs, len(images)


def vanban(pages: list[Path]) -> tuple[str, float, dict]:
    from pipeline.ingest import read_as_one, read_document
    from pipeline.nlp import extract_letter
    t = time.perf_counter()
    source = read_document(pages[0]) if len(pages) == 1 and pages[0].suffix.lower() == ".pdf" else read_as_one(pages)
    secs = time.perf_counter() - t
    return source.text, secs, extract_letter(source).to_json()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="passes of each, bare and vanban alternating (the best "
                    "of each is kept)")
    ap.add_argument("--handwritten", type=int, default=20, help="scans with handwritten blanks to build")
    ap.add_argument("--printed", choices=("all", "colour", "grey", "broken", "none"), default="all",
                    help="dev letters printed and scanned: in colour, in grey, in grey under a text layer "
                         "without diacritics (broken), all three or none")
    a = ap.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    print(f"{'pages':<26}{'n':>3}{'bare s/page':>13}{'vanban s/page':>15}{'ratio':>7}{'bare CER':>10}"
          f"{'vanban CER':>12}{'ratio':>7}")
    for label, pages, reference in CASES:
        ref = reference.read_text(encoding="utf-8")
        runs = [(bare(pages), vanban(pages)) for _ in range(a.repeat)]  # alternated: load hits both alike
        b_text, b_secs, n = min((b for b, _ in runs), key=lambda r: r[1])
        v_text, v_secs, _ = min((v for _, v in runs), key=lambda r: r[1])
        b_cer, v_cer = cer(b_text, ref), cer(v_text, ref)
        print(f"{label:<26}{n:>3}{b_secs / n:>13.2f}{v_secs / n:>15.2f}{v_secs / b_secs:>7.2f}"
              f"{b_cer:>10.3f}{v_cer:>12.3f}{v_cer / max(b_cer, 1e-9):>7.2f}")
    print("targets: s/page ratio ≤ 1.15, CER ratio ≤ 1.5")
    print()
    print(extraction_on_scans())
    print()
    for mode in {"all": ("colour", "grey", "broken"), "none": ()}.get(a.printed, (a.printed,)):
        print(printed_and_scanned(mode))
        print()
    print(handwriting(a.handwritten))
    return 0


def handwriting(n: int) -> str:
    """The number, day and month written by hand: `n` scans of the seed letter with unseen MNIST digits in its
    blanks (tests/handwritten.py), and the real scan 040. For each field: read right, read wrong, left empty
    (with a warning). The target is no wrong value; a field left empty goes to the clerk."""
    sys.path.insert(0, str(ROOT / "tests"))
    import handwritten

    counts = {f: [0, 0, 0] for f in ("number", "day", "month")}
    with tempfile.TemporaryDirectory(prefix="vanban-hand-") as tmp:
        cases = [(w.path, w.number, w.day, w.month) for w in handwritten.build(tmp, n)]
        cases.append((SHARED / "corpus" / "dev" / "docs" / "040.pdf", "2338", "02", "7"))
        real = []
        for path, number, day, month in cases:
            _, _, record = vanban([Path(path)])
            date = (record.get("date") or "--").split("-")
            got = {"number": record.get("number"), "day": date[2] or None, "month": date[1] or None}
            want = {"number": number, "day": f"{int(day):02d}", "month": f"{int(month):02d}"}
            for field, value in got.items():
                counts[field][0 if value == want[field] else 2 if value is None else 1] += 1
            if Path(path).name == "040.pdf":
                real = [f"{f} {got[f] or '—'} (truth {want[f]})" for f in got]
    rows = [f"{'handwritten field':<20}{'right':>7}{'wrong':>7}{'empty':>7}"]
    rows += [f"{f:<20}{c[0]:>7}{c[1]:>7}{c[2]:>7}" for f, c in counts.items()]
    wrong = sum(c[1] for c in counts.values())
    return "\n".join(rows) + (f"\n({n} seed-letter scans with unseen MNIST digits, and 040: " + ", ".join(real)
                             + f")\ntarget: no wrong value (here {wrong})")


PRINTED = ("022", "023", "025", "027", "035", "037")  # corpus/dev letters with a text layer (and gold records)


def printed_and_scanned(mode: str) -> str:
    """The dev letters with a text layer, printed (rendered at 300 dpi with their form fields: the e-office
    number and day, seal and signature) and scanned by the simulation of samples/make_samples.py in `mode`
    ("colour", "grey", or "broken": grey under an invisible layer of the letter's text without diacritics),
    read by vanban and scored against their gold records as `vanban eval` scores."""
    sys.path.insert(0, str(ROOT / "samples"))
    from make_samples import print_and_scan, with_broken_layer

    from pipeline.evaluate import DocumentResult, EvalReport, read_gold
    gold = {g["id"]: g for g in read_gold(SHARED / "corpus" / "dev" / "gold.jsonl")}
    how = {"colour": "in colour", "grey": "in grey", "broken": "in grey, under a text layer without diacritics"}
    report = EvalReport(f"corpus/dev/gold.jsonl: {len(PRINTED)} letters printed and scanned {how[mode]}", "printed")
    with tempfile.TemporaryDirectory(prefix="vanban-printed-") as tmp:
        for i, doc_id in enumerate(PRINTED):
            scan = print_and_scan(DOCS / f"{doc_id}.pdf", Path(tmp) / f"{doc_id}.pdf", mode == "colour", 100 + 10 * i)
            if mode == "broken":
                scan = with_broken_layer(scan, DOCS / f"{doc_id}.pdf", Path(tmp) / f"{doc_id}-broken.pdf")
            _, _, pred = vanban([scan])
            report.score(gold[doc_id], pred, DocumentResult(doc_id, scan.name))
    return _with_targets(report)


def _with_targets(report) -> str:
    """The eval table, and the issue's header and reference targets against what it scored."""
    data = report.to_json()
    return report.format_table() + (f"\n\ntargets: header ≥ 0.90 (here {data['header_accuracy']:.3f}), "
                                     f"reference F1 ≥ 0.90 (here {data['references']['f1']:.3f})")


def extraction_on_scans() -> str:
    """Header fields and references extracted from the two scans the issue names (017's page images, the
    seed letter's noisy scan), scored against their gold records as `vanban eval` scores."""
    import json

    from pipeline.evaluate import DocumentResult, EvalReport, read_gold
    gold = {g["id"]: g for g in read_gold(SHARED / "corpus" / "dev" / "gold.jsonl")}
    seed = json.loads((SHARED / "seed" / "seed-letter.gold.json").read_text(encoding="utf-8"))
    report = EvalReport("corpus/dev/gold.jsonl (017) + seed/seed-letter.gold.json", "scans")
    for doc_id, pages, record in (("017", CASES[0][1], gold["017"]), ("seed", CASES[1][1], seed)):
        _, _, pred = vanban(pages)
        report.score(record, pred, DocumentResult(doc_id, " + ".join(p.name for p in pages)))
    return _with_targets(report)


if __name__ == "__main__":
    sys.exit(main())
