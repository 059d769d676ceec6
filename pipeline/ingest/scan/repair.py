"""Post-OCR repair that knows the genre (issue 6), applied to OCR'd lines only, never inventing a value.

- Well-known phrases of official letters (the national motto, the heads of issuers, titles, the words of the
  header and of the Nơi nhận block) whose OCR differs only in diacritics are written as the phrase is spelt:
  "UBND THÀNH PHÓ" → "UBND THÀNH PHỐ", "GIÁM ĐÓC" → "GIÁM ĐỐC", "CỘNG HOÀ XÃ HỌI" → "CỘNG HOÀ XÃ HỘI",
  "Sở Giáo dục và Đảo tạo" → "… Đào tạo". A difference of tone placement only (HOÀ/HÒA, UỶ/ỦY) is kept as
  printed. The letters of the words must match exactly once diacritics are removed: nothing else is guessed.
- `Ð` (Icelandic eth, which OCR and some fonts give for Đ) → `Đ`; dashes and spaces inside a number and symbol
  after "Số" are made regular (`Số: 1906 /SGDĐT—CTrTT` → `Số: 1906/SGDĐT-CTrTT`).
- The subject marker read as "Ví", "V/y", "Vlv" … at the start of a header line → "V/v"; the number's head
  read with another vowel ("Só: /SYT-NVY", "Sé:.2044/SYT-NVY", "Sá:O.5-TB/ĐTN") → "Số:" when a slash and a
  capital follow within a number's length.
- A capitals line that begins with a type's name of ND30 Điều 7 (doc_types.json) read with other diacritics is
  that name ("THÔNG BẢO" → "THÔNG BÁO"), by the phrases' own matching at the line's start.
- The "Nơi nhận:" heading misread in its first two words ("TỚI Hận:", "Nội khận:", "396 nhận:") is written
  as printed before the page is cut into zones, since it is what divides the body from the signature table:
  the two words within two letters of "noi nhan" (or the second one exactly "nhận"; or any two short words
  when the signature's authority, "KT. CHỦ TỊCH", follows on the line, colon or not), then a colon, and a
  dash item on one of the next three lines; on a page with no "Nơi nhận" of its own. "nhận:" grouped with
  the line below "Nơi" goes back beside it.
- Letters OCR confuses inside a cited number's symbol, where the other reading cannot occur: symbols are
  the initials of Vietnamese words, which never begin with O or W, so O is the Q it resembles ("62/BC-BOL" →
  "62/BC-BQL") and W the V ("1591-CW/ĐU" → "1591-CV/ĐU"; TW, Trung ương, stays); an I or l between the
  letters and the digits of a legislature is 1 ("42/2024/QHI5" → "42/2024/QH15"); a Đ read twice inside a
  code is one ("QĐĐ" → "QĐ"); a decree's issuer with one of its two letters misread is CP, since only the
  Government issues a Nghị định ("33/2025/NĐ-ŒP" → "33/2025/NĐ-CP").
- Inside a cited number, where no letter can stand: a number cut by a space after "số" is joined ("số 75
  0/BQL-QHXD" → "số 750/BQL-QHXD"), its leading 1 read as a letter alone before the rest too ("số Ï 591-CV/ĐU");
  an I, l or | among its digits is 1 ("59I-CV/ĐU"), an ó among them 6 ("6ó8-NQ/ĐU"); a party number's slash
  lost before the party body that issued it is put back ("1591-CVĐU" → "1591-CV/ĐU"; TW, TU, HU, ĐU).
- The signature column: "KT," is "KT." (the authority's dot read as a comma); a whole capitals line that is
  a known title without its first letter, which the seal covers, is that title ("HỨ TRƯỞNG" → "THỨ
  TRƯỞNG").
- The rule under the national motto read as a dash before the letter's title ("- QUYẾT ĐỊNH", or a dash
  alone on the line above it) goes, and so does a dash read before the title's second line in capitals
  ("- ĐỒNG THỜI CHẤP THUẬN …"). Specks at the start of a line ("___ Căn cứ", "_1.", ".UỶ BAN") go.
- In a known phrase, a vowel read twice (the mark read as a letter: "KHUYÉÊN") counts once.
- A list dash read as "~" → "-"; a dash left alone on its line is joined to the line below it; stray "_", "|"
  at the end of a header line are dropped; in the signature table, "lines" of one or two characters (the
  strokes of a signature, which often crosses into the Nơi nhận column, read as letters) are dropped.
"""
from __future__ import annotations

