"""Post-OCR repair that knows the genre (issue 6), applied to OCR'd lines only, never inventing a value.

- Well-known phrases of official letters (the national motto, the heads of issuers, titles, the words of the
  header and of the Nơi nhận block) whose OCR differs only in diacritics are written as the phrase is spelt:
  "UBND THÀNH PHÓ" → "UBND THÀNH PHỐ", "GIÁM ĐÓC" → "GIÁM ĐỐC", "CỘNG HOÀ XÃ HỌI" → "CỘNG HOÀ XÃ HỘI",
  "Sở Giáo dục và Đảo tạo" → "… Đào tạo". A difference of tone placement only (HOÀ/HÒA, UỶ/ỦY) is kept as
  printed. The letters of the words must match exactly once diacritics are removed: nothing else is guessed.
- `Ð` (Icelandic eth, which OCR and some fonts give for Đ) → `Đ`; dashes and spaces inside a number and symbol
  after "Số" are made regular (`Số: 1906 /SGDĐT—CTrTT` → `Số: 1906/SGDĐT-CTrTT`).
- The subject marker read as "Ví", "V/y", "Vlv" … at the start of a header line → "V/v".
- A list dash read as "~" → "-"; a dash left alone on its line is joined to the line below it; stray "_", "|"
  at the end of a header line are dropped; in the signature table, "lines" of one or two characters (the
  strokes of a signature, which often crosses into the Nơi nhận column, read as letters) are dropped.
"""
from __future__ import annotations

import re
import unicodedata

from pipeline.text.normalize import ascii_fold

PHRASES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "THÀNH PHỐ", "THỊ XÃ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo", "Giáo dục và Đào tạo", "giáo dục và đào tạo",
    "BAN QUẢN LÝ", "VĂN PHÒNG", "CHÍNH PHỦ", "THỦ TƯỚNG CHÍNH PHỦ",
    "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "CHÁNH VĂN PHÒNG",
    "BỘ TRƯỞNG", "THỨ TRƯỞNG", "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC", "KT. CHỦ TỊCH", "TL. GIÁM ĐỐC",
    "Kính gửi", "Nơi nhận", "Như trên", "Lưu: VT", "Lưu VT", "Thành ủy", "Ủy ban nhân dân", "Sở Y tế",
    "Phòng giáo dục và đào tạo", "các quận, huyện", "trực thuộc Sở", "Giám đốc", "Phó Giám đốc", "Trưởng phòng",
    "Căn cứ", "Thực hiện", "Quyết định", "Công văn", "Nghị định", "Thông tư", "Kế hoạch",
    "phòng, chống dịch", "yêu cầu", "khẩn trương", "triển khai",
)
# Phrases of two words or more only: one word alone folds onto too many others (tháng/thắng, năm/Nam).
_TONE_PLACEMENT = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé",
                   "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ủy": "uỷ", "úy": "uý", "ùy": "uỳ", "ũy": "uỹ", "ụy": "uỵ"}
_VV = re.compile(r"^(?:V[íi]|V/[yvV]|V[lI1]v|V\.v|V/v\.?|V/ v|Vív|V1v)\s+(?=\w)(?!dụ\b)")
_NUMBER = re.compile(r"^(Số\s*:?\s*)(\d+)\s*/\s*([\w.&Đđ]+(?:\s*[-–—]\s*[\w.&Đđ]+)*)")
_BULLET = re.compile(r"^[~∼˜]\s*")


def _old_style(word: str) -> str:
    low = word.lower()
    for new, old in _TONE_PLACEMENT.items():
        low = low.replace(new, old)
    return low


def _index(phrases) -> dict:
    by_first: dict[str, list[tuple[list[str], list[str]]]] = {}
    for p in phrases:
        words = p.split()
        key = [ascii_fold(w).lower() for w in words]
        by_first.setdefault(key[0], []).append((key, words))
    for options in by_first.values():
        options.sort(key=lambda o: -len(o[0]))  # the longest phrase first
    return by_first


_BY_FIRST = _index(PHRASES)


def _cased(target: str, printed: str) -> str:
    if printed.isupper():
        return target.upper()
    if printed[:1].isupper():
        return target[:1].upper() + target[1:].lower()
    return target.lower()


def fix_phrases(text: str) -> str:
    """Known phrases whose OCR differs only in diacritics, as they are spelt (case as printed)."""
    tokens = re.split(r"(\s+)", text)
    words = tokens[0::2]
    folded = [ascii_fold(w).lower() for w in words]
    i = 0
    while i < len(words):
        for key, target in _BY_FIRST.get(folded[i], ()):
            n = len(key)
            if folded[i:i + n] != key:
                continue
            for j in range(n):
                printed = words[i + j]
                if printed != target[j] and printed.lower() != target[j].lower() and \
                        _old_style(printed) != _old_style(target[j]):
                    words[i + j] = _cased(target[j], printed)
            i += n - 1
            break
        i += 1
    tokens[0::2] = words
    return "".join(tokens)


def _number(m: re.Match) -> str:
    symbol = re.sub(r"\s*[-–—]\s*", "-", m.group(3))
    return f"{m.group(1)}{m.group(2)}/{symbol}"


def fix_line(text: str, header: bool = False) -> str:
    text = text.replace("Ð", "Đ").replace("ð", "đ")
    text = _BULLET.sub("- ", text)
    if header:
        text = _VV.sub("V/v ", text)
        text = re.sub(r"[\s_|]+$", "", text)
        text = _NUMBER.sub(_number, text)
    return fix_phrases(text)


def fix_lines(lines: list, header: bool = False) -> list:
    """Repair OCR'd lines (objects with .text) in place and return the list, joining a dash alone on its
    line to the line below."""
    out = []
    pending_dash = False
    for line in lines:
        text = fix_line(unicodedata.normalize("NFC", line.text), header)
        if text.strip() in ("-", "–", "—"):
            pending_dash = True
            continue
        if pending_dash and not text.startswith(("-", "–")):
            text = "- " + text
        pending_dash = False
        line.text = text
        out.append(line)
    return out


def fix_segments(segments: list) -> list:
    """The zones of an OCR'd letter (objects with .zone and .lines): header zones get the header repairs."""
    for seg in segments:
        seg.lines = fix_lines(seg.lines, header=seg.zone.startswith("header"))
        if seg.zone.startswith("signature"):  # a signature's strokes OCR'd as "TT", "Ơ", "-": not a line of text
            seg.lines = [ln for ln in seg.lines if sum(c.isalnum() for c in ln.text) > 2]
    return segments
