"""The nightly batch (issue 5): the real `vanban ingest` over the bad-input catalogue, re-runs, the run lock,
kill -9 at random points, the fixity check, quarantine retry, files still being written, a reader during a
run, and the Dask executor. Every check is on the archive's state (SQLite, the store, the quarantine folder)."""
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.batch import Options, run_ingest
from pipeline.batch.run import RunLock
from pipeline.errors import QUARANTINE_REASONS, RunLocked

from badinputs import FAULTS, Listener, everything, run_catalogue, snapshot
from conftest import DEV, ROOT

DOCS = DEV / "docs"
CATALOGUE_TIMEOUT = 20

VANBAN = [sys.executable, "-m", "pipeline"]


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def db_state(db: Path) -> tuple:
    c = sqlite3.connect(db)
    try:
        return tuple(c.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("documents", "sources", "refs", "quarantine", "events", "contents"))
    finally:
        c.close()


def cli(*args, env=None, timeout=600):
    return subprocess.run([*VANBAN, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def assert_accounted(report: dict, inbox: Path, db: Path) -> None:
    """Every entry under the inbox exactly once in the report, in one terminal state; the archive agrees."""
    found = sorted(path for path, *_ in everything(inbox))
    paths = [f["path"] for f in report["files"] if not f.get("recovered")]
    assert sorted(paths) == found and len(set(paths)) == len(paths)
    c = sqlite3.connect(db)
    held = {r[0] for r in c.execute("SELECT sha256 FROM sources")}
    quarantined = {r[0] for r in c.execute("SELECT sha256 FROM quarantine WHERE released IS NULL")}
    c.close()
    for f in report["files"]:
        assert f["outcome"] in ("done", "done_with_warnings", "duplicate", "skipped", "quarantined"), f
        if f["outcome"] == "quarantined":
            assert f["reason"] in QUARANTINE_REASONS, f
        if f["outcome"] in ("done", "done_with_warnings"):
            assert f["sha256"] in held and f["sha256"] not in quarantined
        if f["outcome"] == "quarantined" and f["sha256"]:
            assert f["sha256"] in quarantined and f["sha256"] not in held


# -- the catalogue -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    # 20 s: LibreOffice takes ~1 s a conversion alone, ~9 s with three at once on a loaded 2-core machine
    out = run_catalogue(tmp_path_factory.mktemp("catalogue"), timeout=CATALOGUE_TIMEOUT)
    assert out["returncode"] == 0, out["stderr"]
    return out


def test_the_catalogue_run_has_no_crash_hang_request_loss_or_change(catalogue):
    """What `python tests/badinputs.py --run` prints, all zeros but the count of cases."""
    figures = catalogue["figures"]
    assert figures["cases tried"] >= 50
    assert {k: v for k, v in figures.items() if k != "cases tried"} == {
        "crashes": 0, "hangs": 0, "network requests": 0, "files unreported": 0, "originals changed": 0,
        "unexpected states": 0}, (catalogue["wrong"], catalogue["requests"])


def test_the_catalogue_has_at_least_30_kinds(catalogue):
    assert len(catalogue["expect"]) >= 30


def test_every_bad_input_ends_in_an_expected_state(catalogue):
    report, expect = catalogue["report"], catalogue["expect"]
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_name) == set(expect)
    wrong = {name: (f["outcome"], f["reason"]) for name, f in by_name.items()
             if f["outcome"] not in expect[name].outcomes
             or (f["outcome"] == "quarantined" and expect[name].reasons and f["reason"] not in expect[name].reasons)}
    assert not wrong
    assert_accounted(report, catalogue["inbox"], catalogue["db"])
    assert sum(report["counts"].values()) == len(report["files"])


def test_the_catalogue_makes_no_network_request(catalogue):
    assert catalogue["requests"] == []


def test_no_file_over_the_time_limit_and_no_crash(catalogue):
    # the hang fixture is killed at the limit: the whole run stays near one limit, not one per file
    assert catalogue["elapsed"] < CATALOGUE_TIMEOUT * 3 + 60
    assert "Traceback" not in catalogue["stderr"]
    by_name = {Path(f["path"]).name: f for f in catalogue["report"]["files"]}
    assert by_name["hang-forever.pdf"]["reason"] == "timeout"
    assert by_name["explode-memory.pdf"]["reason"] == "memory"


def test_originals_unchanged_and_kept(catalogue):
    assert snapshot(catalogue["inbox"]) == catalogue["before"]  # the inbox is never modified
    db, root = catalogue["db"], catalogue["db"].parent
    c = sqlite3.connect(db)
    for digest, stored in c.execute("SELECT sha256, stored FROM sources"):
        assert sha(root / "originals" / stored) == digest
    for digest, stored, reason in c.execute("SELECT sha256, stored, reason FROM quarantine"):
        if digest:
            assert sha(root / stored) == digest
            facts = json.loads((root / "quarantine" / f"{digest}.json").read_text(encoding="utf-8"))
            assert facts["reason"] == reason and facts["versions"]["vanban"]
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    assert not list((root / "incoming").iterdir())


def test_nothing_outside_the_inbox_is_read(catalogue):
    assert os.stat(catalogue["canary"]).st_atime_ns == 10**9
    assert "canary" not in json.dumps(catalogue["report"])


def test_the_same_letter_in_two_formats_is_one_document(catalogue):
    c = sqlite3.connect(catalogue["db"])
    rows = c.execute("SELECT d.key, count(*) FROM sources s JOIN documents d ON d.id = s.document_id "
                     "WHERE s.path LIKE '%31a-letter.pdf' OR s.path LIKE '%32-letter-as-text.txt' GROUP BY d.id").fetchall()
    assert len(rows) == 1 and rows[0][1] == 2


def test_a_rerun_does_no_work_and_says_so(catalogue):
    state = db_state(catalogue["db"])
    t = time.monotonic()
    proc = cli("ingest", str(catalogue["inbox"]), "--db", str(catalogue["db"]), "--settle", "0",
               env={"VANBAN_FAULT": FAULTS})
    assert proc.returncode == 0 and "nothing new" in proc.stdout
    assert time.monotonic() - t < catalogue["elapsed"] / 2
    assert db_state(catalogue["db"]) == state
    proc = cli("verify", "--db", str(catalogue["db"]), "--json")
    assert proc.returncode == 0
    fixity = json.loads(proc.stdout)
    assert fixity["changed"] == fixity["missing"] == fixity["untracked"] == [] and fixity["ok"] == fixity["checked"] > 20


def test_quarantine_list_and_retry(catalogue, tmp_path):
    proc = cli("quarantine", "list", "--db", str(catalogue["db"]), "--reason", "timeout", "--json")
    rows = json.loads(proc.stdout)
    hang = next(r for r in rows if r["path"].endswith("hang-forever.pdf"))
    # retried without the fault: the file reads, is filed, and leaves the quarantine (its row kept as history)
    proc = cli("quarantine", "retry", hang["id"], "--db", str(catalogue["db"]), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["outcome"] for f in report["files"]] == ["done_with_warnings"]
    c = sqlite3.connect(catalogue["db"])
    assert c.execute("SELECT released IS NOT NULL FROM quarantine WHERE id = ?", (hang["id"],)).fetchone()[0] == 1
    assert c.execute("SELECT count(*) FROM sources WHERE sha256 = ?", (hang["sha256"],)).fetchone()[0] == 1
    c.close()
    fixity = json.loads(cli("verify", "--db", str(catalogue["db"]), "--json").stdout)
    assert fixity["changed"] == fixity["missing"] == fixity["untracked"] == []
    listed = cli("quarantine", "list", "--db", str(catalogue["db"])).stdout
    assert "hang-forever.pdf" not in listed and "xml_doctype" in listed


# -- verify -------------------------------------------------------------------------------------------------------
def small_inbox(folder: Path, names=("022.pdf", "023.pdf", "031.docx", "001.txt")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_bytes((DOCS / n).read_bytes())
    return folder


def test_verify_reports_changed_missing_and_untracked(tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    db = tmp_path / "arch" / "a.sqlite"
    run_ingest([inbox], db, options=Options(workers=1, settle=0, ocr=False))
    stored = sorted((tmp_path / "arch" / "originals").rglob("*.*"))
    assert len(stored) == 4
    stored[0].chmod(0o644)
    stored[0].write_bytes(stored[0].read_bytes() + b"tampered")
    stored[1].unlink()
    (tmp_path / "arch" / "originals" / "stray.pdf").write_bytes(b"x")
    proc = cli("verify", "--db", str(db), "--json")
    assert proc.returncode == 4 and "1 changed and 1 missing" in proc.stderr
    report = json.loads(proc.stdout)
    assert [c["file"] for c in report["changed"]] == [str(stored[0])]
    assert [m["file"] for m in report["missing"]] == [str(stored[1])]
    assert report["untracked"] == [str(tmp_path / "arch" / "originals" / "stray.pdf")] and report["ok"] == 2


def test_a_full_disk_stops_the_run_cleanly_and_a_later_run_completes(tmp_path):
    """The archive on a 100 MB tmpfs; the inbox holds three letters and one 60 MB PDF (a letter with a large
    attachment), more than the copy and its reserve can take: exit 4, nothing quarantined because of it, the
    archive sound; with space freed (the tmpfs grown), the next run files everything."""
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", str(small)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        inbox = small_inbox(tmp_path / "inbox", ("022.pdf", "023.pdf", "001.txt"))
        (inbox / "large.pdf").write_bytes((DOCS / "025.pdf").read_bytes() + b"\n%" + b"0" * (60 << 20) + b"\n")
        before = snapshot(inbox)
        db = small / "archive.sqlite"
        proc = cli("ingest", str(inbox), "--db", str(db), "--settle", "0", "--no-ocr")
        assert proc.returncode == 4 and "the run stopped" in proc.stderr and "Traceback" not in proc.stderr
        c = sqlite3.connect(db)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
        c.close()
        subprocess.run(["mount", "-o", "remount,size=400m", str(small)], check=True)
        proc = cli("ingest", str(inbox), "--db", str(db), "--settle", "0", "--no-ocr", "--json")
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert len(report["files"]) == 4 and all(f["outcome"] in ("done", "done_with_warnings") for f in report["files"])
        assert snapshot(inbox) == before and not list((small / "incoming").iterdir())
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


# -- the lock, readers, files being written -------------------------------------------------------------------------
def test_a_second_run_exits_3_while_one_holds_the_lock(tmp_path):
    inbox = small_inbox(tmp_path / "inbox", ("001.txt",))
    db = tmp_path / "a.sqlite"
    with RunLock(db):
        proc = cli("ingest", str(inbox), "--db", str(db))
        assert proc.returncode == 3 and "another run holds the lock" in proc.stderr
        with pytest.raises(RunLocked):
            run_ingest([inbox], db, options=Options(settle=0))
    assert cli("ingest", str(inbox), "--db", str(db), "--settle", "0").returncode == 0


def test_a_reader_holding_a_transaction_does_not_block_the_run(tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    db = tmp_path / "a.sqlite"
    run_ingest([small_inbox(tmp_path / "first", ("002.txt",))], db, options=Options(workers=1, settle=0, ocr=False))
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    n = reader.execute("SELECT count(*) FROM documents").fetchone()[0]  # a read transaction is open
    report = run_ingest([inbox], db, options=Options(workers=2, settle=0, ocr=False))
    assert report["counts"]["done"] + report["counts"]["done_with_warnings"] == 4
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == n  # its snapshot, unchanged
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] > n
    reader.close()


def test_a_file_still_being_written_waits_for_the_next_run(tmp_path):
    inbox = small_inbox(tmp_path / "inbox", ("001.txt",))
    growing = inbox / "scanning.pdf"
    data = (DOCS / "022.pdf").read_bytes()
    stop = threading.Event()

    def writer():
        with open(growing, "wb") as f:
            for i in range(0, len(data), 2048):
                if stop.is_set():
                    break
                f.write(data[i:i + 2048])
                f.flush()
                time.sleep(0.05)
    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.2)
    try:
        report = run_ingest([inbox], tmp_path / "a.sqlite", options=Options(workers=1, settle=1.0, ocr=False))
    finally:
        stop.set()
        t.join()
    outcome = {Path(f["path"]).name: f for f in report["files"]}
    assert outcome["scanning.pdf"]["outcome"] == "skipped" and "being written" in outcome["scanning.pdf"]["reason"]
    c = sqlite3.connect(tmp_path / "a.sqlite")
    assert c.execute("SELECT count(*) FROM sources WHERE path LIKE '%scanning.pdf'").fetchone()[0] == 0
    c.close()


# -- kill -9 at random points -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_killed_at_random_points_nothing_is_lost_or_doubled(tmp_path):
    """Runs until ten were killed, each over an inbox that has grown by six new files (real letters; a PDF with bytes after
    %%EOF, a text with more trailing newlines: new hashes, the same letters), each killed with SIGKILL at a
    random moment together with its workers; then one run to the end."""
    letters = ["022.pdf", "023.pdf", "025.pdf", "027.pdf", "035.pdf", "037.pdf", "001.txt", "002.txt", "003.txt",
               "004.txt", "005.txt", "006.txt", "007.txt", "015.txt", "016.txt"]
    inbox = small_inbox(tmp_path / "inbox", ["031.docx", "033.docx"])
    (inbox / "empty.pdf").write_bytes(b"")
    db = tmp_path / "arch" / "a.sqlite"
    rng = random.Random(5)
    kills = round_ = 0
    while kills < 10 and round_ < 30:  # until ten runs were killed mid-way (a run may finish first)
        round_ += 1
        for name in rng.sample(letters, 6):
            data = (DOCS / name).read_bytes() + (b"\n%%round %d\n" % round_ if name.endswith(".pdf") else b"\n" * (round_ + 1))
            (inbox / f"r{round_:02d}-{name}").write_bytes(data)
        first = next(iter(sorted(inbox.glob(f"r{round_:02d}-*.pdf"))), None)
        if first:  # and a copy under another name: a duplicate
            (inbox / f"r{round_:02d}-copy.pdf").write_bytes(first.read_bytes())
        proc = subprocess.Popen([*VANBAN, "ingest", str(inbox), "--db", str(db), "--settle", "0", "--no-ocr",
                                 "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.3, 1.6))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, as the OOM killer or a power cut would
            kills += 1
        proc.wait()
    assert kills >= 10
    before = snapshot(inbox)
    final = cli("ingest", str(inbox), "--db", str(db), "--settle", "0", "--no-ocr", "--json")
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert_accounted(report, inbox, db)
    assert snapshot(inbox) == before
    distinct = {h for p, h in before.items() if not p.endswith("empty.pdf")}
    c = sqlite3.connect(db)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in c.execute("SELECT sha256 FROM sources")} == distinct  # every file's bytes filed once
    assert c.execute("SELECT count(*) FROM sources").fetchone()[0] == len(distinct)
    keys = [r[0] for r in c.execute("SELECT key FROM documents WHERE key IS NOT NULL")]
    assert len(keys) == len(set(keys))  # one document per letter, however many copies and runs
    intake = c.execute("SELECT count(*) FROM events WHERE kind IN ('intake', 'stub_resolved', 'another_source')").fetchone()[0]
    assert intake == len(distinct)  # one intake event per filed original, none doubled
    assert c.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1  # the empty file, once
    c.close()
    fixity = json.loads(cli("verify", "--db", str(db), "--json").stdout)
    assert fixity["changed"] == fixity["missing"] == fixity["untracked"] == []
    assert not list((db.parent / "incoming").iterdir())


def test_a_copy_whose_inbox_file_has_gone_is_filed_under_its_path(tmp_path):
    """A run killed after staging (the copies are in incoming/, nothing parsed yet: what Batch.collect leaves),
    then the clerk removes a letter from the inbox: the next run still files it, under the path it came from."""
    from pipeline.archive import Archive
    from pipeline.batch.run import Batch

    inbox = small_inbox(tmp_path / "inbox", ("022.pdf", "001.txt"))
    db = tmp_path / "arch" / "a.sqlite"
    with Archive(db) as archive:
        staged = Batch(archive, Options(settle=0, ocr=False))
        staged.collect([inbox])
        assert len(staged.todo) == 2 and all(item.copy.parent.name == "incoming" for item in staged.todo)
    (inbox / "022.pdf").unlink()
    report = run_ingest([inbox], db, options=Options(workers=1, settle=0, ocr=False))
    recovered = [f for f in report["files"] if f.get("recovered")]
    assert [f["path"] for f in recovered] == [str(inbox / "022.pdf")] and recovered[0]["outcome"] in ("done", "done_with_warnings")
    c = sqlite3.connect(db)
    assert c.execute("SELECT path FROM sources WHERE sha256 = ?", (sha(DOCS / "022.pdf"),)).fetchone()[0] == str(inbox / "022.pdf")
    c.close()
    assert not list((db.parent / "incoming").iterdir())


# -- Dask ----------------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_dask_executor_files_the_same_as_local_workers(tmp_path):
    from distributed import LocalCluster

    inbox = small_inbox(tmp_path / "inbox", ("022.pdf", "023.pdf", "031.docx", "001.txt", "002.txt"))
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "hang-on-the-cluster.txt").write_bytes((DOCS / "003.txt").read_bytes())
    os.environ["VANBAN_FAULT"] = "hang:hang-"  # local workers and the cluster's worker processes inherit it
    try:
        local = run_ingest([inbox], tmp_path / "local.sqlite", options=Options(workers=2, settle=0, ocr=False, timeout=5))
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            remote = run_ingest([inbox], tmp_path / "dask.sqlite",
                                options=Options(settle=0, ocr=False, dask=cluster.scheduler_address, timeout=5))
    finally:
        del os.environ["VANBAN_FAULT"]
    outcomes = lambda r: {Path(f["path"]).name: (f["outcome"], f["reason"], f["key"]) for f in r["files"]}
    assert outcomes(local) == outcomes(remote)
    assert outcomes(remote)["hang-on-the-cluster.txt"][:2] == ("quarantined", "timeout")
    assert outcomes(remote)["empty.pdf"][:2] == ("quarantined", "empty")
    state = lambda db: sqlite3.connect(db).execute("SELECT key, stub FROM documents ORDER BY key").fetchall()
    assert state(tmp_path / "local.sqlite") == state(tmp_path / "dask.sqlite")


def test_the_catalogue_listener_counts_what_reaches_it():
    """The 'network requests 0' of the catalogue run means something: a request to its URL is counted."""
    import urllib.error
    import urllib.request

    with Listener() as listener:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{listener.url}/odt.png", timeout=5)
    assert listener.requests == ["GET /odt.png HTTP/1.1"]
