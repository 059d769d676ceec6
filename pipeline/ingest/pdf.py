"""PDF: positioned words from the text layer (pypdfium2 by default, pdfplumber selectable), page images for OCR.

pypdfium2 reads text about 69× faster than pdfplumber with the same result, so it is the default. Both
engines yield the same words (text and box, PDF points, top-left origin), and everything after that is shared,
so the two give the same Source. Words cost two char-box calls each (first and last letter), which keeps the
default engine close to bare `get_text_range`.

Annotations print too: e-office systems write the number and the day into signature widgets at signing, as
text in the widgets' appearance streams (ND30 Phụ lục I ô 8). Each page's annotation words come apart from
its own (`PdfPage.annots`), placed where they print (PDF 32000 §12.5.5: the appearance's /BBox through its
/Matrix, fitted to the annotation's /Rect); `with_annotations` lays them over the page's words. pdfium
flattens the printed annotations into the page in the document held in memory (the file is never written)
when one of them draws text; pdfplumber runs pdfminer's interpreter over each appearance stream.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from pipeline.errors import ReadError
from pipeline.ingest.words import Word

ENGINES = ("pypdfium2", "pdfplumber")
MAX_PAGES = 2000
OCR_DPI = 300
_WORD = re.compile(r"\S+")
_HIDDEN, _PRINT = 2, 4  # annotation flags (PDF 32000 table 165)


@dataclass
class PdfPage:
    number: int
    width: float
    height: float
    words: list[Word]  # the page's own text layer (conf None)
    annots: list[Word] = field(default_factory=list)  # the same, printed by annotations (widgets, stamps, free text)
    warnings: list = field(default_factory=list)  # annotations that could not be read


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


def _pdfium_page(pdf: pdfium.PdfDocument, index: int, annotations: bool = True) -> PdfPage:
    """One page's own words, and (`annotations`) the words its printed annotations draw. When an annotation
    draws text, the annotations are flattened into the page (FLAT_PRINT) in the document held in memory
    (the file is never written) and the page is loaded afresh and read once: flattening appends them after
    the page's content, so the page objects from the old count on are theirs, and the words at the end of the
    text drawn by their text objects are the annotations' (PDF 32000 §12.5.5 placement is pdfium's)."""
    page = pdf[index]
    warnings: list[str] = []
    try:
        width, height = page.get_size()
        count = None
        if annotations and _annotation_text(page):
            count = pdfium_raw.FPDFPage_CountObjects(page.raw)
            done = pdfium_raw.FPDFPage_Flatten(page.raw, pdfium_raw.FLAT_PRINT)
            if done == pdfium_raw.FLATTEN_SUCCESS:
                page.close()  # pdfium reads flattened content only into a page loaded afresh
                page = pdf[index]
            else:
                count = None
                if done == pdfium_raw.FLATTEN_FAIL:
                    warnings.append(f"page {index + 1}: its annotations could not be read "
                                    "(pdfium failed to flatten them)")
        textpage = page.get_textpage()
        try:
            text = _text(textpage)
            cut = _annotations_start(page, textpage, text, count) if count is not None else len(text)
            words = _words(textpage, text, height, 0, cut)
            annots = _words(textpage, text, height, cut) if cut < len(text) else []
        finally:
            textpage.close()
        return PdfPage(index + 1, width, height, words, annots, warnings)
    finally:
        page.close()


def _drawn(objects: list):
    """Every page object among `objects` and inside the forms they hold, at any depth."""
    stack = list(objects)
    while stack:
        obj = stack.pop()
        kind = pdfium_raw.FPDFPageObj_GetType(obj)
        yield obj, kind
        if kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
            stack += [pdfium_raw.FPDFFormObj_GetObject(obj, j) for j in range(pdfium_raw.FPDFFormObj_CountObjects(obj))]


def _appearance(annot) -> list:
    """The page objects of an annotation's normal appearance (pdfium parses it on the first call)."""
    return [pdfium_raw.FPDFAnnot_GetObject(annot, j) for j in range(pdfium_raw.FPDFAnnot_GetObjectCount(annot))]


