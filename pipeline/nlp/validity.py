"""Validity facts a document states about itself and about the documents it acts on (domain.md §6, §7;
contract: the record's `effective_date`, a reference's `scope`).

Effective date (`effective_date`): read only from the document's own clause, "<Type> này có hiệu lực (thi hành)
…" (a capitalised type word and "này"; not "Các quyết định này", not a sentence quoted inside “…” that an
amending document writes into another), the first such clause of the document's own type, else the first of any
type (a Quyết định that issues a Quy định). What follows "có hiệu lực (thi hành)" decides:

| the clause says                                  | effective_date                                   |
|--------------------------------------------------|--------------------------------------------------|
| (kể) từ ngày 01 tháng 7 năm 2026 / từ ngày 1/7/2026 (/ kể từ 01 tháng 7 năm 2026) | that date          |
| (kể) từ ngày ký (ban hành) / từ ngày ban hành     | the date of signing (the header's date), if read |
| sau 45 ngày kể từ ngày ký (ban hành)              | the date of signing + 45 days                    |
| (kể) từ ngày (được) thông qua                     | the date "thông qua ngày …" prints, else the header's |
| anything else (ngay, từ ngày đăng Công báo, nothing) | null: a date only when the text states it      |

Scope (`scope`, for amends, replaces, repeals, terminates; null for every other relation): the parts of the
cited document named right before the citation, after the trigger ("bãi bỏ khoản 6 Điều 7 Thông tư số …" →
"khoản 6 Điều 7"; "Điều 5, Điều 6 của Nghị định số … hết hiệu lực" → "Điều 5, Điều 6"; "một số điều, khoản của
…" → "một số điều, khoản"), as written with "quy định tại" and the joining "của/tại/thuộc" dropped; several parts
stay joined as the text joins them. Nothing named → "whole" ("Thông tư này thay thế Thông tư số …", "Nghị định
số 70/2010/NĐ-CP … hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành").

Own date of an act (`effective` of a reference): "… hết hiệu lực (thi hành) (kể) từ ngày 01 tháng 7 năm 2026"
after the citation gives that date; "kể từ ngày <Type> này có hiệu lực" gives null (the act takes effect with the
citing document, which graph/status.py reads from that document's effective_date).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from pipeline.nlp.dates import date_after
from pipeline.nlp.numbers import find_numbers, number_key

ACTS = ("amends", "replaces", "repeals", "terminates")
_TYPES = (r"Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết(?: liên tịch)?|Thông tư(?: liên tịch)?|Quyết định|Chỉ thị|"
          r"Lệnh|Quy định|Quy chế|Hiến pháp|Văn bản hợp nhất|Kế hoạch|Điều lệ")
# the document's own clause: a capitalised type word, "này", then "có hiệu lực (thi hành)"
_OWN = re.compile(rf"(?<![\w])(?<!các )(?<!Các )(?<!ngày )(?<!khi )(?<!điểm )(?<!trước )(?P<type>{_TYPES})\s+này\s+(?:sẽ\s+)?có\s+hiệu\s+lực(?:\s+thi\s+hành)?")
_SIGNING = re.compile(r"[\s,]*(?:kể\s+)?từ\s+(?:(?:ngày|khi)\s+)?(?:ký(?:\s+ban\s+hành)?|ban\s+hành)(?![\w])", re.IGNORECASE)
_AFTER_SIGNING = re.compile(r"[\s,]*(?:sau|là)\s+(?P<n>\d{1,3})\s+ngày[\s,]*(?:kể\s+)?từ\s+ngày\s+(?:ký(?:\s+ban\s+hành)?|ban\s+hành)(?![\w])",
                            re.IGNORECASE)
_ADOPTION = re.compile(r"[\s,]*(?:kể\s+)?từ\s+ngày\s+(?:được\s+)?(?:[\w ]{0,40}?\s)?thông\s+qua(?![\w])", re.IGNORECASE)
_DATED = re.compile(r"[\s,]*(?:kể\s+)?từ\s+(?=ngày|\d)", re.IGNORECASE)
_BARE = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)(?!\d)")
_ADOPTED_ON = re.compile(r"thông\s+qua\s+(?=ngày\s*\d)", re.IGNORECASE)


_HEADING = re.compile(r"^Điều\s+\d+[a-z]?\.?\s*(?:Hiệu lực|Điều khoản thi hành|Tổ chức thực hiện|Trách nhiệm thi hành)",
                      re.MULTILINE | re.IGNORECASE)


def _quoted(text: str, pos: int) -> bool:
    """Inside “…” (an opening quote not closed before `pos`, within 2,000 characters): words an amending
    document writes into another one. Local, so one unbalanced quote earlier in the text does not hide the rest."""
    opened = text.rfind("“", max(0, pos - 2000), pos)
    return opened >= 0 and text.rfind("”", opened, pos) < 0


def _choice(text: str, found: list[re.Match], doc_type: str | None) -> re.Match:
    """Unquoted first, then the document's own type, then under an article on entry into force, then first."""
    headings = [h.end() for h in _HEADING.finditer(text)]
    return min(found, key=lambda m: (_quoted(text, m.start()), not (doc_type and m.group("type") == doc_type),
                                     not any(0 <= m.start() - h <= 400 for h in headings), m.start()))


