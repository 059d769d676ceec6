"""E-office signing stamps: numbers and days the text layer leaves blank and the page shows.

Vietnamese e-office systems fill in the number and the day when the letter is signed, often as images inside
signature widgets (ND30 Phụ lục I, ô 8: the stamp carries số/ký hiệu and the signing time). The text layer
then reads `Số: /UBND-XD` and `ngày  tháng 7 năm 2026`. Where the header has such a blank, only that gap is
rendered (forms and annotations drawn) and read by OCR, digits only.
"""
from __future__ import annotations

import re

from PIL import ImageOps

from pipeline.ingest.ocr import ocr_line, tesseract_available
from pipeline.ingest.pdf import render_page
from pipeline.records import Stamp

_SO = re.compile(r"^S[ốo]\s*:?$", re.I)
_NGAY = re.compile(r"^ngày$", re.I)
_THANG = re.compile(r"^tháng$", re.I)
_NAM = re.compile(r"^năm$", re.I)
# What the rendered line reads once the stamp is drawn.
# The stamp font is not the letter's: tesseract reads its 1 as I, l, | or ] now and then, 0 as O.
_D = r"([0-9IlO|\]\[!]*[0-9][0-9IlO|\]\[!]*)"
_READ_NUMBER = re.compile(r"S\S{0,2}\s*:?\s*" + _D + r"\s*/")
_READ_DAY = re.compile(r"ng\S{1,2}y\s*" + _D + r"\s*th", re.I)
_READ_MONTH = re.compile(r"th\S{2,4}\s*" + _D + r"\s*n", re.I)
_AS_DIGITS = str.maketrans("IlO|][!", "1101111")
HEADER_LINES = 16


def _blanks(line) -> list[tuple[str, int, int]]:
    """(field, first word, last word) of each blank in a header line: the words around it, which the
    OCR reads together with the stamp (the widget redraws the whole run, often shifted)."""
    words = line.words
    out = []
    for i in range(len(words) - 1):
        a, b = words[i][0], words[i + 1][0]
        if _SO.match(a) and b.startswith("/"):
            out.append(("number", i, i + 1))
        elif _NGAY.match(a) and _THANG.match(b) and i and words[i - 1][0].endswith(","):  # "<place>, ngày"
            end = i + 2 if i + 2 < len(words) and not _NAM.match(words[i + 2][0]) else i + 1
            out.append(("day", i, end))
        elif _THANG.match(a) and _NAM.match(b) and any(w[0].endswith(",") for w in words[max(i - 3, 0):i]):
            out.append(("month", i, i + 1))
    return out


def read_stamps(path: str, lines: list, page: int = 1) -> list[Stamp]:
    """OCR every blank number/day/month of the header lines (positions from pdfium, whatever the engine,
    so that both engines crop the same pixels and read the same stamp)."""
    if not tesseract_available():
        return []
    stamps = []
    for line in lines[:HEADER_LINES]:
        for field, first, last in _blanks(line):
            a, b = line.words[first], line.words[last]
            height = max(b[4] - b[2], 6.0)
            if b[1] - line.words[last - 1][3] < 0.6 * height and last == first + 1:
                continue  # no room for a number between the two words
            box = (a[1] - 0.5 * height, line.bbox[1] - 0.15 * height, b[3] + 0.5 * height, line.bbox[3] + 0.15 * height)
            image = ImageOps.expand(render_page(path, page, crop=box), border=24, fill=255)
            text, conf = ocr_line(image)
            m = {"number": _READ_NUMBER, "day": _READ_DAY, "month": _READ_MONTH}[field].search(text)
            value = m.group(1).translate(_AS_DIGITS) if m else ""
            if value and len(value) <= (6 if field == "number" else 2):
                stamps.append(Stamp(field, value, page, tuple(round(v, 1) for v in box), round(conf, 3)))
    return stamps


def apply_stamps(lines: list, stamps: list[Stamp]) -> None:
    """Write the stamped values into the blanks of the header lines (words patched in place)."""
    values = {s.field: s for s in stamps}
    for line in lines[:HEADER_LINES]:
        for field, first, last in reversed(_blanks(line)):
            stamp = values.get(field)
            if stamp is None:
                continue
            b = line.words[last]
            if field == "number":  # "7432" + "/UBND-XD" as one symbol, as the page shows it
                line.words[last] = (stamp.value + b[0],) + b[1:]
            else:
                a, nxt = line.words[first], line.words[first + 1]
                line.words.insert(first + 1, (stamp.value, a[3] + 1, nxt[2], nxt[1] - 1, nxt[4], stamp.confidence))
