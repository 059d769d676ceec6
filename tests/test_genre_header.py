"""Genre classes seen failing on letters from unseen sources (issue 16, item 4): one table per rule of the genre
(ND30 Phụ lục I; domain.md §1, §3). In the tables ' | ' separates printed lines, top to bottom."""
import pytest

from pipeline.ingest import read_document
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


# ô 2: the direct superior body over the issuer, or one name on two lines (lexicon heads and 'unfinished' words)
#  left header lines                                                     → issuer                                   parent
ISSUERS = [
    ("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM | CÔNG ĐOÀN GIÁO DỤC VIỆT NAM",      "CÔNG ĐOÀN GIÁO DỤC VIỆT NAM",             "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"),
    ("UBND TỈNH LÀO CAI | SỞ NỘI VỤ",                                        "SỞ NỘI VỤ",                               "UBND TỈNH LÀO CAI"),
    ("TRƯỜNG ĐẠI HỌC CÔNG NGHIỆP THỰC PHẨM TP. HỒ CHÍ MINH | KHOA CÔNG NGHỆ THÔNG TIN",
                                                                             "KHOA CÔNG NGHỆ THÔNG TIN",                "TRƯỜNG ĐẠI HỌC CÔNG NGHIỆP THỰC PHẨM TP. HỒ CHÍ MINH"),
    ("ỦY BAN THƯỜNG VỤ | QUỐC HỘI",                                          "ỦY BAN THƯỜNG VỤ QUỐC HỘI",               None),
    ("UỶ BAN THƯỜNG VỤ | QUỐC HỘI",                                          "UỶ BAN THƯỜNG VỤ QUỐC HỘI",               None),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG | ĐOÀN TNCS HỒ CHÍ MINH",                     "BAN CHẤP HÀNH TRUNG ƯƠNG ĐOÀN TNCS HỒ CHÍ MINH", None),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG | VĂN PHÒNG",                                 "VĂN PHÒNG",                               "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    ("LIÊN ĐOÀN LAO ĐỘNG TỈNH LÀO CAI | BAN CHẤP HÀNH | CÔNG ĐOÀN NGÀNH GIÁO DỤC",
                                                                             "BAN CHẤP HÀNH CÔNG ĐOÀN NGÀNH GIÁO DỤC",  "LIÊN ĐOÀN LAO ĐỘNG TỈNH LÀO CAI"),
    ("ỦY BAN NHÂN DÂN | TỈNH LÀO CAI",                                       "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",            None),
    ("VIỆN HÀN LÂM | KHOA HỌC XÃ HỘI VIỆT NAM",                             "VIỆN HÀN LÂM KHOA HỌC XÃ HỘI VIỆT NAM",   None),
    ("BỘ CÔNG THƯƠNG | CỤC HÓA CHẤT",                                        "CỤC HÓA CHẤT",                            "BỘ CÔNG THƯƠNG"),
]

_HEADER_RIGHT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | Độc lập - Tự do - Hạnh phúc | Hà Nội, ngày 05 tháng 4 năm 2024"


@pytest.mark.parametrize("left, issuer, parent", ISSUERS)
def test_two_line_issuer(left, issuer, parent):
    letter = _letter(f"{left} | Số: 12/KH-ABC | {_HEADER_RIGHT} | KẾ HOẠCH | Về việc tổ chức hội nghị | Thực hiện chỉ đạo.")
    assert (letter["issuer"], letter["parent_issuer"]) == (issuer, parent)


_DRAFT_LEFT = "ỦY BAN NHÂN DÂN | TỈNH LÀO CAI"
_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | Độc lập - Tự do - Hạnh phúc"

# ô 3/ô 4 of a draft: the day left blank for the văn thư; the year comes from "năm 2026" or from the number
#  number line                 date line                                   → year  date  symbol
DRAFTS = [
    ("Số:    /2026/QĐ-UBND",     "Lào Cai, ngày    tháng    năm 2026",        2026, None, "QĐ-UBND"),
    ("Số:    /2026/QĐ-UBND",     "Lào Cai, ngày    tháng    năm 20…",         2026, None, "QĐ-UBND"),
    ("Số: …/2025/QĐ-UBND",       "Lào Cai, ngày … tháng … năm …",             2025, None, "QĐ-UBND"),
    ("Số:    /UBND-KT",          "Lào Cai, ngày    tháng 7 năm 2026",         2026, None, "UBND-KT"),
    ("Số:    /QĐ-UBND",          "Lào Cai, ngày    tháng    năm 2026",        2026, None, "QĐ-UBND"),
    ("Số: 15/2026/QĐ-UBND",      "Lào Cai, ngày    tháng    năm",             2026, None, "QĐ-UBND"),
]


