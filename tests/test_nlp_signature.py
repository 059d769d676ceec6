"""The signature block (ô 7a–7c, domain.md §1, §8): one row per signing form → signer, authority, title.
In the tables ' | ' separates printed lines, top to bottom."""
import pytest

from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.segment import lines_of
from pipeline.nlp.signature import read_signature, signature_from_tail


def lines(table_text: str):
    text = table_text.replace(" | ", "\n")
    return lines_of(text, 0, len(text))


# signature column                                              → signer            authority                              title
SIGNATURES = [
    ("BỘ TRƯỞNG | Nguyễn Văn Thắng",                                "Nguyễn Văn Thắng", None,                                  "BỘ TRƯỞNG"),
    ("CHỦ TỊCH | Trần Quốc Nam",                                    "Trần Quốc Nam",    None,                                  "CHỦ TỊCH"),
    ("KT. BỘ TRƯỞNG | THỨ TRƯỞNG | Trần Văn Bình",                  "Trần Văn Bình",    "KT. BỘ TRƯỞNG",                       "THỨ TRƯỞNG"),
    ("TM. ỦY BAN NHÂN DÂN | CHỦ TỊCH | Lê Văn Cường",               "Lê Văn Cường",     "TM. ỦY BAN NHÂN DÂN",                 "CHỦ TỊCH"),
    ("TL. BỘ TRƯỞNG | VỤ TRƯỞNG VỤ PHÁP CHẾ | Phạm Thị Dung",       "Phạm Thị Dung",    "TL. BỘ TRƯỞNG",                       "VỤ TRƯỞNG VỤ PHÁP CHẾ"),
    ("TUQ. CHỦ TỊCH | GIÁM ĐỐC SỞ NỘI VỤ | Hoàng Văn Minh",         "Hoàng Văn Minh",   "TUQ. CHỦ TỊCH",                       "GIÁM ĐỐC SỞ NỘI VỤ"),
    ("Q. GIÁM ĐỐC | Nguyễn Thị Hoa",                                "Nguyễn Thị Hoa",   "Q. GIÁM ĐỐC",                         None),
    ("TM. ỦY BAN NHÂN DÂN | KT. CHỦ TỊCH | PHÓ CHỦ TỊCH | Võ Văn Giang",
                                                                    "Võ Văn Giang",     "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH",  "PHÓ CHỦ TỊCH"),
    ("TM. CHÍNH PHỦ | KT. THỦ TƯỚNG | PHÓ THỦ TƯỚNG | Hồ Đức Phớc",  "Hồ Đức Phớc",      "TM. CHÍNH PHỦ / KT. THỦ TƯỚNG",       "PHÓ THỦ TƯỚNG"),
    # prefixes printed without the dot or with a slash
    ("T/M ỦY BAN NHÂN DÂN | CHỦ TỊCH | Lê Văn Cường",               "Lê Văn Cường",     "TM. ỦY BAN NHÂN DÂN",                 "CHỦ TỊCH"),
    ("KT CHỦ TỊCH | PHÓ CHỦ TỊCH | Lê Văn Cường",                   "Lê Văn Cường",     "KT. CHỦ TỊCH",                        "PHÓ CHỦ TỊCH"),
    # signature and seal noise
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | (Đã ký) | Phạm Quốc Hiệu",      "Phạm Quốc Hiệu",   "KT. GIÁM ĐỐC",                        "PHÓ GIÁM ĐỐC"),
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Đã ký | Phạm Quốc Hiệu",        "Phạm Quốc Hiệu",   "KT. GIÁM ĐỐC",                        "PHÓ GIÁM ĐỐC"),
    ("GIÁM ĐỐC | (Ký, đóng dấu) | Phạm Quốc Hiệu",                  "Phạm Quốc Hiệu",   None,                                  "GIÁM ĐỐC"),
    ("GIÁM ĐỐC | (Đã ký và đóng dấu) | Lê Thị Bích Thuận",          "Lê Thị Bích Thuận", None,                                 "GIÁM ĐỐC"),
    # ranks and titles before the name are not the name (PL I 7c; allowed in some sectors)
    ("KT. BỘ TRƯỞNG | THỨ TRƯỞNG | Thượng tướng Lê Huy Vịnh",       "Lê Huy Vịnh",      "KT. BỘ TRƯỞNG",                       "THỨ TRƯỞNG"),
    ("GIÁM ĐỐC | Đại tá Nguyễn Văn Minh",                           "Nguyễn Văn Minh",  None,                                  "GIÁM ĐỐC"),
    ("HIỆU TRƯỞNG | TS. Nguyễn Văn Minh",                           "Nguyễn Văn Minh",  None,                                  "HIỆU TRƯỞNG"),
    # page-number noise after (or between) the lines
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Phạm Quốc Hiệu | 2",            "Phạm Quốc Hiệu",   "KT. GIÁM ĐỐC",                        "PHÓ GIÁM ĐỐC"),
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | 3 | Phạm Quốc Hiệu",            "Phạm Quốc Hiệu",   "KT. GIÁM ĐỐC",                        "PHÓ GIÁM ĐỐC"),
    # no name (a draft, or one under the seal): the authority and title as printed, no signer guessed; a title
    # line alone, with no authority above it, is not taken for one
    ("KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC",                                 None,               "KT. GIÁM ĐỐC",                        "PHÓ GIÁM ĐỐC"),
    ("PHÓ GIÁM ĐỐC | Nơi nhận",                                     None,               None,                                  None),
    ("",                                                            None,               None,                                  None),
]


