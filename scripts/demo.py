"""The main job on the bundled samples: read every file under samples/, extract its letter record, and write
what vanban read.

Writes, per sample, outputs/demo/<name>.txt (the text), <name>.source.json (the Source), <name>.letter.json
(the letter record) and <name>.html (the review page with every field highlighted), and prints one line per
file: format, pages, OCR, the number, date, issuer and how many documents it cites, so a person sees at a
glance that it worked.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter
from pipeline.nlp.review import write_review

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".py", ".md"}


def main() -> int:
    out = ROOT / "outputs" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in (ROOT / "samples").rglob("*") if p.is_file() and p.suffix not in SKIP)
    failures = 0
    for path in files:
        name = str(path.relative_to(ROOT / "samples")).replace("/", "__")
        try:
            source = read_document(path)
        except ReadError as exc:
            print(f"{path.relative_to(ROOT)}: quarantine {exc.reason}: {exc.message}")
            failures += 1
            continue
        letter = extract_letter(source)
        record = letter.to_json()
        (out / f"{name}.txt").write_text(source.text + "\n", encoding="utf-8")
        (out / f"{name}.source.json").write_text(json.dumps(source.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        (out / f"{name}.letter.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        write_review(out / f"{name}.html", source.text, record, title=path.name)
        number = letter.full_number or (f"/{letter.symbol} (blank)" if letter.symbol else "-")
        print(f"{str(path.relative_to(ROOT)):38} {source.format:5} {len(source.pages):2}p {'ocr ' if source.ocr else '    '}"
              f"| {number:18} {letter.date or '-':10} {(letter.issuer or '-')[:30]:30} {len(letter.references):2} refs")
    print(f"{len(files) - failures} of {len(files)} samples read; text, records and review pages in "
          f"{out.relative_to(ROOT)}/")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