import json
import re
import unicodedata

from pipeline.models import MODELS
from pipeline.text.normalize import ascii_fold, fold

_LEXICON = json.loads((MODELS / "lexicons" / "ocr.json").read_text(encoding="utf-8"))
PHRASES = tuple(_LEXICON["phrases"])  # see the lexicon's _about: two words or more, and why some are left out
_TONE_PLACEMENT = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé",
                   "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ủy": "uỷ", "úy": "uý", "ùy": "uỳ", "ũy": "uỹ", "ụy": "uỵ"}
_VV = re.compile(r"^(?:V[íi]|V/[yvV]|V[lI1]v|V\.v|V/v\.?|V/ v|Vív|V1v)\s+(?=\w)(?!dụ\b)")
_NUMBER = re.compile(r"^(Số\s*:?\s*)(\d+)\s*/\s*([\w.&Đđ]+(?:\s*[-–—]\s*[\w.&Đđ]+)*)")
# ô 3's head "Số:" with its vowel misread ("Só: /SYT-NVY", "Sé:.2044/SYT-NVY", "Sá:O.5-TB/ĐTN"): a header line
# that begins with S, one vowel and a colon (or the semicolon OCR reads for it), then a slash and a capital
# within a number's length (the handwritten number read as marks: "Só:/#†/SYT-NVY")
_SO_HEAD = r"^S[aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệoòóỏõọôồốổỗộơờớởỡợ][ \t]*[:;]"
_SO_WORD = re.compile(_SO_HEAD)  # the head in the line's first word
_SO_MISREAD = re.compile(_SO_HEAD + r"(?=[^\n]{0,16}/[ \t]*[A-ZĐ])")
_BULLET = re.compile(r"^[~∼˜]\s*")
# "___ Căn cứ", "_1. Quy định", ".UỶ BAN", "'BỘ TRƯỞNG": a rule's or the margin's specks
_LEAD = re.compile(r"^(?:[_|]+[ \t]*(?=[\w(+-])|[.,'`](?=[A-ZĐÀ-Ỹ]))")
_TITLES = (r"(?:QUYẾT ĐỊNH|CÔNG VĂN|KẾ HOẠCH|THÔNG BÁO|BÁO CÁO|TỜ TRÌNH|NGHỊ QUYẾT|NGHỊ ĐỊNH|THÔNG TƯ|CHỈ THỊ|"
           r"HƯỚNG DẪN|GIẤY)\b")
_TITLE_DASH = re.compile(r"^[-–—_~]\s*(?=" + _TITLES + ")")  # the motto's rule read as a dash
_TITLE = re.compile("^" + _TITLES)
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ)(?:\.|\s?,\s*)(?=[A-ZĐÀ-Ỹ])")  # "TM.ỦY BAN", "KT, BỘ" → "TM. ỦY BAN", "KT. BỘ"
_SIGNER_TITLES = tuple(_LEXICON["signer_titles"])
# A title line whose first letter the seal covers ("HỨ TRƯỞNG"): its letters, diacritics removed → the title.
_CUT_TITLE = {ascii_fold(t[1:]): t for t in _SIGNER_TITLES
              if ascii_fold(t[1:]) not in {ascii_fold(whole) for whole in _SIGNER_TITLES}}


def _old_style(word: str) -> str:
    low = word.lower()
    for new, old in _TONE_PLACEMENT.items():
        low = low.replace(new, old)
    return low


def _bare(word: str) -> str:
    return word.rstrip(".,:;") or word


def _key(word: str) -> str:
    """A word as phrases are matched: no diacritics, lower case, no trailing punctuation, a vowel OCR read
    twice once ("KHUYÉÊN": the mark and the letter read as two letters)."""
    return re.sub(r"([aeiouy])\1+", r"\1", _bare(ascii_fold(word).lower()))


def _index(phrases) -> dict:
    by_first: dict[str, list[tuple[list[str], list[str]]]] = {}
    for p in phrases:
        words = p.split()
        key = [_key(w) for w in words]
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


