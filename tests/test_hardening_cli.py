"""Issue 15, items 9 and 12: the command line's mistakes that passed silently, and its habits under cron.

Every check is a real `python -m pipeline …` subprocess (stdout and stderr are pipes, not terminals, as under
cron) on real archives made here by ingesting samples/seed-letter.txt; each asserts the exit code, the message
on stderr and, with --json, the JSON error on stdout (contract: {"error", "code"})."""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

SEED = SAMPLES / "seed-letter.txt"


def vanban(*args, prefix=(), timeout=60, cwd=None):
    """`vanban ARGS` with this worktree's code (PYTHONPATH), never a terminal on either side."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("VANBAN_DB", None)
    return subprocess.run([*prefix, sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def json_error(proc) -> dict:
    """The contract's error object: the only thing on stdout."""
    data = json.loads(proc.stdout)
    assert set(data) >= {"error", "code"} and data["code"] == proc.returncode, data
    return data


def inbox_with_seed(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / "seed-letter.txt")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """An archive of the seed letter (it cites 12 documents: stubs)."""
    base = tmp_path_factory.mktemp("archive")
    db = base / "a" / "archive.sqlite"
    proc = vanban("ingest", inbox_with_seed(base / "inbox"), "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents WHERE stub = 0").fetchone()[0] == 1
    return db


# -- item 9: mistakes that passed silently ----------------------------------------------------------------------

def test_ingest_of_a_path_that_is_not_there_is_an_error_and_makes_nothing(tmp_path):
    missing, db = tmp_path / "no" / "such" / "path", tmp_path / "new" / "x.sqlite"
    proc = vanban("ingest", missing, "--db", db)
    assert proc.returncode == 2 and proc.stderr == f"vanban: {missing}: no such file or folder\n" and proc.stdout == ""
    assert not (tmp_path / "new").exists()
    proc = vanban("ingest", missing, "--db", db, "--json")
    assert proc.returncode == 2 and json_error(proc)["error"] == f"{missing}: no such file or folder"
    assert not (tmp_path / "new").exists()


READ_COMMANDS = {
    "search": (["search", "dao tao"], True),
    "show": (["show", "649/UBND-KSTTHC"], True),
    "graph cites": (["graph", "cites", "649/UBND-KSTTHC"], True),
    "graph cited-by": (["graph", "cited-by", "649/UBND-KSTTHC"], True),
    "graph chain": (["graph", "chain", "649/UBND-KSTTHC"], True),
    "graph impact": (["graph", "impact", "649/UBND-KSTTHC"], True),
    "graph path": (["graph", "path", "649/UBND-KSTTHC", "110/KH-UBND"], True),
    "graph top": (["graph", "top"], True),
    "graph missing": (["graph", "missing"], True),
    "graph export": (["graph", "export", "--format", "json", "--output", "{tmp}/g.json"], False),
    "quarantine list": (["quarantine", "list"], True),
    "quarantine retry": (["quarantine", "retry", "--reason", "empty"], True),
    "verify": (["verify"], True),
    "eval --corrections": (["eval", "--corrections"], True),
}


@pytest.mark.parametrize("name", READ_COMMANDS)
def test_a_read_command_on_a_mistyped_db_says_so_and_creates_nothing(name, tmp_path):
    args, has_json = READ_COMMANDS[name]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    db = tmp_path / "archvie" / "archive.sqlite"  # the typo
    proc = vanban(*args, "--db", db)
    assert proc.returncode == 2 and proc.stderr == f"vanban: no archive at {db}\n", proc.stderr
    assert not db.parent.exists() and not (tmp_path / "g.json").exists()
    if has_json:
        proc = vanban(*args, "--db", db, "--json")
        assert proc.returncode == 2 and json_error(proc)["error"] == f"no archive at {db}"
        assert not db.parent.exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_an_unreachable_dask_scheduler_is_one_line_within_seconds(tmp_path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    proc = vanban("ingest", inbox_with_seed(tmp_path / "in"), "--db", tmp_path / "x.sqlite", "--dask", address,
                  timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1 and elapsed < 15, (proc.returncode, elapsed)
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"vanban: the Dask scheduler at {address} cannot be reached within 5 s")


def test_a_malformed_dask_address_is_bad_usage(tmp_path):
    proc = vanban("ingest", inbox_with_seed(tmp_path / "in"), "--db", tmp_path / "x.sqlite", "--dask", "tcp://",
                  "--json", timeout=30)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert "not a scheduler address" in json_error(proc)["error"]


def _assert_storage_unusable(proc, db: Path) -> None:
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"vanban: {db}: the archive cannot be created here")


