"""Researchers' filters for the graph queries (`--issuer`, `--type`, `--year`, `--relation` of `graph cites`,
`cited-by`, `chain`, `impact` and `top`).

    issuer    the words typed, folded as document keys fold an issuer (nlp.keys.issuer_slug: NFC, the usual
              abbreviations spelled out, UBND → ỦY BAN NHÂN DÂN, TP. → THÀNH PHỐ, no diacritics, đ = d, any
              case), found as whole words in the document's issuer folded the same way, or, for a document
              whose issuer is not recorded, in its key's issuer part: "UBND tỉnh Lào Cai" keeps
              "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"; "Lào Cai" keeps every body of the province.
    type      a type as people write it ("Kế hoạch", "ke hoach", "KH"), the stored ND30 spelling compared
              without diacritics or case.
    year      YYYY, YYYY-YYYY (both included), YYYY- (from), -YYYY (until): the year of the document's date,
              or of its number when undated.
    relation  the contract's names (legal_basis, implements, …) or their Vietnamese words (căn_cứ, "căn cứ",
              can cu, thực hiện, bãi bỏ …); several with commas or a repeated option. chain and impact walk only
              edges of these relations (depth and via along them); cites, cited-by filter their edges; top
              counts (or ranks over) only these edges.

Given several values, an option keeps a document matching any; the options together keep what matches all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import UsageError
from pipeline.nlp.keys import issuer_slug, slugify
from pipeline.text.normalize import normalize_text

# the contract's relation vocabulary, strongest first (triggers.json 'strength'), with its Vietnamese words
RELATIONS = ("repeals", "terminates", "replaces", "amends", "suspends", "corrects", "consolidates", "legal_basis",
             "implements", "details", "guides", "replies_to", "follows_up", "proposed_by", "attached_to", "refers_to")
RELATION_WORDS = {  # contract "Relations", and the evaluation gold's keys (căn_cứ, thực_hiện …)
    "legal_basis": ("căn cứ",), "implements": ("thực hiện", "triển khai", "thi hành"),
    "proposed_by": ("theo đề nghị", "xét đề nghị"), "replies_to": ("trả lời", "phúc đáp"),
    "follows_up": ("tiếp theo",), "guides": ("hướng dẫn",), "details": ("quy định chi tiết",),
    "amends": ("sửa đổi", "bổ sung", "sửa đổi bổ sung"), "replaces": ("thay thế",), "repeals": ("bãi bỏ",),
    "terminates": ("hết hiệu lực",), "suspends": ("đình chỉ", "tạm ngưng"), "corrects": ("đính chính",),
    "consolidates": ("hợp nhất",), "attached_to": ("kèm theo",), "refers_to": ("liên quan",),
}
_YEARS = re.compile(r"^\s*(?P<a>\d{4})?\s*(?P<dash>[-–—]|\.\.)?\s*(?P<b>\d{4})?\s*$")


def _word(text: str) -> str:
    """'Căn_cứ', 'can cu', 'legal-basis' → 'can-cu' / 'legal-basis': the comparison form of a relation name."""
    return slugify(text.replace("_", " "))


_RELATION_BY_WORD = {_word(w): rel for rel, words in RELATION_WORDS.items() for w in (rel, *words)}


def parse_relations(values) -> frozenset[str] | None:
    """The relations named by `values` (each may hold several, comma-separated), or None for no filter."""
    found = set()
    for value in values or ():
        for part in value.split(","):
            if not part.strip():
                continue
            rel = _RELATION_BY_WORD.get(_word(part))
            if rel is None:
                raise UsageError(f"unknown relation {part.strip()!r} (use one of {', '.join(RELATIONS)}, "
                                 f"or its Vietnamese name: căn_cứ, thực_hiện, bãi_bỏ …)")
            found.add(rel)
    return frozenset(found) or None


def parse_years(value: str | None) -> tuple[int | None, int | None] | None:
    """'2020' → (2020, 2020); '2020-2024' → (2020, 2024); '2020-' → (2020, None); '-2024' → (None, 2024)."""
    if value is None:
        return None
    m = _YEARS.match(value)
    if not m or not (m["a"] or m["b"]) or (m["a"] and m["b"] and not m["dash"]):
        raise UsageError(f"--year {value!r}: give YYYY, YYYY-YYYY, YYYY- or -YYYY")
    low, high = (int(m["a"]) if m["a"] else None), (int(m["b"]) if m["b"] else None)
    if not m["dash"]:
        high = low
    if low is not None and high is not None and low > high:
        raise UsageError(f"--year {value!r}: the first year is after the second")
    return low, high


@lru_cache(maxsize=1 << 16)  # issuers repeat: fold each once
def issuer_words(issuer: str | None) -> str:
    """An issuer's comparison form, between dashes ('-uy-ban-nhan-dan-tinh-lao-cai-'); '' when there is none.
    Upper case first, so the abbreviations are spelled out however they were typed (ubnd, Hđnd)."""
    slug = issuer_slug(normalize_text(issuer).upper()) if issuer else None
    return f"-{slug}-" if slug else ""


def key_issuer(key: str | None) -> str | None:
    """The issuer part of a key ('649/2023/UBND-VP@uy-ban-nhan-dan-tinh-hau-giang#…' → its slug)."""
    if not key or "@" not in key:
        return None
    return key.split("@", 1)[1].split("#", 1)[0] or None


@lru_cache(maxsize=1 << 12)
def type_words(doc_type: str | None) -> str:
    return _word(doc_type) if doc_type else ""


@dataclass(frozen=True)
class Filters:
    """What to keep. `issuers`: comparison forms (issuer_words); `types`: type_words of the stored spellings;
    `years`: (low, high), either None for open; `relations`: contract names."""
    issuers: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int | None, int | None] | None = None
    relations: frozenset[str] | None = None

    @property
    def documents(self) -> bool:
        """Whether any filter is on the documents themselves (not only on the edges)."""
        return bool(self.issuers or self.types or self.years)

    def __bool__(self) -> bool:
        return self.documents or self.relations is not None

    def issuer_ok(self, issuer: str | None, key: str | None) -> bool:
        if not self.issuers:
            return True
        words = issuer_words(issuer) or (f"-{key_issuer(key)}-" if key_issuer(key) else "")
        return bool(words) and any(w in words for w in self.issuers)

    def type_ok(self, doc_type: str | None) -> bool:
        return not self.types or type_words(doc_type) in self.types

    def year_ok(self, year: int | None) -> bool:
        if not self.years:
            return True
        low, high = self.years
        return year is not None and (low is None or year >= low) and (high is None or year <= high)

    def keeps(self, issuer, key, doc_type, year) -> bool:
        return self.type_ok(doc_type) and self.year_ok(year) and self.issuer_ok(issuer, key)


def year_of(date: str | None, year: int | None) -> int | None:
    """The year a document belongs to: its date's, else its number's."""
    return int(date[:4]) if date and date[:4].isdigit() else year


def make(issuers=(), types=(), years: str | None = None, relations=()) -> Filters:
    """Filters from what was typed: `types` already turned into stored spellings by the caller (the archive's
    lexicon: pipeline.archive.lookup.type_name) or as typed."""
    folded = []
    for issuer in issuers or ():
        words = issuer_words(issuer)
        if not words:
            raise UsageError(f"--issuer {issuer!r} names no issuer")
        folded.append(words)
    kinds = []
    for t in types or ():
        if not type_words(t):
            raise UsageError(f"--type {t!r} names no type")
        kinds.append(type_words(t))
    return Filters(tuple(folded), tuple(kinds), parse_years(years), parse_relations(relations))


NONE = Filters()
