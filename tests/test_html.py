"""pipeline.ingest.html on pages saved from vbpl.vn, and on small hand-written pages.

The three pages under tests/data/html/ come from the public repository phanbasongtoan112-art/vbpl-layout-detection,
data/raw_html/doc_000428.html, doc_000049.html and doc_000037.html (read at commit
ad21532c278d6bce953bd11fa6d60846cc62a092; shared/corpus/dev/sources.tsv names dcebf5df... for the same paths):
dev corpus documents 001, 002 and 004.
Each original is about 1.05 million characters, 97% of it in two spans that the `*.reduced.html` copies leave out:
  1. the 170,669 characters between the end of the first </style> (the @ant-design-icons block, kept) and the first
     <meta http-equiv="origin-trial"> (kept): ant-design CSS-in-JS <style data-css-hash=...> blocks (the parts of
     that span that were looked at were all such blocks; it is the same length on the three pages);
  2. the base64 payload (853,351 / 853,357 / 854,593 characters) of the one `xlink:href="data:image/jpeg;base64,..."`
     (an SVG avatar in the header bar); the attribute stays, empty after the comma.
Everything else (head metadata, header bar, breadcrumbs, navigation menu, tab bar, the document, footer, reCAPTCHA
badges, the "Mục lục" table-of-contents panel) was copied verbatim, in order, through a text tool: from the image
payload to the end of each page the copy has exactly the original's character count. Such a copy cannot show
whether a blank was U+0020 or U+00A0, nor precomposed vs. combining accents.
"""
from __future__ import annotations

import collections
import re
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import squash
from pipeline.ingest.html import html_to_lines, html_to_parts

HTML = Path(__file__).parent / "data" / "html"

# page -> (dev id, number, issuer line, first body sentence, last body sentence, chrome strings seen on the raw page)
PAGES = {
    "doc_000428": ("001", "06/2019/TT-BVHTTDL", "BỘ VĂN HÓA, THỂ THAO",
                   "Căn cứ Nghị định số 79/2017/NĐ-CP ngày 17 tháng 7 năm 2017 của Chính phủ quy định chức năng, "
                   "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Văn hóa, Thể thao và Du lịch;",
                   "Điều 3. Chánh Văn phòng Bộ, Cục trưởng Cục Mỹ thuật, Nhiếp ảnh và Triển lãm, Thủ trưởng các đơn vị "
                   "có liên quan thuộc Bộ Văn hóa, Thể thao và Du lịch, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố "
                   "trực thuộc Trung ương, Giám đốc các Sở Văn hóa, Thể thao và Du lịch, Sở Văn hóa và Thể thao, Thủ "
                   "trưởng các cơ quan, tổ chức và cá nhân có liên quan chịu trách nhiệm thi hành thông tư này./.",
                   ("VĂN BẢN PHÁP LUẬT ĐỊA PHƯƠNG", "Mục lục", "Khoản 1")),
    "doc_000049": ("002", "13/NQ-CP", "CHÍNH PHỦ",
                   "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
                   "Điều 3. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ, Thủ trưởng cơ quan thuộc Chính phủ và "
                   "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chịu trách nhiệm thi hành "
                   "Nghị quyết này./.",
                   ("Trang chủ", "Thuộc tính", "Đơn vị chủ quản")),
    "doc_000037": ("004", "285/2025/NĐ-CP", "CHÍNH PHỦ",
                   "Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;",
                   "2. Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, Chủ tịch Ủy ban "
                   "nhân dân các tỉnh, thành phố và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Nghị "
                   "định này.",
                   ("GIỚI THIỆU", "Văn bản gốc", "Số 60 Trần Phú - Ba Đình")),
}
# On every page: the breadcrumb start, the tab bar, the footer title, the footer phone number.
COMMON_CHROME = ("Văn bản quy phạm pháp luật Trung ương", "Lược đồ", "Tải về", "CƠ SỞ DỮ LIỆU QUỐC GIA", "024.6273")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _page(name: str) -> bytes:
    return (HTML / f"{name}.reduced.html").read_bytes()


