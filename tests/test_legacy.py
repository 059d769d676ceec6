"""Legacy encodings (domain.md §10.3): TCVN3, VNI, CP1258, UTF-16/BOM, mojibake repair, quality measure.

Fixtures are built in memory from real text (../shared/seed and ../shared/corpus) with our encoders and,
for cross-checks, with glibc's iconv (TCVN5712-1, CP1258).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.text.legacy import (
    decode_bytes, is_useless_text, is_vietnamese_syllable, repair_mojibake, tcvn3_to_unicode,
    unicode_to_tcvn3, unicode_to_vni, vietnamese_quality, vni_to_unicode,
)

SHARED = Path(os.environ.get("VANBAN_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
SEED = SHARED / "seed" / "seed-letter.txt"
DEV_DOCS = sorted((SHARED / "corpus" / "dev" / "docs").glob("*.txt"))
REAL_FILES = [SEED, *DEV_DOCS]
VBPL = SHARED / "corpus" / "vbpl" / "docs"
# every 25th national document, plus one whose table has lone "Ö" cells (must not become "Ư")
VBPL_SAMPLE = sorted(VBPL.glob("*.txt"))[::25] + [VBPL / "doc_000516.txt"]
VBPL_TCVN3_DOC = VBPL / "doc_000891.txt"  # real vbpl.vn page: Unicode title over a TCVN3 body
ICONV = shutil.which("iconv")
needs_iconv = pytest.mark.skipif(ICONV is None, reason="iconv binary not installed")

HEADER = "Cộng hòa xã hội chủ nghĩa Việt Nam"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_LOWER = sorted({unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES}
                          | set("ăâêôơưđ"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_text(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"shared corpus file missing: {path}")
    return nfc(path.read_text(encoding="utf-8")).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")


def tones_apart(text: str) -> str:
    """Each letter as its toneless precomposed base + a combining tone mark (ộ → ô + U+0323)."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(nfc("".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out)


def encodable_or_question(text: str, encode) -> str:
    """`text` with the characters `encode` refuses replaced by "?" (what errors="replace" writes)."""
    def ok(ch: str) -> bool:
        try:
            encode(ch)
            return True
        except UnicodeEncodeError:
            return False
    return "".join(ch if ok(ch) else "?" for ch in text)


def sentences(path: Path, charset: str | None = None) -> list[str]:
    """Lines of real prose (5+ words with diacritics); optionally only those made of `charset`."""
    lines = [line.strip() for line in read_text(path).split("\n")]
    lines = [line for line in lines if sum(not w.isascii() for w in line.split()) >= 5
             and vietnamese_quality(line) >= 0.8]
    if charset is not None:
        lines = [line for line in lines if all(c in charset for c in line)]
    return lines


def iconv(data: bytes, source: str, target: str) -> bytes:
    return subprocess.run([ICONV, "-f", source, "-t", target], input=data, capture_output=True, check=True).stdout


def assert_nfc(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)


# ------------------------------------------------------------------------------------------------------
# The garble of domain.md §10.3