@pytest.mark.parametrize("number_line, date_line, year, date, symbol", DRAFTS)
def test_blank_day_keeps_the_year_and_guesses_no_day(number_line, date_line, year, date, symbol):
    letter = _letter(f"{_DRAFT_LEFT} | {number_line} | {_MOTTO} | {date_line} | QUYẾT ĐỊNH | Về việc ban hành quy chế"
                     " | Căn cứ Luật Tổ chức chính quyền địa phương;")
    assert (letter["year"], letter["date"], letter["symbol"]) == (year, date, symbol)


# the type named by the symbol's type code when no title says it (ND30 Phụ lục III), the number filled or left blank
#  number line                 → doc_type
TYPE_CODES = [
    ("Số: 2094/TB-SYT",           "Thông báo"),
    ("Số:    /TB-SYT",            "Thông báo"),   # the handwritten number left blank (Kiên Giang c126)
    ("Số:    /KH-UBND",           "Kế hoạch"),
    ("Số:    /UBND-KT",           None),          # no type code, no title, no V/v: not guessed
]


@pytest.mark.parametrize("number_line, doc_type", TYPE_CODES)
def test_the_symbol_names_the_type_when_no_title_does(number_line, doc_type):
    letter = _letter(f"{_DRAFT_LEFT} | {number_line} | {_MOTTO} | "
                     "Lào Cai, ngày    tháng 7 năm 2026 | Căn cứ Kế hoạch số 1065/KH-SYT ngày 12/7/2016 của Sở Y tế;")
    assert letter["doc_type"] == doc_type


# ô 7a/7b above 'Nơi nhận:' and the rest of the block after the list (legacy letters order the columns either way)
#  lines before Nơi nhận             lines after the list                  → authority                          title
ABOVE = [
    ("TM. BAN THƯỜNG VỤ",             "CHỦ TỊCH | Nguyễn Văn Bình",           "TM. BAN THƯỜNG VỤ",                 "CHỦ TỊCH"),
    ("T/M BAN CHẤP HÀNH",             "CHỦ TỊCH | Nguyễn Văn Bình",           "TM. BAN CHẤP HÀNH",                 "CHỦ TỊCH"),
    ("KT.GIÁM ĐỐC",                   "PHÓ GIÁM ĐỐC | Nguyễn Văn Bình",       "KT. GIÁM ĐỐC",                      "PHÓ GIÁM ĐỐC"),
    ("TM. ỦY BAN NHÂN DÂN | KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH | Nguyễn Văn Bình",  "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC",   "Nguyễn Văn Bình",                      "KT. GIÁM ĐỐC",                      "PHÓ GIÁM ĐỐC"),
    ("GIÁM ĐỐC",                      "Nguyễn Văn Bình",                      None,                                "GIÁM ĐỐC"),
    ("",                              "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Nguyễn Văn Bình", "KT. GIÁM ĐỐC",             "PHÓ GIÁM ĐỐC"),
]


@pytest.mark.parametrize("above, after, authority, title", ABOVE)
def test_signing_authority_above_noi_nhan(above, after, authority, title):
    lines = " | ".join(part for part in ("Thực hiện kế hoạch, đề nghị các đơn vị triển khai.", above,
                                         "Nơi nhận: | - Như trên; | - Lưu: VT.", after) if part)
    letter = _letter(f"SỞ NỘI VỤ | Số: 12/SNV-VP | {_MOTTO} | Lào Cai, ngày 05 tháng 4 năm 2024 | V/v triển khai"
                     f" | Kính gửi: Các phòng. | {lines}")
    assert (letter["signer"], letter["signing_authority"], letter["signer_title"]) == ("Nguyễn Văn Bình", authority, title)



