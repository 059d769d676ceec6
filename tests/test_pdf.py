"""PDF text layers: both engines give the same Source; layout bands; useless layers go to OCR."""
import pytest

from pipeline.ingest import read_document
from pipeline.ingest.layout import find_band, group_lines
from pipeline.ingest.words import Line, Word

from conftest import DEV, SAMPLES

# 025 differs in one line of its Nơi nhận: pdfium's box of "(để" sits 0.2 pt higher than its line mates.
SAME_IN_BOTH = [SAMPLES / "seed-letter.pdf"] + [DEV / "docs" / f"{n}.pdf" for n in ("022", "023", "027", "035", "037")]


@pytest.mark.parametrize("path", SAME_IN_BOTH, ids=lambda p: p.name)
def test_engines_give_the_same_source(path):
    """Same text, zones and blocks from the text layer (stamps are OCR: checked per engine in test_dev_corpus)."""
    a = read_document(path, pdf_engine="pypdfium2", ocr=False)
    b = read_document(path, pdf_engine="pdfplumber", ocr=False)
    assert a.text == b.text
    assert [(z.name, z.start, z.end) for z in a.zones] == [(z.name, z.start, z.end) for z in b.zones]
    assert [(x.text, x.zone, x.page) for x in a.blocks] == [(x.text, x.zone, x.page) for x in b.blocks]


def test_header_gap_is_not_the_page_middle():
    source = read_document(DEV / "docs" / "022.pdf")
    left = [b for b in source.blocks if b.zone == "header_left"]
    right = [b for b in source.blocks if b.zone == "header_right"]
    gap_from, gap_to = max(b.bbox[2] for b in left), min(b.bbox[0] for b in right)
    assert gap_from < gap_to and gap_to < 297.6  # the right column starts left of the page middle


def words(*spec):
    """Positioned words from (text, x0, top) with 6 pt per letter, 12 pt high."""
    return [Word(t, x, y, x + 6 * len(t), y + 12, None) for t, x, y in spec]


def test_group_lines_and_band_split():
    lines = group_lines(words(("ỦY", 100, 60), ("BAN", 120, 61), ("CỘNG", 300, 60), ("HÒA", 330, 59),
                              ("Số:", 110, 90), ("12/UBND-VX", 130, 90), ("Hà", 310, 91), ("Nội,", 326, 90),
                              ("Kính", 180, 130), ("gửi:", 206, 130), ("Bộ", 232, 130), ("Xây", 248, 130),
                              ("dựng", 268, 130), ("Tài", 294, 130), ("chính", 314, 130)), page=1)
    assert [ln.text for ln in lines] == ["ỦY BAN CỘNG HÒA", "Số: 12/UBND-VX Hà Nội,", "Kính gửi: Bộ Xây dựng Tài chính"]
    end, (a, b) = find_band(lines, 0, 3, 100, 350)
    assert end == 2 and 190 <= a and b <= 300  # "Kính gửi:" crosses the gap: the band stops above it


def test_no_band_in_single_column_text():
    """Justified body lines: word gaps wander from line to line, so no gap runs through all of them."""
    lines = []
    for k, y in enumerate(range(100, 300, 15)):
        spec, x = [], 80 + (k % 3) * 7
        while x < 520:
            spec.append(("chữ", x, y))
            x += 18 + 4 + (k * 5 + x) % 7
        lines.append(Line("x", 1, (80, y, 540, y + 12), None, words(*spec)))
    assert find_band(lines, 0, len(lines), 80, 540) is None


def test_a_word_taken_into_the_other_columns_line_goes_back_to_its_neighbours():
    """023 scanned in grey, the words as tesseract boxed them: 'Điều', a little higher than '- Như' and '3;'
    beside it, was taken into the signature column's 'HỨ TRƯỞNG' before its own line began. A speck OCR is
    unsure of ('GP', 0.0) stays where it was put."""
    w = [Word("Nơi", 74.4, 245.3, 93.1, 254.0, 0.7), Word("GP", 91.4, 245.3, 115.0, 247.4, 0.0),
         Word("nhận:", 96.2, 245.3, 125.5, 256.4, 1.0), Word("KT.", 392.6, 239.3, 413.8, 256.6, 0.9),
         Word("BỘ", 418.1, 237.6, 435.8, 253.7, 0.9), Word("TRƯỞNG", 439.9, 236.3, 497.3, 254.8, 1.0),
         Word("-", 75.1, 263.5, 78.0, 264.5, 0.9), Word("Như", 81.1, 258.8, 100.6, 266.7, 1.0),
         Word("Điều", 103.4, 256.6, 124.3, 266.7, 1.0), Word("3;", 127.9, 259.0, 135.6, 268.1, 1.0),
         Word("HỨ", 406.8, 252.7, 429.6, 263.2, 0.0), Word("TRƯỞNG", 432.5, 251.4, 489.8, 263.4, 1.0)]
    texts = [ln.text for ln in group_lines(w, 2)]
    assert "Như Điều 3;" in texts and "HỨ TRƯỞNG" in texts
    assert not any("Điều" in t and "TRƯỞNG" in t for t in texts)


