"""Document identity (contract "Document key"; domain.md §4).

    central normative, law, Party:           the folded number itself      30/2020/ND-CP
    local normative (QĐ-UBND, NQ-HĐND):      <number>/<year>/<symbol>@<issuer-slug>   (every province has a 15/2025/QĐ-UBND)
    administrative (numbers restart yearly): <number>/<year>/<symbol>@<issuer-slug>   649/2023/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang

Folding: NFC, upper case, Đ/Ð/đ → D, dashes and slashes without spaces, leading zeros dropped, look-alike
letters folded; mixed-case codes (TTr, QyĐ) compare case-insensitively. The issuer slug is the ASCII fold of
the issuer with the usual abbreviations spelled out (UBND → ỦY BAN NHÂN DÂN), so 'UBND tỉnh Lào Cai' and
'ỦY BAN NHÂN DÂN TỈNH LÀO CAI' meet. Central issuers are unique by symbol: their administrative numbers use
the symbol's issuer code as the slug when the text names no issuer. An administrative number without a year
has no key (None): it cannot be told apart from the same number of another year. The year of a normative or
law-like key is the one printed inside its number (domain.md §4), as every citation of it prints it, never the
year of a misread or misprinted date.
"""
from __future__ import annotations

import re

from pipeline.text.normalize import ascii_fold, fold

_EXPANSIONS = [
    (r"\bUBND\b", "ỦY BAN NHÂN DÂN"), (r"\bHĐND\b", "HỘI ĐỒNG NHÂN DÂN"), (r"\bT[Pp]\.?\s*", "THÀNH PHỐ "),
    (r"\bUBMTTQ\b", "ỦY BAN MẶT TRẬN TỔ QUỐC"), (r"\bGD\s*&\s*ĐT\b|\bGDĐT\b", "GIÁO DỤC VÀ ĐÀO TẠO"),
    (r"\bSở\b", "SỞ"), (r"\bBộ\b", "BỘ"),
]
# Symbol issuer codes of bodies that exist once in the country: the code alone identifies the issuer.
CENTRAL_CODES = {"CP", "TTG", "VPCP", "QH", "UBTVQH", "VPQH", "CTN", "TANDTC", "VKSNDTC", "KTNN", "NHNN", "TTCP", "TW",
                 "BNV", "BTC", "BCA", "BQP", "BNG", "BTP", "BCT", "BXD", "BYT", "BGDDT", "BKHCN", "BVHTTDL", "BNNMT",
                 "BDTTG", "BKHDT", "BLDTBXH", "BTNMT", "BNNPTNT", "BGTVT", "BTTTT", "UBDT"}
_LOCAL_LEVEL = re.compile(r"\b(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG)\b")


def fold_number(full_number: str) -> str:
    """'05 / QĐ – UBND' → '5/QD-UBND'. Only the number's own leading zeros go: 'C06' in '787/C06-P3' stays."""
    key = fold(full_number).replace(" ", "")
    return re.sub(r"^0+(?=\d)", "", key)


def canonical_key(key: str) -> str:
    """A key as typed (any case, Đ or D, spaces, dashes, leading zeros) or as stored by an older vanban →
    the key as vanban makes it now: '05/2026/qđ-ttg' → '5/2026/QD-TTG'; '649/2023/ubnd-kstthc@UBND tỉnh
    Hậu Giang' → '649/2023/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang'. Names ('name:luat-dau-tu/2020') and
    the '#no-year' mark are kept."""
    if key.startswith("name:"):
        return key
    head, mark, tail = key.partition("#")
    number, at, who = head.partition("@")
    slug = issuer_slug(who) if at else None
    return fold_number(number) + (f"@{slug}" if slug else "") + mark + tail


def slugify(text: str) -> str:
    """'Luật Đầu tư' → 'luat-dau-tu': ASCII, lower case, hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def issuer_slug(issuer: str | None) -> str | None:
    """'UBND tỉnh Lào Cai' → 'uy-ban-nhan-dan-tinh-lao-cai'."""
    if not issuer:
        return None
    text = issuer
    for pattern, repl in _EXPANSIONS:
        text = re.sub(pattern, repl, text)
    return slugify(text) or None


def document_key(number: str | None, symbol: str | None, year: int | None, *, shape: str,
                 issuer: str | None = None, org_code: str | None = None) -> str | None:
    """The key of a document, or None when its identity is incomplete (blank number; no year)."""
    if not number or not symbol:
        return None
    code = fold(org_code or "").replace(" ", "")
    if shape == "law" or shape == "normative" and (code in CENTRAL_CODES or not code):
        return fold_number(f"{number}/{year}/{symbol}")
    if shape == "party":
        return fold_number(f"{number}-{symbol}")
    if year is None:
        return None
    slug = issuer_slug(issuer)
    if shape == "normative":  # a local body's normative number: the issuer is part of the identity
        return f"{fold_number(f'{number}/{year}/{symbol}')}@{slug}" if slug else None
    if code in CENTRAL_CODES or not slug:
        slug = code.lower() if code else None
    if not slug:
        return None
    return f"{fold_number(f'{number}/{year}/{symbol}')}@{slug}"


def is_local_issuer(issuer: str | None) -> bool:
    """True for provincial and commune bodies, whose symbols (QĐ-UBND) are shared across the country."""
    return bool(issuer and _LOCAL_LEVEL.search(fold(issuer)))
