"""Genre classes seen failing on letters from unseen sources (issue 16, item 4): one table per rule of the genre
(ND30 Phụ lục I; domain.md §1, §3). In the tables ' | ' separates printed lines, top to bottom."""
import pytest

from pipeline.nlp import read_letter
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.numbers import parse_number
from pipeline.nlp.segment import lines_of
from pipeline.nlp.signature import read_signature
from pipeline.records import Source


def _lines(table_text: str):
    text = table_text.replace(" | ", "\n")
    return lines_of(text, 0, len(text))


def _letter(text: str) -> dict:
    return read_letter(Source(path="x.txt", sha256="0", format="txt", text=text.replace(" | ", "\n"))).to_json()


# ô 3 as printed (no space after "Số:", Party/Đoàn/Công đoàn shapes, '&' and '_' in a symbol)
#  text                                → full_number                 symbol                    year  shape
NUMBERS = [
    ("Số:09/2010/QĐ-UBND",                 "09/2010/QĐ-UBND",            "QĐ-UBND",                2010, "normative"),
    ("Số:245/UBND-VP",                     "245/UBND-VP",                "UBND-VP",                None, "admin"),
    ("Số:156-CV/TĐTN-BCTĐ&TTN",            "156-CV/TĐTN-BCTĐ&TTN",       "CV/TĐTN-BCTĐ&TTN",       None, "party"),
    ("Số: 156-CV/TĐTN-BCTĐ&TTN",           "156-CV/TĐTN-BCTĐ&TTN",       "CV/TĐTN-BCTĐ&TTN",       None, "party"),
    ("Số: 55- TB/ĐTN",                     "55-TB/ĐTN",                  "TB/ĐTN",                 None, "party"),
    ("Số: 18-NQ/TW",                       "18-NQ/TW",                   "NQ/TW",                  None, "party"),
    ("Số: 12/UBND_VP",                     "12/UBND-VP",                 "UBND-VP",                None, "admin"),
    ("Số: 12/KH-UBND_VP",                  "12/KH-UBND-VP",              "KH-UBND-VP",             None, "admin"),
    ("Số: 41/2013/TB-ĐHCNTP_ĐT",           "41/2013/TB-ĐHCNTP-ĐT",       "TB-ĐHCNTP-ĐT",           2013, "normative"),
    ("Số: 07-CV/CĐN_TC",                   "07-CV/CĐN-TC",               "CV/CĐN-TC",              None, "party"),
]


@pytest.mark.parametrize("text, full_number, symbol, year, shape", NUMBERS)
def test_number_as_printed(text, full_number, symbol, year, shape):
    n = parse_number(text)
    assert n is not None, text
    assert (n.full_number, n.symbol, n.year, n.shape) == (full_number, symbol, year, shape)


@pytest.mark.parametrize("text", ["TCVN 6909:2001", "lúc 10:30/ngày", "ô số:", "Số: ____/UBND", "Số: 12/____"])
def test_still_not_numbers(text):
    assert parse_number(text) is None, text


# ô 7a: the authority prefixes with and without the space after the dot, and with a slash
#  column                                         → authority                           title
AUTHORITIES = [
    ("KT.CHỦ TỊCH | PHÓ CHỦ TỊCH | Lê Văn Cường",         "KT. CHỦ TỊCH",                      "PHÓ CHỦ TỊCH"),
    ("TM.ỦY BAN NHÂN DÂN | CHỦ TỊCH | Lê Văn Cường",      "TM. ỦY BAN NHÂN DÂN",               "CHỦ TỊCH"),
    ("TM.ỦY BAN NHÂN DÂN | KT.CHỦ TỊCH | PHÓ CHỦ TỊCH | Lê Văn Cường",
                                                          "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ("K/T CHỦ TỊCH | PHÓ CHỦ TỊCH | Lê Văn Cường",        "KT. CHỦ TỊCH",                      "PHÓ CHỦ TỊCH"),
    ("T/M BAN THƯỜNG VỤ | BÍ THƯ | Lê Văn Cường",         "TM. BAN THƯỜNG VỤ",                 "BÍ THƯ"),
    ("TL.BỘ TRƯỞNG | VỤ TRƯỞNG | Lê Văn Cường",           "TL. BỘ TRƯỞNG",                     "VỤ TRƯỞNG"),
    ("TUQ.CHỦ TỊCH | GIÁM ĐỐC SỞ NỘI VỤ | Lê Văn Cường",  "TUQ. CHỦ TỊCH",                     "GIÁM ĐỐC SỞ NỘI VỤ"),
    ("Q.GIÁM ĐỐC | Lê Văn Cường",                         "Q. GIÁM ĐỐC",                       None),
    ("KT.TRƯỞNG KHOA | PHÓ TRƯỞNG KHOA | Lê Văn Cường",   "KT. TRƯỞNG KHOA",                   "PHÓ TRƯỞNG KHOA"),
]


@pytest.mark.parametrize("column, authority, title", AUTHORITIES)
def test_authority_prefix_without_space(column, authority, title):
    sig = read_signature(_lines(column), load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == ("Lê Văn Cường", authority, title)
