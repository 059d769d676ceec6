"""E-office signing stamps drawn as images: numbers and days that neither the text layer nor the widgets' text hold.

Vietnamese e-office systems fill in the number and the day when the letter is signed, inside signature widgets
(ND30 Phụ lục I, ô 8: the stamp carries số/ký hiệu and the signing time). The page's own text layer reads
`Số: /UBND-XD` and `ngày  tháng 7 năm 2026`; most systems write the values as text in the widgets'
appearance streams, which pdf.py reads with the page, so the blank is gone before this module looks. Where
a header blank is left and a printed widget over it draws an image and no text, only that gap is rendered
(forms and annotations drawn) and read by OCR, digits only, with a warning. A blank under no widget, or under
one whose text was read, is the letter's own: no OCR.
"""
from __future__ import annotations

import re

from PIL import ImageOps

from pipeline.ingest.scan.ocr import ocr_line, tesseract_available
from pipeline.ingest.pdf import printed_annotations, render_page
from pipeline.records import Stamp
from pipeline.ingest.words import Word

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
        a, b = words[i].text, words[i + 1].text
        if _SO.match(a) and b.startswith("/"):
            out.append(("number", i, i + 1))
        elif _NGAY.match(a) and _THANG.match(b) and i and words[i - 1].text.endswith(","):  # "<place>, ngày"
            end = i + 2 if i + 2 < len(words) and not _NAM.match(words[i + 2].text) else i + 1
            out.append(("day", i, end))
        elif _THANG.match(a) and _NAM.match(b) and any(w.text.endswith(",") for w in words[max(i - 3, 0):i]):
            out.append(("month", i, i + 1))
    return out


def read_stamps(path: str, lines: list, warnings: list, page: int = 1) -> list[Stamp]:
    """OCR every blank number/day/month of the header lines that an image-only printed widget covers
    (positions from pdfium, whatever the engine, so that both engines crop the same pixels and read the
    same stamp). What was done and why goes to `warnings`."""
    gaps = []
    for line in lines[:HEADER_LINES]:
        for field, first, last in _blanks(line):
            a, b = line.words[first], line.words[last]
            height = max(b.bottom - b.top, 6.0)
            if b.x0 - line.words[last - 1].x1 < 0.6 * height and last == first + 1:
                continue  # no room for a number between the two words
            gaps.append((field, (a.x0 - 0.5 * height, line.bbox[1] - 0.15 * height, b.x1 + 0.5 * height,
                                 line.bbox[3] + 0.15 * height)))
    if not gaps:
        return []
    widgets = printed_annotations(path, page)
    stamps = []
    for field, box in gaps:
        under = {holds for wbox, holds in widgets if _overlap(wbox, box)}
        if not under or "text" in under:
            continue  # printed blank, or a widget whose text is read with the page: nothing to OCR
        if "image" not in under:
            warnings.append(f"the signing widget over the {field} draws nothing readable: the {field} is left blank")
            continue
        if not tesseract_available():
            warnings.append(f"the signing widget over the {field} holds only an image, and tesseract is not "
                            f"installed: the {field} is left blank")
            continue
        image = ImageOps.expand(render_page(path, page, crop=box), border=24, fill=255)
        text, conf = ocr_line(image)
        m = {"number": _READ_NUMBER, "day": _READ_DAY, "month": _READ_MONTH}[field].search(text)
        value = m.group(1).translate(_AS_DIGITS) if m else ""
        if value and len(value) <= (6 if field == "number" else 2):
            stamps.append(Stamp(field, value, page, tuple(round(v, 1) for v in box), round(conf, 3)))
            warnings.append(f"{field} read by OCR from a signing widget that holds only an image: {value}")
    return stamps


def _overlap(a: tuple, b: tuple) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


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
                line.words[last] = b._replace(text=stamp.value + b.text)
            else:
                a, nxt = line.words[first], line.words[first + 1]
                line.words.insert(first + 1, Word(stamp.value, a.x1 + 1, nxt.top, nxt.x0 - 1, nxt.bottom, stamp.confidence))
