"""Plain text in any encoding a Vietnamese archive holds: UTF-8/16, CP1258, TCVN3 (ABC), VNI; pages saved
from legal portals as text or Markdown (pipeline.ingest.portal)."""
from __future__ import annotations

import re

from pipeline.ingest.layout import split_flat_header, split_flat_signature
from pipeline.ingest.words import Line, Segment
from pipeline.ingest.portal import after_panel, is_markdown_page, markdown_parts, read_properties
from pipeline.text.legacy import decode_bytes
from pipeline.text.splitglyph import repair_split_glyphs

# Markdown emphasis around whole phrases ("**KT. GIÁM ĐỐC**"): text pasted from editors and chat tools.
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)


def read_txt(data: bytes) -> tuple[list[Segment], str]:
    """Segments of a text file and the encoding it was found in."""
    segments, encoding, _ = read_txt_page(data)
    return segments, encoding


def read_txt_page(data: bytes) -> tuple[list[Segment], str, dict]:
    """Segments, encoding, and the portal's properties panel when the text is a saved portal page ({} if none)."""
    text, encoding = decode_bytes(data)
    lines = text.split("\n")
    if is_markdown_page(lines) and (parts := markdown_parts(lines)) is not None:
        left, right, body, noi_nhan, signature, chrome = ([repair_split_glyphs(x) for x in part] for part in parts)
        segments = [Segment("header_left", [Line(x) for x in left]), Segment("header_right", [Line(x) for x in right])]
        if noi_nhan:  # the closing row's two cells: Nơi nhận | signature
            segments += [Segment("body", [Line(x) for x in body]),
                         Segment("signature_left", [Line(x) for x in noi_nhan]),
                         Segment("signature_right", [Line(x) for x in signature])]
        else:
            segments += split_flat_signature(body)
        return segments, encoding, read_properties(chrome)
    text = repair_split_glyphs(_MD_BOLD.sub(r"\1", text))
    lines = text.split("\n")
    return split_flat_header(after_panel(lines)), encoding, read_properties(lines)
