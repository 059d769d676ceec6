"""Every document a letter cites, with its relation (domain.md §3, §6; contract "A reference").

Order of work (eyecite's shape: find, then resolve context, then decide):
1. find the numbers with the grammar (numbers.py), dropping the letter's own number and the Nơi nhận;
2. read each citation's context: the type name before it (`Quyết định số`, `Luật Đầu tư số`), the date and
   the issuer after it (`ngày 29/4/2021 của Ủy ban nhân dân thành phố`); a run of coordinated citations
   ("số 110/KH-UBND ngày 29/4/2021, số 216/KH-UBND ngày 23/9/2021 … của UBND thành phố") shares its type
   and issuer;
3. decide the relation from the clause (clauses.py) with the trigger lexicon (models/lexicons/triggers.json);
4. keep one entry per cited document, with the strongest relation; laws cited by name get `number: None`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.nlp.clauses import Clause, starts_with_citation, clause_at, split_clauses
from pipeline.nlp.dates import date_after, find_dates
from pipeline.nlp.keys import issuer_slug
from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.numbers import DocNumber, find_numbers, number_key
from pipeline.nlp.validity import PARTS, scope_of
from pipeline.text.normalize import ascii_fold, fold

_ISSUER_AFTER = re.compile(r"[\s,]*(?:\([^)]{0,40}\)\s*)?của\s+(?P<iss>[^;:,.()\n]*?(?:\n[^;:,.()\n]*?)?)(?=\s+(?:về|như sau|quy định|ban hành|hướng dẫn|"
                           r"V/v|v/v|đã|đề nghị|sửa đổi|điều chỉnh|phê duyệt|tại|cho|trong|nhằm|thực hiện|thông qua|"
                           r"công bố|chỉ đạo|kèm theo|được|gửi|xin|báo cáo|triển khai|giao|tiếp tục|và các|cho biết|"
                           r"có hiệu lực|hết hiệu lực|trả lời|chấp thuận|thống nhất|yêu cầu)\b|\s*[;:,.()]|\s*\n\s*\n|$)")
_ISSUER_BEFORE = re.compile(r"của\s+(?P<iss>(?:(?!\btại\b)[^;,.():\n]){3,80}?)\s*(?:\([^)]{1,20}\)\s*)?(?:tại\s+(?:[\wÀ-ỹ]+\s*){0,3}:?|:)\s*(?:số\s*)?$")
# "thực hiện các nhiệm vụ được giao tại các văn bản: số …": a longer gap, closed by "tại", still implements
_TASKS_AT = re.compile(r"(?:nhiệm vụ|chỉ đạo|yêu cầu|nội dung)[^.;]{0,80}\btại\b[^.;]{0,60}$")
# "được sửa đổi, bổ sung bởi …": a passive within three words before the trigger makes it someone else's act
# (also for the shorter trigger inside a longer one: "bổ sung" in "được sửa đổi, bổ sung")
_PASSIVE = re.compile(r"\b(?:được|bị)\s+(?:[^\s;.]+\s+){0,3}$", re.IGNORECASE)
# A law cited by name: the name runs to its date; it may hold commas ('Luật Phòng, chống tham nhũng') and
# another law's name after 'của' ('Luật sửa đổi, bổ sung một số điều của Luật …'), but a list of laws
# ('Luật A, Luật B') is several names.
_LAW_NAME = re.compile(r"(?<![\w])(?P<type>Bộ luật|Luật|Pháp lệnh|Hiến pháp)\s+(?!này\b|số\b)"
                       r"(?P<name>(?:(?!(?:,|;)\s+(?:Bộ luật|Luật|Pháp lệnh)\b)[^;:()\n]){2,160}?)\s*"
                       r"(?=(?:ngày|năm)\s+\d|số\s*:?\s*\d|\d|;|\.\s|\(|$)")
_ACTIONS = ("repeals", "terminates", "replaces", "amends", "suspends", "corrects", "consolidates")
_ACT_OPENS = re.compile(r"\s*(?:(?:điều\s+\d+[a-z]?\s*\.?|[a-zđ0-9]{1,2}[.)]|[-–+•])\s*)?"
                        r"(?:(?:thông tư|nghị định|quyết định|luật|nghị quyết|pháp lệnh) này\s+)?$")
_ACT_RIGHT_BEFORE = re.compile(r"(?:bãi bỏ|thay thế|sửa đổi|bổ sung)[\s,]*(?:các\s+|một số\s+)?$")
# Only these can repeal, amend or replace another document; a công văn or a report that says "sửa đổi
# Nghị định X" proposes or reports it (ND30 Điều 7; Luật 64/2025 Điều 4). A công văn may correct (đính chính,
# ND30 Điều 18.3).
ACTING_TYPES = frozenset({"Nghị định", "Thông tư", "Thông tư liên tịch", "Quyết định", "Nghị quyết", "Nghị quyết liên tịch",
                          "Chỉ thị", "Luật", "Bộ luật", "Pháp lệnh", "Lệnh", "Hiến pháp", "Quy định", "Quy chế",
                          "Văn bản hợp nhất", None})
# Forms are numbered by their own codes ("Mẫu số 20/TB-TTN-TCN1", "mẫu 01/DV", "Biểu mẫu số 02/BBBG-MTB"; ND30
# Phụ lục III gives its forms so): a code after "Mẫu"/"Biểu" names a form, not a document.
_FORM_CODE = re.compile(r"(?<!\w)(?:[Mm]ẫu|MẪU|[Bb]iểu(?:\s+mẫu)?|BIỂU(?:\s+MẪU)?)(?:\s+(?:số|SỐ))?\s*:?\s*$")
_PROPOSER_AT = re.compile(r"\s*(?:của\s+[^;:.()]{1,120}?\s+)?(?:tại|theo|ở)\s*", re.IGNORECASE)
_MAX_GAP_WORDS = {"action": 10, "other": 6}  # words between a mid-clause trigger and the citation it governs
_CONTEXT_ONLY = ("guides", "details", "attached_to")  # only as the letter's own title says so


@dataclass
class _Cite:
    number: DocNumber
    clause: int | None
    doc_type: str | None = None
    name: str | None = None
    date: object = None
    issuer: str | None = None
    relation: str = "refers_to"
    trigger: str | None = None
    coordinated: bool = False
    continues: bool = False  # its clause goes on with the previous citation's list ("…; số 84/KH-UBND …")


@lru_cache(maxsize=4)
def _type_tail(lex: Lexicon) -> re.Pattern:
    """'… Quyết định số' at the end of a trigger's gap: not words that separate the trigger from the number."""
    return re.compile(rf"(?:{lex.type_name_pattern})?\s*(?:số)?\s*:?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _type_anywhere(lex: Lexicon) -> re.Pattern:
    return re.compile(rf"(?:{lex.type_name_pattern})", re.IGNORECASE)


@lru_cache(maxsize=4)
def _type_patterns(lex: Lexicon) -> tuple[re.Pattern, re.Pattern]:
    names = lex.type_name_pattern
    direct = re.compile(rf"(?P<type>{names})\s*(?:số\s*:?\s*)?(?:số\s*)?$", re.IGNORECASE)
    named = re.compile(rf"(?P<type>{names})(?P<rest>(?:[ \t]+[^\s;:()]+){{1,16}}?)\s+số\s*:?\s*(?:số\s*)?$", re.IGNORECASE)
    return direct, named


def _type_before(text: str, start: int, lex: Lexicon) -> tuple[str | None, str | None]:
    """('Luật', 'Luật Đầu tư') for '… Luật Đầu tư số 143/2025/QH15'; ('Quyết định', None) for 'Quyết định số'."""
    window = text[max(0, start - 160):start]
    direct_re, named_re = _type_patterns(lex)
    direct = direct_re.search(window[-48:])  # "Giấy chứng nhận đăng ký đầu tư số: " is the longest
    # "pháp luật số 80/2015/QH13": a lower-case "luật" ends a longer word group, it is not the type
    if direct and not (direct.group("type") == "luật"):
        return lex.type_for_name(direct.group("type")), None
    for m in reversed(list(_type_words(lex).finditer(window))):  # the nearest type name, not the first
        if not m.group(0)[0].isupper():
            continue
        named = named_re.match(window, m.start())
        if named and "\n" not in named.group("rest"):
            return lex.type_for_name(named.group("type")), (named.group("type") + named.group("rest")).strip()
    return None, None


@lru_cache(maxsize=4)
def _type_words(lex: Lexicon) -> re.Pattern:
    return re.compile(rf"(?<![\w])(?:{lex.type_name_pattern})(?![\w])", re.IGNORECASE)


def _issuer_after(text: str, pos: int) -> str | None:
    m = _ISSUER_AFTER.match(text, pos, min(len(text), pos + 200))
    if m and m.group("iss").strip():
        issuer = " ".join(m.group("iss").split())  # a PDF line may wrap inside it ("của Chính\nphủ")
        return issuer if len(issuer.split()) <= 16 else None
    return None


_BRACKETED = re.compile(r"\([^)]*\)")
_DAY_OR_OF = re.compile(r"\b(?:ngày|của\s+[^,;]*(?=[,;]|$))")  # "… của Chính phủ, Tờ trình số …": each item's issuer
_CONNECTING = re.compile(r"\b(?:và|hoặc|số|các|cùng|văn bản|tại)\b|[,;:]", re.IGNORECASE)


def _coordinated(gap: str, lex: Lexicon) -> bool:
    """Two citations in a row joined only by connecting words ('…, số 216/KH-UBND', '… và Văn bản số')."""
    gap = _BRACKETED.sub(" ", gap)
    for d in reversed(find_dates(gap)):
        gap = gap[:d.start] + " " + gap[d.end:]
    gap = _DAY_OR_OF.sub(" ", gap)
    words = _type_anywhere(lex).sub(" ", gap)
    words = _CONNECTING.sub(" ", words)
    return len(words.split()) == 0 and len(gap) < 200


@lru_cache(maxsize=4)
def _answer(lex: Lexicon) -> re.Pattern | None:
    """The formula that opens a letter's answer ('… có ý kiến như sau:'), triggers.json replies_to 'answer'."""
    phrases = lex.triggers.get("replies_to", {}).get("answer", ())
    alternatives = (r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))
    return re.compile("|".join(alternatives), re.IGNORECASE) if phrases else None  # a phrase may wrap a line


