"""Issue 16, item 1: what annotations print (e-office signature widgets: the number and the day) is read as
text with the page, placed where it prints, by both PDF engines; OCR only for a widget that holds nothing
but an image; an unreadable widget is a warning.

The fixture letters are made here: a header page written by pypdfium2 in Liberation Serif (the font the
set-up installs), and widgets written by pypdf with appearance streams in Helvetica, as e-office systems
write them (a form XObject, often with its own /Matrix, fitted to the widget's /Rect)."""
import ctypes
import json
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           NumberObject, StreamObject, TextStringObject)

from pipeline.ingest import read_document
from pipeline.ingest.layout import group_lines
from pipeline.ingest.pdf import ENGINES, read_pages, with_annotations
from pipeline.nlp import extract_letter

from conftest import DEV, SHARED

DEV2 = SHARED / "corpus" / "dev2"
FONTS = Path("/usr/share/fonts/truetype/liberation2")
HEIGHT = 842.0

# The header of a letter whose number and day the text layer leaves blank (x, baseline from the bottom).
HEADER = [("ỦY BAN NHÂN DÂN", 95, 790), ("TỈNH LÀO CAI", 112, 775), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 790),
          ("Độc lập - Tự do - Hạnh phúc", 335, 775),
          ("Số:", 95, 740), ("/UBND-VP", 160, 740), ("Lào Cai, ngày", 300, 740), ("tháng 7 năm 2026", 405, 740),
          ("V/v thử đọc số và ngày ký số", 95, 715), ("Kính gửi: Sở Nội vụ tỉnh Lào Cai.", 220, 680),
          ("Ủy ban nhân dân tỉnh giao Sở Nội vụ thực hiện việc này theo quy định.", 95, 650),
          ("Nơi nhận:", 95, 600), ("- Như trên;", 95, 588), ("- Lưu: VT.", 95, 576),
          ("KT. CHỦ TỊCH", 380, 600), ("PHÓ CHỦ TỊCH", 380, 585), ("Nguyễn Văn An", 385, 520)]


def header_pdf(path: Path) -> Path:
    """The header page, its text in an embedded TrueType font (pdfium's page-editing API)."""
    data = (FONTS / "LiberationSerif-Regular.ttf").read_bytes()
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595.0, HEIGHT)
    buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    font = pdfium_raw.FPDFText_LoadFont(pdf.raw, buf, len(data), pdfium_raw.FPDF_FONT_TRUETYPE, True)
    for text, x, y in HEADER:
        obj = pdfium_raw.FPDFPageObj_CreateTextObj(pdf.raw, font, 13.0)
        wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)))
        pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
    pdfium_raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))
    return path


def _stream(writer: PdfWriter, content: bytes, **entries):
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return writer._add_object(stream)


def _numbers(*values):
    return ArrayObject(FloatObject(v) for v in values)


def helvetica(writer: PdfWriter):
    return DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/Helv"): writer._add_object(
        DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                          NameObject("/BaseFont"): NameObject("/Helvetica"),
                          NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))})})


def add_widgets(src: Path, out: Path, widgets) -> Path:
    """Signature widgets on page 1: (name, rect, appearance stream reference or a builder taking the writer)."""
    writer = PdfWriter(clone_from=str(src))
    annots, fields = ArrayObject(), ArrayObject()
    for name, rect, appearance in widgets:
        ap = appearance(writer) if callable(appearance) else appearance
        widget = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject(name),
            NameObject("/Rect"): _numbers(*rect), NameObject("/F"): NumberObject(132),  # Print | Locked
            NameObject("/AP"): DictionaryObject({NameObject("/N"): ap})}))
        annots.append(widget)
        fields.append(widget)
    writer.pages[0][NameObject("/Annots")] = annots
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
        NameObject("/Fields"): fields, NameObject("/SigFlags"): NumberObject(3)}))
    writer.write(str(out))
    return out


