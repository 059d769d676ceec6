"""Second looks at a scanned signature column under the seal (issue 6).

`reread_column`: when an OCR'd signature column has no signer's name at all (the seal and the signature
cover it, and tesseract reads the lot as a picture or as junk), a name with a word tesseract is unsure of
(the seal's rim read into it), or a title line with the seal's marks read into it ("D CHỦ TỊCH /ZOÂN N"),
the column is read again (psm 4; when that finds no name, as one block, psm 6, of which only the name is
taken) from the page image with the coloured ink (a red seal, a blue signature) taken out: those pixels are
filled from the dark strokes around them, so a letter the seal's rim cut in two is whole again. On a grey scan, where a red seal comes out a mid grey lighter than
the print, the pixels between the two greys are filled instead. The new lines replace the column when they
or the first reading hold a name (the first reading's name stays when the new one lost it); a clean title
line of the first reading that the new one lost is kept, and the body's last line above the block is not
taken in.

`recover_title`: the title alone missing.

The title above a signer's name (CHỦ TỊCH, GIÁM ĐỐC) is printed where the red seal and the signature land,
and tesseract's page segmentation often drops it as part of a picture. When an OCR'd signature column has a
name but no line in capitals above it, the box above the name is read again with the seal's red ink removed,
as sparse text; capital words read with confidence become the missing line. Nothing is added otherwise.
"""
from __future__ import annotations

import re
from typing import Callable

from pipeline.ingest.layout import _make_line
from pipeline.ingest.words import Line, Segment
from pipeline.text.patterns import AUTHORITY_PREFIX, NOI_NHAN, TITLE_WORDS

_NAME = re.compile(r"^(?:[A-ZĐ][^\s\d]*\s+){1,5}[A-ZĐ][^\s\d]*$")
_CAPITALISED = re.compile(r"^[A-ZĐ][^\s\d]*$")  # one word of a _NAME
MIN_CONF = 0.5
MIN_INK = 0.005  # share of a signature column's pixels in colour: below it, the scan is grey
LIST_GAP = 12.0  # pt of white under a Nơi nhận line that ends the list: a line's height (its items leave 2-5 pt)
LOST_COLUMN_LEFT = 0.40  # ô 7 stands in the page's right half (c109's title begins at 0.45 of the width)
LOST_COLUMN_RIGHT = 0.75  # a Nơi nhận list reaching past this share of the width leaves no column beside it


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


def _column_box(column: list, beside: list, page: int, width: float, height: float) -> tuple:
    """The signature column's box in points: its lines, widened to the page's right edge; up to a line's
    height above the Nơi nhận heading beside it (the authority line stands level with it); and down over the
    space below them where the signature and the name are (4 cm of signature, then the name: 160 pt)."""
    own = [ln for ln in column if ln.bbox and ln.page == page]
    x0 = min(ln.bbox[0] for ln in own) - 30
    top = min(ln.bbox[1] for ln in own + [ln for ln in beside[:1] if ln.bbox and ln.page == page]) - 18
    bottom = max(ln.bbox[3] for ln in own) + 160
    return max(0.0, x0), max(0.0, top), width, min(height, bottom)


_LEADING_JUNK = re.compile(r"^[^\wĐđ]+(?=\w)")


def _overlap(a, b) -> bool:
    """Two lines at the same height."""
    return a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


_JUNK = re.compile(r"[^\w.,&()/-]|[\d_]")  # in a title line: a symbol, a digit, an underscore


def _doubtful(text: str) -> bool:
    """A title line with the seal's marks read into it: "D CHỦ TỊCH /ZOÂN N", "„ KT. CHỦ TỊCH"."""
    letters = [c for c in text if c.isalpha()]
    mostly_caps = len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.75 * len(letters)
    return mostly_caps and any(len(w) == 1 and w.isalpha() or _JUNK.search(w) for w in text.split())


def _name_tail(text: str) -> int:
    """How many capitalised words end the line ("nnrgf) Trinh Quốc" → 2)."""
    words = re.findall(r"\S+", text.rstrip(" .:;`'"))
    n = 0
    while n < len(words) and _CAPITALISED.match(words[-1 - n]) and not _caps(words[-1 - n]):
        n += 1
    return n


