"""The number-and-symbol grammar of domain.md §3: find every document number in a text, as printed, and
split it into number, year and symbol.

Shapes, tried in this order so that a longer reading wins over the shorter one inside it:
  normative  30/2020/NĐ-CP, 03/2016/TTLT-BTP-BTC, 50/2026/CV-LC   (year between two slashes)
  law        80/2015/QH13, 64/2025/UBTVQH15                       (legislature term instead of a code)
  party      18-NQ/TW, 269- KL/TU                                  (hyphen first, slash second)
  admin      15/QĐ-UBND, 649/UBND-KSTTHC, 18/VBHN-VPQH, 101/CP     (no year)
Spaces and dash variants inside a number are tolerated (`2170 /QĐ - UBND`, `2865/GDĐT –KT&KĐCL`) and
normalised in `symbol`; standards (`TCVN 6909:2001`, `QCVN 122:2024/BGTVT`) are not numbers; a footnote
digit glued to a symbol (`105/2025/NĐ-CP2`, `42/2024/QH151`, seen in real e-office PDFs) is dropped when the
rest is a known issuer code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.nlp.keys import fold_number
from pipeline.nlp.lexicon import load_lexicon
from pipeline.text.normalize import fold

_DASH = r"[ \t]*[-\u2013\u2014_](?:[ \t]*\n)?[ \t]*"  # a symbol may wrap after its dash; '_' is a dash typed wrong
_SLASH = r"[ \t]*/[ \t]*"
_GROUP = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?![^\W_])"  # a group ends at a word boundary ("Công" is not "C"); '_' joins groups
_SYMBOL = rf"{_GROUP}(?:{_DASH}{_GROUP})*"
# Not inside a longer token, a date or a standard ("6909:2001"), but right after "Số:" (no space after the
# colon, ND30 PL I ô 3 printed carelessly: "Số:09/2010/QĐ-UBND").
_START = r"(?=\d)(?:(?<=[Ss]ố:)|(?<=[Ss]o:)|(?<![\w/.,:\-]))"
_NUM = r"(?P<num>\d{1,6}(?:\.\d{1,3})?[a-z]?)"  # "66.15/2026/NQ-CP": a sub-number after a dot

# Joint circulars numbered before ND110/2004 put a slash between their type and their issuers
# ("01/2001/TTLT/BNG-TCBĐ", "46/2001/TTLT/BTC-BGD&ĐT"): the part after that slash belongs to the symbol.
_JOINT = r"(?:TTLT|NQLT)"  # the joint types of doc_types.json
_NORMATIVE = re.compile(rf"{_START}{_NUM}{_SLASH}(?P<year>(?:19|20)\d\d){_SLASH}"
                        rf"(?:(?P<term>(?:UBTVQH|QH)\d\d)(?:\d(?!\w))?(?!\w)|(?P<sym>{_JOINT}{_SLASH}{_SYMBOL}|{_SYMBOL}))")
_PARTY = re.compile(rf"{_START}(?P<num>\d{{1,6}})[ \t]*[-\u2013\u2014][ \t]*(?P<type>[A-ZĐ][A-Za-zĐđ]*){_SLASH}"
                    r"(?P<org>[A-ZĐ][A-Za-zĐđ&]*(?:[-_][A-ZĐ][A-Za-zĐđ&]*)*)(?!\w)")
_ADMIN = re.compile(rf"{_START}{_NUM}{_SLASH}(?P<sym>{_SYMBOL})")
_SPACED_DASH = re.compile(_DASH)
# A symbol cut after its dash: the dash ends the line and the next line does not go on with a symbol group (in a
# flattened table the cell's next line is printed further down, after the other cells' lines).
_CUT_AT_DASH = re.compile(r"[ \t]*[-\u2013\u2014][ \t]*(?=\n)")
_FOOTNOTE_TAIL = re.compile(r"^(?P<code>[A-ZĐ][A-Za-zĐđ&]*?)(?P<digit>\d)$")


@dataclass(frozen=True)
class DocNumber:
    """A document number found in a text: its parts and where it was printed."""

    number: str | None  # digits as printed ("05"); None when the number is blank
    symbol: str | None  # "QĐ-UBND", "NĐ-CP", "QH15", "NQ/TW" (dashes normalised, no spaces)
    year: int | None  # the year inside a normative number
    shape: str  # normative | law | party | admin
    start: int
    end: int

    @property
    def full_number(self) -> str | None:
        if self.number is None:
            return None
        if self.symbol is None:  # a certificate's code number
            return self.number
        if self.shape == "party":
            return f"{self.number}-{self.symbol}"
        if self.year is not None:
            return f"{self.number}/{self.year}/{self.symbol}"
        return f"{self.number}/{self.symbol}"

    @property
    def org_code(self) -> str | None:
        """The issuer element of the symbol: 'CP' of NĐ-CP, 'UBND' of QĐ-UBND and of UBND-XD, 'TW' of NQ/TW."""
        if not self.symbol:
            return None
        if self.shape == "party":
            return self.symbol.split("/")[-1]
        parts = re.split(r"[-/]", self.symbol)  # "TTLT/BNG-TCBĐ": a joint circular's older form
        if len(parts) > 1 and fold(parts[0]).replace(" ", "") in load_lexicon().type_by_code:
            return parts[1]
        return parts[0]

    @property
    def type_code_name(self) -> str | None:
        """The document type named by the symbol's type element (QĐ → Quyết định), if it has one."""
        if not self.symbol or self.shape == "law":
            return None
        first = self.symbol.split("/")[0] if self.shape == "party" else re.split(r"[-/]", self.symbol)[0]
        if self.shape == "admin" and "-" not in self.symbol:
            return None
        return load_lexicon().type_by_code.get(fold(first))


