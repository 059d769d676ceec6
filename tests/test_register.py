"""Issue 19 item 6, a register a văn thư can print: documents imported for reference get no số đến; số đến
in arrival order (the inbox file's mtime, then its path), the same for two runs over one inbox whichever worker
finishes first; the XLSX with real dates and numbers, a filter, a frozen heading and a print setup; a CSV
that a spreadsheet (LibreOffice Calc, run on it here) does not turn into dates.

Every archive is made by `vanban ingest` in a subprocess from real letters (samples/, the shared development
corpus); the register is read through the desk's own exports (Flask's test client)."""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import DEV, ROOT, SAMPLES

DOCS = DEV / "docs"
SCRIPT = {"X-Vanban-Client": "tests"}
T0 = 1_767_261_600  # 2026-01-01 10:00 UTC: the inbox files' mtimes are set from it


def ingest(db: Path, *paths, extra=()) -> dict:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "ingest", *map(str, paths), "--db", str(db),
                           "--settle", "0", "--json", *extra], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def inbox(folder: Path, files: dict[str, tuple[Path, int]]) -> Path:
    """`folder` holding each name copied from its source, with the mtime T0 + the given seconds."""
    folder.mkdir(parents=True)
    for name, (source, offset) in files.items():
        shutil.copy(source, folder / name)
        os.utime(folder / name, (T0 + offset, T0 + offset))
    return folder


def client(db: Path):
    from pipeline.desk.app import create_app
    return create_app(db).test_client()


def numbers(db: Path) -> dict[str, int]:
    """Số đến of each file name (its source's path), from the archive itself."""
    with sqlite3.connect(db) as cx:
        rows = cx.execute("SELECT s.path, r.number FROM register r JOIN sources s ON s.document_id = r.document_id")
        return {Path(path).name: number for path, number in rows}


# -- documents imported for reference ------------------------------------------------------------------------
def test_reference_import_leaves_the_register_untouched(tmp_path):
    db = tmp_path / "archive.sqlite"
    portal = inbox(tmp_path / "portal", {f"00{i}.txt": (DOCS / f"00{i}.txt", i) for i in range(1, 6)})
    report = ingest(db, portal, extra=("--reference",))
    assert report["counts"]["done"] + report["counts"]["done_with_warnings"] == 5
    # a folder marked by a .vanban-reference file: everything under it, subfolders too, without the option
    marked = inbox(tmp_path / "vbpl", {"022.txt": (DOCS / "022.txt", 0)})
    inbox(marked / "more", {"023.txt": (DOCS / "023.txt", 0)})
    (marked / ".vanban-reference").write_text("")
    report = ingest(db, marked)
    outcomes = {Path(f["path"]).name: f["outcome"] for f in report["files"]}
    assert outcomes[".vanban-reference"] == "skipped"  # the mark is reported, not filed as a letter
    assert outcomes["022.txt"].startswith("done") and outcomes["023.txt"].startswith("done")

    desk = client(db)
    assert len(desk.get("/api/letters").get_json()) == 7  # filed and listed, searchable
    assert desk.get("/api/register").get_json() == []
    assert desk.get("/register.csv").get_data(as_text=True).lstrip("\ufeff").count("\n") == 1  # the heading only
    from openpyxl import load_workbook
    assert load_workbook(io.BytesIO(desk.get("/register.xlsx").get_data())).active.max_row == 1
    with sqlite3.connect(db) as cx:
        assert cx.execute("SELECT count(*), sum(reference) FROM sources").fetchone() == (7, 7)
        details = [json.loads(d) for (d,) in cx.execute("SELECT detail FROM events WHERE kind IN "
                                                     "('intake', 'stub_resolved', 'another_source')")]
        assert len(details) == 7 and all(d["reference"] is True for d in details)

    # the first letter received after the import is số đến 1; a reference document received later as a
    # letter (another source of it) gets its số đến then
    received = inbox(tmp_path / "inbox", {"seed-letter.txt": (SAMPLES / "seed-letter.txt", 0),
                                          "001-received.txt": (DOCS / "001.txt", 10)})
    (received / "001-received.txt").write_bytes((DOCS / "001.txt").read_bytes() + b"\n")  # other bytes, same letter
    os.utime(received / "001-received.txt", (T0 + 10, T0 + 10))
    ingest(db, received)
    assert numbers(db) == {"seed-letter.txt": 1, "001-received.txt": 2, "001.txt": 2}  # one letter, two sources
    rows = desk.get("/api/register").get_json()
    assert [r["number"] for r in rows] == [1, 2]
    assert rows[1]["id"] == next(i["id"] for i in desk.get("/api/letters").get_json()
                                 if i["full_number"] == rows[1]["full_number"])