def _printed(annot) -> bool:
    """What pdfium's FLAT_PRINT flattens: the print flag, not hidden, no popup."""
    flags = pdfium_raw.FPDFAnnot_GetFlags(annot)
    return bool(flags & _PRINT) and not flags & _HIDDEN and \
        pdfium_raw.FPDFAnnot_GetSubtype(annot) != pdfium_raw.FPDF_ANNOT_POPUP


def _annotation_text(page: pdfium.PdfPage) -> bool:
    """Whether an annotation pdfium would flatten for print (an appearance, the print flag, not hidden, no
    popup) draws text, through nested forms: image-only signatures are not worth the flattening."""
    for k in range(pdfium_raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_raw.FPDFPage_GetAnnot(page.raw, k)
        try:
            if _printed(annot) and any(kind == pdfium_raw.FPDF_PAGEOBJ_TEXT for _, kind in _drawn(_appearance(annot))):
                return True
        finally:
            pdfium_raw.FPDFPage_CloseAnnot(annot)
    return False


def _annotations_start(page: pdfium.PdfPage, textpage, text: str, first: int) -> int:
    """Where the text the flattened annotations draw begins: the start of the trailing words whose first
    character was drawn by a text object inside the page objects `first`… (the annotations' forms)."""
    owned = {ctypes.cast(obj, ctypes.c_void_p).value for obj, kind in _drawn(
        pdfium_raw.FPDFPage_GetObject(page.raw, k) for k in range(first, pdfium_raw.FPDFPage_CountObjects(page.raw)))
        if kind == pdfium_raw.FPDF_PAGEOBJ_TEXT}
    raw = ctypes.cast(textpage.raw, ctypes.c_void_p)
    cut = len(text)
    for start in reversed([m.start() for m in _WORD.finditer(text)]):
        if _TEXT_OBJECT(raw, start) not in owned:
            break
        cut = start
    return cut


# FPDFText_GetTextObject through a bare prototype, as _LOOSE_CHAR_BOX: the text object that drew a character.
_TEXT_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p)(ctypes.cast(pdfium_raw.FPDFText_GetTextObject, ctypes.c_void_p).value)
_TEXT_OBJECT.argtypes = None


def _text(textpage) -> str:
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():  # rare: pdfium inserted or dropped chars; go char by char
        text = "".join(chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
                       for i in range(textpage.count_chars()))
    return text


