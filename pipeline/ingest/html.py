"""HTML pages saved from Vietnamese legal portals (vbpl.vn, generic government portals) -> the document's own text.

`html_to_lines` gives one line per block (p, div, br, tr, li, heading; a layout table cell by cell, left cell
first) without the site's chrome: scripts, styles, nav/header/footer/form, breadcrumbs, menus, tab bars,
"related documents" and table-of-contents panels, link-heavy blocks. `html_to_parts` also splits off the header.
Safety: lxml's HTML parser with no_network=True; its HTMLParser has no resolve_entities switch (libxml2's HTML
parser reads no DTD and loads no external entity, an undeclared `&name;` stays text), and the DOCTYPE (with any
internal subset), <!ENTITY> and <?xml?> declarations are cut out before parsing anyway.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from lxml import etree
from lxml import html as lhtml

from pipeline.text.patterns import QUOC_HIEU
from pipeline.text.splitglyph import has_split_glyphs, repair_split_glyphs

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.I)
_WEB_ALIASES = dict.fromkeys(("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"), "cp1252")  # as browsers do
_DECLS = re.compile(r"<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?[^>]*>|<!ENTITY[^>]*>|<\?xml[^>]*>", re.I)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")  # str.isspace() whitespace: U+00A0 and the other Unicode spaces too
# Known content boxes, most specific first: vbpl.vn (2025 Next.js site, older ASP.NET one), other legal portals.
_KNOWN = ("//*[@data-vbpl-content-root]", "//*[@id='toanvancontent']") + tuple(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]"
    for c in ("toanvancontent", "fulltext", "content1"))
_BLOCK = frozenset("address article aside blockquote body caption center dd div dl dt fieldset figcaption figure "
                   "footer form h1 h2 h3 h4 h5 h6 header hr li main menu nav ol p pre section table tbody td tfoot "
                   "th thead tr ul".split())
_DROP = frozenset("script style noscript template iframe frame object embed applet svg math canvas video audio "
                  "map img button select input textarea option label form nav aside head title meta link base".split())
_ROLES = frozenset("navigation banner contentinfo search menu menubar tablist complementary".split())
_CHROME_SUB = re.compile(r"breadcrumb|navbar|navigation|menu|footer|sidebar|related|lien-?quan|recaptcha|popover|"
                         r"cookie|banner|social|pagination|muc-?luc|tab-?list|tabs-nav", re.I)
_CHROME_TOKEN = re.compile(r"(?:^|[\s_-])(?:nav|ads|toc|share|tags|search|login|comments?)(?:[\s_-]|$)", re.I)
_PARA = frozenset("p li pre blockquote dd h1 h2 h3 h4 h5 h6 td th".split())


def html_to_lines(data: bytes) -> list[str]:
    """The document's text as NFC lines, site chrome removed, empty lines dropped."""
    box = _container(data)
    return [] if box is None else _lines(box)


def html_to_parts(data: bytes) -> tuple[list[str], list[str], list[str]]:
    """(header_left_lines, header_right_lines, body_lines), with syllables split by the portal's renderer
    joined back (`CHÍNH PH Ủ`, domain.md §10.14), and split numbers and dates in any page."""
    left, right, body = _html_parts(data)
    split = has_split_glyphs("\n".join(left + right + body[:20]))  # else only split numbers and dates are joined
    return tuple([repair_split_glyphs(x, known_split=split) for x in part] for part in (left, right, body))


def _html_parts(data: bytes) -> tuple[list[str], list[str], list[str]]:
    """Split when the document's first table has the motto in a right-hand cell (compared without tone marks
    or case: "HÒA"/"HOÀ" alike), else ([], [], all lines)."""
    box = _container(data)
    if box is None:
        return [], [], []
    table = next(box.iter("table"), None)
    if table is not None:
        rows = _rows(table)
        right = [c for cells in rows for c in cells[1:]]
        if any(_MOTTO in _fold(c.text_content()) for c in right) and len(table.text_content()) < 3000:
            left_lines = [x for cells in rows if cells for x in _lines(cells[0])]
            right_lines = [x for c in right for x in _lines(c)]
            _drop(table)
            return left_lines, right_lines, _lines(box)
    return [], [], _lines(box)


