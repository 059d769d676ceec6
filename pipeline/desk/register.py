"""The incoming register (sổ đăng ký văn bản đến) as CSV (UTF-8 with BOM, so Excel opens Vietnamese right)
and XLSX (openpyxl), with the headings of Nghị định 30/2020, Phụ lục IV.

Both neutralise formula injection as OWASP's CSV Injection page says: a text cell that begins with = + - @, a
tab or a carriage return gets a leading single quote, so no spreadsheet runs it (a corrected issuer
`=HYPERLINK(...)` is text, not a link); XLSX cells are written as strings, never as formulas. Only the export
does this: the archive keeps each value as printed ("- Như trên" stays as it is there).

The XLSX is the register to print: Ngày đến and Ngày tháng are real dates shown dd/mm/yyyy, Số đến a number,
an autofilter over the table, the heading row frozen and repeated on every printed page, A4 landscape fitted
to the page's width, page numbers in the footer.

The CSV is for other tools and for a spreadsheet that opens it. CSV holds no types, so a spreadsheet guesses
each cell, and "1/2026" or "15/3" becomes a date. The export therefore writes no value of its own that can be
taken for anything but what it is: Số đến is the bare number (as Phụ lục IV numbers each year's register from
1; the year is Ngày đến's), and the dates are ISO 8601 (2026-03-15: read as that very date by every
spreadsheet in every locale, where 03/12/2026 is 3 December in a Vietnamese one and 12 March in an American one). A text
value that would still be taken for a date, a time or a number that loses its zeros (a Số, ký hiệu printed
without its symbol, "15/3"; a note "1/2026"; "0123") gets the same leading single quote as a formula, the one
mark a reader of this export has to know: `'` in front means "kept as text". The alternatives are worse for
CSV readers: ="15/3" is a formula (Excel's and LibreOffice's, junk for any other reader, and the very thing
the injection rule removes), and a leading tab or space is invisible and changes the value for everyone."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from pipeline.archive.corrections import REGISTER_COLUMNS


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_COLUMNS = ("received", "date")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# what Excel and LibreOffice read as a date, a time or a number other than the text (after datatest's list of
# values Excel auto-formats): d/m, d/m/y, y-m-d, d.m.y, with month names, times, and digits with leading zeros
LOOKS_TYPED = re.compile(
    r"\s*(?:"
    r"\d{1,4}\s*([/.\-])\s*\d{1,4}(?:\s*\1\s*\d{1,4})?"          # 15/3, 1/2026, 2026-03-15, 15.3.2026
    rf"|\d{{1,2}}[\s\-/]+{_MONTH}(?:[\s\-/,]+\d{{1,4}})?"           # 15-Mar, 15 March 2026
    rf"|{_MONTH}[\s\-/,]+\d{{1,4}}(?:[\s\-/,]+\d{{1,4}})?"           # Mar 15, March 2026
    r"|\d{1,2}\s*:\s*\d{1,2}(?:\s*:\s*\d{1,2})?(?:\s*[ap]\.?m?\.?)?"  # 10:30, 10:30:15 pm
    r"|\d{1,2}\s*[ap]\.?m\.?"                                     # 3 pm
    r"|0\d+(?:[.,]\d*)?|\d{16,}|\d*[.,]\d*0|\d+[.,]|\d[.,]?\d*e[+\-]?\d+"  # zeros, long digits, 1.50, 1e5
    r")\s*", re.IGNORECASE)


def neutral(value):
    """A cell value a spreadsheet cannot take for a formula (OWASP CSV Injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def as_text(value):
    """`neutral`, and a text a spreadsheet would read as a date, a time or another number is kept as text the
    same way (for the CSV, where cells have no types)."""
    value = neutral(value)
    if isinstance(value, str) and not value.startswith("'") and LOOKS_TYPED.fullmatch(value):
        return "'" + value
    return value


def _date(value):
    """An ISO date (YYYY-MM-DD) as a date; anything else as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]) if re.fullmatch(r"\d{4}-\d\d-\d\d", value[:10]) else value
        except ValueError:
            return value
    return value


def _values(row: dict) -> list:
    """The row's cells in REGISTER_COLUMNS order: Số đến its number within the year, the rest as stored."""
    return [("" if row.get(key) is None else row[key]) for key, _ in REGISTER_COLUMNS]


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([heading for _, heading in REGISTER_COLUMNS])
    dates = {i for i, (key, _) in enumerate(REGISTER_COLUMNS) if key in DATE_COLUMNS}
    for row in rows:
        # an ISO date is left as it is (a spreadsheet reads it as that date); anything else is text
        w.writerow([neutral(v) if i in dates and isinstance(_date(v), date) else as_text(v)
                    for i, v in enumerate(_values(row))])
    return "\ufeff" + buf.getvalue()


def to_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ đăng ký văn bản đến"
    ws.append([heading for _, heading in REGISTER_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for (key, _), value in zip(REGISTER_COLUMNS, _values(row)):
            if key in DATE_COLUMNS:
                value = _date(value)
            elif key == "number":
                value = int(value)
            cells.append(neutral(value))
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it looks like: openpyxl stores no formula
            elif isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(REGISTER_COLUMNS))
    for letter, width in zip("ABCDEFGHI", (12, 9, 30, 20, 12, 60, 24, 10, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 2)}"
    # printed: A4 landscape, as wide as the page, as many pages long as it takes, the headings on each
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Trang &P/&N"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