def number_widget(writer):
    """The number, in a stream turned a quarter (/Matrix [0 1 -1 0 0 0]) whose text is turned back (its
    Tm [0 -1 1 0 3 39]): PDF 32000 §12.5.5 maps the /BBox [0 0 15 40] through the matrix onto
    [-40 0 0 15], which the translation A = (x0 + 40, y0) fits to the 40 × 15 rect, so the text is upright
    and starts at (x0 - 39 + 40, y0 + 3): the rect [124 737 164 752] prints "1234" from x 125 on the header's
    baseline (740). Drawn without the matrix, or without A, it would land elsewhere, or on its side."""
    return _stream(writer, b"BT /Helv 13 Tf 0 -1 1 0 3 39 Tm (1234) Tj ET", BBox=_numbers(0, 0, 15, 40),
                   Matrix=_numbers(0, 1, -1, 0, 0, 0), Resources=helvetica(writer))


def day_widget(writer):
    """The day, the way the văn thư system nests it: the stream draws /FRM, which draws the blank layer n0
    and the text layer n2 ("05" at (2, 3) of a rect from (381, 737): x 383, baseline 740)."""
    n0 = _stream(writer, b"% DSBlank\n", BBox=_numbers(0, 0, 100, 100))
    n2 = _stream(writer, b"BT /Helv 13 Tf 2 3 Td (05) Tj ET", BBox=_numbers(0, 0, 20, 15), Resources=helvetica(writer))
    frm = _stream(writer, b"q /n0 Do Q q /n2 Do Q", BBox=_numbers(0, 0, 20, 15), Resources=DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/n0"): n0, NameObject("/n2"): n2})}))
    return _stream(writer, b"q /FRM Do Q", BBox=_numbers(0, 0, 20, 15), Resources=DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/FRM"): frm})}))


NUMBER_RECT, DAY_RECT = (124, 737, 164, 752), (381, 737, 401, 752)


@pytest.fixture(scope="module")
def stamped(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("widgets")
    return add_widgets(header_pdf(tmp / "header.pdf"), tmp / "stamped.pdf",
                       [("Signature2", NUMBER_RECT, number_widget), ("Signature3", DAY_RECT, day_widget)])


@pytest.mark.parametrize("engine", ENGINES)
def test_widget_words_print_where_their_matrix_puts_them(stamped, engine):
    """§12.5.5: the words come apart from the page's own, at the x their stream's matrix and the rect give,
    standing on the header's baseline, at the size they were set in."""
    page = read_pages(str(stamped), engine)[0][0]
    assert "1234" not in [w.text for w in page.words]
    annots = {w.text: w for w in page.annots}
    assert set(annots) == {"1234", "05"}
    baseline = HEIGHT - 740
    for text, x in (("1234", 125.0), ("05", 383.0)):
        _, x0, top, x1, bottom, _ = annots[text]
        assert abs(x0 - x) < 0.6, (text, x0)
        assert top < baseline < bottom and 9 < bottom - top < 17, (text, top, bottom)
        assert abs((x1 - x0) - 13 * 0.556 * len(text)) < 1.0  # Helvetica's digits, 0.556 em wide each


@pytest.mark.parametrize("engine", ENGINES)
def test_widget_words_join_the_header_line_they_print_on(stamped, engine):
    page = read_pages(str(stamped), engine)[0][0]
    lines = [ln.text for ln in group_lines(with_annotations(page.words, page.annots), 1)]
    assert "Số: 1234 /UBND-VP Lào Cai, ngày 05 tháng 7 năm 2026" in lines
    source = read_document(stamped, pdf_engine=engine)
    assert "Số: 1234 /UBND-VP" in source.zone_text("header_left").splitlines()
    assert "Lào Cai, ngày 05 tháng 7 năm 2026" in source.zone_text("header_right").splitlines()
    assert not source.ocr and not source.stamps and source.engine == engine  # no OCR ran
    record = extract_letter(source).to_json()
    assert (record["number"], record["symbol"], record["date"]) == ("1234", "UBND-VP", "2026-07-05")
    assert "number is blank" not in record["warnings"]


def test_the_stamp_a_widget_prints_over_the_drafts_month_hides_it(tmp_path):
    """An e-office system that signs in another month prints its month over the draft's (dev2 029: "5"
    over "4"): the word printed on top is read, the one under it is not."""
    def month(writer):
        return _stream(writer, b"BT /Helv 13 Tf 1 3 Td (8) Tj ET", BBox=_numbers(0, 0, 12, 15),
                       Resources=helvetica(writer))
    # "tháng 7 năm 2026" starts at x 405; its "7" spans x 437.1-443.6, the "8" prints from x 437
    pdf = add_widgets(header_pdf(tmp_path / "h.pdf"), tmp_path / "m.pdf",
                      [("Signature2", NUMBER_RECT, number_widget), ("Signature3", DAY_RECT, day_widget),
                       ("Signature4", (436, 737, 448, 752), month)])
    for engine in ENGINES:
        source = read_document(pdf, pdf_engine=engine)
        assert "Lào Cai, ngày 05 tháng 8 năm 2026" in source.zone_text("header_right").splitlines(), engine


def image_widget(writer):
    """A signing stamp drawn as an image only: "1234" rendered by PIL, no text in the stream (32 × 15 pt,
    white around the digits: it must leave the "/" of the symbol visible)."""
    image = Image.new("L", (128, 60), 255)
    font = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), 52)
    ImageDraw.Draw(image).text((4, 2), "1234", fill=0, font=font)
    xobj = StreamObject()
    xobj._data = image.tobytes()
    xobj.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                 NameObject("/Width"): NumberObject(128), NameObject("/Height"): NumberObject(60),
                 NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                 NameObject("/BitsPerComponent"): NumberObject(8)})
    return _stream(writer, b"q 32 0 0 15 0 0 cm /Im1 Do Q", BBox=_numbers(0, 0, 32, 15), Resources=DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): writer._add_object(xobj)})}))


