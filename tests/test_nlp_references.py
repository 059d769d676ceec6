"""Citations and their relations (domain.md §3, §6; contract "A reference"): one row per realistic
sentence → the references found. Rows marked xfail describe how references.py SHOULD behave."""
import pytest

from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.references import find_references


def refs(text, doc_type=None, **kw):
    return find_references(text, load_lexicon(), doc_type=doc_type, **kw)


def xfail(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# ------------------------------------------------------------------------------------------- relations
# sentence                                                                   the letter's type → (number, relation) per cited document
RELATIONS = [
    # Căn cứ → legal_basis, for every document of the clause
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;", "Quyết định",
     [("30/2020/NĐ-CP", "legal_basis")]),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ, Nghị định số 45/2024/NĐ-CP ngày 10/4/2024 của Chính phủ;", "Quyết định",
     [("30/2020/NĐ-CP", "legal_basis"), ("45/2024/NĐ-CP", "legal_basis")]),
    ("Căn cứ Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương;", "Quyết định",
     [("18-NQ/TW", "legal_basis")]),
    ("Căn cứ Văn bản hợp nhất số 18/VBHN-VPQH ngày 10/12/2018 của Văn phòng Quốc hội;", "Quyết định",
     [("18/VBHN-VPQH", "legal_basis")]),
    # an amendment named inside a Căn cứ clause is part of the legal basis, not the letter's act
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư, được sửa đổi, "
     "bổ sung bởi Nghị định số 45/2024/NĐ-CP ngày 10 tháng 4 năm 2024 của Chính phủ;", "Quyết định",
     [("30/2020/NĐ-CP", "legal_basis"), ("45/2024/NĐ-CP", "legal_basis")]),
    # Thực hiện / Triển khai / Thi hành → implements
    ("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
     "phong cách Hồ Chí Minh, Sở Nội vụ đề nghị:", "Công văn",
     [("05-CT/TW", "implements")]),
    ("Triển khai Kế hoạch số 45/KH-UBND ngày 01/02/2024 của UBND tỉnh, Sở xây dựng kế hoạch như sau:", "Kế hoạch",
     [("45/KH-UBND", "implements")]),
    ("Thi hành Nghị quyết số 43/2022/QH15 ngày 11/01/2022 của Quốc hội, Chính phủ ban hành Nghị định này.", "Nghị định",
     [("43/2022/QH15", "implements")]),
    ("Thực hiện Kết luận số 269- KL/TU ngày 10/6/2024 của Ban Thường vụ Tỉnh ủy;", "Công văn",
     [("269-KL/TU", "implements")]),
    # Xét / Theo đề nghị … tại Tờ trình số → proposed_by
    ("Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 02/01/2024.", "Quyết định",
     [("12/TTr-SNV", "proposed_by")]),
    ("Theo đề nghị của Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 02/01/2024;", "Quyết định",
     [("12/TTr-SNV", "proposed_by")]),
    ("Xét Tờ trình số 12/TTr-SNV ngày 02/01/2024 của Sở Nội vụ;", "Quyết định",
     [("12/TTr-SNV", "proposed_by")]),
    # Trả lời / Phúc đáp → replies_to; Tiếp theo → follows_up
    ("Trả lời Công văn số 649/UBND-KSTTHC ngày 29/3/2023 của Ủy ban nhân dân huyện Châu Thành về việc cải cách hành "
     "chính, Sở Nội vụ có ý kiến như sau:", "Công văn",
     [("649/UBND-KSTTHC", "replies_to")]),
    ("Phúc đáp Công văn số 77/BTC-NSNN ngày 3/1/2024 của Bộ Tài chính, Sở Tài chính báo cáo như sau:", "Công văn",
     [("77/BTC-NSNN", "replies_to")]),
    ("Tiếp theo Công văn số 1234/SNV-CCHC ngày 10/3/2024 của Sở Nội vụ về việc triển khai kế hoạch, Sở Nội vụ đề nghị "
     "các đơn vị báo cáo.", "Công văn",
     [("1234/SNV-CCHC", "follows_up")]),
    # the letter's own acts, in a type that can act (Nghị định, Thông tư, Quyết định …)
    ("Điều 2. Bãi bỏ Quyết định số 15/2020/QĐ-UBND ngày 05/6/2020 của Ủy ban nhân dân tỉnh.", "Quyết định",
     [("15/2020/QĐ-UBND", "repeals")]),
    ("Điều 4. Bãi bỏ các quyết định sau đây:\na) Quyết định số 15/2020/QĐ-UBND ngày 05/6/2020 của UBND tỉnh;\n"
     "b) Quyết định số 16/2021/QĐ-UBND ngày 07/7/2021 của UBND tỉnh.", "Quyết định",
     [("15/2020/QĐ-UBND", "repeals"), ("16/2021/QĐ-UBND", "repeals")]),
    ("Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về "
     "công tác văn thư.", "Nghị định",
     [("30/2020/NĐ-CP", "amends")]),
    ("Điều 3. Quyết định này thay thế Quyết định số 20/2019/QĐ-UBND ngày 10/7/2019 của Ủy ban nhân dân tỉnh.", "Quyết định",
     [("20/2019/QĐ-UBND", "replaces")]),
    ("Nghị định này thay thế Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004 của Chính phủ về công tác văn thư và "
     "Nghị định số 09/2010/NĐ-CP ngày 08 tháng 02 năm 2010 của Chính phủ.", "Nghị định",
     [("110/2004/NĐ-CP", "replaces"), ("09/2010/NĐ-CP", "replaces")]),
    ("Thông tư số 01/2011/TT-BNV ngày 19 tháng 01 năm 2011 của Bộ Nội vụ hết hiệu lực kể từ ngày Thông tư này có hiệu "
     "lực thi hành.", "Thông tư",
     [("01/2011/TT-BNV", "terminates")]),
    ("Đình chỉ việc thi hành Quyết định số 20/2019/QĐ-UBND ngày 10/7/2019 của Ủy ban nhân dân huyện.", "Quyết định",
     [("20/2019/QĐ-UBND", "suspends")]),
    ("Văn bản hợp nhất này hợp nhất Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.", "Văn bản hợp nhất",
     [("30/2020/NĐ-CP", "consolidates")]),
    # a công văn may correct (ND30 Điều 18.3) …
    ("Đính chính Quyết định số 20/2019/QĐ-UBND ngày 10/7/2019 của UBND tỉnh, cụ thể:", "Công văn",
     [("20/2019/QĐ-UBND", "corrects")]),
    # … but the same amend/repeal/replace words in a công văn describe or propose, they are not its act
    ("Bộ Tư pháp đề nghị sửa đổi, bổ sung một số điều của Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.", "Công văn",
     [("30/2020/NĐ-CP", "refers_to")]),
    ("Sở kiến nghị bãi bỏ Quyết định số 15/2020/QĐ-UBND ngày 05/6/2020 của Ủy ban nhân dân tỉnh.", "Công văn",
     [("15/2020/QĐ-UBND", "refers_to")]),
    ("Ủy ban nhân dân tỉnh đã ban hành Quyết định số 20/2019/QĐ-UBND thay thế Quyết định số 10/2018/QĐ-UBND.", "Công văn",
     [("20/2019/QĐ-UBND", "refers_to"), ("10/2018/QĐ-UBND", "refers_to")]),
    ("Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ hết hiệu lực từ ngày 01/7/2024.", "Công văn",
     [("01/2011/TT-BNV", "refers_to")]),
    # any other citation
    ("Các đơn vị thực hiện chế độ báo cáo theo quy định tại Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ.", "Công văn",
     [("01/2011/TT-BNV", "refers_to")]),
    ("Kèm theo Công văn này là Báo cáo số 12/BC-SNV ngày 3/1/2024 của Sở Nội vụ.", "Công văn",
     [("12/BC-SNV", "refers_to")]),                       # 'kèm theo công văn' is not 'theo công văn'
    ("Thông tư số 05/2024/TT-BNV hướng dẫn thi hành Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.", "Công văn",
     [("05/2024/TT-BNV", "refers_to"), ("30/2020/NĐ-CP", "refers_to")]),   # someone else's guidance
    ("Áp dụng TCVN 6909:2001, QCVN 122:2024/BGTVT và ISO 9001:2015.", "Công văn", []),   # standards are not documents
    # a form's code is not a document (vbpl's appendices of forms; tests/corpus c089)
    ("Báo cáo theo Mẫu số 01/BCĐBQH-MT ban hành kèm theo Thông tư số 15/2021/TT-BNV.", "Công văn",
     [("15/2021/TT-BNV", "refers_to")]),
    ("Lập biên bản bàn giao theo mẫu 01/DV và Biểu mẫu số 02/BBBG-MTB.", "Công văn", []),
    ("MẪU SỐ 20/TB-TTN-TCN1", "Thông tư", []),
    # a preamble item after ';' with no opener of its own goes on with the previous one's (ô 5b, one ground a line)
    ("Xét Báo cáo thẩm định số 17/BC-BQL ngày 23 tháng 01 năm 2026; Báo cáo số 217/BC-BQL ngày "
     "09/7/2026 của Ban Quản lý Khu kinh tế tỉnh Lào Cai.", "Quyết định",
     [("17/BC-BQL", "proposed_by"), ("217/BC-BQL", "proposed_by")]),
    ("Theo đề nghị của Sở Tài chính tại Công văn số 4687/STC-GCS ngày 10/10/2025; đề nghị của Sở Giáo dục và Đào "
     "tạo tại Công văn số 1383/SGDĐT-KHTC ngày 30/9/2025.", "Quyết định",
     [("4687/STC-GCS", "proposed_by"), ("1383/SGDĐT-KHTC", "proposed_by")]),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;\nXét đề nghị của Giám đốc Sở Nội vụ "
     "tại Tờ trình số 45/TTr-SNV ngày 02/3/2026; Báo cáo thẩm định số 12/BC-STP ngày 01/3/2026 của Sở Tư pháp.",
     "Quyết định", [("30/2020/NĐ-CP", "legal_basis"), ("45/TTr-SNV", "proposed_by"), ("12/BC-STP", "proposed_by")]),
    # who proposed it, however long the name, and where: "đề nghị của … tại Tờ trình số"
    ("UBND tỉnh thống nhất chủ trương theo đề nghị của Sở Nông nghiệp và Phát triển nông thôn tỉnh Lào Cai tại "
     "Tờ trình số 88/TTr-SNN ngày 05/5/2024.", "Công văn", [("88/TTr-SNN", "proposed_by")]),
    # "Trên cơ sở xem xét Tờ trình …": the proposals a resolution rests on, every one of the list
    ("Trên cơ sở xem xét Tờ trình số 691/TTr-CP ngày 08/8/2025 của Chính phủ, Tờ trình số 302/TANDTC-PC ngày "
     "08/8/2025 của Tòa án nhân dân tối cao và Báo cáo số 860/BC-UBPLTP15 ngày 20/8/2025 của Thường trực Ủy ban "
     "Pháp luật và Tư pháp,", "Nghị quyết",
     [("691/TTr-CP", "proposed_by"), ("302/TANDTC-PC", "proposed_by"), ("860/BC-UBPLTP15", "proposed_by")]),
    ("Trên cơ sở Đơn đề nghị xác định mã số số 01/CV ngày 30/10/2025 của Công ty TNHH Suhil Electronics Vina,",
     "Công văn", [("01/CV", "proposed_by")]),
    # an act that is the letter's own still counts after a type word when the act names the type itself
    ("Bổ sung Quyết định số 12/QĐ-UBND ngày 02/01/2024 của UBND tỉnh như sau:", "Quyết định",
     [("12/QĐ-UBND", "amends")]),
    # a section heading that names the legal bases: its dash list is the legal basis, item by item (a Tờ trình's
    # "Căn cứ pháp lý", an Đề án's "Cơ sở pháp lý"), also under an earlier list intro's ':'; a list under any
    # other heading, or the heading's own sentence, is not
    ("Dự thảo gồm 08 điều, nội dung cụ thể như sau:\n- Điều 1. Phạm vi điều chỉnh.\n2. Nội dung cơ bản\n"
     "2.1. Căn cứ pháp lý\n- Nghị định số 163/2016/NĐ-CP ngày 21/12/2016 của Chính phủ quy định chi tiết;\n"
     "- Thông tư số 37/2022/TT-BTC ngày 22/6/2022 của Bộ Tài chính sửa đổi Thông tư số 109/2016/TT-BTC;\n"
     "2.2. Phạm vi điều chỉnh\n- Quy định tại Thông tư số 03/2023/TT-BTC.", "Tờ trình",
     [("163/2016/NĐ-CP", "legal_basis"), ("37/2022/TT-BTC", "legal_basis"), ("109/2016/TT-BTC", "legal_basis"),
      ("03/2023/TT-BTC", "refers_to")]),
    ("I. CƠ SỞ THỰC HIỆN ĐỀ ÁN\n1. Cơ sở pháp lý\n- Nghị định số 258/2025/NĐ-CP ngày 09 tháng 10 năm 2025 của Chính "
     "phủ về quản lý công viên;\n2. Cơ sở thực tiễn\n- Báo cáo số 12/BC-UBND về tài sản năm 2025.", "Đề án",
     [("258/2025/NĐ-CP", "legal_basis"), ("12/BC-UBND", "refers_to")]),
]