def fix_phrases(text: str, by_first: dict | None = None, at_start: bool = False) -> str:
    """Known phrases whose OCR differs only in diacritics, as they are spelt (case as printed); a speck read
    as a dot after a word inside the phrase ("QUYẾT. ĐỊNH") goes, other punctuation stays. `by_first`: another
    index of phrases (_index); `at_start`: only a phrase the text begins with."""
    tokens = re.split(r"(\s+)", text)
    words = tokens[0::2]
    folded = [_key(w) for w in words]
    index = _BY_FIRST if by_first is None else by_first
    i = 1 if words and not words[0] else 0  # leading space: the first token is empty
    last = i + 1 if at_start else len(words)
    while i < min(last, len(words)):
        for key, target in index.get(folded[i], ()):
            n = len(key)
            if folded[i:i + n] != key:
                continue
            for j in range(n):
                printed = words[i + j]
                core = _bare(printed)
                tail = printed[len(core):]
                if j < n - 1 and tail == "." and not target[j].endswith("."):
                    tail = ""  # the speck
                want = _bare(target[j])
                if core != want and core.lower() != want.lower() and _old_style(core) != _old_style(want):
                    core = _cased(want, core)
                words[i + j] = core + tail
            i += n - 1
            break
        i += 1
    tokens[0::2] = words
    return "".join(tokens)


def _number(m: re.Match) -> str:
    symbol = re.sub(r"\s*[-–—]\s*", "-", m.group(3))
    return f"{m.group(1)}{m.group(2)}/{symbol}"


_CITED = re.compile(r"(?<![\w/])(\d{1,5}(?:/\d{4})?[/-])([A-ZĐ][\wĐđ&]*(?:[/-][A-ZĐ][\wĐđ&]*)*)")
_DECREE = re.compile(r"/NĐ-(?!CP\b)(?:C[^\s/;,.)]|[^\s/;,.)]P)(?![\w])")  # a decree (NĐ) is the Government's (CP)
_PARTY_GAP = re.compile(r"(?<![\w/])(\d{1,5})\s?-\s(?=[A-ZĐ]{2,5}/[A-ZĐ])")
# "1591-CVĐU": a party number's slash lost before the party body that issued it (domain.md, -XX/TW|TU|HU|ĐU)
_PARTY_SLASH = re.compile(r"(?<![\w/])(\d{1,5}-[A-Z]{2,3})(TW|TU|HU|ĐU)(?![\w/])")
_ONE = re.compile(r"(?<![\w/])(\d+)[Il|](\d*)(?=[/-](?:\d{4}/)?[A-ZĐ])")  # "59I-CV/ĐU": the I is a 1
_SIX = re.compile(r"(?<![\w/])(?=\d|ó\d)(\d*)ó(\d*[/-][A-ZĐ\d])")  # "6ó8-NQ/ĐU": the ó is a 6
# "số 75 0/BQL-QHXD", "số Ï 591-CV/ĐU": a number cut by a space after "số", its first digit 1 read as a letter
_NUMBER_GAP = re.compile(r"(?<!\w)((?:số|Số|SỐ)\s+)([IÏlĺ|\]]|\d{1,4})\s(\d{1,4}[/-](?:\d{4}/)?[A-ZĐ])")


def _symbol_part(part: str) -> str:
    part = re.sub(r"(?<=[A-ZĐ])[Il](?=\d)", "1", part)
    letters = re.sub(r"\d+$", "", part)
    if len(letters) < 2 or not letters.isupper():
        return part
    fixed = letters.replace("O", "Q")
    fixed = re.sub(r"(?<!T)W", "V", fixed)
    fixed = fixed[:1] + fixed[1:].replace("ĐĐ", "Đ")  # "QĐĐ": one Đ read twice (ĐĐBQH, at the start, is real)
    return fixed + part[len(letters):]


def fix_symbols(text: str) -> str:
    """The cited numbers with OCR's O/Q, W/V, I/1 and ó/6 confusions undone, a space read inside one (after
    the dash of a party number, "269- KL/TU", or among the digits after "số") taken out and a party number's
    lost slash put back; see the module notes."""
    text = _SIX.sub(r"\g<1>6\2", text)
    text = _ONE.sub(r"\g<1>1\2", text)
    text = _PARTY_GAP.sub(r"\1-", text)
    text = _PARTY_SLASH.sub(r"\1/\2", text)
    text = _NUMBER_GAP.sub(lambda m: m.group(1) + (m.group(2) if m.group(2).isdigit() else "1") + m.group(3), text)
    text = _DECREE.sub("/NĐ-CP", text)
    return _CITED.sub(lambda m: m.group(1) + re.sub(r"[^/-]+", lambda p: _symbol_part(p.group(0)), m.group(2)),
                      text)