def test_a_widget_holding_only_an_image_is_read_by_ocr_and_says_so(tmp_path):
    pdf = add_widgets(header_pdf(tmp_path / "h.pdf"), tmp_path / "image.pdf",
                      [("Signature2", (124, 737, 156, 752), image_widget), ("Signature3", DAY_RECT, day_widget)])
    source = read_document(pdf)
    assert [(s.field, s.value) for s in source.stamps] == [("number", "1234")]
    assert "number read by OCR from a signing widget that holds only an image: 1234" in source.warnings
    assert source.engine == "pypdfium2+tesseract"
    assert "Số: 1234/UBND-VP" in source.zone_text("header_left")


def test_a_blank_under_no_widget_stays_blank_and_no_ocr_runs(tmp_path):
    pdf = add_widgets(header_pdf(tmp_path / "h.pdf"), tmp_path / "day-only.pdf",
                      [("Signature3", DAY_RECT, day_widget)])
    source = read_document(pdf)
    assert not source.stamps and source.engine == "pypdfium2"
    record = extract_letter(source).to_json()
    assert record["number"] is None and record["date"] == "2026-07-05"
    assert "number is blank" in record["warnings"]


def broken_widgets(writer):
    """Five ways a widget's appearance goes wrong: a stream whose Flate data is not Flate, text in a font
    the resources do not name, a form that draws itself, an /N that is not a stream, a /BBox of names."""
    bad = StreamObject()
    bad._data = b"this is not deflated data at all"
    bad.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): _numbers(0, 0, 40, 15), NameObject("/Filter"): NameObject("/FlateDecode")})
    no_font = _stream(writer, b"BT /Missing 13 Tf 2 3 Td (05) Tj ET", BBox=_numbers(0, 0, 20, 15))
    loop = DecodedStreamObject()
    loop.set_data(b"q /Me Do Q BT /Helv 13 Tf 2 3 Td (77) Tj ET")
    loop.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): _numbers(0, 0, 20, 15)})
    loop_ref = writer._add_object(loop)
    loop[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject("/Me"): loop_ref}), **helvetica(writer)})
    names = _stream(writer, b"BT /Helv 13 Tf 2 3 Td (99) Tj ET", Resources=helvetica(writer),
                    BBox=ArrayObject(NameObject(n) for n in ("/a", "/b", "/c", "/d")))
    return writer._add_object(bad), no_font, loop_ref, NumberObject(7), names