def _words(textpage, text: str, height: float, pos: int = 0, endpos: int | None = None) -> list:
    """Each run of non-space characters of text[pos:endpos], boxed by the loose boxes of its first and last letter.
    The two boxes land side by side in one buffer, read as 8 floats in one call (eight attribute reads cost
    twice that); min/max are spelt out as conditionals: same values, cheaper."""
    box, raw = _LOOSE_CHAR_BOX, ctypes.cast(textpage.raw, ctypes.c_void_p)
    rects = (pdfium_raw.FS_RECTF * 2)()  # (left, top, right, bottom) of the first letter, then of the last
    first, last = ctypes.byref(rects), ctypes.byref(rects, ctypes.sizeof(pdfium_raw.FS_RECTF))
    read = memoryview(rects).cast("B").cast("f").tolist
    words = []
    for m in _WORD.finditer(text, pos, len(text) if endpos is None else endpos):
        start, end = m.span()
        box(raw, start, first)
        box(raw, end - 1, last)
        l0, t0, r0, b0, l1, t1, r1, b1 = read()
        # A word broken across lines ("TT\ufffe" / "BGTVT"): its ends' tops differ by over half a letter
        # height, so never by 0.5 pt or less (the first test settles most words without the second).
        if not -0.5 <= t0 - t1 <= 0.5 and abs(t0 - t1) > 0.5 * max(t0 - b0, 1.0):
            words += _split_across_lines(textpage, text, start, end, height)
            continue
        words.append(Word(m.group(), l1 if l1 < l0 else l0, height - (t1 if t1 > t0 else t0), r1 if r1 > r0 else r0,
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
    return [Word("".join("-" if c[0] == "\ufffe" else c[0] for c in p), min(c[1] for c in p), height - max(c[4] for c in p),
             max(c[3] for c in p), height - min(c[2] for c in p), None) for p in pieces]


def read_pages(path: str, engine: str = "pypdfium2", data: bytes | None = None,
               annotations: bool = True) -> tuple[list[PdfPage], dict]:
    """Positioned words of every page, with the chosen engine (`data`: the file's bytes, if already read);
    `annotations=False` leaves the annotations unread (bench/extract.py times what reading them costs)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose one of {ENGINES}")
    pdf = open_pdf(path, data)
    try:
        info = pdf_info(pdf)
        if engine == "pdfplumber":
            return _plumber_pages(path, annotations), info
        return [_pdfium_page(pdf, i, annotations) for i in range(len(pdf))], info
    finally:
        pdf.close()


def with_annotations(words: list[Word], annots: list[Word]) -> list[Word]:
    """A page's words as printed: its own, and its annotations' over them. Annotations are painted after
    the page's content, so a page word that an annotation's word lies on (over half the smaller of each
    extent) is hidden by it: an e-office system stamps the month it signed over the draft's month."""
    if not annots:
        return words
    x0, top = min(a.x0 for a in annots), min(a.top for a in annots)
    x1, bottom = max(a.x1 for a in annots), max(a.bottom for a in annots)
    kept = [w for w in words if w.x1 <= x0 or w.x0 >= x1 or w.bottom <= top or w.top >= bottom
            or not any(_lies_on(a, w) for a in annots)]
    return kept + annots


def _lies_on(a: Word, w: Word) -> bool:
    across = min(a.x1, w.x1) - max(a.x0, w.x0)
    down = min(a.bottom, w.bottom) - max(a.top, w.top)
    return across > 0.5 * min(a.x1 - a.x0, w.x1 - w.x0) and down > 0.5 * min(a.bottom - a.top, w.bottom - w.top)


def page_words(path: str, number: int) -> list:
    """pdfium's words of one page as printed, annotations included (the stamp reader places its crops by
    these, whatever the engine)."""
    pdf = open_pdf(path)
    try:
        page = _pdfium_page(pdf, number - 1)
        return with_annotations(page.words, page.annots)
    finally:
        pdf.close()


def printed_annotations(path: str, number: int) -> list[tuple[tuple[float, float, float, float], str]]:
    """The printed annotations of a page (those pdfium flattens for print) as (box in points, top-left
    origin; what their normal appearance draws: "text", "image" when images and no text, else "nothing")."""
    pdf = open_pdf(path)
    try:
        page = pdf[number - 1]
        height = page.get_size()[1]
        out = []
        for k in range(pdfium_raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = pdfium_raw.FPDFPage_GetAnnot(page.raw, k)
            try:
                rect = pdfium_raw.FS_RECTF()
                if not _printed(annot) or not pdfium_raw.FPDFAnnot_GetRect(annot, rect):
                    continue
                kinds = {kind for _, kind in _drawn(_appearance(annot))}
                holds = "text" if pdfium_raw.FPDF_PAGEOBJ_TEXT in kinds else \
                    "image" if pdfium_raw.FPDF_PAGEOBJ_IMAGE in kinds else "nothing"
                x0, x1 = sorted((rect.left, rect.right))
                y0, y1 = sorted((rect.bottom, rect.top))
                out.append(((x0, height - y1, x1, height - y0), holds))
            finally:
                pdfium_raw.FPDFPage_CloseAnnot(annot)
        page.close()
        return out
    finally:
        pdf.close()


def _plumber_pages(path: str, annotations: bool = True) -> list[PdfPage]:
    import pdfplumber  # only when asked for: it is 69× slower and pulls in pdfminer

    pages = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            warnings: list[str] = []
            annots = _plumber_words(_plumber_annotation_chars(pdf, page, warnings)) if annotations else []
            pages.append(PdfPage(i + 1, float(page.width), float(page.height), _plumber_words(page.chars), annots,
                                 warnings))
    return pages


def _plumber_annotation_chars(pdf, page, warnings: list) -> list[dict]:
    """The characters the page's printed annotations draw (the ones pdfium flattens for print: not hidden,
    no popups), as pdfplumber's chars: pdfminer's interpreter runs each normal appearance stream with the
    matrix of PDF 32000 §12.5.5 (the stream's /BBox through its /Matrix, fitted to the /Rect), into the
    page's device. An appearance that cannot be read is a warning; pdfminer skips a form that calls itself."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.utils import mult_matrix
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    annots = resolve1(page.page_obj.annots)
    if not isinstance(annots, list) or not annots:
        return []
    device = PDFPageAggregatorWithMarkedContent(pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    interpreter = PDFPageInterpreter(pdf.rsrcmgr, device)
    ctm = _page_ctm(page.page_obj)
    device.begin_page(page.page_obj, ctm)
    for n, annot in enumerate(annots, start=1):
        try:
            annot = resolve1(annot)
            if not isinstance(annot, dict) or _name(annot.get("Subtype")) == "Popup":
                continue
            flags = resolve1(annot.get("F")) or 0
            if not isinstance(flags, int) or flags & _HIDDEN or not flags & _PRINT:
                continue
            stream = _normal_appearance(annot)
            if not isinstance(stream, PDFStream):
                continue
            matrix = _appearance_matrix(resolve1(annot.get("Rect")), stream)
            if matrix is None:
                continue
            resources = resolve1(stream.get("Resources")) or {}
            interpreter.render_contents(resources if isinstance(resources, dict) else {}, [stream],
                                        ctm=mult_matrix(matrix, ctm))
        except Exception as exc:  # a broken appearance stream: the page is still read (reliability.md rule 2)
            warnings.append(f"page {page.page_number}: annotation {n} cannot be read ({type(exc).__name__}: {exc})")
    device.end_page(page.page_obj)
    return [o for o in page.iter_layout_objects(device.get_result()._objs) if o["object_type"] == "char"]


def _name(value) -> str | None:
    from pdfminer.psparser import PSLiteral
    return value.name if isinstance(value, PSLiteral) else None


def _normal_appearance(annot: dict):
    """/AP /N: a stream, or (check boxes, radio buttons) the one named by /AS."""
    from pdfminer.pdftypes import resolve1

    ap = resolve1(annot.get("AP"))
    normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
    if isinstance(normal, dict):
        state = _name(resolve1(annot.get("AS")))
        normal = resolve1(normal.get(state)) if state else None
    return normal


def _appearance_matrix(rect, stream) -> tuple | None:
    """PDF 32000 §12.5.5: the appearance's /BBox, transformed by its /Matrix, is fitted to the annotation's
    /Rect by a scale and a translation A; the stream is drawn with Matrix × A (Matrix applied first). None
    when either box is empty (nothing is drawn)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import apply_matrix_pt, mult_matrix

    box = [resolve1(v) for v in resolve1(stream.get("BBox")) or ()]
    matrix = [resolve1(v) for v in resolve1(stream.get("Matrix")) or (1, 0, 0, 1, 0, 0)]
    rect = [resolve1(v) for v in rect or ()]
    if len(box) != 4 or len(matrix) != 6 or len(rect) != 4:
        return None
    corners = [apply_matrix_pt(tuple(matrix), (x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])]
    bx0, by0 = min(c[0] for c in corners), min(c[1] for c in corners)
    bx1, by1 = max(c[0] for c in corners), max(c[1] for c in corners)
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    if bx1 - bx0 <= 0 or by1 - by0 <= 0 or rx1 - rx0 <= 0 or ry1 - ry0 <= 0:
        return None
    sx, sy = (rx1 - rx0) / (bx1 - bx0), (ry1 - ry0) / (by1 - by0)
    return mult_matrix(tuple(matrix), (sx, 0, 0, sy, rx0 - bx0 * sx, ry0 - by0 * sy))


def _page_ctm(page_obj) -> tuple:
    """The device matrix pdfminer's process_page gives a page (its rotation and media box)."""
    x0, y0, x1, y1 = page_obj.mediabox
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(page_obj.rotate, (1, 0, 0, 1, -x0, -y0))


def _plumber_words(chars: list[dict]) -> list:
    """Words from pdfplumber's chars in content order, split where pdfium splits: at space characters,
    and at a gap wider than a quarter of the font size (pdfium's generated spaces), or a new line."""
    words, cur = [], []

    def flush():
        if cur:
            words.append(Word("".join(c["text"] for c in cur), min(c["x0"] for c in cur), min(c["top"] for c in cur),
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
