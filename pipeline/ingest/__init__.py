"""Ingest: `read_document(path) -> Source` for every format a clerk's inbox holds.

The format comes from the bytes (sniff), each format has one reader module, and everything ends in the
shared layout step, so the same letter as PDF, DOCX, DOC, TXT, HTML or scan yields the same header columns
and body. A file that cannot be read raises `ReadError` with a quarantine reason; never a library exception.
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from itertools import chain
from operator import attrgetter

from pipeline.errors import ReadError
from pipeline.paths import readable
from pipeline.ingest.scan import engines, read_images, read_pdf_page, repair_and_look_again
from pipeline.ingest.layout import assemble, group_lines, segment_positioned, split_flat_header, split_flat_signature
from pipeline.ingest.words import Line, Segment
from pipeline.ingest.sniff import sniff
from pipeline.records import Source
from pipeline.text.normalize import normalize_text

MAX_BYTES = 512 << 20
MIN_PAGE_CHARS = 20  # fewer printable characters than this on a page: a scan, read by OCR
OCR_PAGE_BUDGET, OCR_TAIL_PAGES = 20, 4  # a long scan: OCR the first 16 and the last 4 pages (reliability.md #12)


def read_document(path: str | os.PathLike, pdf_engine: str = "pypdfium2", ocr: bool = True) -> Source:
    """Read one file into a Source (NFC text, pages, positioned blocks, zones, stamps, warnings)."""
    path = str(path)
    data = _read_bytes(path)
    kind = sniff(path, data[:8192])
    parts = _guarded(path, kind, lambda: _READERS[kind](path, data, kind=kind, pdf_engine=pdf_engine, ocr=ocr))
    return _source(path, hashlib.sha256(data).hexdigest(), kind, parts)


def read_as_one(paths, ocr: bool = True) -> Source:
    """Page images that are one letter (photographed or scanned page by page), in the order given, read as
    one document: pages numbered across the files. Its sha256 is that of the files' hashes joined, its
    path the first file's."""
    paths = [str(p) for p in paths]
    digests = []
    for path in paths:
        data = _read_bytes(path)
        if sniff(path, data[:8192]) != "image":
            raise ReadError(path, "unsupported", "only page images (PNG, JPEG, TIFF) are joined into one letter")
        digests.append(hashlib.sha256(data).hexdigest())
    parts = _guarded(paths[0], "image", lambda: _read_images(paths, ocr))
    parts.setdefault("warnings", []).append(f"{len(paths)} files read as the pages of one letter")
    parts["files"] = paths
    return _source(paths[0], hashlib.sha256("".join(digests).encode()).hexdigest(), "image", parts)


def _guarded(path: str, kind: str, read) -> dict:
    try:
        return read()
    except ReadError:
        raise
    except RecursionError:
        raise ReadError(path, "corrupt:recursion", "the file's structure nests without end") from None
    except MemoryError:
        raise ReadError(path, "memory", "reading the file ran out of memory") from None
    except Exception as exc:  # the libraries promise no typed error on bad input (reliability.md rule 2)
        raise ReadError(path, f"corrupt:{kind}", f"cannot be read ({type(exc).__name__}: {exc})") from None


def _source(path: str, digest: str, kind: str, parts: dict) -> Source:
    segments = [Segment(s.zone, [_normalised(ln) for ln in s.lines]) for s in parts.pop("segments")]
    text, pages, blocks, zones = assemble(segments, parts.pop("page_sizes", None), parts.get("ocr_pages"))
    if not text.strip():
        raise ReadError(path, "no_text", "no text could be read (empty document, or OCR found nothing)")
    ocr_pages = parts.pop("ocr_pages", {})
    confs = [c for c in ocr_pages.values() if c is not None]
    return Source(path=readable(path), sha256=digest, format=parts.pop("format", kind), text=text, pages=pages, blocks=blocks,
                  zones=zones, encoding=parts.pop("encoding", None), engine=parts.pop("engine", None),
                  ocr=bool(ocr_pages), ocr_confidence=round(sum(confs) / len(confs), 3) if confs else None,
                  stamps=tuple(parts.pop("stamps", ())), warnings=tuple(parts.pop("warnings", ())), meta=parts)