def _well_formed(lines: list[str]) -> None:
    for line in lines:
        assert line and line == line.strip() and "  " not in line and "\u00a0" not in line, repr(line)
        assert unicodedata.is_normalized("NFC", line), repr(line)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_saved_page_is_the_document_without_chrome(name):
    _dev, number, _issuer, first, last, chrome = PAGES[name]
    lines = html_to_lines(_page(name))
    text = "\n".join(lines)
    _well_formed(lines)
    assert any(number in line for line in lines)
    assert _collapse(first) in map(_collapse, lines)
    assert _collapse(last) in map(_collapse, lines)
    for junk in chrome + COMMON_CHROME:
        assert junk.lower() not in text.lower(), junk
    # the table-of-contents panel repeats the article headings: they must come out once
    articles = [x for x in lines if re.match(r"Điều \d+\.", x)]
    assert len(articles) == len(set(articles)) >= 2


@pytest.mark.parametrize("name", sorted(PAGES))
def test_saved_page_matches_human_conversion(name, dev_docs):
    """Line for line what a person made of the same page (dev corpus), whitespace collapsed."""
    dev = PAGES[name][0]
    expected = [_collapse(x) for x in (dev_docs / f"{dev}.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert [_collapse(x) for x in html_to_lines(_page(name))] == expected


@pytest.mark.parametrize("name", sorted(PAGES))
def test_saved_page_header_parts(name):
    _dev, number, issuer, first, last, _chrome = PAGES[name]
    data = _page(name)
    left, right, body = html_to_parts(data)
    assert left[0] == issuer and any(number in x for x in left)
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[-1].startswith("Hà Nội, ngày")
    assert _collapse(first) in body and _collapse(last) in body
    assert not any("CỘNG HÒA" in x or number in x for x in body)
    assert collections.Counter(left + right + body) == collections.Counter(html_to_lines(data))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generic_detection_finds_the_same_text(name):
    """Without vbpl.vn's content marker the page is read by text density and still gives the same lines."""
    data = _page(name)
    generic = data.replace(b' data-vbpl-content-root="true"', b"")
    assert generic != data
    assert html_to_lines(generic) == html_to_lines(data)
    assert html_to_parts(generic) == html_to_parts(data)


def test_full_size_page_with_inline_image_and_css():
    """The originals carry ~850 KB of base64 in one attribute and ~170 KB of inline CSS: put that bulk back."""
    data = _page("doc_000428")
    big = data.replace(b'base64,"', b"base64,/9j/4AAQ" + b"A" * 853_000 + b'D/9k="', 1)
    css = b'<style data-css-hash="x">' + b":where(.css-1rb9ewt).ant-btn{color:#fff;}" * 4000 + b"</style>"
    big = big.replace(b'</style><meta content="A7vZ', b"</style>" + css + b'<meta content="A7vZ', 1)
    assert len(big) > 1_000_000
    start = time.perf_counter()
    assert html_to_lines(big) == html_to_lines(data)
    assert time.perf_counter() - start < 5


# --- hand-written pages -----------------------------------------------------------------------------------------

def _xxe_page(uri: str) -> bytes:
    return (f'<!DOCTYPE x [<!ENTITY e SYSTEM "{uri}">]>\n'
            "<html><body><p>Đầu &e; cuối</p></body></html>").encode("utf-8")


def test_xxe_does_not_read_etc_hostname():
    hostname_file = Path("/etc/hostname")
    hostname = hostname_file.read_text().strip() if hostname_file.exists() else ""
    lines = html_to_lines(_xxe_page("file:///etc/hostname"))
    assert lines and lines[0].startswith("Đầu") and lines[-1].endswith("cuối")
    leftover = " ".join(lines).replace("Đầu", "").replace("cuối", "").replace("&e;", "").strip()
    assert leftover == ""  # nothing was substituted for &e;
    if hostname and hostname not in "Đầu &e; cuối":
        assert hostname not in " ".join(lines)
    assert "ENTITY" not in " ".join(lines)


def test_xxe_does_not_read_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("BI-MAT-XXE-4242", encoding="utf-8")
    for page in (_xxe_page(secret.as_uri()),
                 f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><p>A &e; B</p>'.encode()):
        assert "BI-MAT-XXE-4242" not in " ".join(html_to_lines(page))


def test_entity_expansion_bomb_is_not_expanded():
    decls = '<!ENTITY a "hahahahaha">' + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                                                 for p, c in zip("abcdefgh", "bcdefghi"))
    page = f"<!DOCTYPE bomb [{decls}]><html><body><p>X &i; Y</p></body></html>".encode()
    start = time.perf_counter()
    lines = html_to_lines(page)
    assert time.perf_counter() - start < 2
    assert "haha" not in " ".join(lines) and lines[0].startswith("X")


def _to_cp1258(text: str) -> bytes:
    """CP1258 keeps tone marks as separate combining characters: decompose them off, keep â ê ô ă ơ ư whole."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)))
        out.append("".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam – Độc lập, Tự do, Hạnh phúc; Điều 1. Ủy ban nhân dân tỉnh Hưng Yên"


@pytest.mark.parametrize("meta", [
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
    '<meta charset="windows-1258">',
    '<meta charset="cp1258"/>',
    "",  # no declaration: UTF-8 fails, CP1258 is the fallback
])
def test_cp1258_page_decodes(meta):
    page = f"<html><head>{meta}<title>x</title></head><body><p>".encode() + _to_cp1258(MOTTO) + b"</p></body></html>"
    with pytest.raises(UnicodeDecodeError):
        page.decode("utf-8")
    assert html_to_lines(page) == [MOTTO]


def test_other_encodings():
    body = "<html><body><p>Nghị định số 15/2020/NĐ-CP</p></body></html>"
    assert html_to_lines(b"\xff\xfe" + body.encode("utf-16-le")) == ["Nghị định số 15/2020/NĐ-CP"]
    assert html_to_lines(b"\xef\xbb\xbf" + body.encode("utf-8")) == ["Nghị định số 15/2020/NĐ-CP"]
    # a UTF-8 page that claims ISO-8859-1 (common on old portals) is still read as UTF-8
    wrong = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' + body
    assert html_to_lines(wrong.encode("utf-8")) == ["Nghị định số 15/2020/NĐ-CP"]


def test_output_is_nfc_with_plain_single_spaces():
    nfd = unicodedata.normalize("NFD", "Căn cứ Luật Tổ chức chính quyền địa phương")
    page = f"<p>{nfd}</p><p>Số:&nbsp;&nbsp; 12/QĐ-UBND\u2003\u200b</p><p>&nbsp;</p><div> \n\t</div>".encode()
    lines = html_to_lines(page)
    assert lines == ["Căn cứ Luật Tổ chức chính quyền địa phương", "Số: 12/QĐ-UBND"]
    _well_formed(lines)


GENERIC = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cổng thông tin điện tử tỉnh</title>
<style>p {{ color: red }}</style><script>var tracking = "Điều 99. mã theo dõi";</script></head><body>
<header class="site-header"><h1>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH HẬU GIANG</h1></header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/gt">Giới thiệu</a></li></ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/vb">Văn bản chỉ đạo điều hành</a></div>
<div class="wrapper"><div class="col-main"><div class="doc">
<table><tr><td><b>ỦY BAN NHÂN DÂN<br>TỈNH HẬU GIANG</b></td>
<td><b>{motto}<br>Độc lập - Tự do - Hạnh phúc</b></td></tr>
<tr><td>Số: 1234/UBND-NCTH</td><td><i>Vị Thanh, ngày 5 tháng 6 năm 2024</i></td></tr></table>
<div class="noidung"><p>Kính gửi: Các sở, ban, ngành tỉnh.</p>
<p>Thực hiện <a href="/vb/1">Chỉ thị số 08/CT-TTg</a> ngày 23 tháng 02 năm 2024 của Thủ tướng Chính phủ,
Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị triển khai thực hiện nghiêm túc các nội dung sau đây.</p>
<ul><li>Rà soát thủ tục hành chính trong tháng 6 năm 2024;</li>
<li>Báo cáo kết quả về Văn phòng Ủy ban nhân dân tỉnh.</li></ul>
<table><tr><th>STT</th><th>Đơn vị</th><th>Thời hạn</th></tr>
<tr><td>1</td><td>Sở Tư pháp</td><td>30/6/2024</td></tr></table>
<div class="share-tools"><a href="/fb">Chia sẻ Facebook</a>
<a href="/zalo">Zalo</a> <a href="/print">In trang</a></div>
<div><a href="/dl">Tải tệp đính kèm</a> | <a href="/mail">Gửi email</a> | <a href="/pdf">Xem bản PDF</a></div>
<p>Nơi nhận:<br>- Như trên;<br>- Lưu: VT.</p><p><b>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b></p>
<div class="vb-lien-quan"><p>Các văn bản cùng lĩnh vực:</p>
<p><a href="/q">Quyết định số 5/QĐ-UBND</a></p></div></div></div></div>
<div class="sidebar"><h3>Văn bản liên quan</h3>
<ul><li><a href="/a">Quyết định số 1/QĐ-UBND về việc ban hành quy chế</a></li>
<li><a href="/b">Công văn số 2/UBND-VP về việc tổ chức hội nghị</a></li>
<li><a href="/c">Kế hoạch số 3/KH-UBND</a></li></ul></div>
<div class="links"><a href="/x">Thủ tục hành chính</a> <a href="/y">Lịch làm việc</a> <a href="/z">Hỏi đáp</a>
<a href="/w">Liên hệ</a></div></div>
<form action="/search"><input name="q" value="Tìm kiếm văn bản"><button>Tìm</button></form>
<footer><p>Bản quyền thuộc Ủy ban nhân dân tỉnh Hậu Giang</p></footer></body></html>"""


@pytest.mark.parametrize("motto", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                   "Cộng hoà xã hội chủ nghĩa Việt Nam"])
def test_generic_portal_page(motto):
    page = GENERIC.format(motto=motto).encode("utf-8")
    lines = html_to_lines(page)
    assert lines[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH HẬU GIANG", motto, "Độc lập - Tự do - Hạnh phúc"]
    assert lines[4:6] == ["Số: 1234/UBND-NCTH", "Vị Thanh, ngày 5 tháng 6 năm 2024"]
    assert squash("Thực hiện Chỉ thị số 08/CT-TTg ngày 23 tháng 02 năm 2024") in squash(" ".join(lines))
    assert "STT | Đơn vị | Thời hạn" in lines and "1 | Sở Tư pháp | 30/6/2024" in lines
    assert lines[-2:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    text = " ".join(lines)
    for junk in ("Trang chủ", "CỔNG THÔNG TIN", "Văn bản liên quan", "Quyết định số 1/QĐ-UBND", "Lịch làm việc",
                 "Tìm kiếm", "Bản quyền", "tracking", "color", "Điều 99", "Facebook", "Tải tệp", "Gửi email",
                 "cùng lĩnh vực", "5/QĐ-UBND"):
        assert junk not in text, junk
    left, right, body = html_to_parts(page)
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH HẬU GIANG", "Số: 1234/UBND-NCTH"]
    assert right == [motto, "Độc lập - Tự do - Hạnh phúc", "Vị Thanh, ngày 5 tháng 6 năm 2024"]
    assert body == lines[6:]


def test_no_header_table_gives_everything_as_body():
    page = ("<body><table><tr><td>Ghi chú</td><td>Không có quốc hiệu ở đây</td></tr></table>"
            "<p>Thông báo về việc nghỉ lễ.</p></body>").encode()
    lines = html_to_lines(page)
    assert lines == ["Ghi chú", "Không có quốc hiệu ở đây", "Thông báo về việc nghỉ lễ."]
    assert html_to_parts(page) == ([], [], lines)


@pytest.mark.parametrize("data", [b"", b"   \n", b"<!DOCTYPE html>", b"<html><body></body></html>"])
def test_empty_pages(data):
    assert html_to_lines(data) == []
    assert html_to_parts(data) == ([], [], [])


def test_known_container_wins_over_longer_text_elsewhere():
    about = "<p>" + "Giới thiệu chung về lịch sử, địa lý, văn hóa và con người của tỉnh. " * 20 + "</p>"
    page = (f'<body><div class="gioi-thieu">{about}</div><div class="box"><div id="toanvancontent">'
            "<p>QUYẾT ĐỊNH</p><p>Về việc phê duyệt kế hoạch cải cách hành chính năm 2024 của tỉnh.</p>"
            '</div><div class="fulltext-footer">Lượt xem: 1234</div></div></body>').encode()
    assert html_to_lines(page) == ["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch cải cách hành chính năm 2024 của tỉnh."]
