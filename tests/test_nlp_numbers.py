"""Number-and-symbol grammar (domain.md §3, §10): one row per printed form → the record fields."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.nlp.numbers import clean_symbol, find_numbers, number_key, parse_number
from pipeline.text.normalize import normalize_text

FAST = settings(max_examples=200, deadline=None, database=None)


# text as printed                         → full_number              number  symbol            year  shape
SHAPES = [
    ("Số: 15/QĐ-UBND",                       "15/QĐ-UBND",            "15",   "QĐ-UBND",        None, "admin"),
    ("Số: 649/UBND-KSTTHC",                  "649/UBND-KSTTHC",       "649",  "UBND-KSTTHC",    None, "admin"),
    ("Số: 05/BNV-VP",                        "05/BNV-VP",             "05",   "BNV-VP",         None, "admin"),
    ("Nghị định số 30/2020/NĐ-CP",           "30/2020/NĐ-CP",         "30",   "NĐ-CP",          2020, "normative"),
    ("Thông tư liên tịch 03/2016/TTLT-BTP-BTC", "03/2016/TTLT-BTP-BTC", "03", "TTLT-BTP-BTC",   2016, "normative"),
    # joint circulars numbered before ND110/2004: a slash between the type and the issuers
    ("Thông tư liên tịch số 01/2001/TTLT/BNG-TCBĐ ngày", "01/2001/TTLT/BNG-TCBĐ", "01", "TTLT/BNG-TCBĐ", 2001, "normative"),
    ("theo Thông tư số 46/2001/TTLT/BTC-BGD&ĐT ngày",  "46/2001/TTLT/BTC-BGD&ĐT", "46", "TTLT/BTC-BGD&ĐT", 2001, "normative"),
    ("số 12/2003/TTLT /BTC-BLĐTBXH ngày",         "12/2003/TTLT/BTC-BLĐTBXH", "12", "TTLT/BTC-BLĐTBXH", 2003, "normative"),
    ("Quyết định 15/2025/QĐ-UBND",           "15/2025/QĐ-UBND",       "15",   "QĐ-UBND",        2025, "normative"),
    ("Luật số 80/2015/QH13",                 "80/2015/QH13",          "80",   "QH13",           2015, "law"),
    ("Pháp lệnh số 02/2022/UBTVQH15",        "02/2022/UBTVQH15",      "02",   "UBTVQH15",       2022, "law"),
    ("Văn bản hợp nhất số 18/VBHN-VPQH",     "18/VBHN-VPQH",          "18",   "VBHN-VPQH",      None, "admin"),
    ("Số: 05/SY-UBND",                       "05/SY-UBND",            "05",   "SY-UBND",        None, "admin"),
    ("Số: 12/TrS-UBND",                      "12/TrS-UBND",           "12",   "TrS-UBND",       None, "admin"),
    ("Nghị quyết số 18-NQ/TW",               "18-NQ/TW",              "18",   "NQ/TW",          None, "party"),
    ("Kết luận số 269- KL/TU",               "269-KL/TU",             "269",  "KL/TU",          None, "party"),
    ("Nghị định số 101/CP ngày 23/9/1997",   "101/CP",                "101",  "CP",             None, "admin"),
    # spaces and typographic dashes inside a number (§10.5)
    ("Số: 2170 /QĐ - UBND",                  "2170/QĐ-UBND",          "2170", "QĐ-UBND",        None, "admin"),
    ("Số: 2865/GDĐT –KT&KĐCL",               "2865/GDĐT-KT&KĐCL",     "2865", "GDĐT-KT&KĐCL",   None, "admin"),
    ("Nghị định 30 / 2020 / NĐ — CP",        "30/2020/NĐ-CP",         "30",   "NĐ-CP",          2020, "normative"),
    ("Chỉ thị số 05 – CT/TW",                "05-CT/TW",              "05",   "CT/TW",          None, "party"),
    # mixed-case official codes stay as printed (§2.1, §10.8)
    ("Tờ trình số 12/TTr-SNV",               "12/TTr-SNV",            "12",   "TTr-SNV",        None, "admin"),
    ("Quy định số 03/QyĐ-UBND",              "03/QyĐ-UBND",           "03",   "QyĐ-UBND",       None, "admin"),
    ("Chương trình số 45/CTr-UBND",          "45/CTr-UBND",           "45",   "CTr-UBND",       None, "admin"),
    ("Quyết định số 977/QĐ-TTg",             "977/QĐ-TTg",            "977",  "QĐ-TTg",         None, "admin"),
    # a footnote digit glued to a known issuer code is dropped; a unit code keeps its digit
    ("Nghị định số 105/2025/NĐ-CP2 ngày",    "105/2025/NĐ-CP",        "105",  "NĐ-CP",          2025, "normative"),
    ("Nghị quyết số 42/2024/QH151 ngày",     "42/2024/QH15",          "42",   "QH15",           2024, "law"),
    ("Công văn số 847/UBND-VX1 ngày",        "847/UBND-VX1",          "847",  "UBND-VX1",       None, "admin"),
    # a symbol wrapped after its dash
    ("Quyết định số 15/QĐ-\nUBND ngày",      "15/QĐ-UBND",            "15",   "QĐ-UBND",        None, "admin"),
]


@pytest.mark.parametrize("text, full_number, number, symbol, year, shape", SHAPES)
def test_number_shapes(text, full_number, number, symbol, year, shape):
    n = parse_number(text)
    assert n is not None, text
    assert (n.full_number, n.number, n.symbol, n.year, n.shape) == (full_number, number, symbol, year, shape)


# number            → org_code   type named by the symbol
PARTS = [
    ("15/QĐ-UBND",       "UBND",    "Quyết định"),
    ("649/UBND-KSTTHC",  "UBND",    None),            # công văn: issuer first, no type element
    ("30/2020/NĐ-CP",    "CP",      "Nghị định"),
    ("03/2016/TTLT-BTP-BTC", "BTP", "Thông tư liên tịch"),
    ("01/2001/TTLT/BNG-TCBĐ", "BNG", "Thông tư liên tịch"),
    ("80/2015/QH13",     "QH13",    None),
    ("18/VBHN-VPQH",     "VPQH",    "Văn bản hợp nhất"),
    ("05/SY-UBND",       "UBND",    "Bản sao y"),
    ("18-NQ/TW",         "TW",      "Nghị quyết"),
    ("12/TTr-SNV",       "SNV",     "Tờ trình"),
    ("03/QyĐ-UBND",      "UBND",    "Quy định"),
    ("45/CTr-UBND",      "UBND",    "Chương trình"),   # CTr is not CT (Chỉ thị)
    ("05/CT-UBND",       "UBND",    "Chỉ thị"),
    ("977/QĐ-TTg",       "TTg",     "Quyết định"),
    ("101/CP",           "CP",      None),
]


@pytest.mark.parametrize("text, org_code, type_name", PARTS)
def test_org_code_and_type(text, org_code, type_name):
    n = parse_number(text)
    assert (n.org_code, n.type_code_name) == (org_code, type_name)


@pytest.mark.parametrize("raw, expected", [
    ("Số: 15/QÐ-UBND", "15/QĐ-UBND"),                  # Icelandic Ð (U+00D0), repaired at ingest
    ("Nghị định 30/2020/NÐ-CP", "30/2020/NĐ-CP"),
    ("Thông tư 04/2016/TT-BGDÐT", "04/2016/TT-BGDĐT"),
    ("Số: 15/QĐ\u2011UBND", "15/QĐ-UBND"),             # non-breaking hyphen
    ("Số:\u00a015\u00a0/QĐ-UBND", "15/QĐ-UBND"),       # no-break spaces
    ("2257/QĐ\ufffeUBND", "2257/QĐ-UBND"),             # pdfium's hyphen artefact
])
def test_numbers_through_the_ingest_normaliser(raw, expected):
    assert [n.full_number for n in find_numbers(normalize_text(raw))] == [expected]


# text that holds no document number
@pytest.mark.parametrize("text", [
    "Bảng mã TCVN 6909:2001",                        # standards: colon + year
    "theo QCVN 122:2024/BGTVT",
    "theo QCVN 01-132:2013/BNNPTNT",
    "chứng nhận ISO 9001:2015",
    "hạn chót ngày 29/6/2026",                       # a date
    "từ 29/6 đến 30/6",
    "5/Sở",                                          # one capital is not a symbol
    "200 m3/Ngày",
    "Số: /QĐ-UBND",                                  # a blank number
    "Công văn số",
    "",
])
def test_not_numbers(text):
    assert find_numbers(text) == []


def test_several_numbers_in_order_without_overlap():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP và Thông tư số 01/2011/TT-BNV, Kết luận 18-KL/TW."
    numbers = find_numbers(text)
    assert [n.full_number for n in numbers] == ["30/2020/NĐ-CP", "01/2011/TT-BNV", "18-KL/TW"]
    assert [text[n.start:n.end] for n in numbers] == ["30/2020/NĐ-CP", "01/2011/TT-BNV", "18-KL/TW"]


@pytest.mark.parametrize("raw, expected", [
    ("QĐ - UBND", "QĐ-UBND"),
    ("NĐ – CP", "NĐ-CP"),
    ("NĐ-CP2", "NĐ-CP"),          # footnote digit after a known issuer code
    ("UBND-VX1", "UBND-VX1"),     # VX is a unit code, not a known issuer: the digit stays
    ("TTLT-BTP-BTC", "TTLT-BTP-BTC"),
    ("TTBYT", "TT-BYT"),          # the dash dropped between type and issuer codes (vbpl doc_000318)
    ("TTBTNMT", "TT-BTNMT"),      # (vbpl doc_000441)
    ("QĐTTg", "QĐ-TTg"),
    ("TTLTBTC", "TTLT-BTC"),      # the longest type code first
    ("TTCP", "TTCP"),             # Thanh tra Chính phủ: an issuer code of its own
    ("VPCP", "VPCP"),             # VP is no type code
    ("KHUBND", "KH-UBND"),
])
def test_clean_symbol(raw, expected):
    assert clean_symbol(raw) == expected


@pytest.mark.parametrize("a, b", [
    ("05 / QĐ – UBND", "5/QD-UBND"),
    ("30/2020/NĐ-CP", "30/2020/ND-CP"),
    ("30/2020/NÐ—CP", "30/2020/nđ-cp"),
    ("18 - NQ/TW", "18-NQ/TW"),
    ("12/TTr-SNV", "12/TTR-SNV"),
])
def test_number_key_equivalence(a, b):
    assert number_key(a) == number_key(b)


def test_number_key_keeps_different_numbers_apart():
    assert number_key("15/QĐ-UBND") != number_key("15/QĐ-TTg")
    assert number_key("150/QĐ-UBND") != number_key("15/QĐ-UBND")
    assert number_key("45/CTr-UBND") != number_key("45/CT-UBND")


# ---------------------------------------------------------------------------------------------- properties

BASES = ["15/QĐ-UBND", "649/UBND-KSTTHC", "30/2020/NĐ-CP", "03/2016/TTLT-BTP-BTC", "80/2015/QH13",
         "02/2022/UBTVQH15", "18/VBHN-VPQH", "05/SY-UBND", "18-NQ/TW", "269-KL/TU", "12/TTr-SNV",
         "03/QyĐ-UBND", "977/QĐ-TTg", "2865/GDĐT-KT&KĐCL", "45/CTr-UBND", "04/2016/TT-BGDĐT"]


@st.composite
def respelled(draw):
    """A number as Word, PDF and typists print it: spaces around '/' and '-', any dash, Ð for Đ."""
    base = draw(st.sampled_from(BASES))
    out = []
    for ch in base:
        if ch in "/-":
            sep = draw(st.sampled_from("-\u2013\u2014")) if ch == "-" else "/"
            out.append(" " * draw(st.integers(0, 2)) + sep + " " * draw(st.integers(0, 2)))
        elif ch == "Đ":
            out.append(draw(st.sampled_from("Đ\u00d0")))
        else:
            out.append(ch)
    return base, "".join(out)


@FAST
@given(respelled())
def test_number_key_ignores_spacing_dashes_and_eth(pair):
    base, printed = pair
    assert number_key(printed) == number_key(base)
    found = find_numbers(normalize_text(f"Căn cứ văn bản số {printed} ngày 05/01/2024."))
    assert [number_key(n.full_number) for n in found] == [number_key(base)]


_ODD = st.sampled_from(list("aAđĐÐðơưyýỷ\u0301\u0300\u0309 -–—‐‑−/\\:;.,&0123456789\n\r\t\u00a0\u200b\u00ad\ufffe"
                            "\ufeffСсТQĐUBNDKHTWSốngày"))


@FAST
@given(st.one_of(st.text(), st.text(alphabet=_ODD)))
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@FAST
@given(st.one_of(st.text(), st.text(alphabet=_ODD, max_size=200)))
def test_find_numbers_never_raises(text):
    for n in find_numbers(text):
        assert 0 <= n.start < n.end <= len(text)
        assert n.full_number