@lru_cache(maxsize=4)
def _any_before(lex: Lexicon) -> re.Pattern:
    """Every 'before' trigger phrase in one pattern: most segments hold none, and one search says so."""
    phrases = sorted({p for spec in lex.triggers.values() for p in spec.get("before", ())}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases)))


def _last_trigger(segment: str, lex: Lexicon, head: bool, own_title: bool) -> tuple[str, str] | None:
    """The trigger nearest to the citation in `segment`: (relation, phrase), or None."""
    segment = segment[-300:]  # a trigger stands within a few words of what it governs
    low = segment.lower()
    if not _any_before(lex).search(low):
        return None
    best: tuple[int, str, str] | None = None
    found: list[tuple[int, int, str, str]] = []
    for relation, spec in lex.triggers.items():
        if relation in _CONTEXT_ONLY and not own_title:
            continue
        for phrase in spec.get("before", ()):
            at = low.rfind(phrase)
            if at < 0 or (at and low[at - 1].isalnum()):
                continue
            after = low[at + len(phrase):]
            if any(w in after for w in spec.get("not_before", ())):
                continue
            if any(low[:at].rstrip().endswith(w) for w in spec.get("not_after", ())):
                continue
            if relation == "refers_to" and _ACT_RIGHT_BEFORE.search(low[:at]):  # "bãi bỏ quy định tại khoản 1 …":
                continue  # the parts the act names, not a citation of its own
            cut = max(0, after.rfind(" ", 0, max(0, len(after) - 60)))  # the tail regex reads ~60 chars, on a word edge
            gap_words = after[:cut].split() + _type_tail(lex).sub("", after[cut:]).split()
            if relation in _ACTIONS and len(gap_words) > _MAX_GAP_WORDS["action"]:  # "bãi bỏ điểm b, điểm c khoản 3 và
                gap_words = PARTS.sub(" ", after).split()  # khoản 5 Điều 1 Thông tư …": the parts acted on are no gap
            limit = _MAX_GAP_WORDS["action" if relation in _ACTIONS or own_title else "other"]
            # "đề nghị của Sở Giáo dục và Đào tạo tại Công văn số …": who proposed it, however long the name, and
            # where (domain.md §6, "Xét đề nghị của … tại Tờ trình số …")
            if relation == "proposed_by" and _PROPOSER_AT.fullmatch(_type_tail(lex).sub("", after)):
                limit = len(gap_words)
            listed = relation in _ACTIONS and re.search(r"\bgồm\b|sau đây", after)  # "… của 15 luật, gồm Luật A số …"
            # "Bãi bỏ số thứ tự số 24, 25 tại Phụ lục Danh mục … ban hành kèm theo Thông tư số …": the part acted on,
            # however long its description, ends at "kèm theo" its document
            listed = listed or relation in _ACTIONS and re.search(r"kèm\s+theo\s*$", _type_tail(lex).sub("", after))
            # "Bãi bỏ các quy định về … tại Nghị định số …": a clause that opens with the act names its document last
            listed = listed or relation in _ACTIONS and head and _ACT_OPENS.match(low[:at]) \
                and re.search(r"\b(?:tại|của|thuộc)\s*$", _type_tail(lex).sub("", after))
            if len(gap_words) > limit and not (relation == "implements" and _TASKS_AT.search(after)) and not listed:
                continue
            if relation in _ACTIONS and (_PASSIVE.search(segment[:at]) or not head and re.search(r"\bcủa\b|quy định|\bvề\b", low[:at])):
                continue
            found.append((at, at + len(phrase), relation, phrase))
            if best is None or at + len(phrase) > best[0]:
                best = (at + len(phrase), relation, phrase)
    if best is None:
        return None
    # "Thay thế, bãi bỏ, bổ sung một số điểm, khoản …": acts named in one breath; the strongest speaks for them
    rank = {r: i for i, r in enumerate(lex.strength)}
    start = min(a for a, e, r, _ in found if e == best[0])
    chain = [best[1:]]
    for at, end, relation, phrase in sorted(found, key=lambda f: -f[1]):
        if relation in _ACTIONS and best[1] in _ACTIONS and end <= start and re.fullmatch(r"[\s,]*(?:và\s+)?", low[end:start]):
            chain.append((relation, phrase))
            start = at
    return min(chain, key=lambda c: rank.get(c[0], 99))


