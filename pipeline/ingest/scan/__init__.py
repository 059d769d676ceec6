"""The scan stage: page images in; typed, positioned words and lines out, every OCR repair applied, once.

Whatever reads a page as an image lives here, and nothing after this stage knows a page was scanned (the
Source's `ocr` flags and confidences say so, for the record and the clerk, never for a rule):
- `ocr.py`: tesseract (`-l vie`, orientation, skew, a second reading of doubtful cited numbers), Pillow's
  page images, seal and signature ink taken out;
- `repair.py`: the OCR slips of the genre's landmarks and numbers (Nơi nhận, V/v, type codes, O/Q, I/1, …);
- `titlepass.py`: a second look at the signature column and a signer's title under the seal;
- `handpass.py` with `digits.py`: the number, day and month written by hand into the blanks;
- `eoffice.py`: numbers and days an e-office widget stamps over a text-layer PDF as an image.
`read_images` and `read_pdf_page` give `Line`s of `Word`s (pipeline.ingest.words) to the shared layout step;
`repair_and_look_again` runs on the zones the layout made.
"""
from __future__ import annotations

from functools import lru_cache

from pipeline.ingest.layout import group_lines, segment_positioned
from pipeline.ingest.scan.repair import fix_landmarks, fix_segments, fix_type_codes_in
from pipeline.ingest.scan import engines
from pipeline.ingest.words import Line, Segment, Word


def mean_conf(words: list[Word]) -> float | None:
    return sum(w.conf for w in words) / len(words) if words else None


def read_pdf_page(path: str, number: int) -> tuple[list[Line], float | None, object]:
    """A PDF page without a usable text layer, rendered and OCR'd: (lines, mean word confidence, the grayscale
    page image tesseract read; None when the page was read turned, as its words' boxes then belong to the
    turned image)."""
    from pipeline.ingest.pdf import OCR_DPI, render_page
    from pipeline.ingest.scan.ocr import ocr_page

    image = render_page(path, number, dpi=OCR_DPI)
    words, _size, rotation = ocr_page(image, dpi=OCR_DPI)
    return fix_landmarks(group_lines(words, number)), mean_conf(words), None if rotation else image


def read_images(paths: list[str]) -> dict:
    """Page images (every frame of every file, pages numbered across them) read as one letter: the parts of a
    Source (segments, page sizes, per-page confidence, warnings)."""
    from pipeline.ingest.scan.ocr import image_pages, ocr_page

    lines, sizes, ocr_pages, warnings = [], {}, {}, []
    frames = [frame for path in paths for frame in image_pages(path)]
    engines.take()  # this letter's pages only
    for n, (image, dpi, size) in enumerate(frames, start=1):
        words, turned_size, rotation = ocr_page(image, dpi=dpi)
        lines.append(fix_landmarks(group_lines(words, n)))
        sizes[n] = turned_size or size
        ocr_pages[n] = mean_conf(words)
        if rotation:
            warnings.append(f"page {n} lay turned {rotation}°: read upright")
    ocr_engine, fallback = engines.take()  # what read the pages; the pages the chosen one failed on
    warnings += filter(None, [fallback])
    segments = repair_and_look_again(segment_positioned(lines), ocr_pages, warnings,
                                     lambda n: _colour_frame(frames[n - 1]))
    return {"segments": segments, "page_sizes": sizes, "ocr_pages": ocr_pages, "engine": ocr_engine,
            "warnings": warnings}


def repair_and_look_again(segments: list[Segment], ocr_pages: dict, warnings: list, load_page,
                          rendered: dict | None = None) -> list[Segment]:
    """The zones of a letter with OCR'd pages, repaired (repair.py), then looked at again where OCR is known
    to fail on a letter: the signature column and the signer's title under the seal (titlepass) and the
    number and date written by hand (handpass), and last the type codes OCR read as digits in every line.
    `load_page(n)` → (colour image, dpi), called at most once
    per page; `rendered` {page: (image, dpi)} holds pages already in memory (grayscale is all the
    handwriting pass needs), so that the header page is not rendered twice."""
    from pipeline.ingest.scan.handpass import read_handwriting
    from pipeline.ingest.scan.titlepass import read_lost_column, recover_title, reread_column

    segments = fix_segments(segments)
    load_page = lru_cache(maxsize=2)(load_page)
    rendered = rendered or {}
    read_lost_column(segments, ocr_pages, load_page, warnings)
    reread_column(segments, ocr_pages, load_page, warnings)
    recover_title(segments, ocr_pages, load_page, warnings)
    read_handwriting(segments, ocr_pages, lambda n: rendered[n] if n in rendered else load_page(n), warnings)
    return fix_type_codes_in(segments)


def _colour_frame(frame: tuple) -> tuple:
    from pipeline.ingest.scan.ocr import open_colour
    image, dpi, _size = frame
    return open_colour(image), dpi


__all__ = ["Line", "Segment", "Word", "read_images", "read_pdf_page", "repair_and_look_again"]
