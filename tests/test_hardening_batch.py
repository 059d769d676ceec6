"""Hardening of the nightly batch (issue 15): names that are not UTF-8, hard links to files outside the inbox,
folders the walk cannot list and paths past PATH_MAX, and a run stopped by kill -9 or SIGTERM whose workers
must not outlive it nor keep the lock. Every hostile input is built here, at test time; every check is on
the real run (`python -m pipeline ingest` in a subprocess) and the archive it leaves."""
import fcntl
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

VANBAN = [sys.executable, "-m", "pipeline"]
SEED = (SAMPLES / "seed-letter.txt").read_bytes()


def ingest(inbox, db, *extra, env=None, timeout=300):
    proc = subprocess.run([*VANBAN, "ingest", str(inbox), "--db", str(db), "--json", "--settle", "0", *extra],
                          cwd=ROOT, capture_output=True, timeout=timeout, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return json.loads(proc.stdout)


def by_path(report) -> dict:
    paths = [f["path"] for f in report["files"]]
    assert len(paths) == len(set(paths))
    return {f["path"]: f for f in report["files"]}


def snapshot(folder: Path) -> dict:
    out = {}
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            out[bytes(p)] = p.read_bytes()
    return out


# -- names that are not UTF-8 --------------------------------------------------------------------------------
def test_names_that_are_not_utf8_are_filed_and_quarantined_like_any_other(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    raw = os.fsencode(inbox)
    (inbox / "a.txt").write_bytes(SEED)
    with open(raw + b"/b\xff.txt", "wb") as f:           # the same letter, one more newline: its own bytes
        f.write(SEED + b"\n\n")
    with open(raw + b"/c\xfe\xfd.pdf", "wb") as f:        # junk saved as .pdf
        f.write(bytes(range(256)) * 8)
    os.symlink("/etc/passwd", raw + b"/d\xe9.txt")        # Latin-1 é, a link
    os.mkdir(raw + b"/sub\xff")
    with open(raw + b"/sub\xff/e.txt", "wb") as f:
        f.write(SEED + b"\n\n\n")
    before = snapshot(inbox)

    report = ingest(inbox, tmp_path / "db" / "a.sqlite")
    files = by_path(report)
    base = str(inbox)
    assert set(files) == {f"{base}/a.txt", f"{base}/b\\xff.txt", f"{base}/c\\xfe\\xfd.pdf", f"{base}/d\\xe9.txt",
                          f"{base}/sub\\xff/e.txt"}
    assert files[f"{base}/b\\xff.txt"]["outcome"].startswith("done")
    assert files[f"{base}/sub\\xff/e.txt"]["outcome"].startswith("done")
    assert (files[f"{base}/c\\xfe\\xfd.pdf"]["outcome"], files[f"{base}/c\\xfe\\xfd.pdf"]["reason"]) == \
        ("quarantined", "type_mismatch")
    assert files[f"{base}/d\\xe9.txt"]["reason"] == "symlink"
    assert snapshot(inbox) == before                      # nothing in the inbox moved or changed

    c = sqlite3.connect(tmp_path / "db" / "a.sqlite")
    assert f"{base}/b\\xff.txt" in {r[0] for r in c.execute("SELECT path FROM sources")}
    quarantined = {r[0]: r[1] for r in c.execute("SELECT path, reason FROM quarantine")}
    assert quarantined[f"{base}/c\\xfe\\xfd.pdf"] == "type_mismatch"
    for meta in (tmp_path / "db" / "quarantine").glob("*.json"):   # the folder explains itself, readably
        assert json.loads(meta.read_text(encoding="utf-8"))["path"] in quarantined
    c.close()

    again = ingest(inbox, tmp_path / "db" / "a.sqlite")
    assert {f["outcome"] for f in again["files"]} == {"skipped"}


# -- hard links ------------------------------------------------------------------------------------------
def test_a_hard_link_to_a_file_outside_the_inbox_is_quarantined_unread(tmp_path):
    inbox, outside = tmp_path / "in", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_bytes(SEED + b"\n" * 7)
    os.link(secret, inbox / "looks-like-a-letter.txt")
    (inbox / "pair-1.txt").write_bytes(SEED + b"\n" * 9)   # two names of one file, both in the inbox
    os.link(inbox / "pair-1.txt", inbox / "pair-2.txt")
    os.utime(secret, ns=(10**9, time.time_ns()))          # atime far back: any read moves it

    db = tmp_path / "db" / "a.sqlite"
    files = by_path(ingest(inbox, db))
    link = files[str(inbox / "looks-like-a-letter.txt")]
    assert (link["outcome"], link["reason"], link["sha256"]) == ("quarantined", "hardlink", None)
    assert "outside the inbox" in link["detail"]["message"]
    assert os.stat(secret).st_atime_ns == 10**9            # never opened
    outcomes = sorted(files[str(inbox / n)]["outcome"] for n in ("pair-1.txt", "pair-2.txt"))
    assert outcomes[0].startswith("done") and outcomes[1] == "duplicate"
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM sources WHERE path LIKE '%looks-like%'").fetchone()[0] == 0
    c.close()

    secret.unlink()   # the other name is gone: now it is an ordinary file of the inbox, read and filed
    files = by_path(ingest(inbox, db))
    assert files[str(inbox / "looks-like-a-letter.txt")]["outcome"].startswith("done")
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM quarantine WHERE reason = 'hardlink' AND released IS NULL").fetchone()[0] == 0
    c.close()


# -- walk errors -------------------------------------------------------------------------------------------
def _deep(inbox: Path) -> bytes:
    """Folders nested past PATH_MAX (made through directory descriptors, as no single path can name them),
    with a letter at the bottom; returns the bottom folder's path."""
    fd = os.open(inbox, os.O_RDONLY)
    path = os.fsencode(inbox)
    try:
        while len(path) < 4300:
            name = b"d" * 200
            os.mkdir(name, dir_fd=fd)
            sub = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, path = sub, path + b"/" + name
        letter = os.open(b"deep-letter.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(letter, SEED + b"\n" * 11)
        os.close(letter)
    finally:
        os.close(fd)
    return path


def test_a_file_past_path_max_is_reported_not_lost(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes(SEED)
    bottom = _deep(inbox)
    files = by_path(ingest(inbox, tmp_path / "db" / "a.sqlite"))
    deep = files[os.fsdecode(bottom + b"/deep-letter.txt")]
    assert (deep["outcome"], deep["reason"]) == ("quarantined", "unreadable")
    assert "longer than" in deep["detail"]["message"]
    assert files[str(inbox / "a.txt")]["outcome"].startswith("done")


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to run the batch as an unprivileged user")
    shut = [p for p in (ROOT, *ROOT.parents) if not os.stat(p).st_mode & 0o001]
    if shut:  # a checkout under a private folder (mktemp -d makes it 0700): the unprivileged run cannot import it
        pytest.skip(f"the checkout is not reachable by an unprivileged user ({shut[-1]} is closed to others)")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


@pytest.fixture
def open_tmp():
    """A folder any user may enter (pytest's own is root's alone), removed afterwards."""
    import tempfile
    path = Path(tempfile.mkdtemp(prefix="vanban-walk-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def test_a_folder_the_walk_cannot_list_is_reported_with_a_reason(open_tmp):
    """Root reads every folder, so the run is made as an unprivileged user (as a clerk's cron job runs)."""
    tmp_path = open_tmp
    base = tmp_path / "work"
    (base / "in" / "locked").mkdir(parents=True)
    (base / "in" / "open").mkdir()
    (base / "in" / "open" / "a.txt").write_bytes(SEED)
    (base / "in" / "locked" / "hidden.txt").write_bytes(SEED + b"\n\n")
    (base / "db").mkdir()
    prefix = _as_nobody()
    if prefix:
        for p in [tmp_path, *base.rglob("*"), base]:
            os.chown(p, 65534, 65534)
    (base / "in" / "locked").chmod(0)
    env = {**os.environ, "HOME": str(base)}
    try:
        proc = subprocess.run([*prefix, *VANBAN, "ingest", str(base / "in"), "--db", str(base / "db" / "a.sqlite"),
                               "--json", "--settle", "0"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    finally:
        (base / "in" / "locked").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    files = by_path(json.loads(proc.stdout))
    locked = files[str(base / "in" / "locked")]
    assert (locked["outcome"], locked["reason"]) == ("quarantined", "unreadable")
    assert "Permission denied" in locked["detail"]["message"]
    assert files[str(base / "in" / "open" / "a.txt")]["outcome"].startswith("done")


# -- stops: kill -9 of the run alone, SIGTERM, a lock held by a dead run's orphans --------------------------------
def _start_hung_run(tmp_path, extra_env=None):
    inbox = tmp_path / "in"
    inbox.mkdir(exist_ok=True)
    (inbox / "a.txt").write_bytes(SEED)
    shutil.copy(SAMPLES / "seed-letter.pdf", inbox / "hangs.pdf")
    db = tmp_path / "db" / "a.sqlite"
    proc = subprocess.Popen([*VANBAN, "ingest", str(inbox), "--db", str(db), "--settle", "0", "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "VANBAN_FAULT": "hang:hangs", **(extra_env or {})})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until the worker holds the hung file (a.txt, the first, was filed)
        c = sqlite3.connect(db) if db.exists() else None
        try:
            filed = c is not None and c.execute("SELECT count(*) FROM sources").fetchone()[0] > 0
        except sqlite3.Error:
            filed = False
        finally:
            if c is not None:
                c.close()
        if filed:
            break
        time.sleep(0.2)
    workers = _children(proc.pid)
    assert workers, "the run started no worker"
    return proc, inbox, db, workers


def _children(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(name))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _lock_is_free(db: Path) -> bool:
    fd = os.open(str(db) + ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _gone(pids, within=5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_workers_die_with_a_run_killed_alone_and_the_next_run_is_not_locked_out(tmp_path):
    proc, inbox, db, workers = _start_hung_run(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)            # the main process alone, not its group
    proc.communicate(timeout=30)
    assert _gone(workers), "a worker outlived the run it belonged to"
    assert _lock_is_free(db)
    report = ingest(inbox, db)                  # no fault now: the hung file is read and filed
    assert {f["outcome"] for f in report["files"]} <= {"done", "done_with_warnings", "skipped"}
    assert by_path(report)[str(inbox / "hangs.pdf")]["outcome"].startswith("done")


@pytest.mark.slow
def test_sigterm_stops_the_workers_records_the_run_and_frees_the_lock(tmp_path):
    proc, inbox, db, workers = _start_hung_run(tmp_path)
    t = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - t < 5
    assert proc.returncode == 1 and "stopped by SIGTERM" in err and "Traceback" not in err, err
    assert _gone(workers) and _lock_is_free(db)
    c = sqlite3.connect(db)
    (detail,) = c.execute("SELECT detail FROM events WHERE kind = 'run_interrupted'").fetchone()
    c.close()
    assert json.loads(detail)["signal"] == "SIGTERM" and json.loads(detail)["left"] == 1
    report = ingest(inbox, db)
    assert by_path(report)[str(inbox / "hangs.pdf")]["outcome"].startswith("done")


def test_a_lock_held_by_the_orphans_of_a_dead_run_is_taken_over(tmp_path):
    """What a run of an earlier release left behind: its workers outlived it and hold the lock's file."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes(SEED)
    db = tmp_path / "db" / "a.sqlite"
    db.parent.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(db) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        f"os.ftruncate(fd, 0); os.pwrite(fd, b'pid {dead.pid} since 2026-01-01T00:00:00+00:00', 0)\n"
        "print('held', flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert orphan.stdout.readline().strip() == "held"
        assert not _lock_is_free(db)
        report = ingest(inbox, db)
        assert "taken over" in report["lock_taken_over"]
        assert by_path(report)[str(inbox / "a.txt")]["outcome"].startswith("done")
        assert orphan.wait(timeout=10) == -signal.SIGKILL
    finally:
        if orphan.poll() is None:
            orphan.kill()
        orphan.communicate()


def test_a_lock_held_by_a_live_run_is_not_taken(tmp_path):
    db = tmp_path / "a.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, time\n"
        f"fd = os.open({str(db) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "os.pwrite(fd, b'pid %d since now' % os.getpid(), 0)\n"
        "print('held', flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = subprocess.run([*VANBAN, "ingest", str(tmp_path), "--db", str(db), "--settle", "0"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 3 and f"pid {holder.pid}" in proc.stderr
        assert holder.poll() is None
    finally:
        holder.kill()
        holder.communicate()


@pytest.mark.slow
def test_twenty_kills_of_the_main_process_alone_lose_and_double_nothing(tmp_path):
    """kill -9 of the run's own process (not its workers) at random points, twenty times, each over an inbox
    grown by new letters; then a last run: every file filed once, no worker left, never locked out."""
    inbox, db = tmp_path / "in", tmp_path / "db" / "a.sqlite"
    inbox.mkdir()
    rng = random.Random(15)
    letters = [SEED, (ROOT.parent / "shared" / "corpus" / "dev" / "docs" / "022.txt").read_bytes()]
    made = 0
    for kill in range(20):
        for _ in range(3):
            made += 1
            (inbox / f"l{made:03d}.txt").write_bytes(letters[made % 2] + b"\n" * made)
        proc = subprocess.Popen([*VANBAN, "ingest", str(inbox), "--db", str(db), "--settle", "0", "--workers", "2"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.5, 4.0))
        workers = _children(proc.pid)
        proc.kill()
        _, err = proc.communicate(timeout=30)
        assert "another run holds the lock" not in err
        assert _gone(workers, within=5.0), f"kill {kill}: a worker outlived its run"
    report = ingest(inbox, db)
    assert len(report["files"]) == made
    c = sqlite3.connect(db)
    paths = [r[0] for r in c.execute("SELECT path FROM sources")]
    assert sorted(paths) == sorted(str(inbox / f"l{i:03d}.txt") for i in range(1, made + 1))   # each once
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    incoming = db.parent / "incoming"
    assert not incoming.exists() or not list(incoming.iterdir())