GARBLE = [
    # (garble as a cp1252/latin-1 reader shows it, Unicode, encoding)
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", HEADER, "tcvn3"),
    ("§éc lËp - Tù do - H¹nh phóc", MOTTO, "tcvn3"),
    ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", HEADER.upper(), "tcvn3"),  # .VnTimeH: lowercase codes as caps
    ("§éC LËP - Tù DO - H¹NH PHóC", MOTTO.upper(), "tcvn3"),
    ("Hµ Néi, ngµy 15 th¸ng 3 n¨m 2020", "Hà Nội, ngày 15 tháng 3 năm 2020", "tcvn3"),
    ("Bé tr\xadëng Bé X©y dùng", "Bộ trưởng Bộ Xây dựng", "tcvn3"),  # 0xAD (soft hyphen in latin-1) is ư
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", HEADER, "vni"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", MOTTO, "vni"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", HEADER.upper(), "vni"),
    ("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC", MOTTO.upper(), "vni"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn", "vni"),  # reliability.md #23 example
    ("Haø Noäi, ngaøy 15 thaùng 3 naêm 2020", "Hà Nội, ngày 15 tháng 3 năm 2020", "vni"),
]


@pytest.mark.parametrize("garble, expected, encoding", GARBLE)
def test_repair_mojibake_of_typical_garble(garble, expected, encoding):
    assert repair_mojibake(garble) == (expected, encoding)


@pytest.mark.parametrize("garble, expected, encoding", GARBLE)
def test_decode_bytes_of_legacy_bytes_and_of_utf8_mojibake(garble, expected, encoding):
    assert decode_bytes(garble.encode("latin-1")) == (expected, encoding)
    assert decode_bytes(garble.encode("utf-8")) == (expected, f"utf-8+{encoding}")
    assert decode_bytes(b"\xef\xbb\xbf" + garble.encode("utf-8")) == (expected, f"utf-8+{encoding}")
    assert decode_bytes(b"\xff\xfe" + garble.encode("utf-16-le")) == (expected, f"utf-16+{encoding}")


@pytest.mark.parametrize("legacy, unicode", [
    # domain.md §10.3 TCVN3 examples
    ("µ¸¶·¹", "àáảãạ"), ("¨»¾¼½Æ", "ăằắẳẵặ"), ("©ÇÊÈÉË", "âầấẩẫậ"), ("®", "đ"), ("ª", "ê"), ("«", "ô"),
    ("¬", "ơ"), ("\xad", "ư"), ("§", "Đ"), ("¡¢£¤¥¦", "ĂÂÊÔƠƯ"),
    ("Ð", "é"),            # §10.4: in TCVN3 text "Ð" is really é
    ("a\xb3", "á"),        # VN1 combining tone byte after a vowel (what glibc writes for NFD input)
    ("30\xb0C m\xb2", "30°C m²"),  # ... but not after a digit or consonant
    ("\x93trÝch\x94", "“trích”"),  # 0x80..0x9F are cp1252 punctuation in .VnTime documents
])
def test_tcvn3_codes(legacy, unicode):
    assert tcvn3_to_unicode(legacy, fix_caps=False) == unicode


@pytest.mark.parametrize("legacy, unicode", [
    # domain.md §10.3 VNI examples
    ("aù", "á"), ("aø", "à"), ("aû", "ả"), ("aõ", "ã"), ("aï", "ạ"), ("aâ", "â"), ("aá", "ấ"), ("aê", "ă"),
    ("ô", "ơ"), ("ö", "ư"), ("ñ", "đ"), ("Ñ", "Đ"), ("æ", "ỉ"), ("ó", "ĩ"), ("ò", "ị"), ("î", "ỵ"),
    ("ñöôïc", "được"), ("ngöôøi", "người"), ("UÛy ban", "Ủy ban"), ("VIEÄT", "VIỆT"),
    ("aéaèaúaüaë", "ắằẳẵặ"), ("eáeàeåeãeä", "ếềểễệ"), ("oáoàoåoãoä", "ốồổỗộ"),
])
def test_vni_codes(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode


@pytest.mark.parametrize("text, tcvn3, vni", [
    ("Việt Nam", b"Vi\xd6t Nam", b"Vie\xe4t Nam"),
    ("VIỆT NAM", b"VI\xd6T NAM", b"VIE\xc4T NAM"),  # TCVN3: lowercase code for a toned capital (H fonts)
    ("Đ đ Ă ă", b"\xa7 \xae \xa1 \xa8", b"\xd1 \xf1 A\xca a\xea"),
    ("“trích”", b"\x93tr\xddch\x94", b"\x93tr\xedch\x94"),
])
def test_encoders(text, tcvn3, vni):
    assert unicode_to_tcvn3(text) == tcvn3
    assert unicode_to_vni(text) == vni


@pytest.mark.parametrize("encode", [unicode_to_tcvn3, unicode_to_vni])
def test_encoders_refuse_what_they_cannot_write(encode):
    with pytest.raises(UnicodeEncodeError):
        encode("giá 5.000₫")
    assert encode("giá 5.000₫", errors="replace").endswith(b"5.000?")


# ------------------------------------------------------------------------------------------------------
# Round trips on real text


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_round_trip_vni(path):
    text = read_text(path)
    expected = encodable_or_question(text, unicode_to_vni)
    decoded, encoding = decode_bytes(unicode_to_vni(text, errors="replace"))
    assert encoding == "vni"
    assert decoded == expected
    assert_nfc(decoded)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_round_trip_tcvn3(path):
    text = read_text(path)
    expected = encodable_or_question(text, unicode_to_tcvn3)
    decoded, encoding = decode_bytes(unicode_to_tcvn3(text, errors="replace"))
    assert encoding == "tcvn3"
    assert_nfc(decoded)
    # TCVN3 has no toned capitals: they come back lowercase except in all-caps words
    assert decoded.lower() == expected.lower()
    for original, line in zip(expected.split("\n"), decoded.split("\n")):
        toned_capital = any(c.isupper() and set(unicodedata.normalize("NFD", c)) & set(TONES) for c in original)
        if not toned_capital:
            assert line == original


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_round_trip_sentences_through_utf8_mojibake(path):
    """Legacy bytes read as cp1252 and saved as UTF-8 (the mojibake people mail around) are repaired."""
    for line in sentences(path)[:20]:
        for encode, name in ((unicode_to_vni, "vni"), (unicode_to_tcvn3, "tcvn3")):
            expected = encodable_or_question(line, encode)
            garble = encode(line, errors="replace").decode("cp1252")
            decoded, encoding = decode_bytes(garble.encode("utf-8"))
            assert encoding == f"utf-8+{name}", line
            assert decoded.lower() == expected.lower()


@pytest.mark.parametrize("text", [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC", "ỦY BAN NHÂN DÂN TỈNH", "QUYẾT ĐỊNH:",
    "PHÓ GIÁM ĐỐC**", "TRƯỞNG PHÒNG",
])
def test_tcvn3_h_font_capitals_restored_in_all_caps_lines(text):
    assert decode_bytes(unicode_to_tcvn3(text)) == (text, "tcvn3")


def test_tcvn3_h_font_capitals_known_limits():
    # one-capital words with no all-caps neighbour cannot be told from title case ("Bộ Y tế")
    assert decode_bytes(unicode_to_tcvn3("BỘ Y TẾ"))[0] == "Bộ Y Tế"
    assert decode_bytes(unicode_to_tcvn3("Ủy ban nhân dân"))[0] == "ủy ban nhân dân"


# ------------------------------------------------------------------------------------------------------
# Cross-checks against glibc iconv


@needs_iconv
def test_tcvn3_table_matches_glibc_byte_by_byte():
    codes = [b for b in range(0xA1, 0x100) if not 0xB0 <= b <= 0xB4]  # 0xB0..0xB4: combining marks
    glibc = iconv(b"\n".join(bytes([b]) for b in codes), "TCVN5712-1", "UTF-8").decode("utf-8").split("\n")
    ours = [tcvn3_to_unicode(chr(b), fix_caps=False) for b in codes]
    assert ours == glibc


@needs_iconv
def test_tcvn3_encoder_matches_glibc_for_lowercase_letters():
    for letter in VIETNAMESE_LOWER:
        assert unicode_to_tcvn3(letter) == iconv(letter.encode(), "UTF-8", "TCVN5712-1"), letter


@needs_iconv
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_glibc_tcvn3_round_trips_with_ours(path):
    """Lowercase real sentences (glibc writes toned capitals with VN1 codes TCVN3 fonts lack)."""
    charset = set(map(chr, range(0x20, 0x7F))) | set(VIETNAMESE_LOWER)
    lines = [line.lower() for line in sentences(path) if all(c in charset for c in line.lower())][:30]
    if not lines:
        pytest.skip("no sentence in the common character set")
    text = "\n".join(lines)
    glibc_bytes = iconv(text.encode(), "UTF-8", "TCVN5712-1")
    assert glibc_bytes == unicode_to_tcvn3(text)
    assert iconv(unicode_to_tcvn3(text), "TCVN5712-1", "UTF-8").decode() == text
    assert decode_bytes(glibc_bytes) == (text, "tcvn3")
    # glibc writes a separate tone mark as base + combining byte (0xB0..0xB4); we compose it back
    # (it cannot write a separate circumflex, breve or horn: TCVN5712-1 has no byte for them)
    apart_bytes = iconv(tones_apart(text).encode(), "UTF-8", "TCVN5712-1")
    assert apart_bytes != glibc_bytes
    assert decode_bytes(apart_bytes) == (text, "tcvn3")


@needs_iconv
def test_where_we_differ_from_glibc_tcvn5712_1():
    # toned capitals: glibc uses VN1 codes (0x97 for Ộ), we the lowercase code as .VnTimeH fonts did
    assert iconv("Ộ".encode(), "UTF-8", "TCVN5712-1") == b"\x97"
    assert unicode_to_tcvn3("Ộ") == unicode_to_tcvn3("ộ") == b"\xe9"
    # 0x80..0x9F: VN1 capitals for glibc, cp1252 punctuation for us (what .VnTime documents hold)
    assert iconv(b"\x93", "TCVN5712-1", "UTF-8").decode() == "Ỏ"
    assert tcvn3_to_unicode("\x93") == "“"
    # a combining byte after a consonant: glibc composes ñ, we keep the Latin-1 sign (m² in real text)
    assert iconv(b"n\xb2", "TCVN5712-1", "UTF-8").decode() == "ñ"
    assert tcvn3_to_unicode("n\xb2") == "n²"


@needs_iconv
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_cp1258_from_glibc(path):
    charset = set(map(chr, range(0x20, 0x7F))) | set(VIETNAMESE_LOWER) | {c.upper() for c in VIETNAMESE_LOWER}
    lines = [line for line in sentences(path) if all(c in charset for c in line)][:40]
    if not lines:
        pytest.skip("no sentence in the common character set")
    text = "\n".join(lines)
    data = iconv(text.encode(), "UTF-8", "CP1258")
    assert any(b in data for b in b"\xcc\xec\xde\xd2\xf2")  # CP1258 keeps tone marks as combining bytes
    decoded, encoding = decode_bytes(data)
    assert (decoded, encoding) == (text, "cp1258")
    assert_nfc(decoded)


# ------------------------------------------------------------------------------------------------------
# Unicode transports: UTF-8, BOMs, UTF-16 with and without BOM


SENTENCE = f"{HEADER}\n{MOTTO}\nỦy ban nhân dân tỉnh Quảng Ngãi; “trích yếu” – số 15/QĐ-UBND"


@pytest.mark.parametrize("data, expected, encoding", [
    (SENTENCE.encode("utf-8"), SENTENCE, "utf-8"),
    (b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), SENTENCE, "utf-8-sig"),
    (SENTENCE.encode("utf-16"), SENTENCE, "utf-16"),
    (b"\xff\xfe" + SENTENCE.encode("utf-16-le"), SENTENCE, "utf-16"),
    (b"\xfe\xff" + SENTENCE.encode("utf-16-be"), SENTENCE, "utf-16"),
    (SENTENCE.encode("utf-16-le"), SENTENCE, "utf-16"),  # no BOM: found by the NUL pattern
    (SENTENCE.encode("utf-16-be"), SENTENCE, "utf-16"),
    (unicodedata.normalize("NFD", SENTENCE).encode("utf-8"), SENTENCE, "utf-8"),  # NFD in, NFC out
    (SENTENCE.replace("\n", "\r\n").encode("utf-8"), SENTENCE, "utf-8"),
    (b"line one\rline two\r\n", "line one\nline two\n", "utf-8"),
    (b"Plain ASCII text", "Plain ASCII text", "utf-8"),
    (b"", "", "utf-8"),
    (b"C\xc3\xb4ng\x00 v\xc4\x83n\x00", "Công văn", "utf-8"),  # stray NULs are removed
    (SENTENCE.encode("utf-8")[:-1] + "ạ".encode("utf-8")[:2], SENTENCE[:-1] + "\ufffd", "utf-8"),  # truncated
])
def test_unicode_transports(data, expected, encoding):
    decoded, name = decode_bytes(data)
    assert (decoded, name) == (expected, encoding)
    assert_nfc(decoded)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_real_files_in_utf16(path, codec):
    text = read_text(path)
    assert decode_bytes(text.encode(codec)) == (text, "utf-16")


# ------------------------------------------------------------------------------------------------------
# Real Unicode text is never altered


@pytest.mark.parametrize("path", REAL_FILES + VBPL_SAMPLE, ids=lambda p: p.name)
def test_real_unicode_files_unchanged(path):
    text = read_text(path)
    assert repair_mojibake(text) == (text, None)
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.parametrize("text", [
    "Ông", "Bà", "cá và gà", "Ö", "§ 3", "Société Générale", "café « crème »", "Müller, José", "© 2020 µm",
    "Ôn tập, ôn thi", "Bảng kê\nÖ\nÖ\nÖ",
])
def test_latin1_looking_unicode_unchanged(text):
    assert repair_mojibake(text) == (text, None)


def test_real_vbpl_page_with_tcvn3_body_is_repaired():
    raw = read_text(VBPL_TCVN3_DOC)
    decoded, encoding = decode_bytes(raw.encode("utf-8"))
    assert encoding == "utf-8+tcvn3"
    assert decoded.startswith("QUYẾT ĐỊNH\nV/v: Đính chính Quyết định số 29/2007/QĐ-BXD ngày 31/12/2007 của\n")
    assert "Bộ trưởng Bộ Xây dựng" in decoded and "Cục trưởng Cục Quản lý nhà" in decoded
    assert not set("§®µ¸¶·¹«¬©ª") & set(decoded)
    assert not is_useless_text(raw) and vietnamese_quality(decoded) >= 0.8


# ------------------------------------------------------------------------------------------------------
# Quality measure


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_quality_separates_real_from_stripped_text(path):
    text = read_text(path)
    stripped = strip_diacritics(text)
    assert vietnamese_quality(text) >= 0.8 and not is_useless_text(text)
    assert vietnamese_quality(stripped) < 0.1 and is_useless_text(stripped)


@pytest.mark.parametrize("text, useless", [
    ("CONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc", True),   # stripped OCR layer
    ("Hcok xA HQI CHiJ NGHiA VIET NAM\nDqc lap - Tu do - Hqnh phuc", True),     # stripped and misread
    ("C?ng h?a x? h?i ch? ngh?a Vi?t Nam - ?\xf4c l?p - T? do - H?nh ph?c", True),  # lossy conversion
    ("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam. Ä\x90á»™c láº\xadp", True),  # UTF-8 read as cp1252
    ("#$% @@ 1234 xqzv wkrt ßßß ÿÿÿ ñññ qqqq zzzz bbbb kkkk", True),             # garbage
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam - §éc lËp - Tù do - H¹nh phóc", False),  # repairable TCVN3
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam - Ñoäc laäp - Töï do", False),      # repairable VNI
    (f"{HEADER}\n{MOTTO}", False),
    ("CONG HOA XA HOI", False),                                                  # < 30 letters: no evidence
    ("Pursuant to the Law on Organization of the Government and the Law on Promulgation of "
     "Legislative Documents, the Minister of Finance promulgates this Circular.", False),  # English
])
def test_is_useless_text(text, useless):
    assert is_useless_text(text) is useless


def test_quality_bounds():
    assert vietnamese_quality("") == 0.0
    assert vietnamese_quality("12/2020/NĐ-CP") == 0.0
    assert 0.9 <= vietnamese_quality(f"{HEADER}. {MOTTO}.") <= 1.0


@pytest.mark.parametrize("word, valid", [
    ("hòa", True), ("hoà", True), ("thủy", True), ("thuỷ", True), ("quý", True), ("giữa", True), ("gì", True),
    ("nghĩa", True), ("người", True), ("khuỷu", True), ("chuyển", True), ("hoàn", True), ("Việt", True),
    ("rượu", True), ("xoong", True), ("ĐỘC", True), ("cong", True), ("the", True),
    ("xaõ", False),    # VNI garble read as Latin-1: the tone cannot sit on o in "ao"
    ("Cụũng", False),  # two tones (CP1258 bytes read as TCVN3)
    ("hßa", False), ("nghÜa", False), ("x·", False), ("hòan", False), ("UBND", False),
])
def test_is_vietnamese_syllable(word, valid):
    assert is_vietnamese_syllable(word) is valid
