import unicodedata

import pytest

from pipeline.text.normalize import ascii_fold, fold, normalize_text, tone_style_traditional


@pytest.mark.parametrize("raw, expected", [
    ("Ðộc lập", "Độc lập"),                           # Icelandic Ð for Đ
    ("BỘ CÔNG THƢƠNG", "BỘ CÔNG THƯƠNG"),              # OI glyphs of old fonts (real e-office PDF)
    ("2257/QĐ\ufffeUBND", "2257/QĐ-UBND"),             # pdfium's hyphen artefact
    ("TT-BTС", "TT-BTC"),                              # Cyrillic С inside a Latin symbol
    ("Số:\u00a015/QĐ\u2011UBND", "Số: 15/QĐ-UBND"),    # NBSP, non-breaking hyphen
    ("a\u200bb\u00adc\x00d", "abcd"),                  # invisible characters
    ("line\r\nnext\rlast", "line\nnext\nlast"),
    ("Độc lập – Tự do", "Độc lập – Tự do"),            # a printed en dash stays for display
    ("СССР", "СССР"),                                  # an all-Cyrillic word is not touched
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_makes_nfc():
    nfd = unicodedata.normalize("NFD", "Cộng hòa xã hội chủ nghĩa Việt Nam")
    out = normalize_text(nfd)
    assert unicodedata.is_normalized("NFC", out) and out == "Cộng hòa xã hội chủ nghĩa Việt Nam"


@pytest.mark.parametrize("new, old", [
    ("hoà", "hòa"), ("Thuỷ", "Thủy"), ("UỶ BAN", "ỦY BAN"), ("khoẻ", "khỏe"), ("HOẢ TỐC", "HỎA TỐC"),
    ("quý", "quý"), ("quỹ", "quỹ"), ("hoàn", "hoàn"), ("giữ", "giữ"), ("toà án", "tòa án"),
])
def test_tone_placement(new, old):
    assert tone_style_traditional(new) == old


@pytest.mark.parametrize("a, b", [
    ("Quyết định 15 / QĐ – UBND", "QUYẾT ĐỊNH 15/QD-UBND"),
    ("30/2020/NĐ-CP", "30/2020/ND-CP"),
    ("Ủy ban", "Uỷ Ban"),
    ("2865/GDĐT –KT&KĐCL", "2865/GDĐT-KT&KĐCL"),
])
def test_fold_equates(a, b):
    assert fold(a) == fold(b)


def test_fold_keeps_other_diacritics_and_ascii_fold_drops_them():
    assert fold("đào tạo") != fold("dao tao")
    assert ascii_fold("đào tạo") == ascii_fold("Dao Tao") == "DAO TAO"


def test_fold_never_changes_the_input():
    text = "Uỷ ban nhân dân"
    fold(text)
    assert text == "Uỷ ban nhân dân"
