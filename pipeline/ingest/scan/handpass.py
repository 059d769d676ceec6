"""A second look at the number and the date a clerk wrote by hand into a scanned letter (issue 6).

A letter is printed with blanks (`Số:      /QĐ-UBND`, `ngày    tháng    năm 2026`) that the clerk fills in by
hand when it is issued. Tesseract reads the handwriting as junk ("lý", "0Â", "+"). The printed words around
each blank are read well, so they locate it: the box between `Số:` and the `/` of the symbol, between `ngày`
and `tháng`, between `tháng` and `năm`. OCR's word boxes are not the print's ink: a box often takes in the
handwriting beside it, or stops a few pixels short of a slash's foot or an italic letter, and a date line
can come out as two lines. So the two halves of a split line are joined, the print's ends are found in the
image (`_print_end`, `_print_start`), and the box is cut out of the page a little wider than the blank: the
handwritten-digit network (pipeline/ingest/scan/digits.py) reads the strokes that lie in the blank, as a second
reader, and a stroke across the blank's edge leaves it unread:
- its reading replaces OCR's when every digit is sure and the value is possible (a day 1-31, a month 1-12);
- OCR's digits stand when the network's likeliest digits are the same (two readers agree), or when the marks
  are print-sized and tesseract read them with confidence (a typed or stamped number is tesseract's to read);
- otherwise OCR's text is taken out, so that no value is made of junk ("326" for 3266, "2" for a written 3):
  the field stays empty, with a warning that sends the clerk to the original.
"""
from __future__ import annotations

import re
from typing import Callable

from pipeline.ingest.layout import _make_line
from pipeline.ingest.words import Word
from pipeline.text.normalize import ascii_fold
from pipeline.ingest.scan.repair import edit_distance

_CLEAN = re.compile(r"^\d{1,5}$")
# The slash that opens the symbol (/QĐ-UBND, /SGDĐT-VP), not one OCR made of a handwritten 1 ("35/_")
_SYMBOL = re.compile(r"/[A-ZĐÐ]{2}")
PRINT_CONF = 0.80  # tesseract's confidence in digits it reads in print
PRINT_HEIGHT = 0.78  # printed digits stand at most this share of their line's word-box height
CHAR_WIDTH = 0.8  # a printed character is at most this many times its word box's height wide (seen: 0.5-0.62)
# The printed word before a blank, in its line's height (seen: 0.45-0.55 a letter): its letters take at least
# MIN_LETTER and at most MAX_LETTER of it each, and a gap of GAP ends it (a space; letters stand closer)
MIN_LETTER, MAX_LETTER, GAP = 0.3, 0.75, 0.2
START_SLOP = 0.35  # OCR's box of the word after a blank starts at most this many line heights right of its ink
SPECKS = ".,-_'`"  # what OCR makes of the specks of a scan
MARGIN = 0.8  # the crop reaches this many line heights over the print on either side of a blank


def _key(word: Word) -> str:
    return _text_key(word.text)


def _text_key(text: str) -> str:
    return re.sub(r"[^A-Z:/]", "", ascii_fold(text))


def read_handwriting(segments: list, ocr_pages: dict, load_page: Callable[[int], tuple], warnings: list) -> None:
    """`load_page(n)` → (image of page n, dpi). Rewrites, in place, the header lines whose number,
    day or month is handwriting (read by the digit reader, or emptied when it cannot be read)."""
    for seg in segments:
        if not seg.zone.startswith("header"):
            continue
        _join_split_lines(seg.lines)
        for i, line in enumerate(seg.lines):
            if line.page not in ocr_pages or not line.words:
                continue
            words = _unglue_day(_unglue_so(line.words))
            changed = False
            for field, start, stop, valid in sorted(_blanks(words), key=lambda b: -b[1]):  # right first
                done = _fill(words, field, start, stop, valid, load_page(line.page), warnings)
                if done is not None:
                    words, changed = done, True
            if changed:
                seg.lines[i] = _make_line(words, line.page)


def _join_split_lines(lines: list) -> None:
    """A line that OCR's word boxes split in two: handwriting taller than the print, and a word box that
    swallowed part of it, overlap the next word, so the layout puts half of `ngày … tháng … năm` on a line
    of its own ("Hải Phòng, ngày #Ô_" and "Ị tháng năm 2023"). Two neighbouring lines of a page that share
    most of their height are joined, in place, when the joined line holds a blank that neither holds."""
    i = 0
    while i + 1 < len(lines):
        a, b = lines[i], lines[i + 1]
        if a.page == b.page and a.words and b.words and _same_band(a.bbox, b.bbox):
            words = sorted(a.words + b.words, key=lambda w: w.x0)
            fields = {f[0] for f in _blanks(_unglue_day(_unglue_so(words)))}
            apart = {f[0] for ws in (a.words, b.words) for f in _blanks(_unglue_day(_unglue_so(ws)))}
            if fields - apart:
                lines[i:i + 2] = [_make_line(words, a.page)]
                continue
        i += 1