def _opener(clause_text: str, lex: Lexicon) -> tuple[str, str] | None:
    """The relation a clause opens with ('Căn cứ …', 'Thực hiện …', 'Xét …'), if what follows the opener
    allows it ('Theo quy định …' is not a request; 'Thực hiện xác định trữ lượng …' names no document)."""
    pattern, table = lex.openers
    m = pattern.match(clause_text)
    if not m:
        return None
    relation, phrase = table[fold(m.group(0))]
    spec = lex.triggers[relation]
    rest = clause_text[m.end():m.end() + 60].lower().lstrip()
    if any(rest.startswith(w) for w in spec.get("not_before", ())):
        return None
    if relation == "proposed_by" and rest.startswith("quy định"):
        return None
    objects = spec.get("opener_object")
    if objects and not (any(rest.startswith(w) for w in objects) or re.match(r"\W*(?:số\s*)?\d", rest)):
        return None
    return relation, phrase


def _after_trigger(text: str, lex: Lexicon) -> tuple[str, str] | None:
    low = text.lower()
    for relation, spec in lex.triggers.items():
        for phrase in spec.get("after", ()):
            if phrase in low:
                return relation, phrase
    return None


_DASH_ITEM = re.compile(r"[-–—+•]")  # a list item's marker as clauses.py records it ("- ")
_HEADING_WORDS = 8  # a section heading is a few words ("Căn cứ pháp lý xây dựng Nghị quyết")