def _touched(line: Line) -> bool:
    """A name line with a word tesseract is unsure of: the seal's rim or the signature ran into it
    ("Tàn Trinh Quốc" for Vương Trinh Quốc, 'Tàn' 0.19 sure and twice the height of the words beside it)."""
    return any(w.conf is not None and w.conf < MIN_CONF for w in line.words)  # None: a text layer's word


def _alike(a: str, b: str) -> bool:
    """Two readings of one line: the same letters, diacritics aside, but for a slip in three letters."""
    from pipeline.text.normalize import ascii_fold
    from pipeline.ingest.scan.repair import edit_distance
    a, b = ascii_fold(a).upper(), ascii_fold(b).upper()
    return edit_distance(a, b) <= min(3, len(a) // 3)


def reread_column(segments: list, ocr_pages: dict, load_page: Callable[[int], tuple], warnings: list) -> None:
    """`load_page(n)` → (colour image of page n, dpi). Reads an OCR'd signature column that has no name, or a
    doubtful title line, again without the seal's ink (see the module notes)."""
    seg = next((s for s in segments if s.zone == "signature_right"), None)
    if seg is not None and seg.lines and seg.lines[0].page not in ocr_pages:
        return  # a page read from its text layer, in a letter whose other pages are scans: nothing to read again
    if seg is None or not seg.lines or any(_is_name_line(ln) and not _touched(ln) for ln in seg.lines) and \
            not any(_doubtful(ln.text) for ln in seg.lines):
        return
    page = seg.lines[0].page
    if page not in ocr_pages or not all(ln.bbox for ln in seg.lines):
        return
    image, dpi = load_page(page)
    scale = dpi / 72
    left = next((s.lines for s in segments if s.zone == "signature_left"), [])
    box = _column_box(seg.lines, left, page, image.width / scale, image.height / scale)
    heading = next((ln for ln in left[:1] if ln.bbox and ln.page == page), None)
    reading = _column_reading(image, dpi, box, page, heading)
    if reading is None:
        return  # the column's boxes lie off this image (a page read turned): nothing to read again
    grey, read = reading
    lines = read(4)
    if not any(_is_name_line(ln) for ln in lines):
        # the seal's picture can make tesseract's page layout (psm 4) give up on the column: read as one
        # block (psm 6), which reads the seal's rim too, only the name is taken, and only when it has more
        # of the name than the first reading ("Vương Trinh Quốc" for "nnrgf) Trinh Quốc", not "Minh Hà" for
        # "`. hạm Minh Hà :", whose cut family name the extraction restores)
        block = [ln for ln in read(6) if _is_name_line(ln)][-1:]
        if block and len(block[0].text.split()) > max((_name_tail(ln.text) for ln in seg.lines), default=0):
            lines += block
    if not any(_is_name_line(ln) for ln in lines):
        name = next((ln for ln in reversed(seg.lines) if _is_name_line(ln)), None)
        if name is None:
            return
        # the first reading's name, read whole, with the new reading's clean titles
        lines = [ln for ln in lines if not _overlap(ln, name)] + [name]
    # a title line of the first reading that the new one lost (read nothing where it stands) is kept
    kept = [t for t in seg.lines if _caps(t.text) and not _doubtful(t.text)
            and not any(_alike(t.text, ln.text) for ln in lines) and not any(_overlap(ln, t) for ln in lines)]
    seg.lines = sorted(lines + kept, key=lambda ln: ln.bbox[1])
    warnings.append("the signature column read again " + ("with the seal's grey taken out: " if grey else
                    "without the seal's and signature's ink: ") + " / ".join(ln.text for ln in seg.lines))


def _column_reading(image, dpi: int, box: tuple, page: int, heading: Line | None):
    """(grey, read): the box of the page cut out with the seal's ink taken out (its grey on a grey scan, the
    coloured ink otherwise), and read(psm) → its lines read by tesseract with that page layout mode (words of
    confidence ≥ MIN_CONF, the signature's stroke before the words dropped, nothing above `heading`, the Nơi
    nhận heading beside the column). None when the box lies off the image."""
    from pipeline.ingest.layout import group_lines
    from pipeline.ingest.scan.ocr import coloured_ink, crop_points, ocr_words, without_grey_seal, without_ink
    from pipeline.ingest.scan.repair import fix_lines

    crop = crop_points(image, box, dpi)
    if crop is None or min(crop.size) < 20:
        return None
    grey = coloured_ink(crop).histogram()[255] < MIN_INK * crop.width * crop.height
    cleaned = without_grey_seal(crop, dpi) if grey else without_ink(crop, dpi)

    def read(psm: int) -> list:
        words = [w.shifted(box[0], box[1]) for w in ocr_words(cleaned, dpi=dpi, psm=psm) if w.conf >= MIN_CONF]
        lines = fix_lines([ln for ln in group_lines(words, page) if sum(c.isalnum() for c in ln.text) > 2])
        if heading is not None:  # the body's last line, caught by the margin above the authority line
            lines = [ln for ln in lines if ln.bbox[3] > heading.bbox[1] + 2]
        for ln in lines:  # a signature's stroke read as a dash or quote before the words
            ln.text = _LEADING_JUNK.sub("", ln.text)
        return lines

    return grey, read


def _signature_line(line: Line) -> bool:
    """A signature block's line: a name, or capitals that hold an authority prefix or a title word."""
    return _is_name_line(line) or (_caps(line.text) and bool(AUTHORITY_PREFIX.match(line.text) or TITLE_WORDS.search(line.text)))


def read_lost_column(segments: list, ocr_pages: dict, load_page: Callable[[int], tuple], warnings: list) -> None:
    """`load_page(n)` → (colour image of page n, dpi). An OCR'd page whose Nơi nhận block has nothing read
    beside it: the signature column (ô 7, side by side with ô 9b, ND30 Phụ lục I) was dropped whole by
    tesseract's page layout, the seal and the signature taken for a picture. The box right of the block is
    read again as reread_column reads a column, and becomes the signature column when it holds an authority
    or title line or a name; nothing is added otherwise."""
    if any(s.zone == "signature_right" and s.lines for s in segments):
        return
    found = next(((k, i) for k, s in enumerate(segments) for i, ln in enumerate(s.lines)
                  if ln.bbox and ln.page in ocr_pages and NOI_NHAN.match(ln.text)), None)
    if found is None:
        return
    k, i = found
    heading = segments[k].lines[i]
    block = [heading]
    for ln in segments[k].lines[i + 1:]:  # the list under the heading: items on the same page, line after line
        if not ln.bbox or ln.page != heading.page or ln.bbox[1] - block[-1].bbox[3] > LIST_GAP:
            break
        block.append(ln)
    image, dpi = load_page(heading.page)
    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    # the heading's own words ("Nơi nhận:"): the signature's stroke or a written KT. beside it joins its line
    own = heading.words[:2] or [None]
    right = [w.x1 for w in own if w] + [ln.bbox[2] for ln in block[1:]]
    top = min(w.top for w in own) if own[0] else heading.bbox[1]
    x0 = max(max(right, default=heading.bbox[2]) + 6, LOST_COLUMN_LEFT * width)
    box = (x0, max(0.0, top - 18), width, min(height, block[-1].bbox[3] + 160))
    heading = _make_line(own, heading.page) if own[0] else heading  # for the margin above the column
    if x0 > width * LOST_COLUMN_RIGHT:
        return  # the list fills the width: no column beside it
    reading = _column_reading(image, dpi, box, heading.page, heading)
    if reading is None:
        return
    grey, read = reading
    lines = [ln for ln in read(4) if _signature_line(ln)]
    if not lines:  # tesseract's page layout gave up on the column: one block, of which only its titles and name
        lines = [ln for ln in read(6) if _signature_line(ln)]
    if not lines:
        return
    lines = sorted(lines, key=lambda ln: ln.bbox[1])
    segments.insert(k + 1, Segment("signature_right", lines))
    warnings.append("the signature column, lost beside Nơi nhận, read again " + ("with the seal's grey taken out: "
                    if grey else "without the seal's and signature's ink: ") + " / ".join(ln.text for ln in lines))


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
    from pipeline.ingest.scan.ocr import read_box

    image, dpi = load_page(name.page)
    x0, top, x1, _ = name.bbox
    box = (max(0.0, x0 - 80), max(0.0, top - 130), x1 + 80, top - 2)
    words = [w for w in read_box(image, box, dpi)
             if w.conf >= MIN_CONF and w.text.isupper() and sum(c.isalpha() for c in w.text) >= 2]
    if not words or not _caps(" ".join(w.text for w in words)):
        return
    line: Line = _make_line(words, name.page)
    seg.lines.insert(at, line)
    warnings.append(f"the signer's title read again without the seal's red ink: {line.text}")
