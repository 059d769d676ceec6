"""The main job on the bundled samples: read every file under samples/ and write what vanban read.

Writes outputs/demo/<name>.txt (the text) and outputs/demo/<name>.json (the Source), and prints one line per
file: format, pages, OCR, stamps and the header's number line, so a person sees at a glance that it worked.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.ingest import read_document

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
        (out / f"{name}.txt").write_text(source.text + "\n", encoding="utf-8")
        (out / f"{name}.json").write_text(json.dumps(source.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        number = next((m.group(0) for m in re.finditer(r"S[ốo]\s*:[^\n]*", source.zone_text("header_left"))), "-")
        print(f"{str(path.relative_to(ROOT)):42} {source.format:5} {len(source.pages):2}p "
              f"{'ocr ' if source.ocr else ''}{'stamped ' if source.stamps else ''}{source.encoding or ''} | {number}")
    print(f"{len(files) - failures} of {len(files)} samples read; text and JSON in {out.relative_to(ROOT)}/")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