def clean_symbol(raw: str) -> str:
    """'QĐ - UBND' → 'QĐ-UBND'; 'NĐ-CP2' → 'NĐ-CP' when CP is a known issuer code (a footnote digit);
    'TTBYT' → 'TT-BYT' (the dash dropped, see _dropped_dash)."""
    symbol = _SPACED_DASH.sub("-", raw.strip()).replace("\n", "")
    head, _, last = symbol.rpartition("-")
    tail = _FOOTNOTE_TAIL.match(last)
    if head and tail and fold(tail.group("code")) in load_lexicon().issuer_codes:
        symbol = f"{head}-{tail.group('code')}"
    return _dropped_dash(symbol) if "-" not in symbol and "/" not in symbol else symbol


def _dropped_dash(symbol: str) -> str:
    """A symbol is the type's code, a dash, the issuer's code (ND30 Phụ lục III; domain.md §2): printed without
    the dash ("Thông tư số 26/2025/TTBYT", "13/2021/TTBTNMT" in vbpl pages beside "26/2025/TT-BYT"), a symbol
    that is a known type code followed by a known issuer code gets it back, the longest type code first. A
    symbol that is itself an issuer code (TTCP: Thanh tra Chính phủ) stays."""
    lex = load_lexicon()
    if fold(symbol) in lex.issuer_codes:
        return symbol
    for i in range(len(symbol) - 1, 0, -1):
        if fold(symbol[:i]) in lex.type_by_code and fold(symbol[i:]) in lex.issuer_codes:
            return f"{symbol[:i]}-{symbol[i:]}"
    return symbol


def _admin_symbol_ok(symbol: str) -> bool:
    """A symbol without a dash is a number only in old or misprinted forms (101/CP, 1626/QĐTTg): at least two
    capitals, which keeps '5/Sở' and 'm3/Ngày' out."""
    return "-" in symbol or sum(c.isupper() for c in symbol) >= 2


def find_numbers(text: str) -> list[DocNumber]:
    """Every document number in `text`, in order, longest reading first where readings overlap."""
    found: list[DocNumber] = []
    taken = bytearray(len(text))

    def add(n: DocNumber) -> None:
        if not any(taken[n.start:n.end]):
            found.append(n)
            taken[n.start:n.end] = b"\x01" * (n.end - n.start)

    for m in _NORMATIVE.finditer(text):
        if m.group("term"):
            add(DocNumber(m.group("num"), m.group("term"), int(m.group("year")), "law", m.start(), m.end()))
        else:
            symbol = re.sub(r"[ \t]*/[ \t]*", "/", clean_symbol(m.group("sym")))  # "TTLT /BTC-…" as "TTLT/BTC-…"
            end = m.end()
            cut = _CUT_AT_DASH.match(text, end) if fold(symbol) == "ND" else None
            if cut:  # a Nghị định's symbol is always NĐ-CP (domain.md §2.2): its tail lost in a table cell's wrap
                symbol, end = f"{symbol}-CP", cut.end()
            add(DocNumber(m.group("num"), symbol, int(m.group("year")), "normative", m.start(), end))
    for m in _PARTY.finditer(text):
        org = m.group("org").replace("_", "-")
        add(DocNumber(m.group("num"), f"{m.group('type')}/{org}", None, "party", m.start(), m.end()))
    for m in _ADMIN.finditer(text):
        symbol = clean_symbol(m.group("sym"))
        if _admin_symbol_ok(symbol):
            add(DocNumber(m.group("num"), symbol, None, "admin", m.start(), m.end()))
    return sorted(found, key=lambda n: n.start)


def parse_number(text: str) -> DocNumber | None:
    """The first document number in a short string ('Số: 15/QĐ-UBND' → 15, QĐ-UBND)."""
    numbers = find_numbers(text)
    return numbers[0] if numbers else None


# A folded comparison form of a number ('05 / QĐ – UBND' and '5/QD-UBND' give the same key): the same fold the
# document keys use, kept under this name for the grammar's callers.
number_key = fold_number