# ô 4 is the letter's own date: a date right after a cited number in the title is the cited document's
CITED_IN_TITLE = [
    ("NGHỊ QUYẾT | SỬA ĐỔI MỘT SỐ ĐIỀU CỦA NGHỊ QUYẾT SỐ 70/2025/UBTVQH15 NGÀY 07 THÁNG 02 NĂM 2025", None),
    ("QUYẾT ĐỊNH | Bãi bỏ Quyết định số 15/2024/QĐ-UBND ngày 05 tháng 3 năm 2024 | Hà Nội, ngày 09 tháng 4 năm 2026",
     "2026-04-09"),
    ("QUYẾT ĐỊNH | Bãi bỏ Quyết định số 15/2024/QĐ-UBND, ngày 05/3/2024", None),
    ("THÔNG TƯ | Thông tư số 43/2015/TT-BGTVT ngày 20 tháng 8 năm 2015, có hiệu lực kể từ ngày 01 tháng 11 năm 2015", None),
]


@pytest.mark.parametrize("title, date", CITED_IN_TITLE)
def test_a_cited_date_in_the_title_is_not_the_letters_date(title, date, tmp_path):
    text = (f"ỦY BAN THƯỜNG VỤ QUỐC HỘI | ------- | {_MOTTO} | ------- | Nghị quyết số: 120/2026/UBTVQH15 | {title}"
            " | ỦY BAN THƯỜNG VỤ QUỐC HỘI | Căn cứ Hiến pháp;")
    path = tmp_path / "letter.txt"
    path.write_text(text.replace(" | ", "\n") + "\n", encoding="utf-8")
    letter = read_letter(read_document(str(path))).to_json()
    assert letter["date"] == date
    assert letter["year"] == 2026


# An appendix after the signature opens with PHỤ LỤC, or with its capitals title over "(Kèm theo …)" (ND30 Phụ
# lục I mục IV): neither its title nor its text is the signer's (tests/corpus c003; vbpl doc_000222).
APPENDIX = [
    "PHỤ LỤC I | DANH MỤC CÁC ĐƠN VỊ | (Kèm theo Công văn số 12/SNV-VP ngày 05/4/2024 của Sở Nội vụ)",
    "BẢNG TIÊU CHÍ ĐÁNH GIÁ, XẾP LOẠI | TRUNG TÂM HỌC TẬP CỘNG ĐỒNG | (TỪ NĂM 2025) | * (Ban hành kèm theo Công văn"
    " số 12/SNV-VP ngày 05/4/2024 của Sở Nội vụ Thành phố Hồ Chí Minh)*",
    "QUY CHẾ | Làm việc của Ủy ban nhân dân tỉnh | (Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 05/4/2024)",
    "",
]