@pytest.mark.parametrize("text, doc_type, expected", RELATIONS)
def test_relations(text, doc_type, expected):
    assert [(r["full_number"], r["relation"]) for r in refs(text, doc_type)] == expected


# --------------------------------------------------------------------------------- the fields of a citation
FIELDS = ("full_number", "number", "symbol", "year", "date", "doc_type", "issuer")

# sentence → (full_number, number, symbol, year, date, doc_type, issuer) per cited document
DETAILS = [
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
     [("30/2020/NĐ-CP", "30", "NĐ-CP", 2020, "2020-03-05", "Nghị định", "Chính phủ")]),
    ("Căn cứ Quyết định số 1234/QĐ-UBND ngày 5/1/2024 của UBND tỉnh Lào Cai;",
     [("1234/QĐ-UBND", "1234", "QĐ-UBND", 2024, "2024-01-05", "Quyết định", "UBND tỉnh Lào Cai")]),
    ("Trả lời Công văn số 649/UBND-KSTTHC ngày 29/3/2023 của Ủy ban nhân dân huyện Châu Thành về việc cải cách hành chính,",
     [("649/UBND-KSTTHC", "649", "UBND-KSTTHC", 2023, "2023-03-29", "Công văn", "Ủy ban nhân dân huyện Châu Thành")]),
    ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13;",
     [("80/2015/QH13", "80", "QH13", 2015, None, "Luật", None)]),
    ("Thực hiện Kết luận số 269- KL/TU ngày 10/6/2024 của Ban Thường vụ Tỉnh ủy;",
     [("269-KL/TU", "269", "KL/TU", 2024, "2024-06-10", "Kết luận", "Ban Thường vụ Tỉnh ủy")]),
    ("Căn cứ Nghị định số 105/2025/NĐ-CP2 ngày 15/5/2025 của Chính phủ;",                  # footnote digit
     [("105/2025/NĐ-CP", "105", "NĐ-CP", 2025, "2025-05-15", "Nghị định", "Chính phủ")]),
    # list inheritance: each item its own date, the issuer printed after the last one is everyone's
    ("Thực hiện chỉ đạo của Ủy ban nhân dân thành phố tại các văn bản: số 110/KH-UBND ngày 29/4/2021, số 216/KH-UBND "
     "ngày 23/9/2021 của Ủy ban nhân dân thành phố, Sở Giáo dục và Đào tạo hướng dẫn như sau:",
     [("110/KH-UBND", "110", "KH-UBND", 2021, "2021-04-29", "Kế hoạch", "Ủy ban nhân dân thành phố"),
      ("216/KH-UBND", "216", "KH-UBND", 2021, "2021-09-23", "Kế hoạch", "Ủy ban nhân dân thành phố")]),
    ("Căn cứ Quyết định số 15/QĐ-UBND ngày 05/01/2024 và Quyết định số 27/QĐ-UBND ngày 12/02/2024 của UBND tỉnh;",
     [("15/QĐ-UBND", "15", "QĐ-UBND", 2024, "2024-01-05", "Quyết định", "UBND tỉnh"),
      ("27/QĐ-UBND", "27", "QĐ-UBND", 2024, "2024-02-12", "Quyết định", "UBND tỉnh")]),
    pytest.param(
        "Trả lời Công văn số 649/UBND-KSTTHC ngày 29/3/2023 của UBND huyện như sau:",
        [("649/UBND-KSTTHC", "649", "UBND-KSTTHC", 2023, "2023-03-29", "Công văn", "UBND huyện")]),
    pytest.param(
        "Điều 2. Bãi bỏ Điều 5 của Quyết định số 15/2020/QĐ-UBND ngày 05/6/2020.",
        [("15/2020/QĐ-UBND", "15", "QĐ-UBND", 2020, "2020-06-05", "Quyết định", None)]),
]