def effective_date(text: str, signed: str | None, doc_type: str | None = None) -> tuple[str | None, list[int] | None]:
    """(ISO date or None, [start, end] of the clause read) per the table above. `signed`: the letter's date."""
    own = list(_OWN.finditer(text))
    if not own:
        return None, None
    m = _choice(text, own, doc_type)
    at = m.end()
    span = [m.start(), at]
    if hit := _AFTER_SIGNING.match(text, at):
        if not signed:
            return None, [m.start(), hit.end()]
        return (date.fromisoformat(signed) + timedelta(days=int(hit.group("n")))).isoformat(), [m.start(), hit.end()]
    if hit := _SIGNING.match(text, at):
        return signed, [m.start(), hit.end()]
    if hit := _ADOPTION.match(text, at):
        adopted = next((d.iso for a in _ADOPTED_ON.finditer(text) if (d := date_after(text, a.end(), window=2)) and d.iso),
                       None)
        return adopted or signed, [m.start(), hit.end()]
    if hit := _DATED.match(text, at):
        found = date_after(text, hit.end(), window=4)
        if found and found.iso:
            return found.iso, [m.start(), found.end]
        if bare := _BARE.match(text, hit.end()):  # "kể từ 02 tháng 4 năm 2026": the word "ngày" left out
            try:
                return date(*map(int, bare.group(3, 2, 1))).isoformat(), [m.start(), bare.end()]
            except ValueError:
                pass
    return None, span


# -- scope -----------------------------------------------------------------------------------------------------
_ID = r"(?:số\s+)?(?:\d+[a-zđ]?(?:\.\d+)*|[IVXLC]+[a-z]?|[a-zđ]\d?)(?![\w])"
_UNIT = (rf"(?:(?:điểm|tiết|khoản|điều|chương|mục|tiểu mục|phần|phụ lục|biểu mẫu|mẫu|mẫu số|biểu|số thứ tự)\s+{_ID}"
         rf"(?:\s*(?:,|và)\s*{_ID})*"
         r"|(?:một số|các|những)\s+(?:điều|khoản|điểm|cụm từ|từ|nội dung|phụ lục|quy định|chương|mục|biểu mẫu|mẫu)"
         r"(?:\s*,\s*(?:điều|khoản|điểm|cụm từ|từ|nội dung|phụ lục|chương|mục))*"
         r"|(?:cụm\s+)?từ\s+“[^”]{1,120}”|cụm từ|từ ngữ"
         r"|phụ lục(?![\w]))")
_JOIN = r"(?:\s*,\s*|\s+(?:quy định\s+)?tại\s+|\s+và\s+|\s+hoặc\s+|\s*;\s*|\s+)(?:quy định\s+(?:tại\s+)?)?"
_CONNECT = r"(?:\s+(?:quy định\s+)?(?:của|tại|thuộc|trong|ban hành kèm theo|kèm theo|được ban hành kèm theo)(?![\w]))?"
_TAIL = re.compile(rf"(?P<parts>{_UNIT}(?:{_JOIN}{_UNIT})*)\s*(?:(?:quy định\s+)?(?:của|tại|thuộc|trong)\s+)?"
                   rf"{_CONNECT}\s*(?:(?:{_TYPES})(?:\s+[^\s;,.:]+){{0,12}}?)?\s*(?:số\s*:?\s*)?$", re.IGNORECASE)


