"""`vanban watch FOLDER` (issue 19, item 5): the real command in a subprocess over a real folder, files written
the way a scanner or a network copy writes them, the archive looked at directly."""
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import DEV, ROOT
from test_queue import Holder

DOCS = DEV / "docs"


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def wait_for(check, seconds=120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_watch_takes_files_once_complete_quarantines_bad_ones_and_stops_on_sigterm(tmp_path):
    inbox, db = tmp_path / "scans", tmp_path / "archive.sqlite"
    inbox.mkdir()
    out, err = tmp_path / "out.jsonl", tmp_path / "err.txt"
    with open(out, "w") as o, open(err, "w") as e:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", str(inbox), "--db", str(db), "--interval",
                                 "0.3", "--settle", "1.5", "--json", "--workers", "1"], cwd=ROOT, stdout=o, stderr=e)
    try:
        letter = (DOCS / "022.pdf").read_bytes()
        step = len(letter) // 5 + 1
        # a network copy: chunks appended with pauses longer than a look, shorter than --settle, the file closed between
        slow = inbox / "Công văn 7432.pdf"
        for i in range(0, len(letter), step):
            with open(slow, "ab") as f:
                f.write(letter[i:i + step])
            time.sleep(0.8)
        # a scanner that keeps the file open and pauses longer than --settle: not taken while it is open
        held = inbox / "scan-0001.txt"
        text = (DOCS / "001.txt").read_bytes()
        with open(held, "wb") as f:
            f.write(text[:500])
            f.flush()
            time.sleep(3.5)
            f.write(text[500:])
        (inbox / "hỏng.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 300)
        assert wait_for(lambda: len(lines(out)) >= 3), (out.read_text(), err.read_text())
        time.sleep(2)  # nothing more comes: each file once
        got = {os.path.basename(x["path"]): x for x in lines(out)}
        assert len(lines(out)) == 3 and set(got) == {"Công văn 7432.pdf", "scan-0001.txt", "hỏng.pdf"}
        assert got["Công văn 7432.pdf"]["outcome"] == "done"
        assert got["Công văn 7432.pdf"]["sha256"] == hashlib.sha256(letter).hexdigest()  # the whole file
        assert got["scan-0001.txt"]["sha256"] == hashlib.sha256(text).hexdigest()
        assert got["scan-0001.txt"]["outcome"] in ("done", "done_with_warnings")
        bad = got["hỏng.pdf"]
        assert bad["outcome"] == "quarantined" and bad["reason"] == "corrupt"
        c = sqlite3.connect(db)
        assert c.execute("SELECT count(*) FROM sources").fetchone()[0] == 2
        assert c.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1  # never a partial copy
        c.close()
        assert (tmp_path / "quarantine" / f"{bad['sha256']}.pdf").is_file()
        assert slow.read_bytes() == letter and held.read_bytes() == text  # the originals stay, untouched
        assert (inbox / "hỏng.pdf").is_file()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0  # a clean stop
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "quarantined" in err.read_text() and "hỏng.pdf" in err.read_text()


def test_watch_once_waits_for_the_lock_then_files_quietly_and_moves_to_done(tmp_path):
    inbox, done, db = tmp_path / "mail", tmp_path / "filed", tmp_path / "archive.sqlite"
    inbox.mkdir()
    (inbox / "2026").mkdir()
    letter = inbox / "2026" / "thư.txt"
    letter.write_bytes((DOCS / "001.txt").read_bytes())
    old = time.time() - 600
    os.utime(letter, (old, old))
    holder = Holder(db)  # the nightly batch
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", str(inbox), "--db", str(db), "--once",
                             "--settle", "0.5", "--interval", "0.3", "--done", str(done), "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)
        assert proc.poll() is None  # waiting its turn, not failing with exit 3
        assert letter.is_file()
        holder.release()
        stdout, stderr = proc.communicate(timeout=180)
        assert (proc.returncode, stdout, stderr) == (0, "", "")  # --quiet: nothing on success
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not letter.exists() and (done / "2026" / "thư.txt").read_bytes() == (DOCS / "001.txt").read_bytes()
    c = sqlite3.connect(db)
    assert c.execute("SELECT path FROM sources").fetchall() == [(str(letter),)]
    c.close()
    usage = subprocess.run([sys.executable, "-m", "pipeline", "watch", str(inbox), "--db", str(db), "--once",
                            "--done", str(inbox / "done")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "inside the watched folder" in usage.stderr