@pytest.mark.parametrize("engine", ENGINES)
def test_unreadable_widgets_are_warnings_and_the_blank_number_stays_null(tmp_path, engine):
    src = header_pdf(tmp_path / "h.pdf")
    holder = {}

    def part(i):
        def build(writer):
            if "refs" not in holder:
                holder["refs"] = broken_widgets(writer)
            return holder["refs"][i]
        return build
    pdf = add_widgets(src, tmp_path / "broken.pdf", [
        ("Signature2", NUMBER_RECT, part(0)), ("Signature3", DAY_RECT, part(1)),
        ("Signature4", (500, 737, 520, 752), part(2)), ("Signature5", (60, 100, 80, 115), part(3)),
        ("Signature6", (60, 130, 80, 145), part(4))])
    source = read_document(pdf, pdf_engine=engine)  # no exception
    record = extract_letter(source).to_json()
    assert record["number"] is None and "number is blank" in record["warnings"]
    assert "the signing widget over the number draws nothing readable: the number is left blank" in source.warnings
    assert "Số: /UBND-VP" in source.zone_text("header_left")
    assert not source.stamps
    # The font-less "05" prints (a viewer draws it in a stand-in font), the looping form once ("77")
    assert "Lào Cai, ngày 05 tháng 7 năm 2026 77" in source.zone_text("header_right").splitlines()
    if engine == "pdfplumber":  # pdfminer stops at the /BBox of names; pdfium draws nothing for it
        assert any(w.startswith("page 1: annotation 5 cannot be read (TypeError") for w in source.warnings)


# -- the real e-office letters of the corpus: number and day in signature widgets ------------------------
def _gold(corpus: Path) -> dict:
    return {r["id"]: r for r in map(json.loads, (corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines())}


def _fold(value):
    return None if value is None else "".join(value.split())


EOFFICE = [(DEV, d) for d in ("022", "025", "027", "035", "037")] + [(DEV2, d) for d in ("024", "028", "029", "036")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("corpus, doc_id", EOFFICE, ids=lambda v: v if isinstance(v, str) else v.name)
def test_eoffice_letters_read_their_number_and_day_from_the_widgets(corpus, doc_id, engine):
    """The number and the date equal the gold's, with no OCR and no "number is blank"."""
    gold = _gold(corpus)[doc_id]
    source = read_document(corpus / "docs" / f"{doc_id}.pdf", pdf_engine=engine)
    assert not source.ocr and not source.stamps and source.engine == engine
    record = extract_letter(source).to_json()
    assert _fold(record["full_number"]) == _fold(gold["full_number"])
    assert record["number"] == gold["number"] and record["date"] == gold["date"]
    assert "number is blank" not in record["warnings"]


@pytest.mark.parametrize("corpus, doc_id, annots", [(DEV, "022", ["7432", "21"]), (DEV2, "024", ["2496", "06", "4"]),
                                                    (DEV2, "028", ["6791", "17"])], ids=["022", "024", "028"])
def test_the_pages_own_words_are_untouched_by_flattening(corpus, doc_id, annots):
    """Flattening appends the widgets after the page's content: the page's own words are those pdfium reads
    with the widgets unread, the widgets' are the stamped values."""
    path = str(corpus / "docs" / f"{doc_id}.pdf")
    with_widgets, without = read_pages(path)[0], read_pages(path, annotations=False)[0]
    assert [p.words for p in with_widgets] == [p.words for p in without]
    assert [w.text for w in with_widgets[0].annots] == annots and not any(p.annots for p in without)