def test_a_signature_column_level_with_nothing_in_the_noi_nhan_list_is_still_a_column():
    """037 scanned: the seal hid the title level with 'Nơi nhận:', so only the name, below the list, is read.
    The list and the name share no line, but stand each side of one gap: the signature table."""
    from pipeline.ingest.layout import segment_positioned
    spec = [("Nơi", 80, 100), ("nhận:", 104, 100), ("-", 80, 115), ("Như", 90, 115), ("Điều", 112, 115),
            ("4;", 140, 115), ("-", 80, 130), ("Lưu", 90, 130), ("VT;", 112, 130),
            ("Vương", 380, 190), ("Trinh", 416, 190), ("Quốc", 452, 190)]
    lines = group_lines(words(*spec), page=1)
    body = [Line("Điều 4: Giấy chứng nhận này được lập thành hai bản gốc./.", 1, (80, 80, 540, 92), None,
                 words(("Điều", 80, 80), ("4:", 110, 80), ("Giấy", 130, 80), ("chứng", 160, 80), ("nhận", 200, 80),
                       ("này", 230, 80), ("được", 260, 80), ("lập", 290, 80), ("thành", 320, 80), ("hai", 360, 80),
                       ("bản", 390, 80), ("gốc./.", 420, 80)))]
    zones = {s.zone: [ln.text for ln in s.lines] for s in segment_positioned([body + lines])}
    assert zones["signature_right"] == ["Vương Trinh Quốc"]
    assert zones["signature_left"] == ["Nơi nhận:", "- Như Điều 4;", "- Lưu VT;"]
    # a header band still needs the two columns side by side on a line
    assert find_band(lines, 0, len(lines), 80, 500) is None


@pytest.mark.slow
def test_useless_text_layer_is_replaced_by_ocr(tmp_path):
    """A scan whose embedded OCR layer lost every diacritic: detected, then read by OCR."""
    import unicodedata

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    base = SAMPLES / "seed-letter-scan.pdf"
    writer = PdfWriter(clone_from=PdfReader(base))
    stripped = "".join(c for c in unicodedata.normalize("NFD", (SAMPLES / "seed-letter.txt").read_text())
                       if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    for page in writer.pages:  # an invisible (render mode 3) text layer, as scanners write them
        lines = [ln for ln in stripped.splitlines() if ln.strip()][:40]
        ops = "BT /F1 10 Tf 3 Tr 40 800 Td 12 TL " + " ".join(
            "(" + ln.encode("latin-1", "replace").decode("latin-1").replace("(", "").replace(")", "").replace("\\", "") + ") '"
            for ln in lines) + " ET"
        stream = DecodedStreamObject()
        stream.set_data(ops.encode("latin-1", "replace"))
        font = writer._add_object(__import__("pypdf").generic.DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica")}))
        page[NameObject("/Resources")][NameObject("/Font")] = __import__("pypdf").generic.DictionaryObject(
            {NameObject("/F1"): font}) if "/Font" not in page["/Resources"] else page["/Resources"]["/Font"]
        page.merge_page(page)  # keep the image
        contents = page.get_contents()
        contents.set_data(contents.get_data() + b"\n" + ops.encode("latin-1", "replace"))
        page.replace_contents(contents)
    bad = tmp_path / "bad-layer.pdf"
    with open(bad, "wb") as fh:
        writer.write(fh)
    layer_only = read_document(bad, ocr=False)
    assert "CONG" not in layer_only.text or "Hai Phong" in layer_only.text  # the layer is there, diacritic-free
    source = read_document(bad)
    assert source.ocr and "text layer unreadable, used OCR" in source.warnings
    assert "Hải Phòng" in source.text
