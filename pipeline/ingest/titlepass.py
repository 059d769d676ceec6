"""A second look at a scanned signature column whose title is missing (issue 6).

The title above a signer's name (CHỦ TỊCH, GIÁM ĐỐC) is printed where the red seal and the signature land,
and tesseract's page segmentation often drops it as part of a picture. When an OCR'd signature column has a
name but no line in capitals above it, the box above the name is read again with the seal's red ink removed,
as sparse text; capital words read with confidence become the missing line. Nothing is added otherwise.
"""
from __future__ import annotations

import re
from typing import Callable

from pipeline.ingest.layout import Line, _make_line

_NAME = re.compile(r"^(?:[A-ZĐ][^\s\d]*\s+){1,5}[A-ZĐ][^\s\d]*$")
MIN_CONF = 0.5


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _name_line(segments: list) -> tuple | None:
    """(segment, index) of the signer's name: the last name-like line of the signature column, or, when the
    layout found no signature table, the last one in the right half of the body after the text."""
    column = next((s for s in segments if s.zone == "signature_right"), None)
    if column is not None:
        at = next((i for i in range(len(column.lines) - 1, -1, -1) if _is_name_line(column.lines[i])), None)
        return (column, at) if at is not None else None
    for seg in reversed([s for s in segments if s.zone == "body"]):
        right = max((ln.bbox[2] for ln in seg.lines if ln.bbox), default=0)
        for i in range(len(seg.lines) - 1, -1, -1):
            ln = seg.lines[i]
            if _is_name_line(ln) and ln.bbox[0] > 0.45 * right:
                return seg, i
    return None


def _is_name_line(line: Line) -> bool:
    return bool(line.bbox) and bool(_NAME.match(line.text)) and not _caps(line.text)


def recover_title(segments: list, ocr_pages: dict, load_page: Callable[[int], tuple], warnings: list) -> None:
    """`load_page(n)` → (colour image of page n, dpi). Inserts the recovered line above the signer's name."""
    found = _name_line(segments)
    if found is None:
        return
    seg, at = found
    name = seg.lines[at]
    above = [ln for ln in seg.lines[max(0, at - 3):at] if ln.bbox and ln.page == name.page
             and ln.bbox[2] > name.bbox[0] - 40 and name.bbox[1] - ln.bbox[3] < 130]
    if name.page not in ocr_pages or any(_caps(ln.text) for ln in above):
        return
    from pipeline.ingest.ocr import read_box

    image, dpi = load_page(name.page)
    x0, top, x1, _ = name.bbox
    box = (max(0.0, x0 - 80), max(0.0, top - 130), x1 + 80, top - 2)
    words = [w for w in read_box(image, box, dpi)
             if w[5] >= MIN_CONF and w[0].isupper() and sum(c.isalpha() for c in w[0]) >= 2]
    if not words or not _caps(" ".join(w[0] for w in words)):
        return
    line: Line = _make_line(words, name.page)
    seg.lines.insert(at, line)
    warnings.append(f"the signer's title read again without the seal's red ink: {line.text}")