# ô 5a: the type's name in capitals, from the closed list of ND30 Điều 7 (models/lexicons/doc_types.json); a title
# line whose first words fold to a type name is that name ("THÔNG BẢO" → "THÔNG BÁO", "QUYÉT ĐỊNH" → "QUYẾT ĐỊNH")
# (fix_phrases' matching, at the line's start: a word differing only in tone placement, THOẢ/THỎA, stays as printed)
_TYPES = json.loads((MODELS / "lexicons" / "doc_types.json").read_text(encoding="utf-8"))["types"]
_TYPE_NAMES = _index([t["name"] for t in _TYPES])


def _type_title(text: str) -> str:
    return fix_phrases(text, _TYPE_NAMES, at_start=True) if text.strip().isupper() else text


def fix_line(text: str, header: bool = False) -> str:
    text = text.replace("Ð", "Đ").replace("ð", "đ")
    text = _LEAD.sub("", _BULLET.sub("- ", text))
    text = _AUTHORITY.sub(r"\1. ", text)
    bare = text.strip(" .,:;'`|_-")
    if bare.isupper() and ascii_fold(bare) in _CUT_TITLE:
        text = _CUT_TITLE[ascii_fold(bare)]
    text = _TITLE_DASH.sub("", text)
    text = fix_symbols(text)
    if header:
        text = _SO_MISREAD.sub("Số:", text)
        text = _VV.sub("V/v ", text)
        text = re.sub(r"[\s_|]+$", "", text)
        text = _NUMBER.sub(_number, text)
    return fix_phrases(_type_title(text))


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
        if pending_dash and not text.startswith(("-", "–")) and not _TITLE.match(text):
            text = "- " + text
        elif out and _TITLE.match(out[-1].text) and re.match(r"^[-–—]\s*\S", text) and text.isupper():
            text = re.sub(r"^[-–—]\s*", "", text)  # the title's second line: a speck read as a list dash
        pending_dash = False
        words = getattr(line, "words", None)
        if header and words and text.startswith("Số") and _SO_WORD.match(words[0].text):
            line.words = [words[0]._replace(text=_SO_WORD.sub("Số:", words[0].text)), *words[1:]]  # the passes that
            # read the line's words again (handpass) see the head as repaired
        line.text = text
        out.append(line)
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (short strings)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


_HEADING = re.compile(r"^(\S{1,5})\s+(\S{1,6}?)(\s*:|(?=\s))")


def _is_noi_nhan(first: str, second: str) -> bool:
    a, b = ascii_fold(first).lower(), ascii_fold(second).lower()
    return b == "nhan" or (len(a) <= 4 and edit_distance(f"{a} {b}", "noi nhan") <= 2)


_BESIDE = re.compile(r"\s*(?:TM|KT|TL|TUQ|Q)\.\s*(\S+)")  # the authority line of the signature, level with Nơi nhận


def _rejoin_heading(lines: list) -> None:
    """"Nơi" ending up on one line and "nhận:" at the start of the next (the small italic heading sits a
    little lower than the signature's authority line it was grouped with): "nhận:" goes back beside "Nơi".
    A speck read between the two on one line ("Nơi GP nhận:") goes."""
    for line, below in zip(lines, lines[1:]):
        if not line.words or not below.words or ascii_fold(line.words[0].text).lower() != "noi":
            continue
        word = below.words[0]
        if ascii_fold(word.text).lower().rstrip(":") != "nhan" or not line.bbox or not below.bbox:
            continue
        height = line.bbox[3] - line.bbox[1]
        if word.x0 < line.words[0].x1 or word.top - line.bbox[3] > height:
            continue  # not beside "Nơi": another line's word
        noi = line.words[0]  # nothing is printed between the heading's two words: what OCR put there goes
        line.words = sorted([w for w in line.words if not noi.x1 <= (w.x0 + w.x1) / 2 <= word.x1] + [word],
                            key=lambda w: w.x0)
        below.words = below.words[1:]
        for ln in (line, below):
            ln.text = " ".join(w.text for w in ln.words)
            if ln.words:
                ln.bbox = (min(w.x0 for w in ln.words), min(w.top for w in ln.words),
                           max(w.x1 for w in ln.words), max(w.bottom for w in ln.words))
    lines[:] = [ln for ln in lines if ln.words or not hasattr(ln, "words")]
    for line in lines:  # "Nơi GP nhận:": a speck read between the two words on the line
        if line.words and ascii_fold(line.words[0].text).lower() == "noi" and len(line.words) > 2 and \
                ascii_fold(line.words[2].text).lower().rstrip(":") == "nhan" and not _ALNUM2.search(line.words[1].text):
            del line.words[1]
            line.text = " ".join(w.text for w in line.words)


