"""The genre's landmarks, written once for every stage: the printed formulas of an official letter (ND30/2020
Phụ lục I; domain.md §1) by which ingest cuts a page into zones and nlp reads the zones. Word lists that grow
with the corpus (document types, issuing bodies, ranks, relation triggers) live in models/lexicons; what is
here is the fixed vocabulary of the layout itself.

Each landmark is a regex on the printed (NFC) text, tolerant of the slips the genre's own sources show: a lost
tone mark (CONG HOA), a missing space (Số:09/…), OCR's misreadings of "Nơi nhận" (`NOI_NHAN_LOOSE`). Folded
forms (`QUOC_HIEU`, `PARTY_NAME`) are for the callers that compare folded text; they fold these strings with
the same fold they apply to the page.
"""
from __future__ import annotations

import re

# ô 1: Quốc hiệu and Tiêu ngữ; a Party body prints the Party's name in their place (domain.md §1)
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"


def _cong_hoa(space: str) -> str:  # "CỘNG HÒA XÃ HỘI", "CỘNG HOÀ", "CONG HOA XA HOI"
    return rf"C[ỘO]NG{space}H[ÒOÕ]À?A?{space}X[ÃA]{space}H[ỘO]I"


def _doc_lap(space: str) -> str:  # "Độc lập - Tự do"
    return rf"Đ[ỘO]C{space}L[ẬA]P\s*[-–—]\s*T[ỰU]{space}DO"


# The whole lines, their words run together or not (a column cut out of a flattened line)
QUOC_HIEU_LINE = re.compile(_cong_hoa(r"\s*") + r"\s*CH[ỦU]\s*NGH[ĨI]A\s*VI[ỆE]T\s*NAM", re.I)
TIEU_NGU_LINE = re.compile(_doc_lap(r"\s*") + r"\s*[-–—]\s*H[ẠA]NH\s*PH[ÚU]C", re.I)
# Either line of ô 1 by its first words, spaced as printed
MOTTO = re.compile(_cong_hoa(r"\s+") + "|" + _doc_lap(r"\s+"), re.I)

# ô 3: "Số: 15/QĐ-UBND"; laws and resolutions print their type first ("Luật số: 121/2025/QH15"); the colon may
# be missing or printed as '.', and a blank number leaves "Số: /UBND-KT"
NUMBER_LINE = re.compile(r"^\s*(?:(?:Luật|Bộ luật|Pháp lệnh|Nghị quyết|Lệnh|Văn bản hợp nhất)\s+)?S[ốo]\s*"
                         r"(?:[:.]|(?=\s*\d)|(?=\s*/))", re.I)
SO_HEAD = re.compile(r"^\s*S[ốo]\s*[:;.]", re.I)  # the bare "Số:" head (';' an OCR slip), for cutting columns

# ô 4: "<địa danh>, ngày DD tháng MM năm YYYY"; the place is 1-6 words without digits
PLACE_DATE_LINE = re.compile(r"^[^\d,;:]{2,40},\s*ngày", re.I)
PLACE_DATE_IN_LINE = re.compile(r"(?:^|\s)([^\W\d_][^\d,;:]{0,40}?,\s*ngày\b.*)$", re.I)  # right part of a line
DATE_LINE = re.compile(r"ng[àa]y\s*(?:[\d.…_ ]|[^\s\d]{1,3}(?=\s))*\s*th[áa]ng", re.I)

# The right header column of a table layout: the motto (ô 1) or the place-and-date line (ô 4)
HEADER_RIGHT = re.compile(QUOC_HIEU_LINE.pattern + r"|^\s*[^\W\d_][^\d,;:]{0,40},\s*ngày\b", re.I | re.M)

# The formulas that open the body (ô 6, ô 9a) and close it (ô 9b), as printed; `spelled` writes them into a
# regex with the spacing its reader tolerates (the landmarks below also forgive a lost tone mark)
KINH_GUI_WORDS = "Kính gửi"
NOI_NHAN_WORDS = "Nơi nhận"
CAN_CU_WORDS = "Căn cứ"
THUC_HIEN_WORDS = "Thực hiện"
# The preamble's formulas, one ground a line (domain.md §6: Căn cứ …; Xét đề nghị …; Thực hiện …; Theo đề nghị …),
# and an answer's opening (Trả lời / Phúc đáp / Tiếp theo Công văn số …)
PREAMBLE_OPENERS = (CAN_CU_WORDS, "Xét", "Theo đề nghị", THUC_HIEN_WORDS, "Trả lời", "Phúc đáp", "Tiếp theo")
# ô 6's structure (domain.md §1): Phần and Chương in Roman numerals (or digits), Điều N
SECTION_HEAD = r"Điều\s+\d|Chương\s+[IVX\d]|Phần\s+[IVX\d]"


