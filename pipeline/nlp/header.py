"""The header of a letter (Nghị định 30/2020, Phụ lục I, ô 1-5): issuing body and its parent, number and
symbol, place and date, document type and subject. Each extractor is a pure function of the zone lines and
returns values with the offsets they came from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.nlp.dates import find_dates
from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.numbers import DocNumber, clean_symbol, find_numbers
from pipeline.nlp.segment import LetterZones, TextLine
from pipeline.text.normalize import fold
from pipeline.text.patterns import (AUTHORITY_LINE, DATE_LINE, DECORATION, KINH_GUI, MOTTO, NUMBER_LINE, PLACE_DATE_LINE,
                                    CAN_CU_WORDS, KINH_GUI_WORDS, SECTION_HEAD, SUBJECT_PREFIX, THUC_HIEN_WORDS)

# Words that continue an issuer's name on the next line: the level of a local body ("ỦY BAN NHÂN DÂN" /
# "TỈNH LÀO CAI") or a name broken after a comma or "VÀ".
_PLACE_LEVEL = re.compile(r"^(TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG|ĐẶC KHU)\b")
_BODY_START = re.compile(rf"^({CAN_CU_WORDS}|{KINH_GUI_WORDS}|{SECTION_HEAD}|{THUC_HIEN_WORDS}|Theo|Xét|Ngày\s+\d|"
                         r"Mục\s+\d|\d+\.\s|[a-zđ]\)\s)", re.IGNORECASE)
_LABEL_LINE = re.compile(r"^[A-ZĐ][^:]{0,40}:\s*\S")  # "Mã số dự án: 4275…", "Chứng nhận lần đầu: …"
_CODE_NUMBER = re.compile(r"Mã\s+số\s+(?:dự\s+án|hồ\s+sơ)?\s*:\s*(\d{6,})", re.IGNORECASE)
_PASSED = re.compile(r"thông qua\s+(?=ngày)", re.IGNORECASE)
_PASSED_TYPES = {"Luật", "Bộ luật", "Nghị quyết", "Pháp lệnh", "Hiến pháp", None}
_FIRST_GRANT = re.compile(r"(?:Chứng nhận|Cấp)\s+lần\s+đầu\s*:\s*", re.IGNORECASE)


@dataclass
class Header:
    """What the header says; `spans` maps a field to its [start, end] in the text."""

    number: DocNumber | None = None
    blank_symbol: str | None = None  # the symbol of a blank number ("Số: /UBND-KT")
    blank_year: int | None = None  # the year printed in a blank normative number ("Số:    /2026/QĐ-UBND")
    doc_type_hint: str | None = None  # the type before the date is read (for the passage date of a law)
    issuer_from_body: bool = False  # no header lines: the body's own name for the issuer (a guess)
    unreadable_number: str | None = None  # what stood where the number should be, when it is not digits
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None
    date: str | None = None
    date_year: int | None = None
    date_incomplete: bool = False
    doc_type: str | None = None
    subject: str | None = None
    spans: dict = field(default_factory=dict)


def _head_of(key: str, lex: Lexicon) -> str | None:
    """The longest lexicon head that `key` (folded) opens with (none for a 'not_heads' opening)."""
    if any(key == w or key.startswith(w + " ") for w in lex.issuer_not_heads):
        return None
    return next((h for h in lex.issuer_heads if key == h or key.startswith(h + " ")), None)


def _continues(upper: str, line: str, lex: Lexicon) -> bool:
    """ô 2 (ND30 PL I; domain.md §1): the issuer's name with the direct superior body's name above it. A line
    continues the name above it, rather than naming the body under a parent, when it is the level of a local
    body (ỦY BAN NHÂN DÂN / TỈNH LÀO CAI), when the upper line ends with words that need a complement (a comma,
    VÀ, CỦA, ỦY BAN THƯỜNG VỤ, BAN CHẤP HÀNH: lexicon 'unfinished'), or when the two lines together open with a
    longer head than the upper line alone (BAN CHẤP HÀNH TRUNG ƯƠNG / ĐOÀN TNCS HỒ CHÍ MINH)."""
    if _PLACE_LEVEL.match(line.upper()) or upper.rstrip().endswith(","):
        return True
    key = fold(upper)
    if any(key == w or key.endswith(" " + w) for w in lex.issuer_unfinished):
        return True
    joined = _head_of(fold(f"{upper} {line}"), lex)
    return joined is not None and len(joined) > len(key)


def _issuer_bodies(lines: list[TextLine], lex: Lexicon) -> list[list[TextLine]]:
    """Group the issuer lines into bodies: a line opening with an issuer head starts a new body (the one above
    is its parent) unless it continues the name above it (`_continues`); a line with no head continues too."""
    bodies: list[list[TextLine]] = []
    for ln in lines:
        opens = _head_of(fold(ln.text), lex) is not None
        if bodies and (not opens or _continues(" ".join(x.text for x in bodies[-1]), ln.text, lex)):
            bodies[-1].append(ln)
        else:
            bodies.append([ln])
    return bodies


def _join(lines: list[TextLine]) -> tuple[str, int, int]:
    return " ".join(ln.text for ln in lines), lines[0].start, lines[-1].end


def issuer_lines(zones: LetterZones, lex: Lexicon) -> list[TextLine]:
    """Header-left lines above the number line (or the title, when a flattened header has no number line),
    without decoration, motto or date lines."""
    out = []
    for ln in zones.header_left:
        if NUMBER_LINE.match(ln.text) or SUBJECT_PREFIX.match(ln.text) and ln.text[:1] in "VvT" or KINH_GUI.match(ln.text):
            break
        if out and ln.is_caps and _type_at_start(ln.text, lex):
            break
        if DECORATION.match(ln.text) or MOTTO.search(ln.text) or DATE_LINE.search(ln.text):
            continue
        if ln.is_caps:
            out.append(ln)
    return out


# A letter whose header lines were lost still names its issuer as the subject of its main clause:
# "Sở Giáo dục và Đào tạo (GD&ĐT) có ý kiến như sau:".
_SELF_NAMED = re.compile(r"(?:^|,\s*)(?P<iss>(?:Sở|Bộ|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Cục|Tổng cục|Ban|Văn phòng|"
                         r"Chi cục|Trường|Viện|Hội đồng nhân dân)\s[^,;:()\n]{3,60}?)\s*(?:\([^)]*\)\s*)?"
                         r"(?:có ý kiến|trân trọng|thông báo|hướng dẫn|yêu cầu|đề nghị các)", re.MULTILINE)


def find_issuer(zones: LetterZones, lex: Lexicon, header: Header) -> None:
    bodies = _issuer_bodies(issuer_lines(zones, lex), lex)
    if not bodies:
        for ln in zones.body[:15]:
            named = _SELF_NAMED.search(ln.text)
            if named:
                header.issuer = named.group("iss").upper()
                header.issuer_from_body = True
                header.spans["issuer"] = [ln.start + named.start("iss"), ln.start + named.end("iss")]
                return
        return
    header.issuer, start, end = _join(bodies[-1])
    header.spans["issuer"] = [start, end]
    if len(bodies) > 1:
        header.parent_issuer, start, end = _join(bodies[-2])
        header.spans["parent_issuer"] = [start, end]


_BLANK_NUMBER = re.compile(r"^\s*(?:(?:Luật|Bộ luật|Pháp lệnh|Nghị quyết|Lệnh)\s+)?[Ss][ốo]\s*[:.]?(?P<junk>[^/\n]{0,8}?)/[ \t]*(?:(?P<year>(?:19|20)\d\d)[ \t]*/[ \t]*)?(?P<sym>[A-ZĐ][A-Za-zĐđ0-9&]*(?:[ \t]*[-–—][ \t]*[A-ZĐ][A-Za-zĐđ0-9&]*)*)")


def find_number(zones: LetterZones, header: Header) -> None:
    """ô 3: the `Số:` line of the left column (or, in a flattened letter, near the top)."""
    candidates = zones.header_left + zones.header_right + zones.body[:12]
    for ln in candidates:
        if not NUMBER_LINE.match(ln.text):
            continue
        numbers = find_numbers(ln.text)
        if numbers:
            n = numbers[0]
            header.number = DocNumber(n.number, n.symbol, n.year, n.shape, ln.start + n.start, ln.start + n.end)
            header.spans["number"] = [header.number.start, header.number.end]
            return
        blank = _BLANK_NUMBER.match(ln.text)
        if blank:
            header.blank_symbol = clean_symbol(blank.group("sym"))
            header.blank_year = int(blank.group("year")) if blank.group("year") else None
            junk = blank.group("junk").strip(" \t.…_")
            header.unreadable_number = junk or None  # a handwritten number OCR could not read
            header.spans["symbol"] = [ln.start + blank.start("sym"), ln.start + blank.end("sym")]
            return
    for ln in zones.header_left + zones.body[:12]:  # certificates: "Mã số dự án: 4275604886"
        code = _CODE_NUMBER.search(ln.text)
        if code:
            header.number = DocNumber(code.group(1), None, None, "code", ln.start + code.start(1), ln.start + code.end(1))
            header.spans["number"] = [header.number.start, header.number.end]
            return


def find_place_date(zones: LetterZones, header: Header) -> None:
    """ô 4: '<place>, ngày DD tháng MM năm YYYY' in the right column (or near the top of a flat letter)."""
    body_dates = [ln for ln in zones.body[:6] if PLACE_DATE_LINE.match(ln.text)]
    for ln in zones.header_right + zones.header_left + body_dates:
        if not DATE_LINE.search(ln.text) or _FIRST_GRANT.search(ln.text):
            continue
        dates = find_dates(ln.text)
        if not dates or _cited_date(ln.text, dates[0]):  # a citation line, whatever dates follow, is not ô 4
            continue
        d = dates[0]
        place = ln.text[:d.start].strip().rstrip(",").strip()
        if place and len(place) < 60:
            header.place = place
            header.spans["place"] = [ln.start, ln.start + len(place)]
        _set_date(header, d, ln.start)
        return
    passed = _PASSED.search(zones.text)  # laws and resolutions are dated the day they are passed
    if passed and header.doc_type_hint in _PASSED_TYPES:
        dates = find_dates(zones.text[passed.end():passed.end() + 60])
        if dates:
            _set_date(header, dates[0], passed.end())
            return
    for ln in zones.header_left + zones.body[:12]:  # certificates: "Chứng nhận lần đầu: ngày 30 tháng 6 năm 2026"
        grant = _FIRST_GRANT.search(ln.text)
        dates = find_dates(ln.text[grant.end():]) if grant else []
        if dates:
            _set_date(header, dates[0], ln.start + grant.end())
            return


def _cited_date(text: str, d) -> bool:
    """A date right after a document number ("NGHỊ QUYẾT SỐ 70/2025/UBTVQH15 NGÀY 07 THÁNG 02 NĂM 2025" in a
    title) is the cited document's (domain.md §1: a citation gives type, number, date), never ô 4."""
    return any(n.end <= d.start and not text[n.end:d.start].strip(" ,\t") for n in find_numbers(text))