class _Context:
    """What the relation rules need to know about the letter."""

    def __init__(self, text: str, clauses: list[Clause], lex: Lexicon, title_span, doc_type, preamble_end: int,
                 recipients=()):
        self.text, self.clauses, self.lex = text, clauses, lex
        self.title_span, self.preamble_end = title_span, preamble_end
        self.report = doc_type == "Báo cáo"
        self.can_act = doc_type in ACTING_TYPES
        self.recipients = [slug for slug in map(issuer_slug, recipients) if slug]  # the Kính gửi items, folded

    def clause_relation(self, index: int | None) -> tuple[str, str] | None:
        """The relation a clause gives all its citations: its opener; for a clause that opens with a
        citation after a ';' ("Căn cứ Nghị định A; Nghị định B …") the previous clause's; for a list item
        its list's."""
        if index is None:
            return None
        c = self.clauses[index]
        opener = _opener(self.text[c.start:c.end], self.lex)
        if opener:
            return opener
        if index and not c.marker and self.clauses[index - 1].ends_with == ";" and starts_with_citation(self.text, c.start):
            return self.clause_relation(index - 1)
        # "Theo đề nghị của A tại Công văn số …; đề nghị của B tại …", "Xét Báo cáo số …; Báo cáo … số …": a
        # preamble item ends with ';' and the next opens with its own opener (Căn cứ, Xét, Theo đề nghị) or goes
        # on with the previous one's (ND30 Phụ lục I ô 5b: the grounds, one per line)
        if index and not c.marker and self.clauses[index - 1].ends_with == ";" and c.start < self.preamble_end:
            previous = self.clause_relation(index - 1)
            if previous and previous[0] in ("legal_basis", "proposed_by"):
                return previous
        heading = self._heading_relation(index)  # nearer than any list intro above it
        if heading:
            return heading
        if c.list_intro is not None:
            intro = self.clauses[c.list_intro]
            intro_text = self.text[intro.start:intro.end]
            return _opener(intro_text, self.lex) or _last_trigger(intro_text, self.lex, True, False)
        return None

    def _heading_relation(self, index: int) -> tuple[str, str] | None:
        """A dash item under a section heading that names the relation ("2.1. Căn cứ pháp lý" / "- Nghị định số
        …;": a Tờ trình's or an Đề án's legal bases, one a line, as the preamble's Căn cứ lines give them; domain.md
        §6; triggers.json 'heading'): the heading is the first clause above the run of dash items, a short line
        with no closing mark."""
        if not _DASH_ITEM.match(self.clauses[index].marker):
            return None
        above = index - 1
        while above >= 0 and _DASH_ITEM.match(self.clauses[above].marker):
            above -= 1
        if above < 0 or self.clauses[above].ends_with:
            return None
        heading = fold(self.text[self.clauses[above].start:self.clauses[above].end])
        if len(heading.split()) > _HEADING_WORDS:
            return None
        for relation, spec in self.lex.triggers.items():
            phrase = next((p for p in spec.get("heading", ()) if heading.startswith(fold(p))), None)
            if phrase:
                return relation, phrase
        return None


