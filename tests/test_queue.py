"""Uploads that wait their turn (issue 19, item 2): the real desk (`vanban serve` on 127.0.0.1), a real run
holding the archive's lock (a real batch, or RunLock held by a helper process), real letters, the archive
and its folders looked at directly."""
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import DEV, ROOT
from test_desk import SCRIPT, Server

DOCS = DEV / "docs"
HOLD = "import sys\nfrom pipeline.batch.run import RunLock\nwith RunLock(sys.argv[1]):\n" \
       "    print('held', flush=True)\n    sys.stdin.read()\n"


class Holder:
    """Another run: a process holding the archive's run lock until released."""

    def __init__(self, db):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self):
        self.proc.stdin.close()
        assert self.proc.wait(30) == 0
        self.proc.stdout.close()


def post(url, *files):
    """files: (name, bytes); one upload."""
    return httpx.post(f"{url}/api/letters", files=[("files", (n, b, "application/octet-stream")) for n, b in files],
                      headers=SCRIPT, timeout=60)


def settled(client, upload, wait=240):
    """The upload's status once nothing of it is pending any more."""
    end = time.monotonic() + wait
    while True:
        status = client.get(f"/api/uploads/{upload}").json()
        if not status["pending"] or time.monotonic() > end:
            return status
        time.sleep(0.5)


def queued_notes(db):
    folder = db.parent / "queue"
    return sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []


def test_an_upload_while_a_run_holds_the_lock_is_accepted_and_survives_a_killed_desk(tmp_path):
    db = tmp_path / "archive.sqlite"
    server = Server(db)
    holder = Holder(db)
    letter = (DOCS / "022.pdf").read_bytes()
    bad = b"%PDF-1.4\n" + os.urandom(3000)  # a PDF that is not one
    try:
        r = post(server.url, ("Công văn 7432.pdf", letter), ("hỏng.pdf", bad), ("bản sao.pdf", letter),
                 ("001.txt", (DOCS / "001.txt").read_bytes()))
        assert r.status_code == 202, r.text
        report = r.json()
        upload = report["upload"]
        assert r.headers["Location"] == report["status"] == f"/api/uploads/{upload}"
        assert [f["outcome"] for f in report["files"]] == ["pending"] * 4
        assert report["files"][0]["state"] == "đang chờ xử lý" and report["counts"]["pending"] == 4
        assert [f["name"] for f in report["files"]] == ["Công văn 7432.pdf", "hỏng.pdf", "bản sao.pdf", "001.txt"]
        # stored safely before the answer: each copy in queue/ beside its note, bytes as sent
        assert len(queued_notes(db)) == 4
        copy = next(p for p in (db.parent / "queue").iterdir() if p.name.startswith(hashlib.sha256(bad).hexdigest())
                    and p.suffix == ".pdf")
        assert copy.read_bytes() == bad
        page = httpx.get(f"{server.url}/uploads/{upload}").text
        assert "đang chờ xử lý" in page and "Công văn 7432.pdf" in page
        time.sleep(3)  # the desk's filer tries the lock meanwhile: still held, nothing filed
        c = sqlite3.connect(db)
        assert c.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
        c.close()
    finally:
        server.proc.send_signal(signal.SIGKILL)  # the desk dies between accepting and filing
        server.proc.wait(10)
        server.proc.stderr.close()
    assert len(queued_notes(db)) == 4  # the queue is on disk
    holder.release()
    server = Server(db)  # the next start files it
    try:
        client = httpx.Client(base_url=server.url, timeout=60)
        status = settled(client, upload)
        files = {f["name"]: f for f in status["files"]}
        assert files["Công văn 7432.pdf"]["outcome"] == "done"
        assert files["Công văn 7432.pdf"]["full_number"] == "7432/UBND-XD"
        assert files["001.txt"]["outcome"] == "done"
        assert files["bản sao.pdf"]["outcome"] == "duplicate"  # same bytes, other name: still detected
        assert files["bản sao.pdf"]["id"] == files["Công văn 7432.pdf"]["id"]
        q = files["hỏng.pdf"]
        assert q["outcome"] == "quarantined" and q["reason"] == "corrupt" and q["message"]
        assert q["state"] == "cách ly"
        page = client.get(f"/uploads/{upload}").text
        assert "cách ly" in page and q["message"] in page.replace("&#39;", "'")
        assert queued_notes(db) == [] and not [p for p in (db.parent / "queue").iterdir() if not p.name.startswith(".")]
        c = sqlite3.connect(db)
        assert c.execute("SELECT count(*) FROM sources").fetchone()[0] == 2  # two letters
        assert c.execute("SELECT count(*) FROM events WHERE kind = 'duplicate' AND json_extract(detail, '$.path') "
                         "LIKE '%bản sao.pdf'").fetchone()[0] == 1  # the other name, logged
        assert (db.parent / "quarantine" / f"{hashlib.sha256(bad).hexdigest()}.pdf").read_bytes() == bad
        assert c.execute("SELECT count(*) FROM quarantine WHERE reason LIKE 'corrupt%' AND path LIKE '%hỏng.pdf'"
                         ).fetchone()[0] == 1
        c.close()
        # when the archive is free an upload is filed at once, as before
        r = post(server.url, ("023.pdf", (DOCS / "023.pdf").read_bytes()))
        assert r.status_code == 201 and r.json()["files"][0]["outcome"] in ("done", "done_with_warnings")
        client.close()
    finally:
        server.stop()


