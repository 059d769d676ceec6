"""Layout: turn lines (positioned or not) into one text with zones, the way a clerk reads a letter.

ND30 Phụ lục I puts two columns side by side twice: the header (ô 2-3 and 5b on the left; ô 1 and 4 on the
right) and the signature block (ô 9b Nơi nhận on the left; ô 7 on the right). Read line by line they
interleave ("Số: 12/UBND-VX  Hà Nội, ngày 05 tháng 01 năm 2020"), so each such band is split at its widest
vertical gap and emitted column after column. The page middle is the wrong split: the gap of a real letter
sits near x≈270 pt of 595.

Output text: zones separated by a blank line, lines by "\\n", pages by "\\n"; every line is one `Block`.
"""
from __future__ import annotations

import math
import re
from operator import attrgetter

from pipeline.ingest.words import Line, Segment, Word
from pipeline.records import Block, Page, Zone
from pipeline.text.patterns import (CAN_CU_WORDS, DECORATION, HEADER_RIGHT, ITEM_MARK, KINH_GUI_WORDS, NOI_NHAN_LOOSE,
                                    NOI_NHAN_WORDS, PLACE_DATE_IN_LINE, QUOC_HIEU_LINE, SECTION_HEAD, SO_HEAD, THUC_HIEN_WORDS,
                                    TIEU_NGU_LINE, spelled)

_SPACES = re.compile(r"\s+")
# Lines that open the body: no header line starts like this (ô 9a, ô 6, a type title of ô 5a).
_HEADER_STOP = re.compile(r"^\s*(" + "|".join(spelled(w, r"\s*") for w in (KINH_GUI_WORDS, CAN_CU_WORDS, THUC_HIEN_WORDS,
                                                                             NOI_NHAN_WORDS)) + f"|{SECTION_HEAD})", re.I)


def clean_line(text: str) -> str:
    if text.isprintable() and "  " not in text:  # its only whitespace is single spaces: nothing to collapse
        return text.strip()  # (every whitespace character but the space is unprintable)
    return _SPACES.sub(" ", text).strip()


