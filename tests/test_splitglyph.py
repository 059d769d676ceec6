"""Syllables split by the vbpl.vn renderer (domain.md §10.14) are joined back, and only in such texts."""
import pytest

from pipeline.ingest import read_document
from pipeline.nlp import read_letter
from pipeline.text.splitglyph import has_split_glyphs, repair_split_glyphs

from conftest import SHARED

SPLIT_HEADER = "CHÍNH PH Ủ\nS ố: 309/2025/NĐ-CP\nHà N ội, ng ày 29 tháng 11 năm 2025\n"


@pytest.mark.parametrize("split, joined", [
    ("CHÍNH PH Ủ", "CHÍNH PHỦ"), ("Hà N ội, ng ày 10", "Hà Nội, ngày 10"), ("B Ộ KHOA HỌC V À CÔNG NGH Ệ", "BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
    ("Tr ầ n Thanh M ẫ n", "Trần Thanh Mẫn"), ("S ố: 90 /20 25 /TT-BNNM T", "Số: 90/2025/TT-BNNMT"),
    ("Bộ Y tế", "Bộ Y tế"),
])
def test_split_syllables_are_joined_in_a_split_text(split, joined):
    assert repair_split_glyphs(SPLIT_HEADER + split).split("\n")[-1] == joined


@pytest.mark.parametrize("text", ["Phụ lục V Ủy ban nhân dân tỉnh", "BỘ Y TẾ\nSố: 45/2025/TT-BYT\nHà Nội, ngày 25 tháng 11",
                                  "Điểm b ấy là khoản c Điều 5"])
def test_ordinary_text_is_never_touched(text):
    assert not has_split_glyphs(text) and repair_split_glyphs(text) == text


def test_a_real_split_portal_page_reads_as_a_letter():
    path = SHARED / "corpus" / "vbpl" / "docs" / "doc_000419.txt"
    letter = read_letter(read_document(path))
    assert (letter.issuer, letter.full_number, letter.place, letter.date) == (
        "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "54/2025/TT-BKHCN", "Hà Nội", "2025-12-31")