def test_a_new_archive_under_a_file_is_storage_unusable(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    db = tmp_path / "afile" / "sub" / "x.sqlite"
    proc = vanban("ingest", inbox_with_seed(tmp_path / "in"), "--db", db)
    _assert_storage_unusable(proc, db)
    assert "Not a directory" in proc.stderr


def test_a_new_archive_on_a_read_only_mount_is_storage_unusable(tmp_path):
    """A real read-only file system (a tmpfs mounted ro in a private mount namespace): root cannot write there
    either. Skipped where mount namespaces are not allowed."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o ro tmpfs {mnt}"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private read-only mount here: {probe.stderr.decode().strip()}")
    db = mnt / "new" / "x.sqlite"
    inbox = inbox_with_seed(tmp_path / "in")
    env = f"PYTHONPATH={ROOT}"
    proc = subprocess.run(["unshare", "-m", "sh", "-c", f'mount -t tmpfs -o ro tmpfs "{mnt}" && {env} exec '
                           f'"{sys.executable}" -m pipeline ingest "{inbox}" --db "{db}"'],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    _assert_storage_unusable(proc, db)
    assert "Read-only file system" in proc.stderr


def test_a_new_archive_in_a_folder_without_write_permission_is_storage_unusable(tmp_path):
    """Permission bits (0555). Root ignores them through CAP_DAC_OVERRIDE, so as root the command runs with every
    capability dropped (setpriv): still uid 0, which owns the folder, so the owner's r-x bits apply. (Running as
    nobody is not possible here: the interpreter lives under /root, mode 0700.)"""
    folder = tmp_path / "readonly"
    folder.mkdir()
    inbox = inbox_with_seed(tmp_path / "in")
    folder.chmod(0o555)
    prefix = ()
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root, and no setpriv to drop the capabilities that bypass permission bits")
        prefix = ("setpriv", "--bounding-set=-all", "--inh-caps=-all")
    db = folder / "new" / "x.sqlite"
    try:
        proc = vanban("ingest", inbox, "--db", db, prefix=prefix)
    finally:
        folder.chmod(0o755)
    _assert_storage_unusable(proc, db)
    assert "Permission denied" in proc.stderr and not (folder / "new").exists()


OUT_OF_RANGE = [
    ["graph", "chain", "x", "--depth", "-1"],
    ["graph", "impact", "x", "--depth", "0"],
    ["graph", "top", "-n", "-5"],
    ["graph", "missing", "-n", "0"],
    ["search", "x", "--limit", "-1"],
    ["search", "x", "--limit", str(10**20)],  # past SQLite's LIMIT: an OverflowError traceback before
    ["graph", "export", "--format", "json", "--output", "g.json", "--depth", "-1"],
]


@pytest.mark.parametrize("args", OUT_OF_RANGE, ids=lambda a: " ".join(a))
def test_a_count_or_depth_out_of_range_is_bad_usage(args, archive):
    proc = vanban(*args, "--db", archive, cwd=archive.parent)
    assert proc.returncode == 2 and "is not in the range" in proc.stderr and proc.stdout == ""
    proc = vanban(*args, "--db", archive, "--json", cwd=archive.parent)
    if "export" not in args:
        assert proc.returncode == 2 and "is not in the range" in json_error(proc)["error"]


@pytest.mark.parametrize("option", [["--timeout", "nan"], ["--timeout", "inf"], ["--settle", "inf"], ["--settle", "nan"],
                                    ["--memory-mb", str(1 << 43)]], ids=" ".join)
def test_a_batch_limit_that_means_nothing_is_bad_usage(option, tmp_path):
    """Before: nan ran with no time limit, an infinite settle was an OverflowError traceback, a memory cap past
    1 TiB quarantined the seed letter as `corrupt`."""
    db = tmp_path / "a" / "x.sqlite"
    proc = vanban("ingest", inbox_with_seed(tmp_path / "in"), "--db", db, "--settle", "0", *option)
    assert proc.returncode == 2 and f"Invalid value for '{option[0]}'" in proc.stderr and not db.parent.exists()


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_refuses_a_port_it_cannot_listen_on(port, tmp_path):
    """Before: 99999 listened on 99999 mod 65536 while printing 99999 (and this run would not return)."""
    proc = vanban("serve", "--db", tmp_path / "x.sqlite", "--port", port, timeout=30)
    assert proc.returncode == 2 and "Invalid value for '--port'" in proc.stderr and "1<=x<=65535" in proc.stderr


@pytest.mark.parametrize("args", [["show", ""], ["show", "   "], ["graph", "cites", ""], ["graph", "path", "", "x"],
                                  ["graph", "export", "--format", "json", "--output", "g.json", "--around", ""]],
                         ids=lambda a: " ".join(a) or "blank")
def test_a_blank_key_says_which_document(args, archive):
    proc = vanban(*args, "--db", archive, cwd=archive.parent)
    assert proc.returncode == 2 and "say which document" in proc.stderr
    if args[0] == "show":
        proc = vanban(*args, "--db", archive, "--json")
        assert proc.returncode == 2 and "say which document" in json_error(proc)["error"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv", "html"])
def test_graph_export_makes_no_folders(fmt, archive, tmp_path):
    output = tmp_path / "nonexistent" / "dir" / "x"
    proc = vanban("graph", "export", "--db", archive, "--format", fmt, "--output", output)
    assert proc.returncode == 2 and proc.stderr == f"vanban: --output {output}: no folder {output.parent} to write in\n"
    assert not (tmp_path / "nonexistent").exists()
    written = tmp_path / f"graph.{fmt}"
    proc = vanban("graph", "export", "--db", archive, "--format", fmt, "--output", written, "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert (written / "nodes.csv").is_file() if fmt == "csv" else written.stat().st_size > 0


def test_graph_export_refuses_a_file_where_a_folder_goes_and_back(archive, tmp_path):
    (tmp_path / "f").write_text("")
    proc = vanban("graph", "export", "--db", archive, "--format", "csv", "--output", tmp_path / "f")
    assert proc.returncode == 2 and "a file is there" in proc.stderr
    proc = vanban("graph", "export", "--db", archive, "--format", "graphml", "--output", tmp_path)
    assert proc.returncode == 2 and "a folder is there" in proc.stderr


def test_a_missing_file_is_no_such_file_not_corrupt(tmp_path):
    missing = tmp_path / "no-such.pdf"
    proc = vanban("text", missing)
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "corrupt" not in proc.stderr
    proc = vanban("text", missing, "--json")
    assert proc.returncode == 2 and "does not exist" in json_error(proc)["error"]
    # extract goes on with the others (README: an error record per file it cannot read, exit 1)
    proc = vanban("extract", missing, SEED)
    assert proc.returncode == 1 and proc.stderr.splitlines()[0] == f"vanban: {missing}: no such file"
    bad, good = json.loads(proc.stdout)
    assert bad == {"schema": "vanban.letter/1", "source": {"path": str(missing)},
                   "error": {"reason": "missing", "message": f"{missing}: no such file"}}
    assert good["signer"] == "Phạm Quốc Hiệu"


def test_with_json_every_error_is_a_json_object_on_stdout(archive):
    proc = vanban("show", "99/ZZ-NOTHING", "--db", archive, "--json")  # not found: the program's own error
    assert proc.returncode == 1 and proc.stderr.startswith("vanban: ")
    assert json_error(proc)["error"] == proc.stderr.removeprefix("vanban: ").strip()
    proc = vanban("graph", "top", "-n", "many", "--db", archive, "--json")  # click's usage error
    assert proc.returncode == 2 and "Invalid value for '-n'" in json_error(proc)["error"] and "Usage:" in proc.stderr
    proc = vanban("search", "--json", "--db", archive)  # a missing argument
    assert proc.returncode == 2 and "Missing argument" in json_error(proc)["error"]
    proc = vanban("search", "--db", archive, "--", "--json")  # after --, "--json" is the text searched
    assert proc.returncode == 0 and proc.stdout.strip() == "no match"


def test_an_ambiguous_key_is_a_json_error_with_its_candidates(tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "x.sqlite"
    inbox.mkdir()
    for year in (2022, 2023):  # the same number in two years: two letters
        (inbox / f"l{year}.txt").write_text(SEED.read_text(encoding="utf-8").replace("Số: /SGDDĐT-VP", "Số: 15/SGDĐT-VP")
                                            .replace("ngày tháng năm 2023", f"ngày 10 tháng 3 năm {year}"), encoding="utf-8")
    assert vanban("ingest", inbox, "--db", db).returncode == 0
    proc = vanban("show", "15/SGDĐT-VP", "--db", db, "--json")
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1] == \
        "vanban: '15/SGDĐT-VP' matches 2 documents; use one of the keys listed"
    error = json_error(proc)
    assert sorted((c["key"], c["date"], c["stub"]) for c in error["candidates"]) == [
        ("15/2022/SGDDT-VP@so-giao-duc-va-dao-tao", "2022-03-10", False),
        ("15/2023/SGDDT-VP@so-giao-duc-va-dao-tao", "2023-03-10", False)]


# -- item 12: cron habits -------------------------------------------------------------------------------------------

def test_under_cron_silence_is_success(tmp_path):
    inbox, db = inbox_with_seed(tmp_path / "in"), tmp_path / "a" / "x.sqlite"
    for _ in range(2):  # a clean run, then a run with nothing new
        proc = vanban("ingest", inbox, "--db", db, "--quiet")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = vanban("verify", "--db", db, "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_without_quiet_off_a_terminal_no_progress_and_a_one_line_summary(tmp_path):
    inbox, db = inbox_with_seed(tmp_path / "in"), tmp_path / "a" / "x.sqlite"
    for name in ("b", "c"):
        (inbox / f"{name}.txt").write_text(SEED.read_text(encoding="utf-8").replace("Phạm Quốc Hiệu", f"Người {name}"),
                                           encoding="utf-8")
    proc = vanban("ingest", inbox, "--db", db)
    assert proc.returncode == 0 and proc.stderr == ""  # before: a timestamped progress line every 10 %
    assert len(proc.stdout.splitlines()) == 1 and proc.stdout.startswith("3 files: ")
    proc = vanban("ingest", inbox, "--db", db)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == ["3 files: 3 skipped; 0 new documents, 0 new citations, 0 cited documents "
                                        "arrived; nothing new: every file was already archived or quarantined"]
    proc = vanban("verify", "--db", db)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == ["3 files checked: 3 unchanged, 0 changed, 0 missing, 0 untracked"]


def test_quiet_still_names_a_quarantined_file_on_stderr_and_succeeds(tmp_path):
    """Quarantine is success (exit 0, contract) but a file nobody filed should reach a person: under --quiet its
    one line still goes to stderr, which cron mails."""
    inbox, db = inbox_with_seed(tmp_path / "in"), tmp_path / "a" / "x.sqlite"
    (inbox / "empty.pdf").write_bytes(b"")
    proc = vanban("ingest", inbox, "--db", db, "--quiet")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"vanban: quarantined {str(inbox / 'empty.pdf')!r} [empty]"]
    proc = vanban("ingest", inbox, "--db", db, "--quiet")  # already quarantined: skipped, nothing to say
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = vanban("quarantine", "retry", "--reason", "empty", "--db", db, "--quiet")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"vanban: quarantined {str(inbox / 'empty.pdf')!r} [empty]"]


def test_quiet_verify_of_a_changed_original_fails_loudly_on_stderr(tmp_path):
    inbox, db = inbox_with_seed(tmp_path / "in"), tmp_path / "a" / "x.sqlite"
    assert vanban("ingest", inbox, "--db", db, "--quiet").returncode == 0
    (stored,) = [p for p in (db.parent / "originals").rglob("*") if p.is_file()]
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes() + b"tampered")
    proc = vanban("verify", "--db", db, "--quiet")
    assert proc.returncode == 4 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == "vanban: 1 changed and 0 missing files in the store"
    assert any(line.startswith("vanban: changed: ") for line in proc.stderr.splitlines())
    proc = vanban("verify", "--db", db, "--json")  # the report is the JSON answer: one object, not two
    assert proc.returncode == 4 and len(json.loads(proc.stdout)["changed"]) == 1