def _decide(cite: _Cite, prev: _Cite | None, ctx: _Context, lead: _Cite | None = None) -> None:
    """The relation of one citation. `lead` is the first citation of the list item this one continues
    ("…; Luật B số …" after "… gồm Luật A số … đã được sửa đổi bởi Luật số …"): the item takes the list's
    relation from it, not from the description citation just before."""
    text, n = ctx.text, cite.number
    clause = ctx.clauses[cite.clause] if cite.clause is not None else None
    c_start = clause.start if clause else max(0, n.start - 200)
    c_end = clause.end if clause else n.end
    same_clause = prev is not None and prev.clause == cite.clause and cite.clause is not None
    anchor = prev.number.end if same_clause else c_start
    own_title = ctx.title_span is not None and ctx.title_span[0] <= n.start < ctx.title_span[1]
    by_clause = ctx.clause_relation(cite.clause)
    local = _last_trigger(text[anchor:n.start], ctx.lex, not same_clause, own_title)
    if local and local[0] == "refers_to":  # "theo quy định tại …" only hides a farther trigger
        local = None
    after = _after_trigger(text[n.end:c_end], ctx.lex)
    for choice in (
        by_clause if by_clause and by_clause[0] == "legal_basis" else None,
        after,
        local,
        (lead.relation, lead.trigger) if lead and cite.continues else None,
        (prev.relation, prev.trigger) if prev and same_clause and cite.coordinated else None,
        by_clause,
    ):
        if choice and choice[0] in _ACTIONS and choice[0] != "corrects" and not ctx.can_act:
            continue
        if choice:
            cite.relation, cite.trigger = choice
            break
    if cite.relation in (None, "refers_to", "proposed_by") and _to_its_issuer(cite, ctx) and _answers(ctx, n.end):
        cite.relation, cite.trigger = "replies_to", "như sau"
    if cite.relation == "implements" and ctx.report and n.start > ctx.preamble_end and not own_title:
        cite.relation, cite.trigger = "refers_to", None  # a report narrates what was done; it implements what its opening names