@pytest.mark.parametrize("text, expected", DETAILS)
def test_citation_fields(text, expected):
    assert [tuple(r[f] for f in FIELDS) for r in refs(text, "Quyết định")] == expected


# ------------------------------------------------------------------------------------------- named laws
# sentence → (name, date, year, relation) of a law cited by name (number None)
NAMED = [
    ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
     [("Luật Tổ chức Chính phủ", "2015-06-19", 2015, "legal_basis")]),
    ("Căn cứ Bộ luật Lao động ngày 20 tháng 11 năm 2019;",
     [("Bộ luật Lao động", "2019-11-20", 2019, "legal_basis")]),
    ("Căn cứ Luật Ngân sách nhà nước năm 2015;",
     [("Luật Ngân sách nhà nước", None, 2015, "legal_basis")]),
    ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\nCăn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
     [("Luật Tổ chức Chính phủ", "2015-06-19", 2015, "legal_basis")]),      # one entry per document
    pytest.param(
        "Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018;",
        [("Luật Phòng, chống tham nhũng", "2018-11-20", 2018, "legal_basis")]),
    pytest.param(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nCăn cứ Luật sửa đổi, bổ sung một số "
        "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
        [("Luật Tổ chức chính quyền địa phương", "2015-06-19", 2015, "legal_basis"),
         ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
          "2019-11-22", 2019, "legal_basis")]),
]


