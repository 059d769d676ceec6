"""Legacy Vietnamese encodings (domain.md §10.3) and a measure of how Vietnamese a text looks.

* `decode_bytes` decodes a text file (UTF-8 with or without BOM, UTF-16 with or without BOM, CP1258, TCVN3,
  VNI-Windows) by *content*, never by file name, and repairs legacy-font mojibake saved as Unicode.
* `repair_mojibake` converts TCVN3/VNI garble in text from elsewhere (PDF text layers in .VnTime/VNI-Times).
* `tcvn3_to_unicode`, `vni_to_unicode` convert garble (a str read as cp1252/latin-1); `unicode_to_tcvn3`,
  `unicode_to_vni` build legacy bytes for test fixtures.
* `vietnamese_quality` / `is_useless_text` tell real Vietnamese from diacritic-stripped OCR and garbage.

Every returned text is NFC. Legacy strings are handled as str whose code points U+0080..U+00FF stand for the
legacy bytes (that is what a cp1252/latin-1 decode of the bytes gives).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import islice

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)  # sắc, huyền, hỏi, ngã, nặng


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# cp1252 meaning of 0x80..0x9F (quotes, dashes typed in legacy-font documents); undefined bytes stay as is.
_C1 = {chr(b): bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}

# ---------------------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993 VN3, the "ABC" .VnTime fonts). One byte per precomposed *lowercase* letter; capitals
# Ă Â Ê Ô Ơ Ư Đ at 0xA1..0xA7. Toned capitals are not in VN3: the ".VnTimeH" fonts drew the lowercase codes as
# capitals. The 16 VN1 capitals that glibc's TCVN5712-1 puts between the lowercase codes (0xAF Ằ ... 0xFF Ố)
# are decoded too (same as glibc); glibc's VN1 capitals in 0x01..0x17 and 0x80..0x9F are not, because real
# .VnTime documents use 0x80..0x9F for cp1252 quotes and dashes. 0xB0..0xB4 are combining tone marks (VN1),
# honoured only right after a vowel (so "30°" keeps its degree sign).
_TCVN3_A1 = "ĂÂÊÔƠƯĐăâêôơưđẰ"  # 0xA1..0xAF
_TCVN3_B5 = ("àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ")  # 0xB5..0xFF
assert len(_TCVN3_A1) == 15 and len(_TCVN3_B5) == 0xFF - 0xB5 + 1
_TCVN3_DECODE = {chr(0xA1 + i): c for i, c in enumerate(_TCVN3_A1)}
_TCVN3_DECODE.update({chr(0xB5 + i): c for i, c in enumerate(_TCVN3_B5)})
_TCVN3_COMBINING = {"\xb0": _GRAVE, "\xb1": _HOOK, "\xb2": _TILDE, "\xb3": _ACUTE, "\xb4": _DOT}
_TCVN3_ENCODE = {c: k.encode("latin-1") for k, c in _TCVN3_DECODE.items() if c.islower() or ord(k) <= 0xA7}
_TCVN3_LOWER_CODES = frozenset(k for k, c in _TCVN3_DECODE.items() if c.islower())
_TCVN3_UPPER_CODES = frozenset(k for k, c in _TCVN3_DECODE.items() if c.isupper())

# ---------------------------------------------------------------------------------------------------------
# VNI-Windows: base ASCII letter + one Latin-1 "mark" byte (mark case follows the letter case: "Vieät",
# "VIEÄT"); ơ ư đ ì í ỉ ĩ ị ỵ are single bytes. Agrees with the VNI table of the xvnkb keyboard (vni.h).
_VNI_TONE = dict(zip(_TONES, "ùøûõï"))
_VNI_CIRC = dict(zip(("",) + _TONES, "âáàåãä"))
_VNI_BREVE = dict(zip(("",) + _TONES, "êéèúüë"))
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "ì": "ì", "í": "í"}


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    encode: dict[str, str] = {}
    for base, vni_base in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"), ("ơ", "ô"), ("ư", "ö")):
        for tone, mark in _VNI_TONE.items():
            encode[_nfc(base + tone)] = vni_base + mark
        if base in "aeo":
            for tone, mark in _VNI_CIRC.items():
                encode[_nfc(base + "\u0302" + tone)] = vni_base + mark
        if base == "a":
            for tone, mark in _VNI_BREVE.items():
                encode[_nfc(base + "\u0306" + tone)] = vni_base + mark
    encode.update(_VNI_SINGLE)
    encode.update({k.upper(): v.upper() for k, v in list(encode.items())})
    decode = {v: k for k, v in encode.items()}
    for seq, char in list(decode.items()):  # lenient: accept the mark in either case
        if len(seq) == 2:
            decode.setdefault(seq[0] + seq[1].swapcase(), char)
    decode.setdefault("yï", "ỵ")
    decode.setdefault("YÏ", "Ỵ")
    return encode, decode


_VNI_ENCODE, _VNI_DECODE = _build_vni()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True)))
_HIGH_CHARS = re.compile(r"[\x80-\xff]")


def tcvn3_to_unicode(s: str, fix_caps: bool = True) -> str:
    """Convert TCVN3 garble ("Céng hßa x· héi chñ nghÜa ViÖt Nam") to NFC Unicode.

    TCVN3 has no toned capitals, so "CỘNG HÒA" was typed "CéNG HßA" in an H font. With `fix_caps`, a word
    with no lowercase ASCII letter and at least two capitals is upper-cased, and so is a capital-less or
    one-capital word ("X·", "Tù") next to such a word on the same line. Other words keep the lowercase
    letters the codes stand for ("ñy ban" → "ủy ban"): the capital of "Ủy" is lost, as in the bytes.
    """
    parts = re.split(r"([^\S\n]+|\n)", s)
    converted = [_tcvn3_chars(p) for p in parts]
    if fix_caps:
        kinds = [_tcvn3_caps_kind(p) for p in parts]
        for i, kind in enumerate(kinds):
            near_caps = any(0 <= j < len(kinds) and kinds[j] == "caps" and "\n" not in parts[(i + j) // 2]
                            for j in (i - 2, i + 2))
            if kind in ("caps", "self") or (kind == "maybe" and near_caps):
                converted[i] = converted[i].upper()
    return _nfc("".join(converted))


def _tcvn3_chars(s: str) -> str:
    out: list[str] = []
    for ch in s:
        if ch in _TCVN3_COMBINING and out and _is_bare_vowel(out[-1]):
            out.append(_TCVN3_COMBINING[ch])
        else:
            out.append(_TCVN3_DECODE.get(ch) or _C1.get(ch, ch))
    return "".join(out)


def _is_bare_vowel(ch: str) -> bool:
    return unicodedata.normalize("NFD", ch)[0].lower() in "aeiouy" and not any(
        t in unicodedata.normalize("NFD", ch) for t in _TONES)


_EDGE_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u201c\u201d\u2018\u2019\u2013\u2014\u2026"


def _tcvn3_caps_kind(token: str) -> str | None:
    """'caps' for an all-capitals word, 'self' for an all-capitals abbreviation (upper-cased, but no evidence
    for its neighbours), 'maybe' for a word that could be all capitals, None otherwise."""
    core = token.strip(_EDGE_PUNCTUATION)
    if not core or any(not (c.isascii() and c.isalpha()) and c not in _TCVN3_DECODE for c in core):
        return None
    if any("a" <= c <= "z" for c in core):
        return None
    upper = sum(1 for c in core if "A" <= c <= "Z" or c in _TCVN3_UPPER_CODES)
    coded = any(c in _TCVN3_LOWER_CODES for c in core)
    if upper >= 2:  # a neighbour counts only if it is a word, not an abbreviation ("VBQPPL, Bé" = Bộ)
        return "caps" if coded or is_vietnamese_syllable(core) else "self"
    return "maybe" if coded else None


def vni_to_unicode(s: str) -> str:
    """Convert VNI-Windows garble ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") to NFC Unicode
    (longest match first: "oä" = ộ before "o")."""
    s = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], s)
    return _nfc("".join(_C1.get(c, c) for c in s))


def _legacy_bytes(text: str, errors: str) -> bytes:
    """Encode what is left after the letter mapping: ASCII, NBSP, cp1252 punctuation (0x80..0x9F)."""
    out = bytearray()
    for ch in text:
        encoded = ch.encode("cp1252", "ignore") if ord(ch) > 0x7F else ch.encode("ascii")
        if encoded and (encoded[0] < 0xA0 or ch == "\xa0"):
            out += encoded
        elif errors == "replace":
            out += b"?"
        else:
            raise UnicodeEncodeError("legacy", ch, 0, 1, "no unambiguous legacy byte for this character")
    return bytes(out)


def unicode_to_tcvn3(s: str, errors: str = "strict") -> bytes:
    """Unicode → TCVN3 bytes. Toned capitals (Ộ, Ủ, À ...) get the *lowercase* codes, as the .VnTimeH fonts
    did, so `tcvn3_to_unicode` gives them back in lower case unless the word is all capitals; Ă Â Ê Ô Ơ Ư Đ
    keep their capital codes 0xA1..0xA7. Characters with no unambiguous byte (e.g. "§", "«", "₫") raise
    UnicodeEncodeError, or become "?" with errors="replace"."""
    out = bytearray()
    for ch in _nfc(s):
        code = _TCVN3_ENCODE.get(ch) or _TCVN3_ENCODE.get(ch.lower())
        out += code if code else _legacy_bytes(ch, errors)
    return bytes(out)


def unicode_to_vni(s: str, errors: str = "strict") -> bytes:
    """Unicode → VNI-Windows bytes (capital letters get capital marks: "VIỆT" → b"VIE\\xc4T").
    Characters with no VNI byte raise UnicodeEncodeError, or become "?" with errors="replace"."""
    out = bytearray()
    for ch in _nfc(s):
        seq = _VNI_ENCODE.get(ch)
        if seq:
            out += seq.encode("latin-1")
        elif 0xA0 <= ord(ch) <= 0xFF and ch not in _VNI_DECODE and ch not in "".join(_VNI_DECODE):
            out += ch.encode("latin-1")  # a Latin-1 sign VNI does not use (°, «, ©): same byte
        else:
            out += _legacy_bytes(ch, errors)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------
# Vietnamese syllables: onset + rhyme, at most one tone mark, on the vowel the spelling rules allow.
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_RHYMES = frozenset("""
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên êng ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot ooc oong oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăt oe oen oeo oet ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut ua uôc uôi uôm uôn uông uôp uôt uâc uân uâng uât uây uê uêch uênh uơ
uy uya uych uyên uyêt uyn uynh uyp uyt uyu
ư ưc ưi ưm ưn ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu y yêm yên yêng yêt yêu
""".split())
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_ALPHABET = frozenset("abcdđeghiklmnopqrstuvxy") | _VOWELS


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True for one well-formed Vietnamese syllable in either tone-placement style (hòa/hoà, thủy/thuỷ)."""
    base: list[str] = []
    tone_at = None
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tone_at is not None or not base or base[-1] not in _VOWELS:
                return False
            tone_at = len(base) - 1
        elif unicodedata.combining(ch):
            if not base:
                return False
            base[-1] = _nfc(base[-1] + ch)
        else:
            base.append(ch)
    if not base or any(c not in _ALPHABET for c in base):
        return False
    text = "".join(base)
    for onset in _ONSETS:
        rhyme = text[len(onset):]
        if text.startswith(onset) and rhyme in _RHYMES:
            if tone_at is None or tone_at - len(onset) in _tone_positions(rhyme):
                return True
    return False