def test_the_next_batch_files_what_a_stopped_desk_accepted(tmp_path):
    db = tmp_path / "archive.sqlite"
    server = Server(db)
    holder = Holder(db)
    try:
        r = post(server.url, ("031.docx", (DOCS / "031.docx").read_bytes()))
        assert r.status_code == 202
    finally:
        server.stop()  # SIGTERM: the desk stops with the upload still pending
    holder.release()
    empty = tmp_path / "inbox"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(empty), "--db", str(db), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    [entry] = report["files"]
    assert entry["queued"] and entry["outcome"] in ("done", "done_with_warnings")
    assert entry["path"].endswith("/000-031.docx") and "/uploads/" + r.json()["upload"] + "/" in entry["path"]
    assert queued_notes(db) == []
    c = sqlite3.connect(db)
    assert c.execute(
        "SELECT count(*) FROM sources WHERE path = ? AND sha256 = ?", (entry["path"], entry["sha256"])).fetchone()[0] == 1
    c.close()


@pytest.mark.slow
def test_twenty_clerks_upload_during_a_real_batch_all_accepted_then_filed_by_it(tmp_path):
    db = tmp_path / "archive.sqlite"
    server = Server(db, extra=("--workers", "2"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "022.pdf").write_bytes((DOCS / "022.pdf").read_bytes())
    (inbox / "hangs.txt").write_bytes((DOCS / "002.txt").read_bytes())  # a worker hangs on it: the run lasts
    env = dict(os.environ, VANBAN_FAULT="hang:hangs")
    batch = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(inbox), "--db", str(db), "--json",
                              "--settle", "0", "--timeout", "20", "--workers", "2"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = db.parent / "archive.sqlite.lock"
    try:
        for _ in range(300):  # the batch holds the lock
            if lock.exists() and lock.read_text().startswith("pid "):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the batch did not take the lock")
        letters = sorted(p for p in DOCS.iterdir() if p.suffix in (".txt", ".docx", ".pdf") and p.name != "002.txt")
        letters = [p for p in letters if p.name != "022.pdf"][:20]
        assert len(letters) == 20
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda p: post(server.url, (p.name, p.read_bytes())), letters))
        assert [a.status_code for a in answers] == [202] * 20, [a.text for a in answers if a.status_code != 202]
        assert batch.poll() is None  # all accepted while the batch ran
        out, err = batch.communicate(timeout=600)
        assert batch.returncode == 0, err
        report = json.loads(out)
        uploaded = [f for f in report["files"] if f.get("queued")]
        assert len(uploaded) == 20 and all(f["outcome"] in ("done", "done_with_warnings") for f in uploaded), uploaded
        client = httpx.Client(base_url=server.url, timeout=60)
        for a in answers:
            status = client.get(a.json()["status"]).json()
            assert [f["outcome"] for f in status["files"]] == ["done"], status
        client.close()
        c = sqlite3.connect(db)
        assert c.execute("SELECT count(*) FROM sources WHERE path LIKE '%/uploads/%'").fetchone()[0] == 20
        c.close()
        assert queued_notes(db) == []
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.communicate()
        server.stop()