def _to_its_issuer(cite: _Cite, ctx: _Context) -> bool:
    """The letter is addressed to the body that issued the cited one (Kính gửi: Sở Công Thương tỉnh Lào Cai …
    'Công văn số 212/SCT-QLCN … của Sở Công Thương tỉnh Lào Cai'): an answer to it goes back to its sender; the
    same formula in a letter to others acts on what it received (per a request or instruction)."""
    issuer = issuer_slug(cite.issuer)
    if not issuer:
        return False
    issuer = f"-{issuer}-"  # whole words of the names: "so" is no part of "ho-so"
    return any(f"-{r}-" in issuer or issuer in f"-{r}-" for r in ctx.recipients)


_SENTENCE_END = re.compile(r"[.:;]\s|\n\s*\n|\n\s*(?:[-+•]|\d+[.)]|[a-zđ][.)])\s")


def _answers(ctx: _Context, end: int) -> bool:
    """The letter answers the document cited at `end`: its answer formula ('Về vấn đề này, Cục Thuế có ý kiến
    như sau:') ends the sentence of the citation or the one after it ('Cục Thuế nhận được công văn số … về việc
    …. Về vấn đề này, …'), with no other citation between (ND30 Phụ lục III, công văn trả lời; domain.md §6)."""
    pattern = _answer(ctx.lex)
    if pattern is None:
        return False
    text = ctx.text[end:end + 600]
    m = pattern.search(text)
    if not m or re.search(r"\bsố\s*:?\s*\d", text[:m.start()]):
        return False
    return len(_SENTENCE_END.findall(text[:m.start()])) <= 1


def _initials(name: str) -> str:
    return "".join(ascii_fold(w)[0] for w in re.findall(r"[^\W\d_]+", name))


def _repair_stray_letter(n: DocNumber, issuer: str | None, lex: Lexicon) -> DocNumber:
    """A stray letter in an issuer code ('203/BC-BOQL' … 'của Ban Quản lý …', OCR's mostly): when the code
    is unknown and dropping one letter gives the initials the cited issuer's name starts with, drop it. The
    issuer named beside the number decides, so it is read here, on any text, not in the scan stage."""
    org = n.org_code
    if not issuer or not org or fold(org) in lex.issuer_codes or n.shape != "admin":
        return n
    initials = _initials(issuer)
    if initials.startswith(ascii_fold(org)):  # '750/BQL-QHXD' … 'của Ban Quản lý …': the code is right
        return n
    for i in range(len(org)):
        shorter = org[:i] + org[i + 1:]
        if len(shorter) >= 2 and initials.startswith(ascii_fold(shorter)):
            return DocNumber(n.number, n.symbol.replace(org, shorter, 1), n.year, n.shape, n.start, n.end)
    return n