@pytest.mark.parametrize("appendix", APPENDIX)
def test_an_appendix_after_the_signature_is_not_the_signer(appendix):
    tail = f" | {appendix} | TIÊU CHÍ | Mức điểm theo yêu cầu | Nguyễn Thị Hoa" if appendix else ""
    letter = _letter(f"SỞ NỘI VỤ | Số: 12/SNV-VP | {_MOTTO} | Lào Cai, ngày 05 tháng 4 năm 2024 | V/v triển khai"
                     " | Kính gửi: Các phòng. | Đề nghị các đơn vị triển khai. | Nơi nhận: | - Như trên; | - Lưu: VT."
                     f" | KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Nguyễn Văn Bình{tail}")
    assert (letter["signer"], letter["signing_authority"], letter["signer_title"]) == \
        ("Nguyễn Văn Bình", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


# ô 5b (V/v …) ends where ô 9a (Kính gửi) begins, also when both stand in the left column of the header, before
# the motto (a DOCX whose left header cell holds both; a scan's OCR layer read column by column)
@pytest.mark.parametrize("kinh_gui, recipients", [
    ("Kính gửi: Sở Nội vụ.", ["Sở Nội vụ"]),
    ("Kính gửi: | - Báo Hải Dương; | - Các doanh nghiệp viễn thông trên địa bàn tỉnh.",
     ["Báo Hải Dương", "Các doanh nghiệp viễn thông trên địa bàn tỉnh"]),
])
def test_vv_subject_stops_at_kinh_gui(kinh_gui, recipients):
    letter = _letter(f"SỞ THÔNG TIN VÀ TRUYỀN THÔNG | Số: 12/STTTT-VP | V/v tham gia góp ý dự thảo | Nghị định thay"
                     f" thế Nghị định 72/2013/NĐ-CP | {kinh_gui} | {_MOTTO} | Hải Dương, ngày 19 tháng 7 năm 2023 |"
                     " Thực hiện Công văn số 2809/BTTTT-PTTH ngày 14/7/2023, Sở đề nghị các cơ quan góp ý.")
    assert letter["subject"] == "tham gia góp ý dự thảo Nghị định thay thế Nghị định 72/2013/NĐ-CP"
    assert letter["recipients"] == recipients


# ô 5a is one phrase (the trích yếu); the body's first sentence (ô 6) that restates it in full is the body's,
# also when it opens with no formula of the genre (Căn cứ, Thực hiện …) and the subject begins with a type name.
RESTATED = [
    ("KẾ HOẠCH | Kế hoạch hỗ trợ, tháo gỡ khó khăn về triển khai hạ tầng số | trên địa bàn tỉnh năm 2022 |"
     " Sở Nội vụ ban hành Kế hoạch hỗ trợ, tháo gỡ khó khăn về triển khai hạ tầng số trên địa bàn tỉnh, như sau:",
     "Kế hoạch hỗ trợ, tháo gỡ khó khăn về triển khai hạ tầng số trên địa bàn tỉnh năm 2022"),
    ("BÁO CÁO | Tình hình triển khai thí điểm ứng dụng phần mềm | quản lý xét nghiệm tại các cơ sở y tế |"
     " Nhằm đánh giá tình hình triển khai thí điểm ứng dụng phần mềm quản lý xét nghiệm, Sở báo cáo như sau:",
     "Tình hình triển khai thí điểm ứng dụng phần mềm quản lý xét nghiệm tại các cơ sở y tế"),
    ("THÔNG BÁO | Kế hoạch tạm dừng ứng dụng TMS phục vụ việc chuyển đổi hệ thống |"
     " Cục Thuế có kế hoạch tạm dừng ứng dụng TMS phục vụ việc chuyển đổi hệ thống như sau:",
     "Kế hoạch tạm dừng ứng dụng TMS phục vụ việc chuyển đổi hệ thống"),
    # a subject of two lines that shares only a few words between them stays whole
    ("TỜ TRÌNH | Về việc đề nghị ban hành Nghị quyết của Hội đồng nhân dân tỉnh | quy định mức chi của Hội đồng"
     " nhân dân | Căn cứ Luật Ngân sách nhà nước;",
     "Về việc đề nghị ban hành Nghị quyết của Hội đồng nhân dân tỉnh quy định mức chi của Hội đồng nhân dân"),
]


@pytest.mark.parametrize("title, subject", RESTATED)
def test_the_body_restating_the_subject_is_not_the_subject(title, subject):
    letter = _letter(f"SỞ NỘI VỤ | Số: 12/KH-SNV | {_MOTTO} | Lào Cai, ngày 05 tháng 4 năm 2024 | {title}"
                     " | Nơi nhận: | - Lưu: VT. | GIÁM ĐỐC | Nguyễn Văn Bình")
    assert letter["subject"] == subject


# A Nghị định's symbol is NĐ-CP (domain.md §2.2); in a flattened table the cell's line can end at the dash with
# the next line another cell's. Only NĐ has one fixed issuer: any other cut symbol keeps what was printed.
CUT_SYMBOLS = [
    ("Điều 44 Nghị định số 105/2025/NĐ-\ncủa Bộ Công 3, 4, 9\nCP của Chính phủ", "105/2025/NĐ-CP"),
    ("Nghị định số 182/2024/NĐ-\nThủ tục hỗ trợ chi Không quy định cụ", "182/2024/NĐ-CP"),
    ("Nghị định số 30/2020/NĐ-\nCP ngày 05/3/2020", "30/2020/NĐ-CP"),
    ("Thông tư số 12/2020/TT-\ncủa Bộ Tài chính", "12/2020/TT"),
]


@pytest.mark.parametrize("text, full_number", CUT_SYMBOLS)
def test_a_nghi_dinh_symbol_cut_at_its_dash(text, full_number):
    assert parse_number(text).full_number == full_number