def _set_date(header: Header, d, offset: int) -> None:
    header.date, header.date_year = d.iso, d.year
    header.date_incomplete = d.iso is None
    header.spans["date"] = [offset + d.start, offset + d.end]


def _type_at_start(text: str, lex: Lexicon) -> tuple[str, int] | None:
    """'QUYẾT ĐỊNH CHẤP THUẬN …' → ('Quyết định', length of the type words)."""
    key = fold(text)
    for fname, name in lex.folded_type_names:
        if name == "Văn bản":  # how the body names a cited document, never a letter's title
            continue
        if key == fname or key.startswith(fname + " "):
            return name, len(name)
    return None


def find_title(zones: LetterZones, lex: Lexicon, header: Header) -> None:
    """ô 5a: the type name in capitals, then the subject lines; ô 5b: the `V/v` lines of a công văn."""
    after_date = [ln for ln in zones.header_right if not MOTTO.search(ln.text) and not DATE_LINE.search(ln.text)
                  and not DECORATION.match(ln.text)]
    numbered = [i for i, ln in enumerate(zones.header_left) if NUMBER_LINE.match(ln.text)]
    if numbered:
        left_after = zones.header_left[numbered[0] + 1:]
    else:  # a flattened header without a number line: the title may sit among the left lines
        titles = [i for i, ln in enumerate(zones.header_left) if ln.is_caps and _type_at_start(ln.text, lex)]
        left_after = zones.header_left[titles[0]:] if titles else []
    candidates = after_date + left_after + zones.body[:10]
    for i, ln in enumerate(candidates):
        if _BODY_START.match(ln.text) or KINH_GUI.match(ln.text):
            break
        hit = _type_at_start(ln.text, lex) if ln.is_caps else None
        if hit:
            header.doc_type = hit[0]
            header.spans["doc_type"] = [ln.start, ln.start + hit[1]]
            rest = TextLine(ln.text[hit[1]:].strip(), ln.end - len(ln.text[hit[1]:].strip()), ln.end)
            _subject_lines(([rest] if rest.text else []) + candidates[i + 1:], header)
            break
    if header.subject is None:
        _vv_subject(zones, header)


