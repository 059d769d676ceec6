"""PDF: positioned words from the text layer (pypdfium2 by default, pdfplumber selectable), page images for OCR.

pypdfium2 reads text about 69× faster than pdfplumber with the same result, so it is the default. Both
engines yield the same words (text and box, PDF points, top-left origin), and everything after that is shared,
so the two give the same Source. Words cost two char-box calls each (first and last letter), which keeps the
default engine close to bare `get_text_range`.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from pipeline.errors import ReadError

ENGINES = ("pypdfium2", "pdfplumber")
MAX_PAGES = 2000
OCR_DPI = 300
_WORD = re.compile(r"\S+")


@dataclass
class PdfPage:
    number: int
    width: float
    height: float
    words: list  # (text, x0, top, x1, bottom, None)


def open_pdf(path: str, data: bytes | None = None) -> pdfium.PdfDocument:
    """Open with the empty password (owner-only protection opens); a user password → `encrypted`. Given the
    file's bytes, pdfium parses them in memory instead of reading the file again."""
    try:
        pdf = pdfium.PdfDocument(path if data is None else data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_raw.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise ReadError(path, "encrypted", "the PDF needs a password to open") from None
        if code == pdfium_raw.FPDF_ERR_SECURITY:
            raise ReadError(path, "encrypted", "the PDF uses an unsupported security handler") from None
        raise ReadError(path, "corrupt:pdf", f"the PDF cannot be opened ({exc})") from None
    if len(pdf) > MAX_PAGES:
        n = len(pdf)
        pdf.close()
        raise ReadError(path, "too_big:pages", f"{n} pages is over the cap of {MAX_PAGES}")
    if len(pdf) == 0:
        pdf.close()
        raise ReadError(path, "corrupt:pdf", "the PDF has no pages")
    return pdf


def pdf_info(pdf: pdfium.PdfDocument) -> dict:
    """Facts worth keeping: producer, creator, whether an owner password restricts it."""
    meta = {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if k in ("Producer", "Creator", "Title")}
    perms = pdfium_raw.FPDF_GetDocPermissions(pdf.raw)
    meta["restricted"] = bool(perms != 0xFFFFFFFF and perms != -1)
    return meta


# FPDFText_GetLooseCharBox without pypdfium2's per-call argument conversion, which costs twice the C call
# itself; this runs twice per word. The same C function through a bare prototype, whose arguments are
# converted once per page instead (a void pointer to the text page, references into one reused buffer).
_LOOSE_CHAR_BOX = ctypes.CFUNCTYPE(ctypes.c_int)(
    ctypes.cast(pdfium_raw.FPDFText_GetLooseCharBox, ctypes.c_void_p).value)
_LOOSE_CHAR_BOX.argtypes = None


def _pdfium_words(page: pdfium.PdfPage, height: float) -> list:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if len(text) != textpage.count_chars():  # rare: pdfium inserted or dropped chars; go char by char
            text = "".join(chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
                           for i in range(textpage.count_chars()))
        return _words(textpage, text, height)
    finally:
        textpage.close()


def _words(textpage, text: str, height: float) -> list:
    """Each run of non-space characters, boxed by the loose boxes of its first and last letter. The two boxes
    land side by side in one buffer, read as 8 floats in one call (eight attribute reads cost twice that);
    min/max are spelt out as conditionals: same values, cheaper."""
    box, raw = _LOOSE_CHAR_BOX, ctypes.cast(textpage.raw, ctypes.c_void_p)
    rects = (pdfium_raw.FS_RECTF * 2)()  # (left, top, right, bottom) of the first letter, then of the last
    first, last = ctypes.byref(rects), ctypes.byref(rects, ctypes.sizeof(pdfium_raw.FS_RECTF))
    read = memoryview(rects).cast("B").cast("f").tolist
    words = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        box(raw, start, first)
        box(raw, end - 1, last)
        l0, t0, r0, b0, l1, t1, r1, b1 = read()
        # A word broken across lines ("TT\ufffe" / "BGTVT"): its ends' tops differ by over half a letter
        # height, so never by 0.5 pt or less (the first test settles most words without the second).
        if not -0.5 <= t0 - t1 <= 0.5 and abs(t0 - t1) > 0.5 * max(t0 - b0, 1.0):
            words += _split_across_lines(textpage, text, start, end, height)
            continue
        words.append((m.group(), l1 if l1 < l0 else l0, height - (t1 if t1 > t0 else t0), r1 if r1 > r0 else r0,
                      height - (b1 if b1 < b0 else b0), None))
    return words


def _split_across_lines(textpage, text: str, start: int, end: int, height: float) -> list:
    """Char by char, cut where the baseline jumps; a pdfium line-break hyphen (U+FFFE) prints as "-"."""
    pieces, cur, prev_top = [], [], None
    for i in range(start, end):
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if cur and abs(top - prev_top) > 0.5 * max(top - bottom, 1.0):
            pieces.append(cur)
            cur = []
        cur.append((text[i], left, bottom, right, top))
        prev_top = top
    pieces.append(cur)
    return [("".join("-" if c[0] == "\ufffe" else c[0] for c in p), min(c[1] for c in p), height - max(c[4] for c in p),
             max(c[3] for c in p), height - min(c[2] for c in p), None) for p in pieces]


def read_pages(path: str, engine: str = "pypdfium2", data: bytes | None = None) -> tuple[list[PdfPage], dict]:
    """Positioned words of every page, with the chosen engine (`data`: the file's bytes, if already read)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose one of {ENGINES}")
    pdf = open_pdf(path, data)
    try:
        info = pdf_info(pdf)
        if engine == "pdfplumber":
            return _plumber_pages(path), info
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            width, height = page.get_size()
            pages.append(PdfPage(i + 1, width, height, _pdfium_words(page, height)))
            page.close()
        return pages, info
    finally:
        pdf.close()


def page_words(path: str, number: int) -> list:
    """pdfium's words of one page (the stamp reader places its crops by these, whatever the engine)."""
    pdf = open_pdf(path)
    try:
        page = pdf[number - 1]
        return _pdfium_words(page, page.get_size()[1])
    finally:
        pdf.close()


def _plumber_pages(path: str) -> list[PdfPage]:
    import pdfplumber  # only when asked for: it is 69× slower and pulls in pdfminer

    pages = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            pages.append(PdfPage(i + 1, float(page.width), float(page.height), _plumber_words(page.chars)))
    return pages


def _plumber_words(chars: list[dict]) -> list:
    """Words from pdfplumber's chars in content order, split where pdfium splits: at space characters,
    and at a gap wider than a quarter of the font size (pdfium's generated spaces), or a new line."""
    words, cur = [], []

    def flush():
        if cur:
            words.append(("".join(c["text"] for c in cur), min(c["x0"] for c in cur), min(c["top"] for c in cur),
                          max(c["x1"] for c in cur), max(c["bottom"] for c in cur), None))
            cur.clear()

    for c in chars:
        if c["text"].isspace():
            flush()
            continue
        if cur:
            prev = cur[-1]
            size = max(prev["size"], 1.0)
            if c["x0"] - prev["x1"] > 0.25 * size or abs(c["top"] - prev["top"]) > 0.5 * size or c["x1"] < prev["x0"]:
                flush()
        cur.append(c)
    flush()
    return words


def render_page(path: str, number: int, dpi: int = OCR_DPI, crop: tuple[float, float, float, float] | None = None,
                forms: bool = True, color: bool = False):
    """A page (or a box of it, in points, top-left origin) as a PIL image at `dpi`, with forms and
    annotations drawn: e-office systems stamp the number and day there at signing."""
    pdf = open_pdf(path)
    try:
        if not 1 <= number <= len(pdf):
            raise ReadError(path, "corrupt:pdf", f"the PDF has no page {number}")
        if forms:
            pdf.init_forms()
        page = pdf[number - 1]
        width, height = page.get_size()
        box = (0, 0, 0, 0)
        if crop:
            x0, top, x1, bottom = crop
            box = (max(x0, 0), max(height - bottom, 0), max(width - x1, 0), max(top, 0))
        bitmap = page.render(scale=dpi / 72, crop=box, may_draw_forms=forms, draw_annots=forms, grayscale=not color)
        return bitmap.to_pil()
    finally:
        pdf.close()


def page_count(path: str) -> int:
    """How many pages a PDF has; 0 when it cannot be opened."""
    try:
        pdf = open_pdf(path)
    except ReadError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()