def _tone_positions(rhyme: str) -> set[int]:
    vowels = len(rhyme) - len(rhyme.lstrip("aăâeêioôơuưy"))
    marked = [i for i in range(vowels) if rhyme[i] in _MARKED_VOWELS]
    if vowels == 1:
        return {0}
    if marked:
        return {marked[-1]}
    if vowels < len(rhyme):  # a final consonant: the last vowel carries the tone (hoàn, khuynh)
        return {vowels - 1}
    if vowels == 3:
        return {1}
    return {0, 1} if rhyme in ("oa", "oe", "uy") else {0}


_TOKEN_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~\u2010-\u205e\u00a0\u3000]+")
_ABBREVIATION = re.compile(r"[b-df-hj-np-tv-xzđB-DF-HJ-NP-TV-XZĐ]+")  # vowel-less: UBND has one, QĐ none


def _word_stats(text: str, non_ascii_only: bool = False, min_len: int = 1) -> tuple[int, int, int]:
    """(words, valid syllables, valid syllables with a diacritic) over the letter tokens of `text`.
    Tokens with digits, shorter than `min_len`, and vowel-less abbreviations (QĐ, HĐND, b) are not counted."""
    return _token_stats(Counter(_TOKEN_SPLIT.split(_nfc(text))), non_ascii_only, min_len)


