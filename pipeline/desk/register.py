"""The incoming register (sổ đăng ký văn bản đến) as CSV (UTF-8 with BOM, so Excel opens Vietnamese right)
and XLSX (openpyxl), with the headings of Nghị định 30/2020, Phụ lục IV."""
from __future__ import annotations

import csv
import io

from pipeline.archive.corrections import REGISTER_COLUMNS


def _cells(row: dict) -> list:
    out = []
    for key, _ in REGISTER_COLUMNS:
        value = row.get(key)
        out.append(f"{row['number']}/{row['year']}" if key == "number" else ("" if value is None else value))
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
    for letter, width in zip("ABCDEFGHI", (12, 9, 30, 20, 12, 60, 24, 10, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