def _continues(clauses: list[Clause], earlier: int | None, later: int | None, text: str) -> bool:
    """'…; số 556/UBND-KSTTHC …': the later clause goes on with the earlier one's list (the items between
    may be the earlier item's own description, cut by its inner ';')."""
    return (earlier is not None and later is not None and 0 < later - earlier <= 6
            and all(clauses[i].ends_with == ";" for i in range(earlier, later))
            and starts_with_citation(text, clauses[later].start))


def _share_run_context(cites: list[_Cite]) -> None:
    """A run of coordinated citations shares the type named before its first item and the issuer after its last."""
    runs: list[list[_Cite]] = []
    for c in cites:
        if runs and (c.coordinated or c.continues):
            runs[-1].append(c)
        else:
            runs.append([c])
    for run in runs:
        issuer = next((c.issuer for c in run if c.issuer), None)
        doc_type = run[0].doc_type
        for c in run:
            c.issuer = c.issuer or issuer
            c.doc_type = c.doc_type or doc_type


def find_references(text: str, lex: Lexicon, *, own_number: str | None = None, exclude=(), title_span=None,
                    doc_type: str | None = None, preamble_end: int | None = None, recipients=()) -> list[dict]:
    """The references of a letter's text. `exclude` holds (start, end) ranges not to read (own number line,
    Nơi nhận); `title_span` the letter's own title/subject (where 'hướng dẫn', 'quy định chi tiết' are the
    letter's act); `recipients` the Kính gửi items (a letter that answers goes back to the cited letter's issuer)."""
    clauses = split_clauses(text)
    ctx = _Context(text, clauses, lex, title_span, doc_type, len(text) if preamble_end is None else preamble_end,
                   recipients or ())
    own = number_key(own_number) if own_number else None
    cites: list[_Cite] = []
    for n in find_numbers(text):
        if any(s <= n.start < e for s, e in exclude) or (own and number_key(n.full_number) == own):
            continue
        if _FORM_CODE.search(text, max(0, n.start - 20), n.start):
            continue  # "Mẫu số 01/BCĐBQH-MT": a form's code in an appendix of forms, not a document
        cite = _Cite(n, clause_at(clauses, n.start))
        cite.doc_type, cite.name = _type_before(text, n.start, lex)
        cite.date = date_after(text, n.end)
        after = cite.date.end if cite.date else n.end
        cite.issuer = _issuer_after(text, after)
        if cite.issuer is None:
            before = _ISSUER_BEFORE.search(text[max(0, n.start - 160):n.start])
            cite.issuer = before.group("iss").strip() if before else None
        cite.number = _repair_stray_letter(n, cite.issuer, lex)
        prev = cites[-1] if cites else None
        cite.continues = bool(prev and _continues(clauses, prev.clause, cite.clause, text))
        if prev and (prev.clause == cite.clause or cite.continues):
            gap_start = prev.date.end if prev.date else prev.number.end
            cite.coordinated = _coordinated(text[gap_start:n.start], lex)
        cites.append(cite)
    _share_run_context(cites)
    heads: dict = {}
    for i, cite in enumerate(cites):
        prev = cites[i - 1] if i else None
        _decide(cite, prev, ctx, heads.get(prev.clause) if prev else None)
        heads.setdefault(cite.clause, cite)
    return _merge(cites, ctx) + _named_laws(text, lex, ctx, cites, exclude)


def _record(cite: _Cite, ctx: _Context) -> dict:
    n, clause = cite.number, ctx.clauses[cite.clause] if cite.clause is not None else None
    year = n.year or (cite.date.year if cite.date else None)
    doc_type = cite.doc_type or n.type_code_name or ("Luật" if n.shape == "law" else None)
    return {"full_number": n.full_number, "number": n.number, "symbol": n.symbol, "year": year,
            "date": cite.date.iso if cite.date else None, "doc_type": doc_type, "issuer": cite.issuer,
            "relation": cite.relation, "text": ctx.text[clause.start:clause.end] if clause else ctx.text[n.start:n.end],
            "start": n.start, "end": n.end, "name": cite.name, "trigger": cite.trigger, "shape": n.shape,
            "org": n.org_code}