def _token_stats(tokens: Counter, non_ascii_only: bool = False, min_len: int = 1) -> tuple[int, int, int]:
    """`_word_stats` over counted tokens: a letter repeats its words, so each is judged once."""
    words = valid = marked = 0
    for token, n in tokens.items():
        kind = _token_kind(token, non_ascii_only, min_len)
        words += n if kind else 0
        valid += n if kind >= 2 else 0
        marked += n if kind == 3 else 0
    return words, valid, marked


@lru_cache(maxsize=65536)  # letters share most of their words, so most tokens were judged before
def _token_kind(token: str, non_ascii_only: bool, min_len: int) -> int:
    """0 not counted, 1 a word, 2 a valid syllable, 3 a valid syllable with a diacritic (see `_word_stats`)."""
    if len(token) < min_len or any("0" <= c <= "9" for c in token) or _ABBREVIATION.fullmatch(token):
        return 0
    if (non_ascii_only and token.isascii()) or not any(c.isalpha() for c in token):
        return 0
    if not is_vietnamese_syllable(token):
        return 1
    return 2 if token.isascii() else 3


def vietnamese_quality(text: str) -> float:
    """How much `text` looks like correct Vietnamese, 0..1: share of word tokens that are valid syllables
    times min(1, share of those syllables with a diacritic / 0.45).

    Normal Vietnamese prose has roughly 60-80% of its syllables with a diacritic; counted among valid
    syllables, with vowel-less abbreviations (QĐ, HĐND) and tokens with digits left out, the dev corpus has
    83-92% and 95-100% valid tokens, and scores 0.95-1.00 (the 693 Vietnamese vbpl.vn texts: 0.89-1.00).
    Diacritic-stripped OCR ("CONG HOA XA HOI") keeps its syllables valid but has 0% marked, so it scores
    ~0; legacy mojibake, English and random OCR garbage have few valid tokens (typically < 0.4). Empty
    text, or text without words, scores 0.0. `is_useless_text` draws the line at 0.5.
    """
    return _quality(*_word_stats(text))


