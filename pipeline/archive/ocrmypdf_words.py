"""An OCRmyPDF OCR-engine plugin that reads nothing: it hands OCRmyPDF the words vanban already read.

Loaded by `ocrmypdf --plugin` (searchable.py runs it), it replaces tesseract for that run. The words come
from the JSON file named by VANBAN_WORDS ({"pages": {"1": {"width": pt, "height": pt, "lines": [{"words":
[[text, x0, top, x1, bottom], …]}]}}}, PDF points, top-left origin, as vanban's Source keeps them); each page
OCRmyPDF asks for gets them scaled to the pixels of the image OCRmyPDF rasterised, so the invisible text
layer OCRmyPDF renders (fpdf2) holds exactly the text vanban extracted, where vanban found it. No network,
no model: nothing is fetched.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from PIL import Image

from ocrmypdf import hookimpl
from ocrmypdf.hocrtransform import BoundingBox, OcrClass, OcrElement
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence

WORDS_ENV = "VANBAN_WORDS"


def _pages() -> dict:
    with open(os.environ[WORDS_ENV], encoding="utf-8") as f:
        return json.load(f)["pages"]


class VanbanWords(OcrEngine):
    """The words of vanban's OCR, page by page."""

    @staticmethod
    def version() -> str:
        return "vanban-words/1"

    @staticmethod
    def creator_tag(options) -> str:
        return "vanban (text read by tesseract through vanban's scan stage)"

    def __str__(self) -> str:
        return "vanban words"

    @staticmethod
    def languages(options) -> set[str]:
        return {"vie", "eng"}

    @staticmethod
    def get_orientation(input_file: Path, options) -> OrientationConfidence:
        return OrientationConfidence(angle=0, confidence=0.0)

    @staticmethod
    def get_deskew(input_file: Path, options) -> float:
        return 0.0

    @staticmethod
    def supports_generate_ocr() -> bool:
        return True

    @staticmethod
    def generate_ocr(input_file: Path, options, page_number: int = 0) -> tuple[OcrElement, str]:
        with Image.open(input_file) as im:
            width, height = im.size
            dpi = float((im.info.get("dpi") or (72, 72))[0] or 72)
        page = OcrElement(ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height), dpi=dpi,
                          page_number=page_number)
        info = _pages().get(str(page_number + 1))
        if not info:
            return page, ""
        sx, sy = width / info["width"], height / info["height"]
        texts = []

        def box(x0, top, x1, bottom):
            left, right = min(max(x0 * sx, 0), width), min(max(x1 * sx, 0), width)
            up, down = min(max(top * sy, 0), height), min(max(bottom * sy, 0), height)
            return BoundingBox(left, up, max(right, left), max(down, up))

        for line in info["lines"]:
            words = [OcrElement(ocr_class=OcrClass.WORD, text=t, bbox=box(a, b, c, d), confidence=1.0)
                     for t, a, b, c, d in line["words"]]
            if not words:
                continue
            texts.append(" ".join(w.text for w in words))
            page.children.append(OcrElement(
                ocr_class=OcrClass.LINE, children=words, language="vie", direction="ltr",
                bbox=BoundingBox(min(w.bbox.left for w in words), min(w.bbox.top for w in words),
                                 max(w.bbox.right for w in words), max(w.bbox.bottom for w in words))))
        return page, "\n".join(texts) + "\n"

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options) -> None:
        raise NotImplementedError("vanban words: generate_ocr only (use --pdf-renderer fpdf2)")

    @staticmethod
    def generate_pdf(input_file, output_pdf, output_text, options) -> None:
        raise NotImplementedError("vanban words: generate_ocr only (use --pdf-renderer fpdf2)")


@hookimpl
def get_ocr_engine(options):
    return VanbanWords()