# ---------------------------------------------------------------------------------------------------
# Positioned input: words → lines → bands


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Cluster positioned words (text, x0, top, x1, bottom, conf) into lines by vertical overlap."""
    lines: list[list[Word]] = []
    refs: list[list[float]] = []  # per line: top and bottom of its tallest word, and its x extent
    for w in sorted(words, key=_band_then_x):
        x0, top, x1, bottom = w[1:5]
        ref = refs[-1] if refs else None
        # The common case needs no search: the word lies within the top and bottom of the last line's
        # tallest word (at least 0.1 pt high) and starts right of the line. Its overlap with that line is
        # its whole height, which no other line can exceed, and on ties the search prefers the latest line.
        if ref and ref[0] <= top and bottom <= ref[1] and bottom - top >= 0.1 and x0 >= ref[3] - 0.5:
            line = lines[-1]
        else:
            k = _best_line(w, lines, refs)
            if k is None:
                lines.append([w])
                refs.append([top, bottom, x0, x1])
                continue
            line, ref = lines[k], refs[k]
            if max(bottom - top, 0.1) > ref[1] - ref[0]:
                ref[0], ref[1] = top, bottom
        line.append(w)
        if x0 < ref[2]:  # min() and max() of the x extent, spelt out (cheaper, same values)
            ref[2] = x0
        if x1 > ref[3]:
            ref[3] = x1
    lines = [sorted(ln, key=_X0) for ln in lines]
    _rehome(lines)
    return [_make_line(ln, page) for ln in lines if ln]


FAR = 6.0  # a gap of this many word heights within a line is another column
NEAR = 1.5  # a gap of at most this many word heights is the next word of the same line


def _rehome(lines: list[list[Word]]) -> None:
    """A word taken into a line of the other column while its own line had not begun ("Điều", a little
    higher than "- Như … 3;" beside it, into the signature column's "THỨ TRƯỞNG", since words are taken top to
    bottom in 3 pt bands) goes to the line of its neighbours: when it stands far from every word of its
    line and right beside words of a nearby line that it overlaps by half the taller one's height. A speck
    OCR is unsure of (under 0.5) stays where it is."""
    for i, line in enumerate(lines):
        if len(line) < 2:
            continue
        for j in range(len(line) - 1, -1, -1):
            w = line[j]
            h = max(w.bottom - w.top, 0.1)
            left = w.x0 - line[j - 1].x1 if j else math.inf
            right = line[j + 1].x0 - w.x1 if j + 1 < len(line) else math.inf
            if min(left, right) < FAR * h or w.conf is not None and w.conf < 0.5:  # OCR's unsure specks stay
                continue
            for k in range(max(0, i - 3), min(len(lines), i + 4)):
                if k == i or not lines[k]:
                    continue
                near = [x for x in lines[k] if -0.5 * h < w.x0 - x.x1 < NEAR * h or -0.5 * h < x.x0 - w.x1 < NEAR * h]
                if near and all(min(x.bottom, w.bottom) - max(x.top, w.top) >= 0.5 * max(h, x.bottom - x.top) for x in near):
                    del line[j]
                    lines[k].append(w)
                    lines[k].sort(key=_X0)
                    break


def _band_then_x(w: Word) -> tuple:
    return round((w.top + w.bottom) / 6), w.x0  # ~3 pt bands, then left to right


def _best_line(w: Word, lines: list[list[Word]], refs: list[list[float]]) -> int | None:
    """Of the last six lines, the one the word overlaps most (at least 0.6 of the smaller height, its centre
    within the line), the latest on ties, and not one where it would sit on another word."""
    h = max(w.bottom - w.top, 0.1)
    centre = (w.top + w.bottom) / 2
    best, best_overlap = None, 0.0
    for k in range(len(lines) - 1, max(len(lines) - 7, -1), -1):
        top, bottom, x0, x1 = refs[k]
        if not top <= centre <= bottom:  # most candidates are other lines: skip them before measuring
            continue
        overlap = min(bottom, w.bottom) - max(top, w.top)
        if overlap >= 0.6 * min(h, bottom - top) and overlap > best_overlap and \
                (w.x0 >= x1 - 0.5 or w.x1 <= x0 + 0.5 or not _collides(w, lines[k])):
            best, best_overlap = k, overlap
    return best


def _collides(w: Word, line: list[Word]) -> bool:
    """A line never holds two words at the same x: that is the line above or below."""
    x0, x1 = w.x0, w.x1
    for x in line:
        # Side by side: the overlap is <= 0, never over 0.3 of a width unless a width is negative.
        if (x.x1 <= x0 or x.x0 >= x1) and x1 >= x0 and x.x1 >= x.x0:
            continue
        if min(x.x1, x1) - max(x.x0, x0) > 0.3 * min(x1 - x0, x.x1 - x.x0):
            return True
    return False


def _make_line(words: list[Word], page: int) -> Line:
    bbox = (min(map(_X0, words)), min(map(_TOP, words)), max(map(_X1, words)), max(map(_BOTTOM, words)))
    confs = [c for c in map(_CONF, words) if c is not None]
    return Line(_join_words(words), page, bbox, sum(confs) / len(confs) if confs else None, words)


_TEXT, _X0, _TOP, _X1, _BOTTOM, _CONF = (attrgetter(f) for f in Word._fields)


_CLOSING = re.compile(r"^[.,;:!?)\]]+$")
# A word boundary (the joining space) where a rule of `_join_words` might apply: a slash or hyphen on either
# side, closing punctuation after it; or an empty word, which the rules below do not expect.
_MAY_JOIN = re.compile(r" (?:[/.,;:!?)\]\- ]|$)|[/-] |^ ")


def _join_words(words: list[Word]) -> str:
    """Words joined by one space, except where no space was printed: closing punctuation close to its word
    ("(Hiển) ." → "(Hiển).") and slash or hyphen pieces nearer than a thin space ("259/KH" "-"), so that
    engines which split words at different gaps still print the same line. Words hold no whitespace (every
    engine splits at it), so the join needs no further clean-up; `assemble` cleans each line once anyway."""
    text = " ".join(map(_TEXT, words))
    if not _MAY_JOIN.search(text):  # most lines: no boundary where a rule applies, so no gaps to measure
        return text
    out = []
    for i, w in enumerate(words):
        gap = w.x0 - words[i - 1].x1 if i else 0.0
        height = max(w.bottom - w.top, words[i - 1].bottom - words[i - 1].top if i else 0.0, 1.0)
        joiner = w.text[0] in "/-" or out and out[-1][-1] in "/-"
        if i and (joiner and gap < 0.12 * height or _CLOSING.match(w.text) and gap < 0.35 * height):
            out[-1] += w.text
        else:
            out.append(w.text)
    return " ".join(out)


def _channel(lines: list[Line], x_lo: float, x_hi: float, min_width: float) -> tuple[float, float] | None:
    """The widest x-interval free of ink in every line, inside the middle of [x_lo, x_hi]."""
    lo, hi = math.floor(x_lo), math.ceil(x_hi)
    ink = bytearray(hi - lo + 1)  # one cell per point
    for ln in lines:
        for w in ln.words:
            if not _ALNUM.search(w.text):  # rules and OCR specks ("_", "~") are not a column
                continue
            a, b = max(math.floor(w.x0), lo) - lo, min(math.ceil(w.x1), hi) - lo
            if a < b:
                ink[a:b] = b"\x01" * (b - a)
    width = x_hi - x_lo
    best = None
    for run in _NO_INK.finditer(ink):  # left to right, as the widest-first choice below expects
        a, b = lo + run.start(), lo + run.end()
        mid = (a + b) / 2
        if x_lo + 0.2 * width <= mid <= x_lo + 0.8 * width and b - a >= min_width:
            if best is None or b - a > best[1] - best[0]:
                best = (a, b)
    return best


_NO_INK = re.compile(b"\x00+")
_ALNUM = re.compile(r"[^\W_]")  # matches exactly the characters str.isalnum() accepts (checked over all of Unicode)


def _two_sided(lines: list[Line], channel: tuple[float, float]) -> bool:
    cut = sum(channel) / 2
    return any(any(w.x1 <= cut for w in ln.words) and any(w.x0 >= cut for w in ln.words) for ln in lines)


def _both_sides(lines: list[Line], channel: tuple[float, float]) -> bool:
    """Lines left of the gap and lines right of it, if on no line together: the Nơi nhận list, and a
    signature column whose lines level with it the seal hid from OCR (of a scanned signature block only the name
    may be read)."""
    cut = sum(channel) / 2
    return (any(all(w.x1 <= cut for w in ln.words) for ln in lines)
            and any(all(w.x0 >= cut for w in ln.words) for ln in lines))


def _split_band(band: list[Line], channel: tuple[float, float]) -> tuple[list[Line], list[Line]]:
    cut = sum(channel) / 2
    left, right = [], []
    for ln in band:
        lw = [w for w in ln.words if (w.x0 + w.x1) / 2 < cut]
        rw = [w for w in ln.words if (w.x0 + w.x1) / 2 >= cut]
        if lw:
            left.append(_make_line(lw, ln.page))
        if rw:
            right.append(_make_line(rw, ln.page))
    return left, right


def find_band(lines: list[Line], start: int, stop: int, x_lo: float, x_hi: float,
              apart: bool = False) -> tuple[int, tuple[float, float]] | None:
    """Longest run lines[start:end] (end <= stop) with a common vertical gap and two columns side by side
    (`apart`: or lines on each side of it, none on both). The gap must be wider than a word space: 0.4 of
    the median line height (≈5 pt at 13 pt type)."""
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines[start:stop]) or [12.0]
    min_gap = 0.4 * heights[len(heights) // 2]
    for end in range(stop, start + 1, -1):
        channel = _channel(lines[start:end], x_lo, x_hi, min_gap)
        if channel and (_two_sided(lines[start:end], channel) or apart and _both_sides(lines[start:end], channel)):
            return end, channel
    return None


def segment_positioned(pages: list[list[Line]]) -> list[Segment]:
    """Zones of a positioned document: the header band of page 1, the Nơi nhận/signature band, the body."""
    segments: list[Segment] = []
    for index, lines in enumerate(pages):
        if not lines:
            continue
        x_lo = min(ln.bbox[0] for ln in lines)
        x_hi = max(ln.bbox[2] for ln in lines)
        pos = 0
        if index == 0:
            stop = next((i for i, ln in enumerate(lines) if _HEADER_STOP.match(ln.text)), len(lines))
            stop = min(stop, 14)
            band = find_band(lines, 0, stop, x_lo, x_hi) if stop >= 2 else None
            if band:
                end, channel = band
                left, right = _split_band(lines[:end], channel)
                segments += [Segment("header_left", left), Segment("header_right", right)]
                pos = end
        sig = next((i for i in range(pos, len(lines)) if NOI_NHAN_LOOSE.match(lines[i].text)), None)
        if sig is not None:
            first = sig
            while first > pos and lines[first - 1].bbox[0] > (x_lo + x_hi) / 2:  # authority line above
                first -= 1
            band = find_band(lines, first, len(lines), x_lo, x_hi, apart=True)
            if band:
                end, channel = band
                segments.append(Segment("body", lines[pos:first]))
                left, right = _split_band(lines[first:end], channel)
                segments += [Segment("signature_left", left), Segment("signature_right", right)]
                pos = end
        segments.append(Segment("body", lines[pos:]))
    return segments


# ---------------------------------------------------------------------------------------------------
# Flat input (TXT, HTML without a header table, antiword output): classify header lines by content


def split_flat_header(lines: list[str]) -> list[Segment]:
    """Recover the two header columns of a letter whose text was flattened to one column.

    Right column = national motto, tiêu ngữ, their rules, and the place-and-date line (ô 1 and ô 4);
    a line holding both columns ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI…", "Số: 5/UBND Vị Thanh, ngày …")
    is cut where the right part begins. The header ends at Kính gửi, Căn cứ, or a CAPS title after Số.
    The Nơi nhận and signature columns printed side by side are taken apart at their gap (_closing_columns)."""
    lines = [clean_line(x) for x in _closing_columns(lines)]
    lines = [x for x in lines if x]
    if not lines:
        return []
    head_n = min(len(lines), 25)
    if not any(QUOC_HIEU_LINE.search(x) or SO_HEAD.match(x) for x in lines[:head_n]):
        return [Segment("body", [Line(x) for x in lines])]
    left, right, seen_so, seen_right, end = [], [], False, False, len(lines)
    for i, text in enumerate(lines[:head_n]):
        if i and _HEADER_STOP.match(text) or (seen_so and _is_title(text)):
            end = i
            break
        l_part, r_part = _cut_right(text, seen_right)
        if l_part:
            left.append(Line(l_part))
        if r_part:
            right.append(Line(r_part))
            seen_right = True
        seen_so = seen_so or bool(SO_HEAD.match(text))
    else:
        end = head_n
    return [Segment("header_left", left), Segment("header_right", right)] + \
        split_flat_signature(lines[end:])


_COLUMN_GAP = re.compile(r"^(\s*\S.*?\S?)(?:\t+\s*| {4,})(\S.*)$")
_INDENTED = re.compile(r"^(?:\t+| {8,})\S")
_SIGNATURE_ROWS = 16


def _closing_columns(lines: list[str]) -> list[str]:
    """Nơi nhận (ô 9b, left) and the signature (ô 7, right) share the closing row (ND30 Phụ lục I); flattened to
    text (antiword, a saved page) each line holds both cells, apart by tabs or a run of spaces
    ("- Như trên;\t\tPHÓ CHỦ TỊCH"), and a line holding only the right cell is indented. From the Nơi nhận
    line on, the left cells are kept in place and the right cells follow them, in order."""
    at = next((i for i, x in enumerate(lines) if NOI_NHAN_LOOSE.match(x)), None)
    if at is None:
        return lines
    stop = min(len(lines), at + _SIGNATURE_ROWS)
    rows = lines[at:stop]
    if not any(_COLUMN_GAP.match(x.rstrip()) for x in rows[:3]):
        return lines
    left, right = [], []
    for raw in rows:
        raw = raw.rstrip()
        gap = _COLUMN_GAP.match(raw)
        if gap and not _INDENTED.match(raw):
            left.append(gap.group(1))
            right.append(gap.group(2))
        elif _INDENTED.match(raw) and not ITEM_MARK.match(raw):
            right.append(raw)
        else:
            left.append(raw)
    return lines[:at] + left + right + lines[stop:]


def _is_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and not any(c.isdigit() for c in text) \
        and not QUOC_HIEU_LINE.search(text)


def _cut_right(text: str, after_motto: bool) -> tuple[str, str]:
    """Split a flattened header line into its left-column and right-column parts."""
    for pattern in (QUOC_HIEU_LINE, TIEU_NGU_LINE):
        m = pattern.search(text)
        if m:
            return text[:m.start()].strip(), text[m.start():].strip()
    if after_motto and DECORATION.match(text):
        return "", text
    m = PLACE_DATE_IN_LINE.search(text)
    if m and not SO_HEAD.match(text[m.start(1):]):
        return text[:m.start(1)].strip(), m.group(1).strip()
    return text, ""


def split_flat_signature(lines: list[str]) -> list[Segment]:
    """Nơi nhận first, then the signature (the order of a table read left cell first): split the two."""
    start = next((i for i, x in enumerate(lines) if NOI_NHAN_LOOSE.match(x)), None)
    if start is None:
        return [Segment("body", [Line(x) for x in lines])]
    end = start + 1
    while end < len(lines) and (lines[end].startswith(("-", "+", "•")) or lines[end][:1].islower()):
        end += 1
    tail = lines[end:]
    return [Segment("body", [Line(x) for x in lines[:start]]),
            Segment("signature_left", [Line(x) for x in lines[start:end]]),
            Segment("signature_right", [Line(x) for x in tail])] if tail else \
        [Segment("body", [Line(x) for x in lines[:start]]), Segment("signature_left", [Line(x) for x in lines[start:]])]


# ---------------------------------------------------------------------------------------------------
# Assembly


def assemble(segments: list[Segment], page_sizes: dict[int, tuple[float, float]] | None = None,
             ocr_pages: dict[int, float | None] | None = None):
    """Join segments into (text, pages, blocks, zones). Zones are separated by a blank line."""
    parts: list[str] = []
    blocks: list[Block] = []
    zones: list[Zone] = []
    pos = 0
    page_span: dict[int, list[int]] = {}
    for seg in segments:
        lines = [(ln, text) for ln in seg.lines if (text := clean_line(ln.text))]
        if not lines:
            continue
        if parts:
            parts.append("\n\n" if zones and zones[-1].name != seg.zone else "\n")
            pos += len(parts[-1])
        z_start = pos
        for k, (ln, text) in enumerate(lines):
            if k:
                parts.append("\n")
                pos += 1
            blocks.append(Block(text, pos, pos + len(text), ln.page, seg.zone, ln.bbox, ln.confidence))
            span = page_span.get(ln.page)
            if span is None:
                page_span[ln.page] = [pos, pos + len(text)]
            else:  # pos only grows: the page's span keeps its start and ends here
                span[1] = pos + len(text)
            parts.append(text)
            pos += len(text)
        if zones and zones[-1].name == seg.zone and zones[-1].end >= z_start - 1:
            zones[-1] = Zone(seg.zone, zones[-1].start, pos)
        else:
            zones.append(Zone(seg.zone, z_start, pos))
    page_sizes = page_sizes or {}
    ocr_pages = ocr_pages or {}
    numbers = sorted(set(page_span) | set(page_sizes))
    pages = tuple(Page(n, *page_span.get(n, (pos, pos)), *page_sizes.get(n, (None, None)),
                       ocr=n in ocr_pages, ocr_confidence=ocr_pages.get(n)) for n in numbers)
    return "".join(parts), pages, tuple(blocks), tuple(zones)