def _quality(words: int, valid: int, marked: int) -> float:
    if not words or not valid:
        return 0.0
    return (valid / words) * min(1.0, (marked / valid) / 0.45)


USELESS_BELOW = 0.5     # vietnamese_quality under this: not usable Vietnamese
MIN_EVIDENCE_LETTERS = 30  # fewer letters: not enough evidence to call a text useless


# English function words that no Vietnamese syllable, stripped or not, spells ("the", "that", "to", "an",
# "not", "by" are left out: "thể", "thật", "tổ", "an", "nốt" lose their marks to exactly those).
_ENGLISH_WORDS = frozenset("of and for with is are shall which from this or its has have been was were "
                           "these such their".split())
ENGLISH_AT_LEAST = 0.06  # share of _ENGLISH_WORDS among tokens from which a text is English prose


def is_english(text: str) -> bool:
    """English prose: at least 6% of the tokens are English function words ("of", "and", "shall" …), with
    at least 30 letters to judge by (vbpl.vn publishes English translations beside the originals)."""
    tokens = _evidence(text)
    return tokens is not None and _english(tokens)


def _evidence(text: str) -> Counter | None:
    """The word tokens of `text`, counted; None when it has fewer than 30 letters (not enough to judge by)."""
    if len(list(islice(filter(str.isalpha, text), MIN_EVIDENCE_LETTERS))) < MIN_EVIDENCE_LETTERS:  # stops at 30
        return None
    tokens = Counter(_TOKEN_SPLIT.split(text))
    del tokens[""]
    return tokens