_WORD = re.compile(r"\w+")
_RESTATED = 5  # words in a row that a body line shares with the subject above it,
_RESTATED_FROM = 3  # starting among the subject's first words (its head noun may be left out: "tổ chức Hội nghị")


def _restates(taken: list[TextLine], ln: TextLine) -> bool:
    """ô 5a is one phrase, the trích yếu (ND30 PL I); the body's opening sentence (ô 6) often restates it in
    full ("Sở … ban hành Kế hoạch <trích yếu>, như sau:", "Nhằm đánh giá <trích yếu>, …"). A line that repeats
    _RESTATED words in a row of the subject from its opening is that sentence, not more of the subject (a name
    printed twice inside one subject, "… của Hội đồng nhân dân tỉnh quy định … của Hội đồng nhân dân", is not)."""
    words = _WORD.findall(fold(" ".join(t.text for t in taken)))
    grams = {tuple(words[i:i + _RESTATED]) for i in range(min(_RESTATED_FROM, len(words) - _RESTATED + 1))}
    line = _WORD.findall(fold(ln.text))
    return any(tuple(line[i:i + _RESTATED]) in grams for i in range(len(line) - _RESTATED + 1))


def _subject_lines(lines: list[TextLine], header: Header) -> None:
    """The subject under a type name: lines until the body starts, an authority line in capitals
    (BỘ TRƯỞNG BỘ XÂY DỰNG), a bracketed or labelled line, or a line restating the subject (`_restates`)."""
    taken: list[TextLine] = []
    for ln in lines:
        if (_BODY_START.match(ln.text) or KINH_GUI.match(ln.text) or ln.text.startswith(("(", "-", "*"))
                or _LABEL_LINE.match(ln.text) or DECORATION.match(ln.text)):
            break
        if taken and ln.is_caps != taken[0].is_caps or ln.is_caps and AUTHORITY_LINE.match(ln.text):
            break
        if taken and _restates(taken, ln):
            break
        taken.append(ln)
    if taken:
        header.subject, start, end = _join(taken)
        header.spans["subject"] = [start, end]