def _same_band(a: tuple, b: tuple) -> bool:
    """Two line boxes (x0, top, x1, bottom) that overlap by more than half the lower one's height."""
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _near(key: str, target: str) -> bool:
    """`key` is `target` or one OCR slip from it (a letter lost, added or changed): "NAY" for "NGAY"; a slash
    that OCR made of the handwriting glued to it is not counted ("THAHG/")."""
    key = key.rstrip("/")
    return key == target or len(key) >= 3 and edit_distance(key, target) <= 1


def _unglue_so(words: list) -> list:
    """`Số:` with the handwriting OCR glued to it ("Số:2%2") as two words; the printed `Số:` is about 1.3
    times as wide as the printed line is high (measured on the seed letter and 040: 1.38, 1.31)."""
    for k in range(min(2, len(words))):
        if re.match(r"SO:.", ascii_fold(words[k].text)):
            text, x0, top, x1, bottom, conf = words[k]
            printed = next((w for w in words[k + 1:] if _SYMBOL.search(w.text)), None)
            height = (printed.bottom - printed.top) if printed else 0.8 * (bottom - top)
            cut = min(x1 - 1, x0 + 1.3 * height)
            head = text.index(":") + 1
            return words[:k] + [Word(text[:head], x0, top, cut, bottom, conf),
                                Word(text[head:], cut, top, x1, bottom, conf)] + words[k + 1:]
    return words


def _unglue_day(words: list) -> list:
    """`ngày` with the handwritten day OCR glued to it ("ngày32" for a written 23) as two words; the printed
    `ngày` is about 2.1 times as wide as `tháng` beside it is high (measured on c109: 23.8 pt for 11.3 pt)."""
    for k, w in enumerate(words):
        if re.match(r"NGAY[^\s]", ascii_fold(w.text)) and w.text[:4].lower() == "ngày":
            after = next((v for v in words[k + 1:] if _near(_key(v), "THANG")), None)
            height = (after.bottom - after.top) if after else 0.7 * (w.bottom - w.top)
            cut = min(w.x1 - 1, w.x0 + 2.1 * height)
            return words[:k] + [w._replace(text=w.text[:4], x1=cut), w._replace(text=w.text[4:], x0=cut)] + words[k + 1:]
    return words


def _blanks(words: list) -> list[tuple]:
    """(field, index of the word before the blank, index of the word after it, check) for each blank a
    line holds: the number between `Số:` and the symbol's slash, the day and the month of `ngày … tháng …
    năm`, found on the line as OCR read it (filled from the right, so that the indices stay true). OCR
    often garbles the word printed beside handwriting ("này" for "ngày"): one slip is allowed."""
    keys = [_key(w) for w in words]
    out = []
    so = next((k for k in range(min(2, len(keys))) if keys[k] in ("SO", "SO:")), None)
    if so is not None:
        if keys[so] == "SO" and so + 1 < len(keys) and keys[so + 1] == ":":
            so += 1
        slash = next((k for k in range(so + 1, len(words)) if _SYMBOL.search(words[k].text)), None)
        if slash is not None and slash - so <= 4:
            out.append(("number", so, slash, lambda v: 0 < int(v)))
    at = -1
    for a, b, field, top in (("NGAY", "THANG", "day", 31), ("THANG", "NAM", "month", 12)):
        at = next((k for k in range(at + 1, len(keys)) if _near(keys[k], a)), None)
        if at is None:
            break
        to = next((k for k in range(at + 1, min(at + 4, len(keys))) if _near(keys[k], b)), None)
        if to is not None:
            out.append((field, at, to, lambda v, top=top: 1 <= int(v) <= top))
    return out