_LEAD_OUT = re.compile(rf"\s*(?:,\s*)?(?:(?:được\s+)?(?:ban hành\s+)?kèm theo|của|tại|thuộc)?\s*(?:(?:{_TYPES})\s*)?(?:số\s*:?\s*)?$",
                       re.IGNORECASE)
# what may stand between a trigger and the document it ends whole: "bãi bỏ toàn bộ Thông tư số", "thay thế các Nghị
# định sau đây:"
_NAMED = re.compile(rf"(?:toàn bộ|các|những|văn bản|sau đây|sau|{_TYPES}|số)(?![\w])", re.IGNORECASE)
# the parts of a document an act names, with their joining words and the cited document's type: what stands between
# a trigger and its citation without making the gap too long (references.py)
PARTS = re.compile(rf"(?:{_UNIT})(?:{_JOIN}(?:{_UNIT}))*(?:{_CONNECT})?(?:\s+(?:{_TYPES})\b(?:\s+số)?)?", re.IGNORECASE)


def _citation_at(clause: str, full_number: str | None, start_hint: int | None) -> int | None:
    """Where the citation stands in its clause (the merged reference's first mention may be elsewhere)."""
    if full_number:
        want = number_key(full_number)
        for n in find_numbers(clause):
            if number_key(n.full_number) == want:
                return n.start
    return start_hint if start_hint is not None and 0 <= start_hint <= len(clause) else None


def scope_of(relation: str, clause: str, full_number: str | None = None, trigger: str | None = None,
             start_hint: int | None = None) -> str | None:
    """"whole" or the parts named, for an act relation (ACTS); None for the others."""
    if relation not in ACTS:
        return None
    pos = _citation_at(clause, full_number, start_hint)
    if pos is None:
        return "whole"
    anchor = 0
    before = [n for n in find_numbers(clause) if n.end <= pos]
    if before:
        anchor = before[-1].end
        dated = date_after(clause, anchor)  # "Nghị định số A ngày 1/1/2020 của Chính phủ, Điều 5 Nghị định số B"
        anchor = dated.end if dated and dated.end <= pos else anchor
    at = clause.lower().rfind(trigger.lower(), anchor, pos) if trigger else -1
    anchor = at + len(trigger) if at >= 0 else anchor
    window = " ".join(clause[anchor:pos].split())
    m = _TAIL.search(window)
    if m:
        parts = m.group("parts")
    elif at >= 0 and _NAMED.sub("", window).strip(" ,;:"):
        # "Bãi bỏ số thứ tự số 24, 25 tại Phụ lục Danh mục … được ban hành kèm theo Thông tư số", "Bãi bỏ các quy
        # định về … tại Nghị định số": what the act names right after its trigger, however described
        parts = _LEAD_OUT.sub("", window).strip(" ,;:")
        parts = parts if len(parts) <= 120 else parts[:119].rsplit(" ", 1)[0] + "…"
    else:
        return "whole"
    parts = re.sub(r"\s*(?:quy định\s+)?(?:tại|của|thuộc|trong)\s*$", "", parts).strip(" ,;")
    parts = re.sub(r"^quy định\s+(?:tại\s+)?", "", parts)
    parts = " ".join(parts.split())
    if parts.isupper():  # a heading in capitals: "MỘT SỐ ĐIỀU" → "một số điều", "ĐIỀU 5" → "Điều 5"
        parts = re.sub(r"\b(điều|chương|mục|phần|phụ lục)(?=\s+[\dIVXLCivxlc])", lambda w: w.group(1).capitalize(), parts.lower())
    return parts or "whole"


_OWN_END = re.compile(r"\bhết\s+hiệu\s+lực(?:\s+thi\s+hành)?[\s,]*(?:kể\s+)?từ\s+(?=ngày\s*\d|\d)", re.IGNORECASE)


def act_date(relation: str, clause: str, full_number: str | None = None, start_hint: int | None = None) -> str | None:
    """The date the sentence gives the act itself ("… hết hiệu lực kể từ ngày 01 tháng 7 năm 2026"), after the
    citation; None when it takes effect with the citing document (or the sentence names no date)."""
    if relation not in ACTS:
        return None
    pos = _citation_at(clause, full_number, start_hint) or 0
    for m in _OWN_END.finditer(clause, pos):
        found = date_after(clause, m.end(), window=4)
        if found and found.iso:
            return found.iso
    return None