def _decode(data: bytes) -> str:
    """BOM, else UTF-8 if the bytes are valid UTF-8, else the <meta> charset, else CP1258."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    body_at = data[:1 << 20].lower().find(b"<body")
    match = _META_CHARSET.search(data, 0, body_at if body_at > 0 else 1 << 16)
    label = match.group(1).decode("ascii").lower() if match else "utf-8"
    try:
        declared = codecs.lookup(_WEB_ALIASES.get(label, label)).name
    except LookupError:
        declared = None
    # Valid UTF-8 is UTF-8 whatever the meta says (legacy single-byte text is almost never valid UTF-8); a UTF-16
    # label on a byte-oriented page is wrong by definition (WHATWG) and is ignored.
    for enc in ("utf-8", declared, "cp1258"):
        if enc and not enc.startswith(("utf-16", "utf-32")):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    return data.decode("cp1258", "replace")


def _container(data: bytes):
    """Parse, then find the element holding the document (known portal box, else by text density), chrome pruned."""
    text = _DECLS.sub("", _decode(data))
    parser = lhtml.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                              recover=True, huge_tree=False, default_doctype=False)
    try:
        root = lhtml.document_fromstring(text.encode("utf-8"), parser=parser) if text.strip() else None
    except etree.ParserError:  # markup without any content
        root = None
    if root is None:
        return None
    for xpath in _KNOWN:
        found = [e for e in root.xpath(xpath) if len(_fold(e.text_content())) >= 20]
        if found:
            box = max(found, key=lambda e: len(e.text_content()))
            _prune(box, chrome_classes=False)
            return box
    body = root.find("body") if root.find("body") is not None else root
    _prune(body, chrome_classes=True)
    return _best_block(body)


def _prune(top, chrome_classes: bool) -> None:
    """Drop invisible and chrome elements under `top`, then blocks that are mostly links."""
    total = _stats(top).get(top, (0, 0, 0))[0] or 1
    for el in list(top.iter()):
        if el is top or not isinstance(el.tag, str) or _detached(el, top):
            continue
        tag, names = el.tag.lower(), f"{el.get('class', '')} {el.get('id', '')}"
        chrome = (tag in _DROP or el.get("role", "").lower() in _ROLES
                  or (tag in ("header", "footer") and next(el.iterancestors("article"), None) is None))
        if not chrome and chrome_classes and (_CHROME_SUB.search(names) or _CHROME_TOKEN.search(names)):
            text = el.text_content()  # never a block holding the motto or most of the page
            chrome = _MOTTO not in _fold(text) and len(text) < 0.5 * total
        if chrome:
            _drop(el)
    stats = _stats(top)
    for el in list(top.iter("div", "ul", "ol", "dl", "section", "table", "menu")):
        if el is not top and not _detached(el, top) and _link_share(stats, el) > 0.7 and len(el.xpath(".//a")) >= 3:
            _drop(el)


def _best_block(body):
    """The block that the most (Vietnamese-weighted, non-link) paragraph text votes for, densest in text."""
    stats, votes = _stats(body), {}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _PARA:
            weight = stats.get(el, (0, 0, 0))[2]
        else:  # a div/span holding text directly, not only through children
            weight = sum(_count(t)[1] for t in [el.text] + [c.tail for c in el])
        if weight < 20:
            continue
        parent = el.getparent()
        if el.tag in ("td", "th"):  # a cell's text belongs to what holds the table (the header sits beside the body)
            table = next(el.iterancestors("table"), None)
            parent = table.getparent() if table is not None else parent
        for share, anc in ((1.0, parent), (0.5, parent.getparent() if parent is not None else None)):
            if anc is not None:
                votes[anc] = votes.get(anc, 0.0) + share * weight
    if not votes:
        return body
    best = max(votes, key=lambda el: votes[el] * (1 - _link_share(stats, el)))
    if _MOTTO not in _fold(best.text_content()):  # the header table sits beside the body paragraphs: go up to it
        for anc in list(best.iterancestors())[:3]:
            if _MOTTO in _fold(anc.text_content()) and _link_share(stats, anc) < 0.35:
                return anc
    return best


def _stats(top) -> dict:
    """Per element: (non-space chars, chars inside links, Vietnamese-weighted letters outside links)."""
    stats = {}
    for el in reversed(list(top.iter())):  # children come after their parent in document order
        if not isinstance(el.tag, str):
            continue
        link = el.tag == "a"
        chars, letters = _count(el.text)
        link_chars, viet = (chars, 0) if link else (0, letters)
        for child in el:
            c_chars, c_link, c_viet = stats.get(child, (0, 0, 0))
            t_chars, t_letters = _count(child.tail)
            chars += c_chars + t_chars
            link_chars += (c_chars + t_chars) if link else c_link
            viet += 0 if link else c_viet + t_letters
        stats[el] = (chars, link_chars, viet)
    return stats


def _count(text: str | None) -> tuple[int, int]:  # (non-space chars, letters with non-ASCII ones counted twice)
    if not text:
        return 0, 0
    return sum(not c.isspace() for c in text), sum((2 if c > "\x7f" else 1) for c in text if c.isalpha())


def _lines(top) -> list[str]:
    out, buf = [], []  # finished lines, pieces of the line being built

    def flush():
        out.extend(x for x in [_clean("".join(buf))] if x)
        buf.clear()

    def inner(el):
        buf.append(el.text or "")
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in _BLOCK or tag == "br":
                flush()
            if tag == "table":
                out.extend(_table_lines(child))
            elif tag == "pre":
                out.extend(x for x in map(_clean, child.text_content().split("\n")) if x)
            elif tag and tag != "br":
                inner(child)
                if tag in _BLOCK:
                    flush()
            buf.append(child.tail or "")

    inner(top)
    flush()
    return out


def _table_lines(table) -> list[str]:
    """A layout table (at most two columns: header, signature) cell by cell, left cell first, row by row;
    a data table one line per row, cells joined by ' | '."""
    out, rows = [x for cap in table.findall("caption") for x in _lines(cap)], _rows(table)
    if max(map(len, rows), default=0) <= 2:
        return out + [x for cells in rows for cell in cells for x in _lines(cell)]
    rows = [" | ".join(t for t in (" ".join(_lines(c)) for c in cells) if t) for cells in rows]
    return out + [row for row in rows if row]


def _rows(table) -> list[list]:
    return [row.xpath("./td|./th") for row in table.xpath("./tr|./*/tr")]


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", _INVISIBLE.sub("", text))).strip()


def _fold(text: str) -> str:
    """Upper case, no tone or vowel marks, đ -> D, single spaces: "Cộng hoà" and "CỘNG HÒA" fold alike."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).upper().split())


_MOTTO = _fold(QUOC_HIEU)  # ô 1 as _fold leaves it: "CONG HOA XA HOI CHU NGHIA VIET NAM"


def _link_share(stats: dict, el) -> float:
    return stats.get(el, (0, 0, 0))[1] / max(stats.get(el, (0, 0, 0))[0], 1)


def _detached(el, top) -> bool:  # removed together with an ancestor
    return not any(a is top for a in el.iterancestors())


def _drop(el) -> None:
    """Remove `el` but keep the text after it; a removed block leaves a line break behind."""
    parent, prev = el.getparent(), el.getprevious()
    if parent is None:
        return
    if isinstance(el.tag, str) and el.tag.lower() in _BLOCK:
        br = parent.makeelement("br")
        br.tail = el.tail
        parent.replace(el, br)
        return
    if el.tail and prev is not None:
        prev.tail = (prev.tail or "") + el.tail
    elif el.tail:
        parent.text = (parent.text or "") + el.tail
    parent.remove(el)