def _english(tokens: Counter) -> bool:
    total = sum(tokens.values())
    return bool(total) and sum(n for t, n in tokens.items() if t.lower() in _ENGLISH_WORDS) / total >= ENGLISH_AT_LEAST


def is_useless_text(text: str) -> bool:
    """True when `text` (e.g. a PDF text layer) should not be trusted: diacritic-stripped, unrepairable
    legacy-font mojibake, or garbage. The text is judged after the repair `repair_mojibake` would make, so
    repairable TCVN3/VNI garble is *not* useless (repair it). Rules, in order:
    fewer than 30 letters → False (not enough evidence); English prose (at least 6% of tokens are English
    function words such as "of", "and", "shall": vbpl.vn publishes English translations) → False;
    otherwise True when `vietnamese_quality` < 0.5 (real Vietnamese scores ≥ 0.8, stripped text ~0)."""
    tokens = _evidence(text)
    if tokens is None or _english(tokens):
        return False
    repaired, _ = repair_mojibake(text)
    # Text already in NFC that needs no repair splits into the tokens just counted: no second split.
    stats = _token_stats(tokens) if repaired == text else _word_stats(repaired)
    return _quality(*stats) < USELESS_BELOW


# ---------------------------------------------------------------------------------------------------------
# Detection and repair.
_CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
# Letters outside Latin-1 (ă đ ơ ư and all of U+1EA0..U+1EF9): only real Unicode Vietnamese has them.
_VIETNAMESE_ONLY = re.compile(r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
                              r"\u1ea0-\u1ef9]")


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Detect TCVN3 or VNI garble and convert it; returns (NFC text, "tcvn3" | "vni" | None).

    Only lines made of ASCII and Latin-1 characters are candidates: a line holding a letter outside Latin-1
    (ộ, ư, đ ...) is already Unicode and is never touched. The encoding is chosen over all candidate lines:
    among their non-ASCII words of 2+ letters, the share of valid Vietnamese syllables must rise by at least
    0.25 and reach 0.5, and two more words must be valid (or all words, if at least two). Each line is then
    converted unless that lowers its count of valid syllables; if the text also holds real Unicode
    Vietnamese, the count must rise, so "Ông", "cá và gà" and a lone "Ö" bullet stay as written. Mixed texts
    (a Unicode header over a TCVN3 body, as on some vbpl.vn pages) are thus repaired line by line.
    """
    text = _nfc(text)
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if _HIGH_CHARS.search(line)
                  and not _VIETNAMESE_ONLY.search(line)]
    if not candidates:
        return text, None
    sample = "\n".join(lines[i] for i in candidates)
    words, before, _ = _word_stats(sample, non_ascii_only=True, min_len=2)
    if not words:
        return text, None
    best, best_valid = None, before
    for name, convert in _CONVERTERS.items():
        after_words, after, _ = _word_stats(convert(sample), non_ascii_only=True, min_len=2)
        enough = after >= before + 2 or (after == after_words >= 2)  # one word alone ("µm") proves nothing
        if enough and after > best_valid and after / max(after_words, 1) >= max(0.5, before / words + 0.25):
            best, best_valid = name, after
    if best is None:
        return text, None
    convert, strict = _CONVERTERS[best], bool(_VIETNAMESE_ONLY.search(text))
    changed = False
    for i in candidates:
        new = convert(lines[i])
        old_valid, new_valid = _word_stats(lines[i], min_len=2)[1], _word_stats(new, min_len=2)[1]
        if new != lines[i] and (new_valid > old_valid or (not strict and new_valid == old_valid)):
            lines[i], changed = new, True
    return ("\n".join(lines), best) if changed else (text, None)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file by content; returns (NFC text, encoding name).

    Names: "utf-8", "utf-8-sig", "utf-16" (BOM or BOM-less by NUL pattern), "cp1258", "tcvn3", "vni", and
    "utf-8+tcvn3" / "utf-8+vni" (also "utf-16+tcvn3" / "utf-16+vni") for Unicode files whose content is
    legacy-font mojibake, which is repaired. Plain ASCII is "utf-8". NULs are removed, line ends are "\\n".
    Bytes that are not UTF-8 are decoded as each legacy candidate and the one with most valid Vietnamese
    syllables among its non-ASCII words wins (byte patterns break ties).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, name = data[3:].decode("utf-8", "replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, name = data[: len(data) & ~1].decode("utf-16", "replace"), "utf-16"
    elif codec := _utf16_without_bom(data):
        text, name = data[: len(data) & ~1].decode(codec, "replace"), "utf-16"
    else:
        text, name = _decode_8bit(data)
    if name.startswith("utf"):
        text, legacy = repair_mojibake(text)
        if legacy:
            name = f"{name.replace('-sig', '')}+{legacy}"
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return _nfc(text), name


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: most code units of Vietnamese text (ASCII, Latin-1) have a zero high byte
    (80-85% in real letters); stray NULs in an 8-bit file do not fall on one parity at half the pairs."""
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0: 2 * pairs: 2].count(0) / pairs, sample[1: 2 * pairs: 2].count(0) / pairs
    if odd >= 0.5 and even <= 0.05:
        return "utf-16-le"
    if even >= 0.5 and odd <= 0.05:
        return "utf-16-be"
    return None