@pytest.mark.parametrize("text, expected", NAMED)
def test_laws_cited_by_name(text, expected):
    found = refs(text, "Quyết định")
    assert all(r["number"] is None and r["full_number"] is None and r["doc_type"] in ("Luật", "Bộ luật")
               for r in found)
    assert [(r["name"], r["date"], r["year"], r["relation"]) for r in found] == expected


def test_named_law_next_to_numbered_documents():
    text = ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n"
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;")
    found = {r["full_number"] or r["name"]: r["relation"] for r in refs(text, "Quyết định")}
    assert found == {"30/2020/NĐ-CP": "legal_basis", "Luật Tổ chức Chính phủ": "legal_basis"}


def test_law_with_name_and_number_keeps_its_name():
    [r] = refs("Căn cứ Luật Đầu tư số 61/2020/QH14 ngày 17 tháng 6 năm 2020;", "Nghị định")
    assert (r["full_number"], r["doc_type"], r["name"], r["relation"]) == ("61/2020/QH14", "Luật", "Luật Đầu tư", "legal_basis")


def test_law_name_ending_in_luat_keeps_its_name():
    [r] = refs("Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13;", "Quyết định")
    assert r["name"] == "Luật Ban hành văn bản quy phạm pháp luật"


def test_cited_amending_law_in_a_continued_can_cu_list_is_legal_basis():
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
            "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")
    assert [r["relation"] for r in refs(text, "Quyết định")] == ["legal_basis", "legal_basis"]


