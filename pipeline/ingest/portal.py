"""Pages saved from legal portals as text or Markdown: the portal's properties panel and its table syntax.

Portals (vbpl.vn, thuvienphapluat.vn) print a properties panel ("Thuộc tính") beside the letter: Số hiệu,
Loại văn bản, Cơ quan ban hành / Nơi ban hành, Người ký, Ngày ban hành … (one "label value" line each, or a
label cell and a value cell of a table). It is the portal's record of the letter, not the letter: extraction
takes a field from it only when the letter's own text does not print that field (domain.md §1: a field the
letter prints is read from the letter).

A page converted to Markdown keeps the letter's layout tables as cells between `|` lines (one `|` closes a
cell, two close a row), emphasis as `*`/`**` runs that may wrap over lines, headings as `#` lines and links as
`[text](url)`. `markdown_parts` gives the header's two columns (the row holding the national motto or the
Party's name, ND30 Phụ lục I ô 1-2, and the row after it, ô 3-4) and the letter's lines, the site's
chrome before the header dropped.
"""
from __future__ import annotations

import re
import unicodedata

from pipeline.text.patterns import NOI_NHAN, PARTY_NAME, QUOC_HIEU

# Portal property labels -> the record field they fill (None: read, never used).
_LABELS = {
    "so hieu": "number", "so ky hieu": "number", "loai van ban": "doc_type", "co quan ban hanh": "issuer",
    "noi ban hanh": None, "nguoi ky": "signer", "chuc danh": "signer_title", "ngay ban hanh": "date",
    "ngay ky xac thuc": "date_authenticated", "ngay co hieu luc": None, "ngay hieu luc": None,
    "ngay het hieu luc": None, "nganh": None, "linh vuc": None, "tinh trang": None, "tinh trang hieu luc": None,
    "ngay dang cong bao": None, "ngay cong bao": None, "so cong bao": None, "pham vi": None,
    "nguon thu thap": None,
}
_LABEL = re.compile(r"^\s*(" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s*:?\s*(.*)$")
_EMPTY = re.compile(r"^[\s\-–—.…]*$|^(?:đã biết|đang cập nhật|không xác định|--)$", re.I)
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MIN_BLOCK = 3  # a panel has at least three property lines in a row (one "Số hiệu" line alone is body text)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _field(label_line: str):
    m = _LABEL.match(fold(label_line))
    return (_LABELS[m.group(1)], m.group(1)) if m else None


def panel_span(lines: list[str]) -> tuple[int, int, list[tuple[str | None, str]]]:
    """(first line, line after, [(field, value)]) of the first run of at least MIN_BLOCK consecutive property
    lines or label/value cell pairs; (0, 0, []) when the lines hold no panel."""
    items: list[tuple[str | None, str]] = []
    start, i = 0, 0
    while i <= len(lines):
        line = lines[i].strip() if i < len(lines) else ""
        m = _LABEL.match(fold(line)) if line else None
        if m is None:
            if len(items) >= MIN_BLOCK:
                return start, i, items
            items = []
            i += 1
            continue
        if not items:
            start = i
        value = line[len(line) - len(m.group(2)):] if m.group(2) else ""
        if not value.strip() and i + 1 < len(lines) and not _LABEL.match(fold(lines[i + 1].strip())):
            value = lines[i + 1]  # a label cell, then its value cell
            i += 1
        items.append((_LABELS[m.group(1)], value.strip()))
        i += 1
    return 0, 0, []


def read_properties(lines: list[str]) -> dict:
    """The properties panel of a saved portal page as {field: value}: the first run of at least MIN_BLOCK
    consecutive property lines ("Số hiệu 8376/VBHN-BTP", "Người ký Phan Chí Hiếu") or label/value cell pairs
    ("Số hiệu:" then "4085/UBND-ĐT"). Empty values ("--", "Đã biết") are left out; dates as ISO."""
    out: dict = {}
    for field, value in panel_span(lines)[2]:
        if field is None or _EMPTY.match(value) or field in out:
            continue
        if field.startswith("date"):
            m = _DMY.match(value)
            if not m:
                continue
            value = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        out[field] = unicodedata.normalize("NFC", value)
    if "date" not in out and "date_authenticated" in out:  # a văn bản hợp nhất is dated by its authentication
        out["date"] = out["date_authenticated"]
    out.pop("date_authenticated", None)
    return out


def after_panel(lines: list[str]) -> list[str]:
    """The letter's lines of a text page: when the page's header (the national motto) follows the properties
    panel, the panel and the site's lines before it are not the letter; else the lines unchanged."""
    _, end, items = panel_span(lines)
    if items and any(fold(x).startswith(_MOTTO_FOLDED) for x in lines[end:end + 40]):
        return lines[end:]
    return lines


# --- Markdown ---
_PIPE = re.compile(r"^\s*\|\s*$")
_DECORATION = re.compile(r"^[\s*\-–—_=~.]+$")  # rules under the header names, the Party's star
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^\s*#{1,6}(?:\s+|$)")
_ESCAPED = re.compile(r"\\([*_#|\[\]\\-])")
_UNDERSCORE_EM = re.compile(r"(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)")  # __strong__
_MOTTO_FOLDED = (fold(QUOC_HIEU), fold(PARTY_NAME))  # ô 1, or the Party's name in its place, folded


def is_markdown_page(lines: list[str]) -> bool:
    """Markdown table syntax: several lines that are a lone `|` and emphasis markers."""
    pipes = sum(1 for x in lines if _PIPE.match(x))
    return pipes >= 4 and any("**" in x for x in lines)


def _emphasis_open(text: str) -> bool:
    text = _ESCAPED.sub("", text)
    return (text.count("**") % 2 == 1) or (text.replace("**", "").count("*") % 2 == 1)


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", _HEADING.sub("", text))
    text = re.sub(r"(?<!\\)\*+", "", _UNDERSCORE_EM.sub(r"\1", text))
    return " ".join(_ESCAPED.sub(r"\1", text).split())


def _cell_lines(raw: list[str]) -> list[str]:
    """A cell's lines as printed: decoration rules dropped, an emphasis run that wraps joined into one line,
    the markers removed."""
    out, buf = [], ""
    for line in raw:
        if _DECORATION.match(line) and not buf:
            continue
        buf = f"{buf} {line.strip()}" if buf else line.strip()
        if not _emphasis_open(buf):
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return [p for p in map(_plain, out) if p]


def _cells(lines: list[str]) -> list[list[str]]:
    """Raw cells: the runs of lines between `|` lines (an empty cell between two `|`)."""
    cells, cur = [], []
    for line in lines:
        if _PIPE.match(line):
            cells.append(cur)
            cur = []
        else:
            cur.append(line)
    cells.append(cur)
    return cells


def markdown_parts(lines: list[str]) -> tuple[list[str], list[str], list[str], list[str], list[str], list[str]] | None:
    """(header_left, header_right, body, noi_nhan, signature, chrome_before) of a Markdown page, or None when no
    cell opens with the national motto (or the Party's name) after a left cell. The Nơi nhận cell (ô 9b) and
    the cell beside it (ô 7, the signature) are the two columns of the closing table row."""
    cells = _cells(lines)
    found = None
    for k in range(1, len(cells)):
        text = fold(_plain(" ".join(cells[k])))
        if any(text.startswith(m) for m in _MOTTO_FOLDED) and _cell_lines(cells[k - 1]):
            found = k
            break
    if found is None:
        return None
    left, right = _cell_lines(cells[found - 1]), _cell_lines(cells[found])
    k = found + 1
    while k < len(cells) and not _cell_lines(cells[k]):
        k += 1
    if k < len(cells) and k > found + 1:  # the next row: number (ô 3) | place and date (ô 4)
        row_left = _cell_lines(cells[k])
        nxt = _cell_lines(cells[k + 1]) if k + 1 < len(cells) else []
        if nxt and re.search(r"\bngày\b|\bnăm\b", " ".join(nxt), re.I) and len(nxt) <= 3:
            left, right, k = left + row_left, right + nxt, k + 2
        elif row_left and re.match(r"^s[ốo]\b", row_left[0], re.I):
            left, k = left + row_left, k + 1
    rest = []
    for cell in cells[k:]:  # the site's sections after the letter ("## Văn bản liên quan") open with a heading
        cut = next((i for i, x in enumerate(cell) if _HEADING.match(x)), None)
        rest.append(_cell_lines(cell[:cut]))
        if cut is not None:
            break
    chrome = [x for cell in cells[:found - 1] for x in _cell_lines(cell)]
    at = next((i for i, c in enumerate(rest) if c and NOI_NHAN.match(fold(c[0]))), None)
    if at is None:
        return left, right, [x for c in rest for x in c], [], [], chrome
    body = [x for c in rest[:at] for x in c]
    signature = [x for c in rest[at + 1:] for x in c]
    return left, right, body, rest[at], signature, chrome