# -- số đến in arrival order -----------------------------------------------------------------------------------
# the scan is read by OCR (seconds), the texts at once: with two workers, the texts finish first
ARRIVALS = {"b-scan.pdf": (SAMPLES / "seed-letter-scan.pdf", 0), "d-003.txt": (DOCS / "003.txt", 5),
            "a-001.txt": (DOCS / "001.txt", 9), "c-002.txt": (DOCS / "002.txt", 9)}
IN_ARRIVAL_ORDER = {"b-scan.pdf": 1, "d-003.txt": 2, "a-001.txt": 3, "c-002.txt": 4}  # mtime, then path


@pytest.mark.slow
def test_two_runs_over_one_inbox_give_the_same_so_den_in_arrival_order(tmp_path):
    mail = inbox(tmp_path / "inbox", ARRIVALS)
    first, second = tmp_path / "one" / "archive.sqlite", tmp_path / "two" / "archive.sqlite"
    for db in (first, second):
        report = ingest(db, mail, extra=("--workers", "2"))
        assert report["new_documents"] == 4
    assert numbers(first) == IN_ARRIVAL_ORDER
    assert numbers(second) == IN_ARRIVAL_ORDER
    # the register the clerk exports says the same
    rows = client(first).get("/api/register").get_json()
    assert [r["number"] for r in rows] == [1, 2, 3, 4]
    # a later run gets later numbers, whatever its files' mtimes
    late = inbox(tmp_path / "late", {"z-seed.txt": (SAMPLES / "seed-letter.txt", -86400)})
    ingest(first, late)
    assert numbers(first) == IN_ARRIVAL_ORDER | {"z-seed.txt": 5}


# -- the XLSX to print ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three letters received, one with an issue date and a Số, ký hiệu a spreadsheet would read as a date."""
    tmp = tmp_path_factory.mktemp("register")
    db = tmp / "archive.sqlite"
    ingest(db, inbox(tmp / "inbox", {"seed-letter.txt": (SAMPLES / "seed-letter.txt", 0),
                                     "001.txt": (DOCS / "001.txt", 1), "002.txt": (DOCS / "002.txt", 2)}))
    desk = client(db)
    doc = next(r["id"] for r in desk.get("/api/register").get_json() if r["number"] == 2)
    r = desk.patch(f"/api/letters/{doc}", json={"full_number": "15/3", "date": "2026-03-15", "by": "tests"},
                   headers=SCRIPT)
    assert r.status_code == 200, r.get_json()
    r = desk.post(f"/letters/{doc}/register", data={"unit": "1/2026", "note": "0123"}, headers=SCRIPT)
    assert r.status_code == 303
    return db


