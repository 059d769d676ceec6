"""Kính gửi (ô 9a) and Nơi nhận (ô 9b): one row per layout → the items. In the tables ' | ' separates
printed lines."""
import pytest

from pipeline.nlp.parties import find_distribution, find_recipients
from pipeline.nlp.segment import lines_of


def lines(table_text: str):
    text = table_text.replace(" | ", "\n")
    return lines_of(text, 0, len(text))


RECIPIENTS = [
    # one recipient on the Kính gửi line
    ("Kính gửi: Bộ Nội vụ. | Thực hiện Công văn số 5/BNV-VP ngày 01/02/2024, Sở Nội vụ báo cáo như sau:",
     ["Bộ Nội vụ"]),
    ("Kính gửi: Ủy ban nhân dân các xã, phường | Thực hiện Kế hoạch số 45/KH-UBND ngày 01/02/2024 của UBND tỉnh, đề nghị:",
     ["Ủy ban nhân dân các xã, phường"]),
    # a dash list under the heading
    ("Kính gửi: | - Các sở, ban, ngành tỉnh; | - Ủy ban nhân dân các huyện, thị xã, thành phố. | Thực hiện Kế hoạch số 45/KH-UBND,",
     ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố"]),
    ("Kính gửi: | – Sở Tài chính; | – Sở Nội vụ; | – Kho bạc Nhà nước tỉnh. | Căn cứ dự toán được giao,",
     ["Sở Tài chính", "Sở Nội vụ", "Kho bạc Nhà nước tỉnh"]),
    # the first item on the heading line, the rest as dashes
    ("Kính gửi: - Sở Tài chính; | - Sở Nội vụ. | Nội dung công văn",
     ["Sở Tài chính", "Sở Nội vụ"]),
    ("Kính gửi: Ủy ban nhân dân các xã, phường; | - Sở Nội vụ. | Nội dung công văn",
     ["Ủy ban nhân dân các xã, phường", "Sở Nội vụ"]),
    # a wrapped item is joined back
    ("Kính gửi: | - Ủy ban nhân dân các huyện, thị xã, | thành phố; | - Sở Nội vụ. | Sau khi xem xét,",
     ["Ủy ban nhân dân các huyện, thị xã, thành phố", "Sở Nội vụ"]),
    # dashes lost (a transcription): one item per line ending ';', the list ends at '.'
    ("Kính gửi: | Các sở, ban, ngành tỉnh; | Ủy ban nhân dân các huyện, thị xã, thành phố. | "
     "Thực hiện Kế hoạch số 45/KH-UBND, Sở Nội vụ đề nghị các cơ quan, đơn vị triển khai các nội dung sau đây để bảo đảm "
     "tiến độ chung của tỉnh trong năm.",
     ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố"]),
    # a dash on a line of its own (OCR)
    ("Kính gửi: | - | Chủ tịch UBND tỉnh; | - | Sở Nội vụ. | Nội dung",
     ["Chủ tịch UBND tỉnh", "Sở Nội vụ"]),
    ("Kinh gui: Bo Noi vu. | Noi dung",              ["Bo Noi vu"]),   # diacritics lost
    ("Thực hiện Kế hoạch số 45/KH-UBND, Sở Nội vụ đề nghị:", []),        # no Kính gửi at all
]


@pytest.mark.parametrize("text, expected", RECIPIENTS)
def test_recipients(text, expected):
    values, spans = find_recipients(lines(text), [])
    assert values == expected
    assert len(spans) == len(values)


def test_recipient_spans_point_at_the_printed_items():
    text = "Kính gửi:\n- Sở Tài chính;\n- Sở Nội vụ.\nNội dung"
    values, spans = find_recipients(lines_of(text, 0, len(text)), [])
    assert [text[s:e] for s, e in spans] == values == ["Sở Tài chính", "Sở Nội vụ"]


def test_recipients_in_the_header_column():
    header = lines("Số: 649/UBND-KSTTHC | V/v cải cách hành chính | Kính gửi: Sở Nội vụ tỉnh Hậu Giang")
    assert find_recipients(lines("Thực hiện Kế hoạch số 45/KH-UBND,"), header)[0] == ["Sở Nội vụ tỉnh Hậu Giang"]


# Nơi nhận column, signature column → items, and the lines handed back to the signature
DISTRIBUTION = [
    ("Nơi nhận: | - Như trên; | - Bộ Nội vụ (để b/c); | - Lưu: VT, TCCB.", "",
     ["Như trên", "Bộ Nội vụ (để b/c)", "Lưu: VT, TCCB"], []),
    ("Nơi nhận: | - Như trên; | - Chủ tịch, các PCT UBND tỉnh; | - Ủy ban nhân dân các huyện, thị xã, | thành phố; | - Lưu: VT, VX.", "",
     ["Như trên", "Chủ tịch, các PCT UBND tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Lưu: VT, VX"], []),
    ("Nơi nhận: | - Như trên; | - Lưu: VT, MTNATL (02), DH (400).", "",
     ["Như trên", "Lưu: VT, MTNATL (02), DH (400)"], []),
    # dashes lost: items end with ';', the Lưu line closes the list
    ("Nơi nhận: | Như trên; | Sở Nội vụ; | Lưu: VT.", "",
     ["Như trên", "Sở Nội vụ", "Lưu: VT"], []),
    # a flattened layout: the signature follows the dash list
    ("Nơi nhận: | - Như trên; | - Lưu: VT, KSTTHC. | KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Phạm Quốc Hiệu", "",
     ["Như trên", "Lưu: VT, KSTTHC"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phạm Quốc Hiệu"]),
    # the two columns interleaved line by line
    ("Nơi nhận: GIÁM ĐỐC | Như trên; (Đã ký và đóng dấu) | Thành ủy, HĐND, UBND thành phố; Lê Thị Bích Thuận | Lưu: VT, VP.", "",
     ["Như trên", "Thành ủy, HĐND, UBND thành phố", "Lưu: VT, VP"],
     ["GIÁM ĐỐC", "(Đã ký và đóng dấu)", "Lê Thị Bích Thuận"]),
    # a Nơi nhận zone that is only its heading: the signature column is read with it
    ("Nơi nhận:", "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Phạm Quốc Hiệu",
     [], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phạm Quốc Hiệu"]),
    ("", "", [], []),
]


@pytest.mark.parametrize("noi_nhan, signature, items, handed_back", DISTRIBUTION)
def test_distribution(noi_nhan, signature, items, handed_back):
    values, spans, rest = find_distribution(lines(noi_nhan), lines(signature))
    assert values == items
    assert len(spans) == len(values)
    assert [ln.text for ln in rest] == handed_back


def test_distribution_spans_and_offsets_are_absolute():
    text = "Nội dung.\nNơi nhận:\n- Như trên;\n- Lưu: VT, TCCB."
    start = text.index("Nơi nhận")
    values, spans, _ = find_distribution(lines_of(text, start, len(text)))
    assert [text[s:e] for s, e in spans] == values == ["Như trên", "Lưu: VT, TCCB"]
