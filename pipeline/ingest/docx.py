"""DOCX: body content in order, tables read cell by cell, the header and signature tables as two columns.

The ZIP is checked before python-docx opens it (reliability.md #15-#18): python-docx parses with
huge_tree=True, and Python 3.11.7 lacks the overlapping-entry ("quoted-overlap") zip-bomb fix. Then every
XML part, whole, goes through defusedxml's expat reader, which refuses a DOCTYPE, an entity declaration or
an external reference wherever it stands (python-docx's lxml parser would drop an undefined entity silently).
"""
from __future__ import annotations

import re
import zipfile
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import docx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from defusedxml.expatreader import create_parser
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.errors import ReadError
from pipeline.ingest.words import Line, Segment
from pipeline.text.patterns import HEADER_RIGHT, NOI_NHAN_LOOSE

MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = 256 << 20
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A text box is written twice, as DrawingML and as a VML fallback (mc:AlternateContent, ECMA-376 Part 3): its
# paragraphs are read once, outside mc:Fallback. Walked by tag, since python-docx's xpath has no `mc` prefix
# (an XPath with it raised on every DOCX holding a text box).
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def check_zip(path: str, kind: str = "docx") -> None:
    """Refuse bombs and hostile XML before any XML parser sees the file (an OOXML or ODF container)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ReadError(path, "too_big:zip", f"{len(infos)} ZIP entries is over the cap of {MAX_ENTRIES}")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise ReadError(path, "too_big:zip", f"unpacks to {total >> 20} MiB, over the cap of {MAX_UNCOMPRESSED >> 20}")
            for info in infos:
                if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadError(path, "too_big:zip", f"{info.filename} expands {info.file_size // max(info.compress_size, 1)}:1")
            _check_overlap(path, infos)
            typed_names, typed_extensions = _xml_typed(path, zf, kind)
            for info in infos:
                name = info.filename.lower()
                if info.file_size and (name.endswith((".xml", ".rels")) or "/" + name in typed_names
                                       or name.rsplit(".", 1)[-1] in typed_extensions):
                    _check_xml(path, zf, info, kind)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise ReadError(path, "corrupt:zip", f"broken ZIP container ({exc})") from None


def _xml_typed(path: str, zf: zipfile.ZipFile, kind: str) -> tuple[set, set]:
    """(part names, extensions) that [Content_Types].xml types as XML: what python-docx parses as XML,
    whatever a part is named."""
    info = next((i for i in zf.infolist() if i.filename == "[Content_Types].xml"), None)
    if info is None:
        return set(), set()
    _check_xml(path, zf, info, kind)
    root = safe_fromstring(zf.read(info), forbid_dtd=True)
    typed = [el for el in root if el.get("ContentType", "").lower().split(";")[0].strip().endswith("xml")]
    return ({el.get("PartName", "").lower() for el in typed if el.tag.endswith("Override")},
            {el.get("Extension", "").lower() for el in typed if el.tag.endswith("Default")})


def _check_xml(path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str) -> None:
    """Stream one part, whole, through an expat reader that refuses any DTD, entity or external reference."""
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(ContentHandler())
    try:
        with zf.open(info) as part:
            parser.parse(part)
    except DefusedXmlException:
        raise ReadError(path, "xml_doctype", f"{info.filename} declares a DOCTYPE or an entity (XXE/entity expansion)") from None
    except SAXException as exc:  # a part no XML reader can verify is not handed to one that might read it otherwise
        raise ReadError(path, f"corrupt:{kind}", f"{info.filename} is not well-formed XML ({exc})") from None


def _check_overlap(path: str, infos: list[zipfile.ZipInfo]) -> None:
    spans = sorted((i.header_offset, i.header_offset + 30 + len(i.filename.encode()) + i.compress_size) for i in infos)
    for (a0, a1), (b0, _) in zip(spans, spans[1:]):
        if b0 < a1:
            raise ReadError(path, "too_big:zip", "overlapping ZIP entries (a quoted-overlap zip bomb)")


def _cell_lines(cell) -> list[str]:
    lines: list[str] = []
    for item in cell.iter_inner_content():
        lines += _block_lines(item)
    return lines


def _paragraph_lines(p: Paragraph) -> list[str]:
    lines = p.text.split("\n")
    for box in p._p.iter(_W + "txbxContent"):  # text boxes: python-docx's .text leaves them out
        if any(a.tag == _FALLBACK for a in box.iterancestors()):
            continue
        for q in box.iter(_W + "p"):
            lines += Paragraph(q, p._parent).text.split("\n")
    return lines


def _unique_cells(row) -> list:
    seen, cells = set(), []
    for cell in row.cells:  # a merged cell appears once per grid column it spans
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _block_lines(item) -> list[str]:
    if isinstance(item, Paragraph):
        return _paragraph_lines(item)
    lines: list[str] = []
    for row in item.rows:
        for cell in _unique_cells(row):
            lines += _cell_lines(cell)
    return lines


def _two_columns(table: Table, marker: re.Pattern, right_of_marker: bool) -> tuple[list[str], list[str]] | None:
    """Split a layout table into (left lines, right lines) at the grid column of the cell holding `marker`."""
    split = None
    for row in table.rows:
        for idx, cell in enumerate(row.cells):
            if marker.search(cell.text):
                split = idx if right_of_marker else idx + 1
                break
        if split is not None:
            break
    if not split or split >= len(table.columns) + (0 if right_of_marker else 1):
        return None
    left, right = [], []
    for row in table.rows:
        seen = set()
        for idx, cell in enumerate(row.cells):
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            (left if idx < split else right).extend(_cell_lines(cell))
    return left, right


def read_docx(path: str) -> tuple[list[Segment], list[str]]:
    """Segments in body order, and the page header/footer lines (kept apart, after the body)."""
    check_zip(path)
    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … on broken parts
        raise ReadError(path, "corrupt:docx", f"the DOCX cannot be parsed ({type(exc).__name__}: {exc})") from None
    segments: list[Segment] = []
    body: list[str] = []
    seen_text = False
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            cols = None
            if not seen_text and HEADER_RIGHT.search(_table_text(item)):
                cols = _two_columns(item, HEADER_RIGHT, True)
                names = ("header_left", "header_right")
            elif NOI_NHAN_LOOSE.search(_table_text(item)):
                cols = _two_columns(item, NOI_NHAN_LOOSE, False)
                names = ("signature_left", "signature_right")
            if cols:
                segments.append(Segment("body", [Line(x) for x in body]))
                body = []
                segments += [Segment(names[0], [Line(x) for x in cols[0]]), Segment(names[1], [Line(x) for x in cols[1]])]
                continue
        lines = _block_lines(item)
        seen_text = seen_text or any(x.strip() for x in lines)
        body += lines
    segments.append(Segment("body", [Line(x) for x in body]))
    return segments, _furniture(document)


def _table_text(table: Table) -> str:
    return "\n".join("\n".join(_cell_lines(c)) for row in table.rows for c in _unique_cells(row))


def _furniture(document) -> list[str]:
    lines, seen = [], set()
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous or id(part._element) in seen:
                continue
            seen.add(id(part._element))
            for item in part.iter_inner_content():
                lines += [x for x in _block_lines(item) if x.strip()]
    return lines