def test_xlsx_has_real_dates_numbers_a_filter_and_a_print_setup(archive):
    from openpyxl import load_workbook

    from pipeline.archive.corrections import REGISTER_COLUMNS

    desk = client(archive)
    rows = desk.get("/api/register").get_json()
    ws = load_workbook(io.BytesIO(desk.get("/register.xlsx").get_data())).active
    column = {key: i + 1 for i, (key, _) in enumerate(REGISTER_COLUMNS)}
    assert [ws.cell(1, i + 1).value for i in range(len(REGISTER_COLUMNS))] == [h for _, h in REGISTER_COLUMNS]
    assert ws.max_row == len(rows) + 1 == 4
    for n, row in enumerate(rows, start=2):
        received = ws.cell(n, column["received"])
        assert isinstance(received.value, datetime) and received.value.date() == date.fromisoformat(row["received"])
        assert received.number_format == "dd/mm/yyyy"
        number = ws.cell(n, column["number"])
        assert type(number.value) is int and number.value == row["number"] and number.data_type == "n"
        when = ws.cell(n, column["date"])
        if row["date"]:
            assert isinstance(when.value, datetime) and when.value.date() == date.fromisoformat(row["date"])
            assert when.number_format == "dd/mm/yyyy"
    corrected = rows[1]
    assert ws.cell(3, column["full_number"]).value == "15/3" == corrected["full_number"]  # text, not a date
    assert ws.cell(3, column["full_number"]).data_type == "s" and ws.cell(3, column["unit"]).value == "1/2026"
    assert ws.cell(3, column["date"]).value == datetime(2026, 3, 15)
    assert ws.auto_filter.ref == "A1:I4"
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$1"  # the heading on every printed page
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0  # as many pages long as it takes


# -- the CSV, opened by a spreadsheet --------------------------------------------------------------------------
def calc(csv_path: Path, locale: int, out: Path) -> list[list]:
    """The CSV as LibreOffice Calc opens it (comma, ", UTF-8, the given locale, "detect special numbers" on:
    dates and times as a spreadsheet user gets them), saved as XLSX and read back with openpyxl."""
    from openpyxl import load_workbook

    profile = out / "profile"
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}",
                           f"--infilter=CSV:44,34,76,1,,{locale},false,true", "--convert-to", "xlsx",
                           "--outdir", str(out), str(csv_path)], capture_output=True, text=True, timeout=120)
    converted = out / (csv_path.stem + ".xlsx")
    assert converted.is_file(), proc.stdout + proc.stderr
    return [[c.value for c in row] for row in load_workbook(converted).active.iter_rows()]


@pytest.mark.slow
@pytest.mark.parametrize("locale", [1066, 1033], ids=["vi-VN", "en-US"])
def test_csv_cells_stay_what_they_are_in_a_spreadsheet(archive, tmp_path, locale):
    from pipeline.archive.corrections import REGISTER_COLUMNS

    desk = client(archive)
    rows = desk.get("/api/register").get_json()
    text = desk.get("/register.csv").get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = {key: i for i, (key, _) in enumerate(REGISTER_COLUMNS)}
    assert [r[column["number"]] for r in table[1:]] == ["1", "2", "3"]  # the bare number: never "1/2026"
    assert table[2][column["full_number"]] == "'15/3" and table[2][column["unit"]] == "'1/2026"
    assert table[2][column["note"]] == "'0123" and table[2][column["date"]] == "2026-03-15"

    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    sheet = calc(path, locale, tmp_path)
    assert sheet[0] == [h for _, h in REGISTER_COLUMNS] and len(sheet) == len(rows) + 1
    dates = {column["received"], column["date"]}
    for row, cells in zip(rows, sheet[1:]):
        for i, value in enumerate(cells):
            key = REGISTER_COLUMNS[i][0]
            if i in dates and row[key]:  # an ISO date: read as that very date, in every locale
                assert isinstance(value, datetime) and value.date() == date.fromisoformat(row[key]), (key, value)
            elif key == "number":
                assert value == row["number"]
            else:  # everything else stays text as the archive holds it (a ' in front where it had to)
                assert not isinstance(value, (datetime, date, int, float)), (key, value)
                stored = row[key] if row.get(key) is not None else ""
                assert (value or "") in (stored, "'" + stored), (key, value, stored)


@pytest.mark.slow
def test_a_full_waiting_room_holds_the_workers_back_and_still_files_in_order(tmp_path, monkeypatch):
    """While the scan is read, at most WAITING parsed letters wait for it (here 1): the run neither stalls
    nor files out of order."""
    from pipeline.batch import Options, run, run_ingest

    monkeypatch.setattr(run, "WAITING", 1)
    report = run_ingest([inbox(tmp_path / "inbox", ARRIVALS)], tmp_path / "a.sqlite",
                        options=Options(workers=2, settle=0))
    assert report["new_documents"] == 4
    assert numbers(tmp_path / "a.sqlite") == IN_ARRIVAL_ORDER