# ---------------------------------------------------------------------------- identity and merging rules
def test_own_number_is_never_a_reference():
    text = "Số: 15/QĐ-UBND\nCăn cứ Quyết định số 15/QĐ-UBND ngày 05/01/2024 của UBND tỉnh;\nCăn cứ Nghị định số 30/2020/NĐ-CP;"
    assert [r["full_number"] for r in refs(text, "Quyết định", own_number="15/QĐ-UBND")] == ["30/2020/NĐ-CP"]
    # however the own number is spelled
    assert [r["full_number"] for r in refs(text, "Quyết định", own_number="15 / QÐ – UBND")] == ["30/2020/NĐ-CP"]


def test_excluded_ranges_are_not_read():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP;\nNơi nhận:\n- Như Điều 3 Quyết định số 15/QĐ-UBND;"
    start = text.index("Nơi nhận")
    assert [r["full_number"] for r in refs(text, "Quyết định", exclude=[(start, len(text))])] == ["30/2020/NĐ-CP"]


# text cited twice → the one entry's relation (strongest wins, whichever comes first)
@pytest.mark.parametrize("text, doc_type, relation", [
    ("Căn cứ Kế hoạch số 45/KH-UBND ngày 01/02/2024 của UBND tỉnh;\nThực hiện Kế hoạch số 45/KH-UBND, Sở Nội vụ đề nghị:",
     "Quyết định", "legal_basis"),
    ("Thực hiện Kế hoạch số 45/KH-UBND ngày 01/02/2024 của UBND tỉnh, Sở Nội vụ đề nghị các đơn vị báo cáo theo quy định "
     "tại Kế hoạch số 45/KH-UBND.", "Công văn", "implements"),
    ("Các đơn vị báo cáo theo quy định tại Thông tư số 01/2011/TT-BNV.\nĐiều 3. Bãi bỏ Thông tư số 01/2011/TT-BNV ngày "
     "19/01/2011 của Bộ Nội vụ.", "Thông tư", "repeals"),
])
def test_document_cited_twice_keeps_the_strongest_relation(text, doc_type, relation):
    found = refs(text, doc_type)
    assert len(found) == 1
    assert found[0]["relation"] == relation


