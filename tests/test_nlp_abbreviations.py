"""Abbreviations a letter defines for itself (Schwartz–Hearst on Vietnamese initials): one row per
sentence → the definitions found."""
import pytest

from pipeline.nlp.abbreviations import find_abbreviations

# sentence                                                          → short form → long form
DEFINITIONS = [
    ("đẩy mạnh công tác cải cách hành chính (CCHC) năm 2023",          {"CCHC": "cải cách hành chính"}),
    ("phát triển cụm công nghiệp (CCN) trên địa bàn",                  {"CCN": "cụm công nghiệp"}),
    ("Ủy ban nhân dân (UBND) tỉnh",                                    {"UBND": "Ủy ban nhân dân"}),
    ("Hội đồng nhân dân (HĐND) tỉnh",                                  {"HĐND": "Hội đồng nhân dân"}),   # Đ ~ D
    ("chuyển đổi số (CĐS) trong cơ quan nhà nước",                     {"CĐS": "chuyển đổi số"}),
    ("Sở Giáo dục và Đào tạo (SGDĐT) thành phố",                       {"SGDĐT": "Sở Giáo dục và Đào tạo"}),  # 'và' has no letter
    ("Bộ Giáo dục và Đào tạo (BGD&ĐT)",                                {"BGD&ĐT": "Bộ Giáo dục và Đào tạo"}),
    ("Sở Văn hóa, Thể thao và Du lịch (SVHTTDL)",                      {"SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch"}),
    ("hệ thống quản lý văn bản và điều hành (QLVBĐH) của tỉnh",        {"QLVBĐH": "quản lý văn bản và điều hành"}),
    ("Trung tâm Phục vụ hành chính công (TTPVHCC)",                    {"TTPVHCC": "Trung tâm Phục vụ hành chính công"}),
    ("Ban Chỉ đạo (BCĐ) và Tổ giúp việc (TGV)",                        {"BCĐ": "Ban Chỉ đạo", "TGV": "Tổ giúp việc"}),
    # first definition wins
    ("cải cách hành chính (CCHC); sau đó: công chức hành chính (CCHC)", {"CCHC": "cải cách hành chính"}),
    # brackets that define nothing
    ("văn bản (xem Phụ lục) kèm theo",                                 {}),
    ("báo cáo (BC) của các đơn vị",                                    {"BC": "báo cáo"}),
    ("kết quả thực hiện (ABC)",                                        {}),     # letters are not the initials
    ("số lượng (05) bản",                                              {}),
    ("đề nghị Sở Nội vụ\n(SNV) tổng hợp",                              {"SNV": "Sở Nội vụ"}),   # wrapped before the bracket
    ("",                                                               {}),
]


@pytest.mark.parametrize("text, expected", DEFINITIONS)
def test_find_abbreviations(text, expected):
    assert find_abbreviations(text) == expected
