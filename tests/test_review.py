"""pipeline.nlp.review on a real letter: Hậu Giang province, Công văn 454/UBND-NCTH of 6 April 2011.

LETTER is shared/corpus/dev/docs/015.txt, lines 1-2, 5, 7, 11, 15-23, 27, 29-43 (not 45, a file path), 47, 49 and 61,
copied verbatim with the blank lines between them dropped. The record is built by hand after gold.jsonl's entry 015;
its spans come from str.find on LETTER.
"""
from __future__ import annotations

import html
import re
import unicodedata

import pytest

from pipeline.nlp.review import render_review, write_review

LETTER = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HẬU GIANG Độc Lập - Tự Do - Hạnh Phúc
Số: 454/UBND-NCTH Vị Thanh, ngày 6 tháng 4 năm 2011
V/v tiếp tục phối hợp tuyên truyền và tham gia bầu chọn Vịnh Hạ Long là kỳ quan thiên nhiên thế giới
Kính gửi:
- Giám đốc Sở Văn hóa, Thể thao và Du lịch;
- Giám đốc Sở Thông tin và Truyền thông;
- Giám đốc Đài Phát thanh - Truyền hình Hậu Giang;
- Chủ tịch UBND huyện, thị xã, thành phố.
Ủy ban nhân dân tỉnh nhận được Công văn số 847/UBND-VX1 ngày 22 tháng 3 năm 2011 của UBND tỉnh Quảng Ninh V/v tiếp tục phối hợp tuyên truyền và tham gia bầu chọn Vịnh Hạ Long là kỳ quan thiên nhiên thế giới, Chủ tịch UBND tỉnh có ý kiến như sau: 
Giao Giám đốc: Sở Văn hóa, Thể thao và Du lịch, Sở Thông tin và Truyền thông, Đài Phát thanh - Truyền hình Hậu Giang phối hợp với các sở, ban, ngành, đoàn thể tỉnh và UBND huyện, thị xã, thành phố tiếp tục tuyên truyền và phát động trong toàn thể cán bộ, công chức, viên chức, người lao động và nhân dân lao động trên địa bàn tỉnh tham gia bầu chọn Vịnh Hạ Long là kỳ quan thiên nhiên thế giới theo yêu cầu tại Công văn nêu trên./.  
(Đính kèm Công văn số 847/UBND-VX1 ngày 22/3/2011)
Nơi nhận:
- Như trên;
- TT. HĐND, UBND tỉnh;
- VP. Tỉnh ủy;
- Ban TG Tỉnh ủy;
- UBMTTQVN và các đoàn thể tỉnh;
- Sở, ban, ngành tỉnh;
- Lưu: VT, NCTH.HH
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Thành Lập
"""
RECIPIENTS = ["Giám đốc Sở Văn hóa, Thể thao và Du lịch", "Giám đốc Sở Thông tin và Truyền thông",
              "Giám đốc Đài Phát thanh - Truyền hình Hậu Giang", "Chủ tịch UBND huyện, thị xã, thành phố"]
DISTRIBUTION = ["Như trên", "TT. HĐND, UBND tỉnh", "VP. Tỉnh ủy", "Ban TG Tỉnh ủy", "UBMTTQVN và các đoàn thể tỉnh",
                "Sở, ban, ngành tỉnh", "Lưu: VT, NCTH.HH"]
SUBJECT = "tiếp tục phối hợp tuyên truyền và tham gia bầu chọn Vịnh Hạ Long là kỳ quan thiên nhiên thế giới"
REF_CLAUSE = "Công văn số 847/UBND-VX1 ngày 22 tháng 3 năm 2011 của UBND tỉnh Quảng Ninh"
# field -> the text its span covers in LETTER (the value itself, or where the value was read from)
HIGHLIGHTED = {"full_number": "454/UBND-NCTH", "issuer": "ỦY BAN NHÂN DÂN", "place": "Vị Thanh",
               "date": "ngày 6 tháng 4 năm 2011", "subject": SUBJECT, "signing_authority": "KT. CHỦ TỊCH",
               "signer_title": "PHÓ CHỦ TỊCH", "signer": "Trần Thành Lập"}


def span(needle: str, text: str = LETTER) -> list[int]:
    start = text.find(needle)
    assert start >= 0, needle
    return [start, start + len(needle)]


def letter_record(text: str = LETTER) -> dict:
    ref_start, ref_end = span(REF_CLAUSE, text)
    return {
        "schema": "vanban.letter/1", "key": None,
        "source": {"path": "corpus/dev/docs/015.txt", "format": "txt", "pages": 1, "ocr": False},
        "number": "454", "symbol": "UBND-NCTH", "full_number": "454/UBND-NCTH", "year": 2011, "doc_type": "Công văn",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "parent_issuer": None, "place": "Vị Thanh", "date": "2011-04-06",
        "subject": SUBJECT, "recipients": RECIPIENTS, "distribution": DISTRIBUTION, "signer": "Trần Thành Lập",
        "signing_authority": "KT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH",
        "references": [{"full_number": "847/UBND-VX1", "number": "847", "symbol": "UBND-VX1", "year": 2011,
                        "date": "2011-03-22", "doc_type": "Công văn", "issuer": "UBND tỉnh Quảng Ninh",
                        "relation": "implements", "key": None, "text": REF_CLAUSE,
                        "start": ref_start, "end": ref_end}],
        "warnings": ["issuer lines interleaved with the national motto"],
        "spans": {**{f: span(v, text) for f, v in HIGHLIGHTED.items()},
                  "recipients": [span(r, text) for r in RECIPIENTS],
                  "distribution": [span(d, text) for d in DISTRIBUTION]},
        "confidence": {"signer": 0.62, "date": 0.95},
    }


def marked(page: str, value: str, label: str) -> bool:
    """Whether `value` is the whole text of a displaCy <mark> labelled `label`."""
    pattern = rf'<mark class="entity[^"]*"[^>]*>{re.escape(html.escape(value))}<span[^>]*>{re.escape(label)}</span>'
    return re.search(pattern, page) is not None


def shown_text(page: str) -> str:
    """The letter as the reader sees it in the highlighted pane, labels removed."""
    body = re.search(r'<div class="entities"[^>]*>(.*?)</div>', page, re.S).group(1)
    body = re.sub(r"<span[^>]*>[^<]*</span>", "", body).replace("<br>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def rows(page: str) -> dict[str, str]:
    """Field table rows by field name."""
    return {re.sub(r"<[^>]+>", "", m.group(2)): m.group(0)
            for m in re.finditer(r"<tr[^>]*><th>(<a [^>]*>)?([a-z_]+)(</a>)?</th>.*?</tr>", page)}


@pytest.fixture(scope="module")
def page() -> str:
    return render_review(LETTER, letter_record())


def test_every_span_is_a_displacy_mark_with_its_label(page):
    for field, value in HIGHLIGHTED.items():
        assert marked(page, value, field.upper()), field
    for value in RECIPIENTS:
        assert marked(page, value, "RECIPIENT"), value
    for value in DISTRIBUTION:
        assert marked(page, value, "DISTRIBUTION"), value
    assert marked(page, REF_CLAUSE, "REF:implements")
    assert 'id="hl-subject"' in page and 'href="#hl-subject"' in page and 'href="#hl-ref-0"' in page


def test_vietnamese_text_is_intact_and_the_page_is_utf8(page, tmp_path):
    assert unicodedata.is_normalized("NFC", page)
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert "Ủy ban nhân dân tỉnh nhận được" in page and "Trần Thành Lập" in page
    assert not re.search(r"&#x?[0-9a-fA-F]+;", page)  # no numeric entities for accented letters
    assert shown_text(page) == LETTER
    out = write_review(tmp_path / "015.html", LETTER, letter_record())
    assert out.read_bytes().decode("utf-8") == page


def test_a_field_read_with_low_confidence_is_marked_doubtful(page):
    by_field = rows(page)
    assert 'class="doubtful"' in by_field["signer"] and "⚠ doubtful" in by_field["signer"]
    assert "0.62" in by_field["signer"]
    assert "0.95" in by_field["date"] and "doubtful" not in by_field["date"]
    assert "doubtful" not in by_field["place"]
    assert re.search(r'<mark class="entity field doubtful"[^>]*>Trần Thành Lập<', page)


def test_a_reference_inside_the_subject_stays_highlighted_and_splits_it():
    record = letter_record()
    body = LETTER.split("\n")[9]
    record["spans"]["subject"] = span(body)  # as if the extractor took the whole sentence
    page = render_review(LETTER, record)
    assert marked(page, REF_CLAUSE, "REF:implements")
    assert marked(page, body[:body.find("Công văn")], "SUBJECT")
    assert marked(page, body[body.find(REF_CLAUSE) + len(REF_CLAUSE):], "SUBJECT")
    assert shown_text(page) == LETTER  # nothing duplicated or lost by the split
    assert page.count('id="hl-subject"') == 1


def test_partial_and_identical_overlaps_do_not_crash():
    record = letter_record()
    title_start = LETTER.find("PHÓ CHỦ TỊCH")
    record["spans"]["signer_title"] = [title_start, LETTER.find("Trần") + 4]  # runs into the signer's name
    record["spans"]["year"] = list(record["spans"]["date"])  # the same span as the date
    page = render_review(LETTER, record)
    assert marked(page, "Trần Thành Lập", "SIGNER") and marked(page, "PHÓ CHỦ TỊCH\n", "SIGNER_TITLE")
    assert marked(page, "ngày 6 tháng 4 năm 2011", "DATE")
    assert "Not highlighted: year: covered by another highlight" in page  # a tie goes to the earlier label
    assert shown_text(page) == LETTER
    assert render_review(LETTER, record) == page  # deterministic


def test_invalid_spans_are_skipped_with_a_note():
    record = letter_record()
    record["spans"].update(place=[len(LETTER) + 5, len(LETTER) + 20], number=[10, 10], symbol="454")
    record["spans"]["distribution"][1] = [-3, 4]
    record["references"][0]["end"] = None
    page = render_review(LETTER, record)
    assert "Not highlighted: place" in page and "out of range" in page
    assert "Not highlighted: number [10, 10]: empty" in page
    assert "Not highlighted: symbol &#x27;454&#x27;: not a [start, end] pair" in page
    assert "Not highlighted: distribution[1]" in page and "Not highlighted: reference 1" in page
    assert 'href="#hl-place"' not in page and marked(page, "Trần Thành Lập", "SIGNER")
    assert shown_text(page) == LETTER


def test_markup_in_the_text_and_the_record_is_escaped():
    text = LETTER.replace("Như trên", 'Như trên <script>alert("x")</script> & <b>')
    record = letter_record(text)
    record["distribution"][0] = 'Như trên <script>alert("x")</script> & <b>'
    record["spans"]["distribution"][0] = span(record["distribution"][0], text)
    record["warnings"].append("<script>bad()</script>")
    page = render_review(text, record, title="<b>454</b> & co")
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;454&lt;/b&gt; &amp; co" in page
    assert shown_text(page) == text


def test_the_page_loads_nothing_from_the_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<(script|link|iframe|img)\b", page, re.I)
    assert "@import" not in page and "url(" not in page