def test_second_mention_fills_missing_details():
    text = ("Thực hiện Kế hoạch số 45/KH-UBND, Sở Nội vụ đề nghị:\n"
            "1. Các đơn vị báo cáo theo Kế hoạch số 45/KH-UBND ngày 01/02/2024 của UBND tỉnh.")
    [r] = refs(text, "Công văn")
    assert (r["relation"], r["date"], r["issuer"]) == ("implements", "2024-02-01", "UBND tỉnh")


def test_ocr_letters_read_as_digits_are_repaired_by_the_scan_stage():
    from pipeline.ingest.scan.repair import fix_type_codes

    [r] = refs(fix_type_codes("Thực hiện Kết luận số 299-K1/TU ngày 10/6/2024 của Ban Thường vụ Tỉnh ủy;"), "Công văn")
    assert (r["full_number"], r["doc_type"], r["relation"]) == ("299-KL/TU", "Kết luận", "implements")


@pytest.mark.parametrize("text, full_number", [
    ("Xét Báo cáo số 203/BC-BOQL ngày 20/3/2026 của Ban Quản lý Khu kinh tế tỉnh;", "203/BC-BQL"),  # a stray O
    ("Xét văn bản số 750/BQL-QHXD ngày 02/6/2026 của Ban Quản lý Khu kinh tế tỉnh;", "750/BQL-QHXD"),  # right
])
def test_a_stray_letter_in_an_issuer_code_goes_and_a_right_code_stays(text, full_number):
    [r] = refs(text, "Quyết định")
    assert r["full_number"] == full_number