def _line_height(words: list) -> float:
    """The height of the line's printed word boxes: the median of the words tesseract is sure of."""
    hs = sorted(w.bottom - w.top for w in words if w.conf is not None and w.conf >= PRINT_CONF) or \
        sorted(w.bottom - w.top for w in words)
    return hs[len(hs) // 2]


def _print_end(image, s: float, word: Word, keyword: str, x0: float, top: float, bottom: float,
               line_pt: float) -> float:
    """Where the printed letters of `word` (the word before a blank) end, in points, found in the image,
    from `x0`, OCR's end of its box (or less). OCR's box of `ngày` or `tháng` often takes in the
    handwriting after it ("ngày|@_", or a box half as wide again as the word), and the blank then seems to
    hold nothing: the print ends at the first gap of GAP of a line's height (a space: a word's letters
    stand closer) past the least width its letters can have, unless the print would then be wider than its
    letters can be (handwriting close to the word). A box that ends a few pixels short of its last letter
    (italics) ends, like the print, at the gap after that letter: ink past the box's end, START_SLOP at
    most, all of strokes that begin inside it. Otherwise `x0` stands: handwriting that touches the print
    lies across the blank's edge, and the digit reader leaves the blank unread. Only a word that begins with
    the printed `keyword` (SO, NGAY, THANG) is measured so: in "26tháng" (a typed day glued to it) or
    "Phòng,ngày" its letters do not start at the box's start."""
    from pipeline.ingest.scan.digits import runs_on

    letters = re.match(r"[^\W\d_]+:?", word.text)
    if not letters or not _near(_text_key(letters.group(0)).rstrip(":"), keyword):
        return x0
    count = len(letters.group(0))
    a, b = int(word.x0 * s), int(x0 * s)
    slop, gap = int(START_SLOP * line_pt * s), max(2, int(GAP * line_pt * s))
    if b - a < 4:
        return x0
    ink = _strip(image, s, a, b + slop + gap, top, bottom)
    empty = (ink > 0).sum(0) < 2
    least, most = int(MIN_LETTER * line_pt * count * s), MAX_LETTER * line_pt * count * s
    box, run = b - a, 0
    for k in range(least, len(empty)):
        run = run + 1 if empty[k] else 0
        if run < gap:
            continue
        end = k - run + 1
        if end > most or end > box and (end - box > slop or not runs_on(ink, box, end, line_pt * s)):
            return x0  # wider than its letters, or ink past the box's end that is not its last letter's
        return (a + end) / s
    return x0


def _print_start(image, s: float, x1: float, top: float, bottom: float, line_pt: float) -> float:
    """Where the printed word after a blank begins, in points: OCR's box of `/QĐ-UBND` may start a few
    pixels right of its slash's foot, and the foot would then seem to lie across the blank's edge. Ink left
    of the box's start, START_SLOP of a line's height at most, all of strokes that reach into the box, with
    a gap of GAP before it, is the print's; otherwise the box's start stands (and handwriting close by is
    not taken for print)."""
    from pipeline.ingest.scan.digits import runs_on

    slop, gap = int(START_SLOP * line_pt * s), max(2, int(GAP * line_pt * s))
    at = int(x1 * s)
    a = at - slop - gap
    if a < 0:
        return x1
    ink = _strip(image, s, a, at + slop, top, bottom)
    empty = (ink > 0).sum(0) < 2
    box = at - a
    k = box - 1
    while k >= 0 and not empty[k]:  # the print's foot, leftwards from the box's start
        k -= 1
    if k == box - 1 or k < gap - 1 or not empty[k - gap + 1:k + 1].all() or \
            not runs_on(ink, box, k + 1, line_pt * s, True):
        return x1  # no ink at the box's start, ink too far left of it, or handwriting close by
    return (a + k + 1) / s


def _strip(image, s: float, a: int, b: int, top: float, bottom: float):
    from pipeline.ingest.scan.digits import ink_of

    return ink_of(image.crop((a, max(0, int(top * s)), b, int(bottom * s))))


def _print_sized(reading, line_px: float) -> bool:
    """The marks in the blank are as tall as printed digits (about two thirds of the line's word boxes, and
    all alike but one: a slash or a speck beside them): a number typed or stamped in (e-office systems print
    it in a form field), not written. Hands write larger and less evenly (040: 0.8-0.9 of the line)."""
    hs = sorted(reading.heights)
    if not hs:
        return False
    middle = hs[len(hs) // 2]
    alike = [h for h in hs if abs(h - middle) <= 0.12 * middle]
    return middle <= PRINT_HEIGHT * line_px and len(alike) >= max(1, len(hs) - 1)


def _fill(words: list, field: str, start: int, stop: int, valid, page: tuple, warnings: list) -> list | None:
    """The line's words with the blank between words[start] and words[stop] read as handwriting (or emptied,
    when it cannot be read with confidence), or None when OCR's reading stands."""
    from pipeline.ingest.scan.digits import read_digits

    image, dpi = page
    between = words[start + 1:stop]
    after = words[stop]
    at = _SYMBOL.search(after.text).start() if field == "number" else 0
    glued, symbol = after.text[:at], after.text[at:]
    seen = "".join(w.text for w in between) + glued
    x0 = words[start].x1
    if glued:  # "lý/QĐ-UBND": the slash sits about where its share of the letters puts it
        x1 = after.x0 + (after.x1 - after.x0) * len(glued) / max(1, len(after.text))
    else:
        x1 = after.x0
    height = max(w.bottom - w.top for w in (words[start], after))
    top = min(words[start].top, after.top) - 0.5 * height
    bottom = max(words[start].bottom, after.bottom) + 0.4 * height
    s = dpi / 72
    line_pt = _line_height(words)
    # A printed word whose box is far wider than its letters took in handwriting OCR did not read as text:
    # the blank reaches to where the printed letters must begin (or end). Within a few pixels the box's
    # start is the print's, found in the image (a word of capitals is near that width, and OCR's box of
    # it may start right of its slash)
    letters = after.x1 - CHAR_WIDTH * (after.bottom - after.top) * len(symbol or after.text)
    if letters > x1 + START_SLOP * line_pt:
        x1 = letters
    elif not glued.strip(SPECKS):  # nothing glued, or only the specks of a scan before the slash ("./QĐ")
        x1 = _print_start(image, s, after.x0, top, bottom, line_pt)
    before = words[start]
    x0 = min(x0, before.x0 + CHAR_WIDTH * (before.bottom - before.top) * len(before.text))
    keyword = {"number": "SO", "day": "NGAY", "month": "THANG"}[field]
    x0 = _print_end(image, s, before, keyword, x0, top, bottom, line_pt)
    if x1 - x0 < 0.5 * height:
        return None
    # The crop reaches over the print on both sides, and the digit reader reads the strokes that lie in the
    # blank: a stroke across its edge (a digit OCR's box of the print swallowed in part) leaves it unread
    margin = MARGIN * height
    left, right = max(0, int((x0 - margin) * s)), int((x1 + margin) * s)
    crop = image.crop((left, max(0, int(top * s)), right, int(bottom * s)))
    reading = read_digits(crop, line_height=height * s, span=(x0 * s - left, x1 * s - left))
    rest = [after._replace(text=symbol, x0=x1)] if glued else [after]
    if reading.text == "" or reading.text == seen:
        return None  # no ink in the blank, or both readers read the same
    # tesseract's confidence in the digits; glued to the symbol ("1074/QĐ-BXD") the word's confidence is the
    # whole word's, and the digit reader finding the same digits (and a slash beside them) stands in for it
    sure = min((w.conf for w in between), default=after.conf) >= PRINT_CONF or \
        bool(glued and reading.text and seen in reading.text)
    if _CLEAN.match(seen) and sure and _print_sized(reading, height * s):
        return None  # typed or stamped digits, read well by tesseract: print is tesseract's to read
    if not (reading.text and valid(reading.text)):
        if not seen or (_CLEAN.match(seen) and reading.guess == seen):
            return None  # nothing to take out, or tesseract's digits are the digit reader's likeliest too
        # Ink that neither tesseract nor the digit reader reads with confidence, or that they read
        # differently: what OCR made of it ("326" for 3266, "0Â" for 02, "2" for a written 3) must not
        # become the value, so the blank is left empty
        warnings.append(f"handwritten {field} not read with confidence (OCR saw {seen!r}, the digit reader "
                        f"{reading.guess or '?'} at {reading.confidence:.2f}): left empty, check the original")
        return words[:start + 1] + rest + words[stop + 1:]
    if sum(c.isdigit() for c in seen) > len(reading.text):
        # OCR saw more digits in the blank than the digit reader read ('.20Ÿ2}' beside its 2, '203⁄2' beside its
        # 204: the written 2082 and 2094): strokes it missed, and a number short of a digit is a wrong number
        warnings.append(f"handwritten {field} not read with confidence (OCR saw {seen!r}, more digits than the "
                        f"digit reader's {reading.text}): left empty, check the original")
        return words[:start + 1] + rest + words[stop + 1:]
    new = Word(reading.text, x0 + 0.5, top + 0.5 * height, x1 - 0.5, bottom - 0.4 * height, reading.confidence)
    warnings.append(f"handwritten {field} read by the digit reader: {reading.text} "
                    f"(confidence {reading.confidence:.2f}; OCR saw {seen!r})")
    return words[:start + 1] + [new] + rest + words[stop + 1:]
