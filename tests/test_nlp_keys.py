"""Document identity (contract "Document key", domain.md §4): one row per document → its key."""
import pytest

from pipeline.nlp.keys import document_key, fold_number, is_local_issuer, issuer_slug
from pipeline.nlp.numbers import parse_number


def key_of(printed: str, year=None, issuer=None):
    """The key of a printed number, as letter.py builds it (number parts from the grammar)."""
    n = parse_number(printed)
    return document_key(n.number, n.symbol, year or n.year, shape=n.shape, issuer=issuer, org_code=n.org_code)


# printed number             year   issuer as printed                        → key
KEYS = [
    # normative and law-like numbers carry their year: the folded number is the key
    ("30/2020/NĐ-CP",           None,  None,                                    "30/2020/ND-CP"),
    ("30/2020/NĐ-CP",           2020,  "CHÍNH PHỦ",                             "30/2020/ND-CP"),
    ("04/2016/TT-BGDĐT",        None,  None,                                    "4/2016/TT-BGDDT"),
    ("03/2016/TTLT-BTP-BTC",    None,  None,                                    "3/2016/TTLT-BTP-BTC"),
    ("80/2015/QH13",            None,  None,                                    "80/2015/QH13"),
    ("02/2022/UBTVQH15",        None,  None,                                    "2/2022/UBTVQH15"),
    ("18-NQ/TW",                None,  None,                                    "18-NQ/TW"),
    # administrative numbers restart every year: number/year/symbol@issuer
    ("649/UBND-KSTTHC",         2023,  "ỦY BAN NHÂN DÂN TỈNH HẬU GIANG",        "649/2023/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang"),
    ("05/QĐ-UBND",              2024,  "UBND tỉnh Lào Cai",                     "5/2024/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai"),
    ("05/QĐ-UBND",              2024,  "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",          "5/2024/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai"),
    ("05/QĐ-UBND",              2024,  "Uỷ ban nhân dân tỉnh Lào Cai",          "5/2024/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai"),
    ("12/TTr-SNV",              2024,  "SỞ NỘI VỤ",                             "12/2024/TTR-SNV@so-noi-vu"),
    ("03/QyĐ-UBND",             2024,  "UBND TP. Hải Phòng",                    "3/2024/QYD-UBND@uy-ban-nhan-dan-thanh-pho-hai-phong"),
    # central issuers are unique by their symbol code, whatever the text calls them
    ("977/QĐ-TTg",              2023,  None,                                    "977/2023/QD-TTG@ttg"),
    ("977/QĐ-TTg",              2023,  "Thủ tướng Chính phủ",                   "977/2023/QD-TTG@ttg"),
    ("05/BNV-VP",               2020,  "BỘ NỘI VỤ",                             "5/2020/BNV-VP@bnv"),
    ("18/VBHN-VPQH",            2018,  None,                                    "18/2018/VBHN-VPQH@vpqh"),
    # identity incomplete: no key rather than a guess
    ("15/QĐ-UBND",              None,  "UBND tỉnh Lào Cai",                     None),   # admin without a year
]


@pytest.mark.parametrize("printed, year, issuer, key", KEYS)
def test_document_key(printed, year, issuer, key):
    assert key_of(printed, year, issuer) == key


@pytest.mark.parametrize("number, symbol", [
    (None, "QĐ-UBND"),        # Số: /QĐ-UBND (a draft)
    ("", "SGDDĐT-VP"),
    ("15", None),
])
def test_blank_number_has_no_key(number, symbol):
    assert document_key(number, symbol, 2024, shape="admin", issuer="UBND tỉnh Lào Cai", org_code="UBND") is None


def test_key_is_the_same_however_the_number_is_printed():
    a = key_of("05 / QĐ – UBND", 2024, "UBND tỉnh Lào Cai")
    b = key_of("5/QĐ-UBND", 2024, "ỦY BAN NHÂN DÂN TỈNH LÀO CAI")
    assert a == b == "5/2024/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai"
    assert key_of("30 / 2020 / NĐ — CP") == key_of("30/2020/NĐ-CP")


def test_same_symbol_different_issuers_or_years_differ():
    assert key_of("15/QĐ-UBND", 2024, "UBND tỉnh Lào Cai") != key_of("15/QĐ-UBND", 2024, "UBND tỉnh Yên Bái")
    assert key_of("15/QĐ-UBND", 2024, "UBND tỉnh Lào Cai") != key_of("15/QĐ-UBND", 2025, "UBND tỉnh Lào Cai")


# issuer as printed                           → slug
@pytest.mark.parametrize("issuer, slug", [
    ("UBND tỉnh Lào Cai",                       "uy-ban-nhan-dan-tinh-lao-cai"),
    ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI",            "uy-ban-nhan-dan-tinh-lao-cai"),
    ("Ủy ban nhân dân tỉnh Lào Cai",            "uy-ban-nhan-dan-tinh-lao-cai"),
    ("HĐND tỉnh Lào Cai",                       "hoi-dong-nhan-dan-tinh-lao-cai"),
    ("UBND TP. Hải Phòng",                      "uy-ban-nhan-dan-thanh-pho-hai-phong"),
    ("UBND Thành phố Hải Phòng",                "uy-ban-nhan-dan-thanh-pho-hai-phong"),
    ("UBND Tp. Hồ Chí Minh",                    "uy-ban-nhan-dan-thanh-pho-ho-chi-minh"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",   "uy-ban-nhan-dan-thanh-pho-ho-chi-minh"),
    ("Sở GD&ĐT",                                "so-giao-duc-va-dao-tao"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO",                  "so-giao-duc-va-dao-tao"),
    ("Bộ Nội vụ",                               "bo-noi-vu"),
    ("",                                        None),
    (None,                                      None),
])
def test_issuer_slug(issuer, slug):
    assert issuer_slug(issuer) == slug


@pytest.mark.parametrize("printed, folded", [
    ("05 / QĐ – UBND",   "5/QD-UBND"),
    ("030/2020/NĐ-CP",   "30/2020/ND-CP"),
    ("10/2020/QĐ-UBND",  "10/2020/QD-UBND"),     # only leading zeros go
    ("2170/QĐ-UBND",     "2170/QD-UBND"),
    ("12/TTr-SNV",       "12/TTR-SNV"),
    ("30/2020/NÐ-CP",    "30/2020/ND-CP"),       # Icelandic Ð
    ("04/2016/TT-BTС",   "4/2016/TT-BTC"),       # Cyrillic С (§10.13)
    ("787/C06-P3",       "787/C06-P3"),          # a zero inside a code is not a leading zero
])
def test_fold_number(printed, folded):
    assert fold_number(printed) == folded


@pytest.mark.parametrize("issuer, local", [
    ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", True),
    ("UBND xã Tân Phú", True),
    ("UBND phường Bến Nghé", True),
    ("BỘ NỘI VỤ", False),
    ("CHÍNH PHỦ", False),
    (None, False),
])
def test_is_local_issuer(issuer, local):
    assert is_local_issuer(issuer) is local
