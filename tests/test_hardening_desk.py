"""Issue 15, the clerk's desk: formula injection in the register exports (item 5), the token kept out of URLs,
logs and cookies (item 10), and re-extraction in a watched worker with the batch's limits (item 11). Each
against a real archive filled by `vanban ingest`, the exports parsed with csv and openpyxl, the token and the
limits checked on the real `vanban serve` in a subprocess."""
import csv
import io
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SAMPLES
from test_desk import free_port

SCRIPT = {"X-Vanban-Client": "tests"}


def ingest(tmp_path: Path, name: str = "seed-letter.txt") -> Path:
    """A real archive holding the seed letter, filed by the batch as `vanban ingest` files it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed-letter.txt", inbox / name)
    db = tmp_path / "archive.sqlite"
    subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(inbox), "--db", str(db), "--settle", "0"],
                   cwd=ROOT, check=True, capture_output=True)
    return db


class Served:
    """`vanban serve` with its stdout and stderr (the access log) kept in files the test reads."""

    def __init__(self, db: Path, logs: Path, token=None, host="127.0.0.1", extra=(), env=()):
        self.port = free_port()
        self.out, self.err = logs / "serve.out", logs / "serve.err"
        environ = {k: v for k, v in os.environ.items() if k not in ("VANBAN_TOKEN", "VANBAN_FAULT")}
        environ.update(env)
        if token:
            environ["VANBAN_TOKEN"] = token
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(db), "--host", host,
                                          "--port", str(self.port), *extra], cwd=ROOT, env=environ,
                                         stdout=out, stderr=err)
        self.url = f"http://127.0.0.1:{self.port}" if host == "127.0.0.1" else f"http://{host}:{self.port}"
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(self.err.read_text())
            try:
                httpx.get(self.url + "/api/openapi.json", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the desk did not start")

    def log(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)


# -- item 5: formula injection in the register ---------------------------------------------------------------
HOSTILE = {"issuer": '=HYPERLINK("http://127.0.0.1/x","a")', "full_number": "@SUM(A1)", "doc_type": "",
           "subject": "+1+1"}
REGISTER_HOSTILE = {"unit": "-2+3", "note": "\t=1+2"}


def test_register_exports_store_no_formula(tmp_path):
    from openpyxl import load_workbook

    from pipeline.archive.corrections import REGISTER_COLUMNS
    from pipeline.desk.app import create_app

    db = ingest(tmp_path)
    client = create_app(db).test_client()
    doc = client.get("/api/letters").get_json()[0]["id"]
    r = client.patch(f"/api/letters/{doc}", json={**HOSTILE, "by": "tests"}, headers=SCRIPT)
    assert r.status_code == 200, r.get_json()
    r = client.post(f"/letters/{doc}/register", data=REGISTER_HOSTILE, headers=SCRIPT)
    assert r.status_code == 303
    stored = client.get("/api/register").get_json()[0]
    # the archive keeps each value as given: only the exports neutralise
    assert stored["issuer"] == HOSTILE["issuer"] and stored["full_number"] == "@SUM(A1)"
    assert stored["title"] == "+1+1" and stored["unit"] == "-2+3" and stored["note"] == "\t=1+2"
    expected = {"issuer": stored["issuer"], "full_number": stored["full_number"], "title": stored["title"],
                "unit": stored["unit"], "note": stored["note"]}
    column = {key: i for i, (key, _) in enumerate(REGISTER_COLUMNS)}

    text = client.get("/register.csv").get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 2
    for key, value in expected.items():
        cell = table[1][column[key]]
        assert cell.startswith("'") and cell[1:] == value, (key, cell)
    assert table[1][column["received"]] == stored["received"]  # a harmless value is left as it is

    sheet = load_workbook(io.BytesIO(client.get("/register.xlsx").get_data())).active
    cells = [sheet.cell(2, i + 1) for i in range(len(REGISTER_COLUMNS))]
    assert all(c.data_type != "f" for c in cells), [(c.value, c.data_type) for c in cells]
    for key, value in expected.items():
        cell = cells[column[key]]
        assert cell.data_type == "s" and cell.value == "'" + value, (key, cell.value)
    # the formulas are nowhere in the sheet's XML either: no <f> element was written
    import zipfile
    with zipfile.ZipFile(io.BytesIO(client.get("/register.xlsx").get_data())) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


# -- item 10: the token -------------------------------------------------------------------------------------
TOKEN = "Tk-7f3a9c-s3cret-value"


def test_the_token_is_taken_once_redirected_away_and_never_logged(tmp_path):
    db = ingest(tmp_path)
    server = Served(db, tmp_path, token=TOKEN, host="127.0.0.2")
    try:
        with httpx.Client(base_url=server.url, follow_redirects=False) as browser:
            r = browser.get("/", params={"token": TOKEN})
            assert r.status_code == 302 and r.headers["location"] == "/"
            cookie = r.headers["set-cookie"]
            value = browser.cookies["vanban_token"]
            assert value and value != TOKEN and TOKEN not in cookie
            assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
            assert browser.get("/").status_code == 200  # the cookie carries it from then on
            assert browser.get("/api/letters").status_code == 200
            # other parameters survive the redirect, the token does not
            r = browser.get("/letters", params={"q": "phòng cháy", "token": TOKEN})
            assert r.status_code == 302 and "token" not in r.headers["location"]
            assert r.headers["location"].startswith("/letters?q=")
            # no open redirect through a path that starts with two slashes (sent raw: clients tidy it)
            for target in ("//example.org/", "/\\example.org/"):
                with socket.create_connection(("127.0.0.2", server.port), timeout=10) as raw:
                    raw.sendall(f"GET {target}?token={TOKEN} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
                    head = raw.makefile("rb").read().split(b"\r\n\r\n")[0].decode()
                location = next(line.split(":", 1)[1].strip() for line in head.splitlines()
                                if line.lower().startswith("location:"))
                assert re.match(r"HTTP/1\.[01] 302", head) and location.startswith("/") and location[1:2] not in "/\\", head
        # the query is not accepted on the API, nor on a POST
        assert httpx.get(f"{server.url}/api/letters", params={"token": TOKEN}).status_code == 401
        assert httpx.post(f"{server.url}/api/letters", params={"token": TOKEN}, headers=SCRIPT,
                          files=[("files", ("a.txt", b"x", "text/plain"))]).status_code == 401
        assert httpx.post(f"{server.url}/letters/1/reextract", params={"token": TOKEN}).status_code == 401
        # the raw token is not a cookie value; a wrong token gets nothing
        assert httpx.get(f"{server.url}/api/letters", cookies={"vanban_token": TOKEN}).status_code == 401
        assert httpx.get(f"{server.url}/", params={"token": TOKEN + "x"}).status_code == 401
        assert httpx.get(f"{server.url}/", params={"token": "wrong"}).status_code == 401
        assert httpx.get(f"{server.url}/api/letters", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(f"{server.url}/api/letters", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        server.stop()
    log = server.log()
    assert "GET /" in log and "302" in log  # the access log was written: the token is not in it
    assert TOKEN not in log and "s3cret" not in log


# -- item 11: re-extraction in a worker with the batch's limits ---------------------------------------------
@pytest.mark.parametrize("fault, code", [("hang", 504), ("explode", 422)])
def test_reextraction_that_hangs_or_explodes_is_stopped_and_the_desk_survives(tmp_path, fault, code):
    db = ingest(tmp_path, name="boom-letter.txt")
    before = sqlite3.connect(db).execute("SELECT record FROM contents").fetchone()[0]
    server = Served(db, tmp_path, extra=("--timeout", "3", "--memory-mb", "300"),
                    env={"VANBAN_FAULT": f"{fault}:boom-letter"})
    try:
        doc = httpx.get(f"{server.url}/api/letters").json()[0]["id"]
        started = time.monotonic()
        r = httpx.post(f"{server.url}/api/letters/{doc}/reextract", headers=SCRIPT, timeout=60)
        took = time.monotonic() - started
        assert r.status_code == code, r.text
        body = r.json()
        assert set(body) >= {"error", "message"} and ("timeout" if fault == "hang" else "memory") in body["message"]
        assert took < 15  # the 3 s limit, the worker killed, and the answer: not a hung request
        # the web process lives on and answers
        assert server.proc.poll() is None
        assert httpx.get(f"{server.url}/api/letters").status_code == 200
        page = httpx.post(f"{server.url}/letters/{doc}/reextract", headers=SCRIPT, timeout=60)
        assert page.status_code == code and "không đọc lại được bản gốc" in page.text
        assert httpx.get(f"{server.url}/api/letters/{doc}").status_code == 200
    finally:
        server.stop()
    c = sqlite3.connect(db)
    assert c.execute("SELECT record FROM contents").fetchone()[0] == before  # the record is unchanged
    assert c.execute("SELECT count(*) FROM events WHERE kind = 'reextract'").fetchone()[0] == 0
    c.close()


def test_reextraction_in_the_worker_still_reads_the_original(tmp_path):
    db = ingest(tmp_path)
    c = sqlite3.connect(db)
    c.execute("UPDATE contents SET record = json_set(record, '$.subject', 'stale')")  # an older extractor's work
    c.commit()
    c.close()
    server = Served(db, tmp_path, extra=("--timeout", "60"))
    try:
        doc = httpx.get(f"{server.url}/api/letters").json()[0]["id"]
        r = httpx.post(f"{server.url}/api/letters/{doc}/reextract", headers=SCRIPT, timeout=120)
        assert r.status_code == 200 and r.json()["id"] == doc
        assert r.json()["subject"] == "tiếp tục đẩy mạnh công tác cải cách hành chính năm 2023"
        assert r.json()["issuer"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    finally:
        server.stop()
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM events WHERE kind = 'reextract'").fetchone()[0] == 1
    c.close()