@pytest.mark.parametrize("column, signer, authority, title", SIGNATURES)
def test_signing_forms(column, signer, authority, title):
    sig = read_signature(lines(column), load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == (signer, authority, title)


def test_signature_spans_point_at_the_printed_text():
    text = "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nThượng tướng Lê Huy Vịnh"
    sig = read_signature(lines_of(text, 0, len(text)), load_lexicon())
    assert {f: text[s:e] for f, (s, e) in sig.spans.items()} == {
        "signer": "Lê Huy Vịnh", "signing_authority": "KT. BỘ TRƯỞNG", "signer_title": "THỨ TRƯỞNG"}


def test_signature_from_the_tail_of_a_flat_letter():
    body = lines("Sở Nội vụ đề nghị các đơn vị thực hiện nghiêm túc. | KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Phạm Quốc Hiệu")
    sig = signature_from_tail(body, load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == ("Phạm Quốc Hiệu", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_a_name_printed_in_capitals_is_the_signer_and_the_title_stays_the_title():
    from pipeline.nlp.lexicon import load_lexicon
    from pipeline.nlp.segment import lines_of
    from pipeline.nlp.signature import read_signature

    text = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNGUYỄN VĂN AN"
    sig = read_signature(lines_of(text, 0, len(text)), load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == ("NGUYỄN VĂN AN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


# OCR'd signer                → restored (None: left as read)
SURNAMES = [
    ("Lễ Thị Bích Thuận",          "Lê Thị Bích Thuận"),   # 017's scan: a tone mark too many
    ("Nguyên Văn Hùng",            "Nguyễn Văn Hùng"),
    ("Trân Quốc Nam",              "Trần Quốc Nam"),
    ("Lã Văn An",                  None),                  # Lã is a family name of its own, not La read badly
    ("La Văn An",                  None),
    ("Chử Văn Bình",               None),                  # Chử, not Chu
    ("Hạ Thị Mai",                 None),                  # Hạ, not Hà
    ("Lê Văn Cường",               None),                  # right already
    ("Xyz Văn An",                 None),                  # no family name has these letters
    ("Lễ",                         None),                  # one word is no name
    ("hạm Minh Hà",                "Phạm Minh Hà"),        # the first letter under the signature's stroke
    ("guyễn Văn Thịnh",            "Nguyễn Văn Thịnh"),
    ("ương Văn An",                None),                  # Dương, Lương, Trương, Vương …: no one name fits
]


@pytest.mark.parametrize("read,restored", SURNAMES)
def test_an_ocr_slip_in_a_family_name_is_restored_only_when_one_name_fits(read, restored):
    from pipeline.nlp.signature import restore_surname
    assert restore_surname(read, load_lexicon()) == restored


def test_a_name_with_specks_around_it_and_its_cut_family_name_on_the_line_below():
    """023 in grey: the signature's stroke over 'Phạm' left "`. Minh Hà :" and "hạm" on two lines."""
    sig = read_signature(lines("KT. BỘ TRƯỞNG | THỨ TRƯỞNG | `. Minh Hà : | hạm"), load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == ("hạm Minh Hà", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")


def test_a_name_whose_family_name_lost_its_first_letter_on_the_same_line():
    sig = read_signature(lines("KT. BỘ TRƯỞNG | THỨ TRƯỞNG | `. hạm Minh Hà :"), load_lexicon())
    assert sig.signer == "hạm Minh Hà"  # restore_surname (on OCR'd letters) writes Phạm


def test_a_distribution_item_beside_the_column_is_no_name():
    """025: a Nơi nhận item without its dash read into the signature column; its ';' keeps it an item."""
    sig = read_signature(lines("Chi nhánh mỏ tuyển đồng Sin Quyền, Lào Cai Vimico; | TM. ỦY BAN NHÂN DÂN | "
                               "KT. CHỦ TỊCH"), load_lexicon())
    assert (sig.signer, sig.signing_authority, sig.signer_title) == (None, "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", None)
