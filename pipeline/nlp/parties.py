"""Who a letter goes to: `Kính gửi` (ô 9a, recipients) and `Nơi nhận` (ô 9b, distribution). Items are one per
dash line, or one per line ending in ';' when the dashes were lost (a transcription, a scan); a PDF line
wrap inside an item is joined back. Lines that belong to the signature column but were interleaved with
the Nơi nhận column by the layout (`Nơi nhận: GIÁM ĐỐC`, `… UBND thành phố; Lê Thị Bích Thuận`) are handed
back to the signature."""
from __future__ import annotations

import re

from pipeline.nlp.segment import TextLine
from pipeline.text.patterns import ITEM_MARK as _ITEM_MARK, KINH_GUI, NOI_NHAN, cong_dien_head
_END_PUNCT = re.compile(r"[\s;.,:]+$")
_PATH_LIKE = re.compile(r"^[a-zA-Z]:\\|\\\\|^/\w+/")
_SIGNATURE_NOISE = re.compile(r"^\(?\s*(Đã ký|Ký\b|Chữ ký)", re.IGNORECASE)


def _clean(item: str) -> str:
    return _END_PUNCT.sub("", _ITEM_MARK.sub("", item)).strip()


def _continues(prev: TextLine, ln: TextLine, before_prose: bool = False) -> bool:
    """A Nơi nhận item runs until the next dash or plus (ND30 Phụ lục I ô 9b; domain.md): a line without its own
    marker continues the item above while that item is open (no closing ';', '.' or ':'), unless it is the signature
    column's (a caps authority or title, a bare name, '(Đã ký)'). A list that the body follows (Kính gửi)
    takes a capitalised line only when it ends as an item does (';' or ','): a sentence is the body's."""
    text = ln.text.rstrip()
    if _ITEM_MARK.match(text) or re.search(r"[;.:]$", prev.text.rstrip()) or _SIGNATURE_NOISE.match(text) \
            or re.match(r"(?:\d+|[IVX]+)\.\s", text):  # a closed item (OCR reads its ';' as ':'); a numbered section
        return False
    if text[:1].islower():
        return True
    if ln.is_caps:
        return False
    if before_prose:
        return bool(re.search(r"[,;]$", text))
    return bool(re.search(r"[,;.)]$", text)) or any(w[:1].islower() for w in text.split()[1:])


def _join_lone_marks(lines: list[TextLine]) -> list[TextLine]:
    """OCR and some PDFs put an item's dash on a line of its own ('-' / 'Chủ tịch UBND tỉnh;')."""
    out: list[TextLine] = []
    for ln in lines:
        if out and re.fullmatch(r"[-–—+•*]", out[-1].text):
            out[-1] = TextLine(out[-1].text + " " + ln.text, out[-1].start, ln.end)
        else:
            out.append(ln)
    return out


def _items(lines: list[TextLine], stop_on_prose: bool) -> list[TextLine]:
    """Items of a dash list (or a ';' list), with wrapped lines joined."""
    items: list[TextLine] = []
    lines = _join_lone_marks(lines)
    dashed = any(_ITEM_MARK.match(ln.text) for ln in lines[:3])
    for ln in lines:
        if _PATH_LIKE.search(ln.text):
            break
        marked = bool(_ITEM_MARK.match(ln.text))
        prev_open = items and not re.search(r"[;.:]$", items[-1].text)
        if items and not marked and (prev_open and ln.text[:1].islower() or _continues(items[-1], ln, stop_on_prose)):
            last = items[-1]
            items[-1] = TextLine(last.text + " " + ln.text, last.start, ln.end)
            continue
        if dashed and not marked:
            break
        if not dashed and stop_on_prose and items and items[-1].text.endswith(".") :
            break
        if not dashed and stop_on_prose and not (ln.text.endswith((";", ".", ",")) and len(ln.text) < 160):
            break
        items.append(ln)
    return items


def _as_output(items: list[TextLine]) -> tuple[list[str], list[list[int]]]:
    values, spans = [], []
    for it in items:
        value = _clean(it.text)
        if value:
            lead = it.text.find(value[:8]) if value[:8] else 0
            values.append(value)
            spans.append([it.start + max(lead, 0), it.start + max(lead, 0) + len(value)])
    return values, spans


def find_recipients(body: list[TextLine], header_left: list[TextLine]) -> tuple[list[str], list[list[int]]]:
    """`Kính gửi: X` on one line, or the list under it; a Công điện's list after "<SENDER> điện:"."""
    lines = header_left + body[:40]
    for i, ln in enumerate(lines):
        head = KINH_GUI.match(ln.text) or cong_dien_head(ln.text)
        if not head:
            continue
        rest = ln.text[head.end():].strip()
        if rest:
            first = TextLine(rest, ln.end - len(rest), ln.end)
            for nxt in lines[i + 1:]:  # ô 9a: one recipient on the Kính gửi line, its name wrapped onto the next
                if nxt.text[:1].islower() and not re.search(r"[;.:]$", first.text):  # (a sentence opens in capitals)
                    first = TextLine(first.text + " " + nxt.text, first.start, nxt.end)
                    i += 1
                    continue
                break
            return _as_output([first] + (_items(lines[i + 1:], True) if first.text.endswith(";") else []))
        return _as_output(_items(lines[i + 1:], True))
    return [], []


def split_noi_nhan(lines: list[TextLine]) -> tuple[list[TextLine], list[TextLine]]:
    """The Nơi nhận block's own lines, and the signature lines interleaved into it. Without dashes, an item
    is a line ending in ';' (or the closing '.' line, or the `Lưu` line); the rest is the signature's."""
    own, signature = [], []
    lines = _join_lone_marks(lines)
    dashed = any(_ITEM_MARK.match(ln.text) for ln in lines)
    for ln in lines:
        head = NOI_NHAN.match(ln.text)
        if head:
            rest = ln.text[head.end():].strip()
            if rest:
                signature.append(TextLine(rest, ln.end - len(rest), ln.end))
            continue
        if dashed and (_ITEM_MARK.match(ln.text)
                       or own and (ln.text[:1].islower() or _continues(own[-1], ln))):
            own.append(ln)
            continue
        if dashed:  # after the dash list: the signature of a letter whose layout was flattened
            if re.match(r"Phụ lục|PHỤ LỤC", ln.text) or len(signature) >= 8:
                break
            signature.append(ln)
            continue
        item, semi, tail = ln.text.rpartition(";")
        tail = tail.strip()
        if semi:
            own.append(TextLine(item + ";", ln.start, ln.start + len(item) + 1))
            if tail:
                signature.append(TextLine(tail, ln.end - len(tail), ln.end))
        elif re.match(r"Lưu\b", ln.text) or (own and own[-1].text.endswith(";") and ln.text.endswith(".") and not ln.is_caps):
            own.append(ln)
        else:
            signature.append(ln)
    return own, signature


def find_distribution(noi_nhan: list[TextLine], signature: list[TextLine] = ()) -> tuple[list[str], list[list[int]], list[TextLine]]:
    """The Nơi nhận items, plus the signature lines: when the layout could not tell the two columns apart
    (a Nơi nhận zone that is only its heading), both columns are read together and sorted out here."""
    lines = list(noi_nhan)
    if len(lines) <= 1 and signature:
        lines = sorted(lines + list(signature), key=lambda ln: ln.start)
    own, signature = split_noi_nhan(lines)
    values, spans = _as_output(_items(own, False))
    return values, spans, signature