_ALNUM2 = re.compile(r"[^\W\d_]{3}")  # a word of three letters or more, not a speck


def fix_landmarks(lines: list) -> list:
    """A page's OCR'd lines (objects with .text and .words, in reading order) with a misread "Nơi nhận:"
    heading written as printed (see the module notes); the list, changed in place."""
    if any(ascii_fold(ln.text[:9]).lower().startswith("noi nhan") for ln in lines):
        return lines
    _rejoin_heading(lines)
    for k, line in enumerate(lines):
        m = _HEADING.match(line.text)
        if not m or len(line.words) < 2:
            continue
        after = _BESIDE.match(line.text, m.end())  # "T10I HHỐN: KT. CHỦ TỊCH"
        beside = after is not None and len(after.group(1)) > 1 and after.group(1).isupper()
        if not (m.group(3) and _is_noi_nhan(m.group(1), m.group(2)) or beside) or \
                not any(ln.text.lstrip().startswith(("-", "–", "+")) for ln in lines[k + 1:k + 4]):
            continue
        first, second = line.words[0], line.words[1]
        if (first.text, second.text.rstrip(":")) != (m.group(1), m.group(2)):
            continue  # the words do not match the text's split: leave the line alone
        lost = "" if m.group(3) else ":"  # the colon OCR lost is put back; one read stays where it is
        glued = ":" if second.text.endswith(":") else lost
        line.words[0:2] = [first._replace(text="Nơi"), second._replace(text="nhận" + glued)]
        line.text = "Nơi nhận" + lost + line.text[m.end(2):]
    return lines


def fix_segments(segments: list) -> list:
    """The zones of an OCR'd letter (objects with .zone and .lines): header zones get the header repairs."""
    for seg in segments:
        seg.lines = fix_lines(seg.lines, header=seg.zone.startswith("header"))
        if seg.zone.startswith("signature"):  # a signature's strokes OCR'd as "TT", "Ơ", "-": not a line of text
            seg.lines = [ln for ln in seg.lines if sum(c.isalnum() for c in ln.text) > 2]
    return segments


# A type code whose letters OCR read as digits ('299-K1/TU'): after the number's dash and before the slash of a
# party number, or after its slash and before the dash of an administrative one.
_OCR_CODE = re.compile(r"(?<=\d-)[A-ZĐ][A-Za-zĐ0-9]{0,4}(?=[ \t]*/)|(?<=\d/)[A-ZĐ][A-Za-zĐ0-9]{0,4}(?=-)")
_OCR_LETTERS = str.maketrans({"1": "L", "0": "O", "5": "S", "8": "B"})
_TYPE_CODES = frozenset(fold(c).replace(" ", "") for t in _TYPES for c in t["codes"])


def fix_type_codes(text: str) -> str:
    """OCR misreads letters of a type code as digits ('299-K1/TU'): where the code is unknown and the usual
    confusions (1→L, 0→O, 5→S, 8→B) make it a known type code (models/lexicons/doc_types.json), use that.
    Same length, so offsets hold."""
    def fix(m: re.Match) -> str:
        code = m.group(0)
        if not any(c.isdigit() for c in code) or fold(code) in _TYPE_CODES:
            return code
        repaired = code.translate(_OCR_LETTERS)
        return repaired if fold(repaired) in _TYPE_CODES else code

    return _OCR_CODE.sub(fix, text)


def fix_type_codes_in(segments: list) -> list:
    """Every line of the letter with its type codes repaired (`fix_type_codes`): the last repair, after the
    second looks, so that lines they rebuilt from words are repaired too."""
    for seg in segments:
        for line in seg.lines:
            line.text = fix_type_codes(line.text)
    return segments