def _same_document(a: DocNumber, b: DocNumber) -> bool:
    """One document printed twice, once with a slip: same number and year, symbols one letter apart
    (36/2025/TT-BNNMT and 36/2025/TT-BNMT)."""
    if a.number.lstrip("0") != b.number.lstrip("0") or a.year != b.year or a.year is None:
        return False
    x, y = fold(a.symbol).replace("-", ""), fold(b.symbol).replace("-", "")
    if x == y:
        return True
    if len(x) < len(y):
        x, y = y, x
    return len(x) == len(y) + 1 and any(x[:i] + x[i + 1:] == y for i in range(len(x)))


def _ends_whole(rec: dict) -> bool:
    """A citation whose clause ends the whole document ("Luật số A … hết hiệu lực"): it outranks a repeal of a
    part of it elsewhere in the letter ("bãi bỏ khoản 1 Điều 79 Luật số A"), which the whole one contains."""
    return rec["relation"] in ("repeals", "terminates", "replaces") and \
        scope_of(rec["relation"], rec["text"], rec["full_number"], rec["trigger"]) == "whole"


def _merge(cites: list[_Cite], ctx: _Context) -> list[dict]:
    """One entry per document (first mention's details, strongest relation, missing details filled in)."""
    rank = {r: i for i, r in enumerate(ctx.lex.strength)}
    merged: dict[str, dict] = {}
    numbers: dict[str, DocNumber] = {}
    for cite in cites:
        key = number_key(cite.number.full_number)
        twin = next((k for k, n in numbers.items() if _same_document(n, cite.number)), None)
        key = twin or key
        rec = _record(cite, ctx)
        if key not in merged:
            merged[key], numbers[key] = rec, cite.number
            continue
        kept = merged[key]
        for f in ("date", "doc_type", "issuer", "year", "name"):
            kept[f] = kept[f] or rec[f]
        if not _ends_whole(kept) and (_ends_whole(rec) or rank.get(rec["relation"], 99) < rank.get(kept["relation"], 99)):
            kept["relation"], kept["trigger"], kept["text"] = rec["relation"], rec["trigger"], rec["text"]
    return list(merged.values())


def _named_laws(text: str, lex: Lexicon, ctx: _Context, cites: list[_Cite], exclude) -> list[dict]:
    """Laws cited by name and date ('Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015'): number None."""
    out: dict[str, dict] = {}
    numbered = [(c.number.start, c.number.end) for c in cites]
    for m in _LAW_NAME.finditer(text):
        if any(s <= m.start() < e for s, e in exclude):
            continue
        tail = text[m.end():m.end() + 30]
        if re.match(r"\s*số\s*:?\s*\d|\s*\d+/", tail) or any(m.start() <= s <= m.end() + 30 for s, _ in numbered):
            continue
        date = date_after(text, m.end(), window=5)
        year_m = re.match(r"\s*năm\s+((?:19|20)\d\d)", tail)
        if not date and not year_m:
            continue
        name = re.sub(r"\s+", " ", f"{m.group('type')} {m.group('name')}").strip()
        year = date.year if date else int(year_m.group(1))
        key = fold(name) + f"|{year}"
        if key in out:
            continue
        cite = _Cite(DocNumber(None, None, None, "named", m.start(), m.end()), clause_at(ctx.clauses, m.start()))
        _decide(cite, None, ctx)
        clause = ctx.clauses[cite.clause] if cite.clause is not None else None
        out[key] = {"full_number": None, "number": None, "symbol": None, "year": year,
                    "date": date.iso if date else None, "doc_type": lex.type_for_name(m.group("type")),
                    "issuer": None, "relation": cite.relation, "text": text[clause.start:clause.end] if clause else name,
                    "start": m.start(), "end": m.end(),
                    "name": name, "trigger": cite.trigger, "shape": "named", "org": None}
    return list(out.values())