def test_reference_offsets_point_at_the_number():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;"
    [r] = refs(text, "Quyết định")
    assert text[r["start"]:r["end"]] == "30/2020/NĐ-CP"
    assert r["trigger"] == "Căn cứ" and "Căn cứ Nghị định" in r["text"]


# ------------------------------------------------------------------- relations only the letter's title gives
def _titled(title: str, body: str, doc_type: str):
    text = f"{title}\n{body}"
    return refs(text, doc_type, title_span=(0, len(title)))


def test_attached_to_from_the_title_block():
    found = _titled("QUY CHẾ\nLàm việc của Ủy ban nhân dân tỉnh\n(Ban hành kèm theo Quyết định số 15/2024/QĐ-UBND ngày "
                    "05/01/2024 của Ủy ban nhân dân tỉnh)", "Chương I. QUY ĐỊNH CHUNG", "Quy chế")
    assert [(r["full_number"], r["relation"]) for r in found] == [("15/2024/QĐ-UBND", "attached_to")]


def test_guides_from_the_title():
    found = _titled("THÔNG TƯ\nHướng dẫn thi hành Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ",
                    "Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ;", "Thông tư")
    assert [(r["full_number"], r["relation"]) for r in found] == [("30/2020/NĐ-CP", "guides"),
                                                                  ("63/2022/NĐ-CP", "legal_basis")]


def test_details_from_the_title():
    found = _titled("THÔNG TƯ\nQuy định chi tiết một số điều của Luật Lưu trữ số 33/2024/QH15",
                    "Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ;", "Thông tư")
    assert [(r["full_number"], r["relation"]) for r in found] == [("33/2024/QH15", "details"),
                                                                  ("63/2022/NĐ-CP", "legal_basis")]


def test_type_and_name_come_from_the_nearest_type_name():
    found = _titled("THÔNG TƯ\nQuy định chi tiết một số điều của Luật Lưu trữ số 33/2024/QH15",
                    "Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ;", "Thông tư")
    assert (found[0]["doc_type"], found[0]["name"]) == ("Luật", "Luật Lưu trữ")


def test_title_words_outside_the_title_are_not_the_letters_act():
    text = "Sở Nội vụ đã ban hành văn bản hướng dẫn thi hành Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ."
    assert [r["relation"] for r in refs(text, "Công văn")] == ["refers_to"]


def test_a_passive_amendment_in_a_list_is_not_the_letters_act():
    text = ("Điều 1. Quy định chi tiết Điều 21 của Luật Lâm nghiệp số 16/2017/QH14 đã được sửa đổi, bổ sung một số "
            "điều bởi Luật số 16/2023/QH15, Luật số 31/2024/QH15 và Luật số 146/2025/QH15.")
    found = {r["full_number"]: r["relation"] for r in refs(text, "Thông tư")}
    assert found["146/2025/QH15"] == "refers_to" and found["16/2023/QH15"] == "refers_to"


