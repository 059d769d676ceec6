"""Dates as letters print them (domain.md §7): one row per printed form → iso, day, month, year."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.nlp.dates import date_after, find_dates

# text as printed                                 → iso            day   month year
DATES = [
    ("Hà Nội, ngày 05 tháng 01 năm 2024",            "2024-01-05",    5,    1,    2024),   # header form (PL I 4b)
    ("Cần Thơ, ngày 29 tháng 3 năm 2023",            "2023-03-29",    29,   3,    2023),
    ("ngày15 tháng 5 năm 2024",                      "2024-05-15",    15,   5,    2024),   # glued to 'ngày'
    ("NGÀY 01 THÁNG 12 NĂM 2025",                    "2025-12-01",    1,    12,   2025),
    ("ban hành ngày 29/3/2023",                      "2023-03-29",    29,   3,    2023),
    ("ngày 29/03/2023",                              "2023-03-29",    29,   3,    2023),
    ("29/03/2023",                                   "2023-03-29",    29,   3,    2023),
    ("ngày 1/1/2023",                                "2023-01-01",    1,    1,    2023),
    ("03.12.2007",                                   "2007-12-03",    3,    12,   2007),   # dotted, day first
    ("29-3-2023",                                    "2023-03-29",    29,   3,    2023),
    ("7/7/2020",                                     "2020-07-07",    7,    7,    2020),
    ("12/01/2024",                                   "2024-01-12",    12,   1,    2024),   # never US order
    ("ngày   tháng 7 năm 2026",                      None,            None, 7,    2026),   # a draft: day blank
    ("ngày … tháng … năm 2025",                      None,            None, None, 2025),
    ("Hà Nội, ngày … tháng … năm 20…",               None,            None, None, None),   # blank template
    ("ngày ... tháng ... năm ...",                   None,            None, None, None),
    ("ngày 12 tháng 54 năm 2025",                    "2025-05-12",    12,   5,    2025),   # footnote 4 after May
    ("31/2/2024",                                    None,            31,   2,    2024),   # not in the calendar
    ("ngày 30 tháng 02 năm 2024",                    None,            30,   2,    2024),
    ("ngày 29/2/2024",                               "2024-02-29",    29,   2,    2024),   # leap day
    ("ngày l6 tháng 5 năm 2024",                     "2024-05-16",    16,   5,    2024),   # OCR l for 1
]


@pytest.mark.parametrize("text, iso, day, month, year", DATES)
def test_date_forms(text, iso, day, month, year):
    found = find_dates(text)
    assert len(found) == 1, found
    d = found[0]
    assert (d.iso, d.day, d.month, d.year) == (iso, day, month, year)


@pytest.mark.parametrize("text", [
    "Ngày, tháng, năm sinh",                          # a form's field label, no blank printed
    "Số: 15/QĐ-UBND",
    "TCVN 6909:2001",
    "từ 29/6 đến 30/6",
    "tháng 3/2023",                                   # month only: not a date of a document
    "năm 2023",
    "1.234.567 đồng",
])
def test_not_dates(text):
    assert [d.iso for d in find_dates(text) if d.day] == []


def test_several_dates_in_order_with_spans():
    text = "Nghị định ngày 05 tháng 3 năm 2020 và Thông tư ngày 7/7/2020."
    found = find_dates(text)
    assert [d.iso for d in found] == ["2020-03-05", "2020-07-07"]
    assert [text[d.start:d.end] for d in found] == ["ngày 05 tháng 3 năm 2020", "7/7/2020"]


# text, the offset just after a cited number → the date that follows it
@pytest.mark.parametrize("text, after, iso", [
    ("Công văn số 649/UBND-KSTTHC ngày 29/3/2023 của UBND", "KSTTHC", "2023-03-29"),
    ("Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ", "NĐ-CP", "2020-03-05"),
    ("Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;", "Chính phủ", "2015-06-19"),
    ("Quyết định số 15/QĐ-UBND, ngày 05/01/2024", "QĐ-UBND", "2024-01-05"),
    ("Quyết định số 15/QĐ-UBND đã ban hành ngày 05/01/2024", "QĐ-UBND", "2024-01-05"),
    ("Quyết định số 15/QĐ-UBND của UBND tỉnh ngày 1/1/2020", "QĐ-UBND", None),   # too far: not its date
    ("Kế hoạch số 45/KH-UBND về triển khai năm 2024", "KH-UBND", None),
])
def test_date_after(text, after, iso):
    d = date_after(text, text.index(after) + len(after))
    assert (d.iso if d else None) == iso
    if d:
        assert text[d.start:d.end].endswith(("2015", "2020", "2023", "2024"))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("ngàytháng năm0123456789/.-…_ lI|:,")), max_size=120))
def test_find_dates_never_raises(text):
    for d in find_dates(text):
        assert 0 <= d.start < d.end <= len(text)
        assert d.iso is None or (d.day and d.month and d.year)