def _decode_8bit(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", "replace")
    bad = loose.count("\ufffd")
    if sum(1 for c in loose if ord(c) > 0x7F) - bad >= 10 * bad:  # UTF-8 with a few broken bytes (truncated)
        return loose, "utf-8"
    sample = data[:_SAMPLE_BYTES].decode("latin-1")  # enough words to decide; converting all costs more
    scores = {name: _legacy_score(decode(sample)) + 0.05 * _pattern_score(name, sample)
              for name, decode in _LEGACY_DECODERS.items()}
    best = max(scores, key=lambda name: scores[name])  # ties: dict order, cp1258 first
    return _LEGACY_DECODERS[best](data.decode("latin-1")), best


_SAMPLE_BYTES = 65536
_CP1258 = str.maketrans({b: bytes([b]).decode("cp1258", "ignore") or chr(b) for b in range(0x80, 0x100)})
_LEGACY_DECODERS = {
    "cp1258": lambda latin: _nfc(latin.translate(_CP1258)),
    "tcvn3": tcvn3_to_unicode,
    "vni": vni_to_unicode,
}


def _legacy_score(text: str) -> float:
    """Share of valid Vietnamese syllables among the non-ASCII words of a candidate decoding."""
    words, valid, _ = _word_stats(text, non_ascii_only=True)
    return valid / words if words else 0.0


_PATTERNS = {
    # tone byte of CP1258 (U+0300 0301 0303 0309 0323) after a vowel
    "cp1258": re.compile(r"(?<=[aeiouyAEIOUY\xe2\xea\xf4\xf5\xfd\xe3\xc2\xca\xd4\xd5\xdd\xc3])"
                         r"[\xcc\xec\xde\xd2\xf2]"),
    # TCVN3 lowercase letter codes inside ASCII words
    "tcvn3": re.compile(r"(?<=[A-Za-z])[\xa8-\xae\xb5-\xfe]|[\xa8-\xae\xb5-\xfe](?=[a-z])"),
    # VNI: a vowel followed by its mark byte
    "vni": re.compile(r"(?<=[aeouyAEOUY\xf4\xf6\xd4\xd6])[\xf9\xf8\xfb\xf5\xef\xe2\xe1\xe0\xe5\xe3\xe4\xea\xe9"
                      r"\xe8\xfa\xfc\xeb\xd9\xd8\xdb\xd5\xcf\xc2\xc1\xc0\xc5\xc3\xc4\xca\xc9\xc8\xda\xdc\xcb]"),
}


def _pattern_score(name: str, latin: str) -> float:
    high = len(_HIGH_CHARS.findall(latin))
    return len(_PATTERNS[name].findall(latin)) / high if high else 0.0