def test_an_omnibus_law_amends_every_listed_law_but_not_their_earlier_amendments():
    text = ("Quốc hội ban hành Luật sửa đổi, bổ sung một số điều của 3 luật trong lĩnh vực nông nghiệp gồm Luật Bảo vệ "
            "môi trường số 72/2020/QH14 đã được sửa đổi, bổ sung một số điều theo Luật số 11/2022/QH15; Luật Chăn nuôi "
            "số 32/2018/QH14; Luật Thủy sản số 18/2017/QH14 đã được sửa đổi, bổ sung bởi Luật số 16/2023/QH15.")
    found = {r["full_number"]: r["relation"] for r in refs(text, "Luật")}
    assert found == {"72/2020/QH14": "amends", "11/2022/QH15": "refers_to", "32/2018/QH14": "amends",
                     "18/2017/QH14": "amends", "16/2023/QH15": "refers_to"}


# ------------------------------------------------------------------------------------------- answers
# A công văn trả lời goes back to the body that wrote the cited letter and opens its answer with "… có ý kiến
# như sau:" (ND30 Phụ lục III; domain.md §6). The same formula in a letter to others acts on what it received.
ANSWERS = [
    ("Cục Thuế nhận được công văn số 324/QTR-KTr2 ngày 22/7/2025 của Thuế tỉnh Quảng Trị về việc hướng dẫn góp "
     "vốn điều lệ. Về vấn đề này, Cục Thuế có ý kiến như\nsau:\nCăn cứ Luật Doanh nghiệp số 59/2020/QH14:",
     ["Thuế tỉnh Quảng Trị"], [("324/QTR-KTr2", "replies_to"), ("59/2020/QH14", "legal_basis")]),
    ("Về các vướng mắc nêu tại Công văn số 13821/CHQ-GSQL ngày 16 tháng 3 năm 2026 của Cục Hải quan, Cục Hóa "
     "chất có ý kiến như sau:", ["Cục Hải quan"], [("13821/CHQ-GSQL", "replies_to")]),
    ("Xét Tờ trình số 226/TTr-BKHCN ngày 05 tháng 11 năm 2025 của Bộ Khoa học và Công nghệ về thành lập Mạng "
     "lưới quan trắc, Phó Thủ tướng Chính phủ Nguyễn Chí Dũng có ý kiến như sau:", ["Bộ Khoa học và Công nghệ"],
     [("226/TTr-BKHCN", "replies_to")]),
    ("Ủy ban nhân dân tỉnh nhận được Văn bản số 2265/BCT-ATMT ngày 02/4/2026 của Bộ Công Thương về việc triển "
     "khai thủ tục (gửi kèm theo); việc này, Chủ tịch UBND tỉnh có ý kiến như sau:", ["Sở Công Thương"],
     [("2265/BCT-ATMT", "proposed_by")]),   # to a department, on the ministry's letter: acts on it
    ("Ủy ban nhân dân tỉnh nhận được Công văn số 847/UBND-VX1 ngày 22 tháng 3 năm 2011 của UBND tỉnh Quảng Ninh "
     "V/v tiếp tục phối hợp tuyên truyền, Chủ tịch UBND tỉnh có ý kiến như sau:", ["Các sở, ban, ngành"],
     [("847/UBND-VX1", "proposed_by")]),
    ("Sở nhận được Công văn số 15/PGD ngày 02/3/2026 của Phòng Giáo dục và Kế hoạch số 20/KH-UBND ngày 01/3/2026 "
     "của UBND huyện. Sở có ý kiến như sau:", ["Phòng Giáo dục"],
     [("15/PGD", "proposed_by"), ("20/KH-UBND", "proposed_by")]),   # another citation stands between: no answer to 15
]


@pytest.mark.parametrize("text, recipients, expected", ANSWERS)
def test_an_answer_replies_to_the_letter_of_its_recipient(text, recipients, expected):
    assert [(r["full_number"], r["relation"]) for r in refs(text, "Công văn", recipients=recipients)] == expected
