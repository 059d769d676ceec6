"""The incoming register (sổ đăng ký văn bản đến) as CSV (UTF-8 with BOM, so Excel opens Vietnamese right)
and XLSX (openpyxl), with the headings of Nghị định 30/2020, Phụ lục IV.

Both neutralise formula injection as OWASP's CSV Injection page says: a text cell that begins with = + - @, a
tab or a carriage return gets a leading single quote, so no spreadsheet runs it (a corrected issuer
`=HYPERLINK(...)` is text, not a link); XLSX cells are written as strings, never as formulas. Only the export
does this: the archive keeps each value as printed ("- Như trên" stays as it is there)."""
from __future__ import annotations

import csv
import io

from pipeline.archive.corrections import REGISTER_COLUMNS


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """A cell value a spreadsheet cannot take for a formula (OWASP CSV Injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cells(row: dict) -> list:
    out = []
    for key, _ in REGISTER_COLUMNS:
        value = row.get(key)
        out.append(neutral(f"{row['number']}/{row['year']}" if key == "number" else ("" if value is None else value)))
    return out


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([heading for _, heading in REGISTER_COLUMNS])
    for row in rows:
        w.writerow(_cells(row))
    return "\ufeff" + buf.getvalue()


def to_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ đăng ký văn bản đến"
    ws.append([heading for _, heading in REGISTER_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(_cells(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it looks like: openpyxl stores no formula
    for letter, width in zip("ABCDEFGHI", (12, 9, 30, 20, 12, 60, 24, 10, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