def _normalised(line: Line) -> Line:
    line.text = normalize_text(line.text)
    return line


def _read_bytes(path: str) -> bytes:
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise ReadError(path, "corrupt:io", f"cannot be opened ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise ReadError(path, "symlink", "is a symbolic link; vanban reads only regular files")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(path, "special_file", "is not a regular file (FIFO, device or socket)")
    if st.st_size == 0:
        raise ReadError(path, "empty", "the file is empty (0 bytes)")
    if st.st_size > MAX_BYTES:
        raise ReadError(path, "too_big:file", f"{st.st_size >> 20} MiB is over the cap of {MAX_BYTES >> 20} MiB")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ReadError(path, "corrupt:io", f"cannot be read ({exc.strerror})") from None


# ---------------------------------------------------------------------------------------------------
# One reader per format: (path, bytes) -> dict(segments=..., and Source fields)


def _read_pdf(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    from pipeline.ingest import pdf
    from pipeline.text.legacy import is_useless_text, repair_mojibake

    pages, info = pdf.read_pages(path, pdf_engine, data)
    warnings: list[str] = []
    # The text-layer verdict rests on a sample (the first ~6,000 characters): a letter's fonts and any
    # scanner OCR layer are the same throughout, and the full text would cost more than reading it.
    sample = " ".join(map(attrgetter("text"), chain.from_iterable(p.words for p in pages)))[:6000]
    ocr_pages: dict[int, float | None] = {}
    repaired, legacy = repair_mojibake(sample)
    if legacy:
        for p in pages:
            p.words = [w._replace(text=repair_mojibake(w.text)[0]) for w in p.words]
        warnings.append(f"text layer in the legacy {legacy.upper()} font encoding, converted")
        sample = repaired
    useless = is_useless_text(sample)
    scanned = [i for i, p in enumerate(pages)
               if useless or sum(map(len, map(attrgetter("text"), p.words))) < MIN_PAGE_CHARS]
    # The verdicts above rest on the pages' own text; what their annotations print (e-office widgets: the
    # number and the day) joins the words of every page read from its text layer. OCR reads a scan's from
    # the rendered page.
    for i, p in enumerate(pages):
        warnings += p.warnings
        if p.annots and not (ocr and i in scanned):
            p.words = pdf.with_annotations(p.words, p.annots)
    lines = [group_lines(p.words, p.number) for p in pages]  # once the words are final
    if ocr and len(scanned) > OCR_PAGE_BUDGET:  # the header is on the first pages, the signature on the last
        head, tail = scanned[:OCR_PAGE_BUDGET - OCR_TAIL_PAGES], scanned[-OCR_TAIL_PAGES:]
        warnings.append(f"{len(scanned) - OCR_PAGE_BUDGET} of {len(scanned)} scanned pages not read (OCR reads "
                        f"the first {len(head)} and the last {len(tail)}: pages {pages[head[-1]].number + 1}-"
                        f"{pages[tail[0]].number - 1} skipped)")
        scanned = head + tail
    first_render: dict = {}  # the first OCR'd page as rendered for tesseract: the handwriting pass reads it again
    engines.take()  # this file's pages only
    for i in scanned if ocr else ():
        lines[i], ocr_pages[pages[i].number], image = read_pdf_page(path, pages[i].number)
        if image is not None and not first_render:
            first_render = {pages[i].number: image}
    ocr_engine, fallback = engines.take()  # what read this file's pages; the pages the chosen one failed on
    warnings += filter(None, [fallback])
    if useless and ocr:
        warnings.append("text layer unreadable, used OCR")
    elif ocr_pages and len(ocr_pages) < len(pages):
        warnings.append("pages without a text layer read by OCR: " + ", ".join(map(str, sorted(ocr_pages))))
    stamps = []
    if ocr and lines and 1 not in ocr_pages:
        from pipeline.ingest.scan.eoffice import apply_stamps, read_stamps

        first = lines[0] if pdf_engine == "pypdfium2" else group_lines(pdf.page_words(path, 1), 1)
        stamps = read_stamps(path, first, warnings)
        if stamps:
            apply_stamps(lines[0], stamps)
            lines[0] = group_lines([w for ln in lines[0] for w in ln.words], 1)
    segments = segment_positioned(lines)
    if ocr_pages:  # OCR'd pages (a scan, or a useless text layer): the scan stage's repairs and second looks
        segments = repair_and_look_again(segments, ocr_pages, warnings, lambda n: (
            pdf.render_page(path, n, dpi=pdf.OCR_DPI, color=True), pdf.OCR_DPI),
            {n: (image, pdf.OCR_DPI) for n, image in first_render.items()})
    return {"segments": segments, "page_sizes": {p.number: (p.width, p.height) for p in pages},
            "ocr_pages": ocr_pages, "stamps": stamps, "warnings": warnings,
            "engine": pdf_engine + (f"+{ocr_engine}" if ocr_pages else "+tesseract" if stamps else ""), "pdf": info}


def _read_image(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    return _read_images([path], ocr)


def _read_images(paths: list[str], ocr: bool) -> dict:
    if not ocr:
        raise ReadError(paths[0], "no_text", "an image, and OCR is switched off")
    return read_images(paths)


def _read_docx(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    from pipeline.ingest.docx import read_docx

    segments, furniture = read_docx(path)
    if furniture:
        segments.append(Segment("page_furniture", [Line(x) for x in furniture]))
    return {"segments": segments, "engine": "python-docx"}


def _read_legacy_word(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    """.doc through antiword; what antiword cannot read (RTF, ODT, old Word) through LibreOffice → DOCX."""
    from pipeline.ingest import doc
    from pipeline.ingest.docx import check_zip

    if kind == "odt":  # its XML parts pass the same checks as a DOCX's before LibreOffice reads them
        check_zip(path, kind)
    text = doc.antiword_text(path) if kind == "doc" else None
    if text is not None:
        return {"segments": doc.segments_from_antiword(text), "engine": "antiword", "format": kind}
    with tempfile.TemporaryDirectory(prefix="vanban-doc-") as tmp:
        converted = doc.convert_with_libreoffice([path], tmp).get(path)
        if converted is None:
            raise ReadError(path, f"unsupported:{kind}", f"neither antiword nor LibreOffice could read this {kind.upper()}")
        parts = _read_docx(str(converted), b"", "docx", pdf_engine, ocr)
    return {**parts, "engine": "libreoffice", "format": kind}


def _read_txt(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    from pipeline.ingest.txt import read_txt_page

    segments, encoding, properties = read_txt_page(data)
    warnings = [f"legacy encoding {encoding.split('+')[-1].upper()} converted to Unicode"] \
        if encoding.split("+")[-1] in ("tcvn3", "vni", "cp1258") else []
    return {"segments": segments, "encoding": encoding, "warnings": warnings, "engine": "text",
            **({"portal_properties": properties} if properties else {})}


def _read_html(path: str, data: bytes, kind: str, pdf_engine: str, ocr: bool) -> dict:
    from pipeline.ingest.html import html_to_parts

    left, right, body = html_to_parts(data)
    if left or right:
        segments = [Segment("header_left", [Line(x) for x in left]), Segment("header_right", [Line(x) for x in right])]
        segments += split_flat_signature([x for x in body if x.strip()])
    else:
        segments = split_flat_header(body)
    return {"segments": segments, "engine": "lxml"}


_READERS = {"pdf": _read_pdf, "image": _read_image, "docx": _read_docx, "doc": _read_legacy_word,
            "rtf": _read_legacy_word, "odt": _read_legacy_word, "txt": _read_txt, "html": _read_html}

__all__ = ["read_document", "read_as_one", "ReadError"]
