"""Plain text in any encoding a Vietnamese archive holds: UTF-8/16, CP1258, TCVN3 (ABC), VNI."""
from __future__ import annotations

import re

from pipeline.ingest.layout import Segment, split_flat_header
from pipeline.text.legacy import decode_bytes
from pipeline.text.splitglyph import repair_split_glyphs

# Markdown emphasis around whole phrases ("**KT. GIÁM ĐỐC**"): text pasted from editors and chat tools.
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)


def read_txt(data: bytes) -> tuple[list[Segment], str]:
    """Segments of a text file and the encoding it was found in."""
    text, encoding = decode_bytes(data)
    text = repair_split_glyphs(_MD_BOLD.sub(r"\1", text))
    return split_flat_header(text.split("\n")), encoding