def _vv_subject(zones: LetterZones, header: Header) -> None:
    lines = zones.header_left + zones.body[:8]
    for i, ln in enumerate(lines):
        prefix = SUBJECT_PREFIX.match(ln.text)
        if not prefix or not prefix.group(0).strip() or ln.text[:1] not in "VvT":
            continue
        taken = [TextLine(ln.text[prefix.end():], ln.start + prefix.end(), ln.end)]
        for nxt in lines[i + 1:]:
            if nxt not in zones.header_left or NUMBER_LINE.match(nxt.text) or MOTTO.search(nxt.text) or \
                    KINH_GUI.match(nxt.text):  # ô 9a follows ô 5b, in the same table cell in some DOCX letters
                break
            taken.append(nxt)
        header.subject, start, end = _join(taken)
        header.spans["subject"] = [start, end]
        header.doc_type = header.doc_type or "Công văn"
        return


def read_header(zones: LetterZones, lex: Lexicon) -> Header:
    header = Header()
    find_issuer(zones, lex, header)
    find_number(zones, header)
    find_title(zones, lex, header)
    header.doc_type_hint = header.doc_type or (header.number.type_code_name if header.number else None)
    if header.number is not None and header.number.shape == "law":
        header.doc_type_hint = header.doc_type_hint or "Luật"
    find_place_date(zones, header)
    if header.doc_type is None and header.number is not None:
        header.doc_type = header.number.type_code_name
    elif header.doc_type is None and header.blank_symbol:  # the type's code names it, number filled or not
        # (ND30 Phụ lục III): "Số: /TB-SYT" whose handwritten number was left blank is a Thông báo
        header.doc_type = DocNumber(None, header.blank_symbol, None, "admin", 0, 0).type_code_name
    return header