def spelled(words: str, space: str = " ") -> str:
    """A formula's words as a regex, `space` between them ("Kính gửi", r"\s*" → r"Kính\s*gửi")."""
    return space.join(re.escape(w) for w in words.split())


# ô 9a: "Kính gửi:"; a Công điện names its addressees after the sender's title and "điện:" ("THỦ TƯỚNG CHÍNH
# PHỦ điện:"; ND30 Phụ lục III, mẫu Công điện; domain.md): that list is the letter's recipients too
KINH_GUI = re.compile(r"^\s*K[íi]nh\s+g[ửu]i\s*:?", re.I)
_CONG_DIEN_TO = re.compile(r"^\s*(?P<sender>(?:[^\W\d_]+\s+){2,12})điện\s*:")

# ô 9b: "Nơi nhận:" as printed, and as OCR reads it ("Nơi nh" with the end lost, ó or ờ for ơ)
NOI_NHAN = re.compile(r"^\s*N[ơo]i\s+nh[ậa]n\s*:?", re.I)
NOI_NHAN_LOOSE = re.compile(r"^\s*n[ơoóờ]i\s*nh(?:[ậaâạấ]n)?\b", re.I | re.M)

# ô 9a/9b items: one per line, opened by a dash (a plus or a bullet in some offices)
ITEM_MARK = re.compile(r"^\s*[-–—+•*]\s*")

# ô 7a (ND30 PL I; domain.md §1): TM., KT., TL., TUQ., Q., also written T/M, K/T, T/L, T/UQ, and printed with
# or without the space after the dot ("KT.CHỦ TỊCH", "TM.ỦY BAN NHÂN DÂN"); without a dot a space must follow
AUTHORITY_PREFIXES = "TM|KT|TL|TUQ|Q|T/M|K/T|T/L|T/UQ"
AUTHORITY_PREFIX = re.compile(rf"^({AUTHORITY_PREFIXES})(?:\s*\.\s*|\s+)(?=\S)")
# ô 7b: the words of a signer's title (CHỦ TỊCH, PHÓ GIÁM ĐỐC, CHÁNH VĂN PHÒNG, BÍ THƯ …)
TITLE_WORDS = re.compile(r"\b(TRƯỞNG|GIÁM ĐỐC|CHỦ TỊCH|CHÁNH|THỦ TƯỚNG|TỔNG|PHÓ|BÍ THƯ|THỐNG ĐỐC|CHỦ NHIỆM)\b")
# The enacting authority printed in capitals under a normative title (NĐ 78/2025 Điều 71; "BỘ TRƯỞNG BỘ XÂY
# DỰNG", "ỦY BAN NHÂN DÂN TỈNH …"): never part of the subject above it
AUTHORITY_LINE = re.compile(r"^(BỘ TRƯỞNG|CHỦ TỊCH|THỦ TƯỚNG|GIÁM ĐỐC|CHÍNH PHỦ|ỦY BAN|UỶ BAN|HỘI ĐỒNG|TỔNG GIÁM ĐỐC|"
                            r"CỤC TRƯỞNG|VỤ TRƯỞNG|TRƯỞNG BAN|CHÁNH|BAN CHẤP HÀNH|BAN THƯỜNG VỤ|THỐNG ĐỐC|TỔNG KIỂM TOÁN)\b")

# ô 5b: the subject of a công văn after "V/v" (or "Về việc", "Trích yếu")
SUBJECT_PREFIX = re.compile(r"^\s*(?:V/v|V/V|v/v|Về việc|VỀ VIỆC|Về|Trích yếu)\s*[:.]?\s*")

# Rules and stars under the header names and the motto (a line of nothing else)
DECORATION = re.compile(r"^[\s\-–—_*=.~]+$")


def cong_dien_head(text: str) -> re.Match | None:
    """The "<SENDER> điện:" head of a Công điện's addressee list; the sender is printed in capitals."""
    m = _CONG_DIEN_TO.match(text)
    return m if m and m.group("sender").isupper() else None
