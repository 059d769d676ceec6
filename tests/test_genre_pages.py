"""Saved portal pages (issue 16, item 4): the portal's properties panel, and pages saved as Markdown.

Rules (pipeline.ingest.portal): a properties panel is a run of at least three property lines ("Số hiệu …",
"Loại văn bản …", "Người ký …") or label/value cells; a field is taken from it only when the letter does not
print it (domain.md §1). A Markdown page's header is the table row whose right cell opens with the national motto
or the Party's name (ND30 Phụ lục I ô 1-2) and the row after it (ô 3-4); `|` lines close cells, emphasis runs that
wrap are one line, the chrome before the header is not the letter.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.ingest.portal import markdown_parts, read_properties
from pipeline.nlp import read_letter
from pipeline.nlp.parties import find_distribution, find_recipients
from pipeline.nlp.segment import lines_of

CORPUS = Path(__file__).parent / "corpus" / "docs"

PANEL_TEXT = ["Trang chủ", ">", "Văn bản hợp nhất số 12/VBHN-BTC", "Số hiệu 12/VBHN-BTC",
              "Loại văn bản Văn bản hợp nhất", "Ngành --", "Ngày ký xác thực 03/02/2026",
              "Cơ quan ban hành Bộ Tài chính", "Chức danh Thứ trưởng", "Người ký Nguyễn Văn An", "Tải về"]
PANEL_CELLS = ["#", "**Số hiệu:**", "|", "45/2025/TT-BYT", "|", "|", "**Loại văn bản:**", "|", "Thông tư", "|",
               "**Nơi ban hành:**", "|", "Bộ Y tế", "|", "|", "**Người ký:**", "|", "Trần Văn Bình", "|",
               "**Ngày ban hành:**", "|", "05/12/2025", "|", "|", "**Tình trạng:**", "|", "Đã biết", "|"]


@pytest.mark.parametrize("lines, expected", [
    (PANEL_TEXT, {"number": "12/VBHN-BTC", "doc_type": "Văn bản hợp nhất", "issuer": "Bộ Tài chính",
                  "signer_title": "Thứ trưởng", "signer": "Nguyễn Văn An", "date": "2026-02-03"}),
    ([x.replace("**", "") for x in PANEL_CELLS if x not in ("|", "#")],
     {"number": "45/2025/TT-BYT", "doc_type": "Thông tư", "signer": "Trần Văn Bình", "date": "2025-12-05"}),
    (["Số hiệu: QCVN 29:2025/BXD.", "Điều 2. Hiệu lực thi hành"], {}),  # one line in the body: no panel
    (["Số hiệu --", "Loại văn bản --", "Người ký --", "Ngày ban hành --"], {}),  # a panel of blanks
])
def test_read_properties(lines, expected):
    assert read_properties(lines) == expected


def _page(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return read_letter(read_document(path)).to_json()


LETTER_NO_NUMBER = ["BỘ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                    "VĂN BẢN HỢP NHẤT", "Thông tư quy định chế độ báo cáo",
                    "Điều 1. Phạm vi điều chỉnh", "Thông tư này quy định chế độ báo cáo thống kê."]


def test_panel_fills_what_the_letter_does_not_print(tmp_path):
    rec = _page(tmp_path, "vbhn.txt", PANEL_TEXT + LETTER_NO_NUMBER)
    assert (rec["full_number"], rec["date"], rec["signer"]) == ("12/VBHN-BTC", "2026-02-03", "Nguyễn Văn An")
    assert any("properties panel" in w and "date" in w and "signer" in w for w in rec["warnings"])


def test_panel_never_overrides_the_letter(tmp_path):
    printed = ["UỶ BAN NHÂN DÂN", "TỈNH LÀO CAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
               "Độc lập - Tự do - Hạnh phúc", "Số: 77/UBND-KT", "Lào Cai, ngày 06 tháng 4 năm 2026",
               "Kính gửi: Sở Tài chính.", "Đề nghị Sở báo cáo.", "CHỦ TỊCH", "Lê Văn Cường"]
    rec = _page(tmp_path, "printed.txt", PANEL_TEXT + printed)
    assert (rec["full_number"], rec["date"], rec["signer"], rec["issuer"]) == (
        "77/UBND-KT", "2026-04-06", "Lê Văn Cường", "UỶ BAN NHÂN DÂN TỈNH LÀO CAI")
    assert not any("properties panel" in w for w in rec["warnings"])


MD_HEADER = ["Bản quyền thuộc **", "THƯ VIỆN PHÁP LUẬT**.", "|", "Đang tải văn bản...", "#"] + PANEL_CELLS + [
    "|", "**ỦY", "BAN NHÂN DÂN **", "TỈNH NINH BÌNH", "--------", "|", "**CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**",
    "Độc lập - Tự do - Hạnh phúc", "---------------", "|", "|", "Số: 310/UBND-VP", "*V/v triển khai",
    "kế hoạch năm 2026*", "|", "*Ninh Bình, ngày", "12 tháng 1 năm 2026*", "|", "|", "**Kính gửi:**", "|",
    "- Sở Y tế;", "- Sở Tài chính.", "|", "Thực hiện [Nghị định số 30/2020/NĐ-CP](https://x.vn/a), Ủy ban",
    "nhân dân tỉnh đề nghị các Sở báo cáo.", "|", "|", "***Nơi nhận:***", "- Như trên;", "- Lưu: VT.", "|",
    "**KT. CHỦ TỊCH**", "**PHÓ CHỦ TỊCH**", "**Phạm Văn Dũng**", "|",
    "Công văn 310/UBND-VP năm 2026 triển khai kế hoạch", "## Văn bản liên quan",
    "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân", "[Đăng nhập](https://x.vn/login)"]


def test_markdown_parts_split_the_header_table():
    left, right, body, noi_nhan, signature, chrome = markdown_parts(MD_HEADER)
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 310/UBND-VP", "V/v triển khai kế hoạch năm 2026"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Ninh Bình, ngày 12 tháng 1 năm 2026"]
    assert body[:3] == ["Kính gửi:", "- Sở Y tế;", "- Sở Tài chính."]
    assert "Thực hiện Nghị định số 30/2020/NĐ-CP, Ủy ban" in body
    assert noi_nhan == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert signature == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Văn Dũng",
                         "Công văn 310/UBND-VP năm 2026 triển khai kế hoạch"]  # cut at the site's "##" heading
    assert not any("**" in x or x == "|" for x in left + right + body + noi_nhan + signature)
    assert read_properties(chrome)["number"] == "45/2025/TT-BYT"


def test_markdown_page_reads_as_a_letter(tmp_path):
    rec = _page(tmp_path, "md.txt", MD_HEADER)
    assert rec["issuer"] == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    assert (rec["full_number"], rec["date"], rec["place"]) == ("310/UBND-VP", "2026-01-12", "Ninh Bình")
    assert rec["subject"] == "triển khai kế hoạch năm 2026"
    assert rec["recipients"] == ["Sở Y tế", "Sở Tài chính"]
    assert rec["signer"] == "Phạm Văn Dũng"
    assert rec["distribution"] == ["Như trên", "Lưu: VT"]
    assert [r["full_number"] for r in rec["references"]] == ["30/2020/NĐ-CP"]  # not the site's 13/2023 after "##"
    assert not any("properties panel" in w for w in rec["warnings"])  # the letter prints every field


@pytest.mark.parametrize("cid, number, issuer, date", [
    ("c001", "4085/UBND-ĐT", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "2025-11-25"),
    ("c012", "5348/CT-CS", "CỤC THUẾ", "2025-11-20"),
])
def test_thuvienphapluat_markdown_letters(cid, number, issuer, date):
    rec = read_letter(read_document(CORPUS / f"{cid}.txt")).to_json()
    assert (rec["full_number"], rec["issuer"], rec["date"]) == (number, issuer, date)


@pytest.mark.parametrize("lines, items", [
    (["Nơi nhận:", "- VPCP: BTCN,", "PCN Phạm Mạnh Cường,", "Trợ lý TTg, các Vụ: NN, PL;", "- Lưu: VT."],
     ["VPCP: BTCN, PCN Phạm Mạnh Cường, Trợ lý TTg, các Vụ: NN, PL", "Lưu: VT"]),
    (["Nơi nhận:", "- Các đồng chí Ủy viên", "Ban Chấp hành Trung ương Đảng,", "- Lưu Văn phòng Trung ương Đảng."],
     ["Các đồng chí Ủy viên Ban Chấp hành Trung ương Đảng", "Lưu Văn phòng Trung ương Đảng"]),
    (["Nơi nhận:", "+ Công ty TNHH Suhil Electronics", "Vina (đ/c: xã An Phước);", "+ Lưu: VT."],
     ["Công ty TNHH Suhil Electronics Vina (đ/c: xã An Phước)", "Lưu: VT"]),
    (["Nơi nhận:", "- Như trên;", "- Sở Tài chính", "- Lưu: VT."], ["Như trên", "Sở Tài chính", "Lưu: VT"]),
    (["Nơi nhận:", "- Các khoa có HSSV:", "TTCNTT (để đưa lên Website Trường);", "- Lưu: VT."],  # ';' read as ':'
     ["Các khoa có HSSV", "Lưu: VT"]),  # a closed item is not continued (its unmarked line is not joined to it)
])
def test_noi_nhan_items_that_wrap(lines, items):
    text = "\n".join(lines)
    assert find_distribution(lines_of(text, 0, len(text)))[0] == items


def test_signature_lines_after_an_open_item_stay_the_signature():
    """The last item has no closing mark; the flattened signature column after it is not part of it."""
    text = "\n".join(["Nơi nhận:", "- Như trên;", "- Lưu: VT, KGVX (3) Q", "KT. BỘ TRƯỞNG", "PHÓ CHỦ NHIỆM",
                      "(Đã ký)", "Phạm Mạnh Cường"])
    items, _, signature = find_distribution(lines_of(text, 0, len(text)))
    assert items == ["Như trên", "Lưu: VT, KGVX (3) Q"]
    assert [ln.text for ln in signature] == ["KT. BỘ TRƯỞNG", "PHÓ CHỦ NHIỆM", "(Đã ký)", "Phạm Mạnh Cường"]


@pytest.mark.parametrize("lines, recipients", [
    (["THỦ TƯỚNG CHÍNH PHỦ điện:", "- Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc", "Chính phủ;",
      "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.", "Thời gian qua, mưa lớn kéo dài."],
     ["Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ",
      "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]),
    (["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:", "- Giám đốc các Sở, ban, ngành tỉnh;",
      "- Chủ tịch UBND các huyện, thị xã, thành phố.", "Để chủ động ứng phó với bão số 3."],
     ["Giám đốc các Sở, ban, ngành tỉnh", "Chủ tịch UBND các huyện, thị xã, thành phố"]),
    (["BỘ TRƯỞNG BỘ Y TẾ điện: Giám đốc Sở Y tế các tỉnh, thành phố.", "Thực hiện chỉ đạo của Thủ tướng."],
     ["Giám đốc Sở Y tế các tỉnh, thành phố"]),
    (["Kính gửi:", "- Khoa Mác - Lênin", "- Khoa Khoa học Cơ bản",
      "Căn cứ vào kế hoạch đào tạo học kỳ hè năm học 2015-2016."],  # the body's sentence is not an item's wrap
     ["Khoa Mác - Lênin", "Khoa Khoa học Cơ bản"]),
    (["1. Nguyên tắc áp dụng giá bán điện:", "- Giá bán điện phải áp dụng đúng đối tượng;"], []),  # not a Công điện
])
def test_cong_dien_addressees_are_the_recipients(lines, recipients):
    text = "\n".join(lines)
    assert find_recipients(lines_of(text, 0, len(text)), [])[0] == recipients


# ô 9a (domain.md): one recipient on the Kính gửi line, or one per line '- …;' with the last ending '.'; an item's
# name may wrap onto the next line, which then opens in lower case or ends the item (';', or '.' for the last).
@pytest.mark.parametrize("lines, recipients", [
    (["Kính gửi:", "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực", "thuộc Bộ Tài chính, Bộ Xây dựng.",
      "Thời gian qua, mưa lớn kéo dài."],
     ["Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Bộ Tài chính, Bộ Xây dựng"]),
    (["Kính gửi: Sở Thông tin và Truyền thông các tỉnh, thành phố", "trực thuộc Trung ương",
      "Ngày 27/02/2023, Bộ Thông tin và Truyền thông ban hành Công văn số"],
     ["Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương"]),
    (["Kính gửi: Sở Tài chính.", "đề nghị của các đơn vị"], ["Sở Tài chính"]),  # a closed item is not continued
    (["Kính gửi: Sở Tài chính", "Thực hiện Công văn số 12/UBND-VP ngày 05/3/2024,"], ["Sở Tài chính"]),
])
def test_kinh_gui_items_that_wrap(lines, recipients):
    text = "\n".join(lines)
    assert find_recipients(lines_of(text, 0, len(text)), [])[0] == recipients


def test_cong_dien_letter():
    rec = read_letter(read_document(CORPUS / "c007.txt")).to_json()
    assert rec["doc_type"] == "Công điện" and len(rec["recipients"]) == 7
    assert rec["recipients"][0] == "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ"


CLOSING = ["Ủy ban nhân dân huyện báo cáo như sau."]


@pytest.mark.parametrize("rows", [
    ["Nơi nhận:\t\t\t\t\tKT. CHỦ TỊCH", "- Như trên;\t\t\t\t\tPHÓ CHỦ TỊCH", "- Lưu: VT.",
     "\t\t\t\t\t\tNguyễn Văn Bình"],
    ["Nơi nhận:                              KT. CHỦ TỊCH", "- Như trên;                            PHÓ CHỦ TỊCH",
     "- Lưu: VT.", "                                        Nguyễn Văn Bình"],
    ["Nơi nhận:\tKT. CHỦ TỊCH", "- Như trên;\tPHÓ CHỦ TỊCH", "- Lưu: VT.\tNguyễn Văn Bình"],
])
def test_signature_column_on_the_noi_nhan_lines(tmp_path, rows):
    head = ["ỦY BAN NHÂN DÂN\t\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "HUYỆN BẢO THẮNG\t\t\tĐộc lập - Tự do - Hạnh phúc",
            "Số: 125/UBND-VP\t\t\tBảo Thắng, ngày 06 tháng 4 năm 2012", "Kính gửi: Ủy ban nhân dân tỉnh Lào Cai."]
    rec = _page(tmp_path, "flat.txt", head + CLOSING + rows)
    assert (rec["full_number"], rec["issuer"], rec["date"]) == ("125/UBND-VP", "ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG",
                                                              "2012-04-06")
    assert rec["distribution"] == ["Như trên", "Lưu: VT"]
    assert (rec["signing_authority"], rec["signer_title"], rec["signer"]) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                                              "Nguyễn Văn Bình")
