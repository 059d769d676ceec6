"""`vanban ingest`: every file under the input paths into the archive, each ending in exactly one known state,
reported once (contract: run report vanban.run/1).

The run, in this process (the archive's single writer), under the archive's run lock (a second run exits 3):
  1. scan (scan.py): symlinks and special files are quarantined unopened; files still being written wait;
  2. hash each file; bytes already archived or quarantined are `skipped` (same path) or `duplicate`;
  3. copy the new ones into `incoming/` beside the archive (temporary name, fsync, rename, fsync the folder),
     hashing the copy: a file that changed meanwhile waits for the next run; only the copy is parsed;
  4. parse the copies in watched workers (workers.py; cluster.py on Dask) with a time and a memory limit;
  5. file each result in arrival order (the inbox file's mtime, then its path; whichever worker finishes
     first): the copy moves into the store (`originals/`) and the letter, its references, its số đến and an
     event are committed in one transaction; or it moves into `quarantine/` with its reason. So the register
     numbers a run's letters in the order they arrived, and two runs over the same inbox number it alike.
Documents imported for reference (`--reference`, or under a folder holding a `.vanban-reference` file) are
filed the same way but get no số đến.
Files accepted into the pending queue (pending.py: desk uploads made while a run held the lock) are taken
with the inbox's files, and again at the end of the run (what arrived meanwhile), before the lock is released.
Killed at any point (kill -9, power cut), the next run finishes the work: the inbox is never modified, a
copy left in incoming/ or the store is found by its hash and reused, a copy whose inbox file has gone is
filed from incoming/ under the path it came from, and every commit is one transaction, so nothing is
doubled (SQLite WAL, synchronous=FULL).
"""
from __future__ import annotations

import dataclasses
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import threading
import time
import uuid
from pathlib import Path

from pipeline.archive import Archive
from pipeline.archive.db import now
from pipeline.archive.searchable import file_copy
from pipeline.archive.store import durable_copy, fsync_dir, sha256_of, stored_name
from pipeline.batch import pending
from pipeline.batch import quarantine as qr
from pipeline.batch.scan import scan
from pipeline.batch.workers import CLOSE_IN_CHILD, DEFAULT_MEMORY_MB, DEFAULT_RECYCLE, DEFAULT_TIMEOUT_S, LocalPool
from pipeline.errors import Interrupted, RunLocked, StorageError

OUTCOMES = ("done", "done_with_warnings", "duplicate", "skipped", "quarantined")
INCOMING = "incoming"
REFERENCE_MARK = ".vanban-reference"  # a file of this name marks everything under its folder as for reference
RESERVE = 64 << 20  # bytes kept free on the archive's disk beyond each copy
WAITING = 256       # parsed letters held at most while an earlier file is still being read (the filing order)


@dataclasses.dataclass
class Options:
    workers: int = 0                 # 0: one per core
    timeout: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    recycle: int = DEFAULT_RECYCLE
    settle: float = 1.0
    pdf_engine: str = "pypdfium2"
    ocr: bool = True
    dask: str | None = None
    start_method: str = "fork"       # "forkserver" from a threaded server (the desk)


@dataclasses.dataclass
class Item:
    """A file to parse: its report entry, and where its copy is now."""
    entry: dict
    sha: str
    suffix: str
    copy: Path
    retry: str | None = None  # the quarantine id this item retries
    reference: bool = False   # imported for reference: filed, never given a số đến
    arrival: tuple = ()       # (mtime_ns of the inbox file, path): the order results are filed in


class RunLock:
    """flock on `<db>.lock`: one run at a time per archive, released by the kernel when the run dies.

    The lock belongs to the open file, and a forked worker inherits the file: so workers close it as they
    start (workers.CLOSE_IN_CHILD) and die with the run (PR_SET_PDEATHSIG). A lock still held while the run
    named in the file is dead (its workers outlived it: a release before this one, or a kill between fork and
    close) is taken over: the orphans holding the file are killed, then the lock is taken."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self.fd = None
        self.took_over: str | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            self._take()
        except BaseException:
            os.close(self.fd)
            raise
        CLOSE_IN_CHILD.add(self.fd)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()} since {now()}".encode(), 0)
        return self

    def _take(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
        pid = int(m.group(1)) if (m := re.match(r"pid (\d+)", holder)) else None
        if pid is None or _alive(pid):
            raise RunLocked(f"another run holds the lock on this archive ({self.path}{': ' + holder if holder else ''})")
        orphans = _holders(self.path)
        for other in orphans:
            try:
                os.kill(other, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in range(50):  # the kernel drops the lock once the last holder is gone
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.took_over = (f"the lock of run pid {pid}, which is dead, was taken over "
                                  f"({len(orphans)} orphaned worker{'s' * (len(orphans) != 1)} stopped)")
                return
            except BlockingIOError:
                time.sleep(0.1)
        raise RunLocked(f"the lock on this archive ({self.path}) is held by processes of a dead run ({holder}) that "
                        f"could not be stopped: {', '.join(map(str, orphans)) or 'not found'}")

    def __exit__(self, *exc) -> None:
        CLOSE_IN_CHILD.discard(self.fd)
        os.ftruncate(self.fd, 0)
        os.close(self.fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has let go of its files
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def _holders(lock: Path) -> list[int]:
    """Other processes with the lock file open (from /proc; Linux)."""
    try:
        target = os.stat(lock)
    except OSError:
        return []
    out = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            for fd in os.listdir(f"/proc/{name}/fd"):
                try:
                    st = os.stat(f"/proc/{name}/fd/{fd}")
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                    out.append(int(name))
                    break
        except OSError:
            continue
    return out


class Stops:
    """SIGTERM (cron, systemd), SIGINT (Ctrl-C) and SIGHUP (a closed terminal) in the run's process: the run
    stops at its next safe point (between two files: never inside a commit), its workers are stopped, the run
    is recorded as interrupted and the lock released; what was not filed is taken by the next run. A second
    signal stops at once. Only in the main thread (a server filing uploads keeps its own handlers)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self):
        self.signum: int | None = None
        self.old: dict = {}

    def __enter__(self) -> "Stops":
        if threading.current_thread() is threading.main_thread():
            for s in self.SIGNALS:
                self.old[s] = signal.signal(s, self._handler)
        return self

    def _handler(self, signum, frame) -> None:
        if self.signum is not None:
            raise Interrupted(signal.Signals(signum).name)
        self.signum = signum

    def check(self) -> None:
        if self.signum is not None:
            raise Interrupted(signal.Signals(self.signum).name)

    def __exit__(self, *exc) -> None:
        for s, handler in self.old.items():
            signal.signal(s, handler)


def _suffix(path: str) -> str:
    """The extension the stored copy keeps: letters and digits only (a name is data, never part of a path)."""
    ext = Path(path).suffix.lower()
    return "." + re.sub(r"[^a-z0-9]", "", ext[1:])[:15] if len(ext) > 1 and re.search(r"[a-z0-9]", ext) else ""


def _storage(exc: OSError, what: str) -> StorageError:
    return StorageError(f"{what}: {exc.strerror or exc}; the run stopped, nothing was quarantined because of it")


class Batch:
    def __init__(self, archive: Archive, options: Options, progress=None, stops: Stops | None = None):
        self.archive, self.options, self.progress, self.stops = archive, options, progress, stops
        self.root = archive.path.parent
        self.incoming = self.root / INCOMING
        self.run_id = uuid.uuid4().hex
        self.report = {"schema": "vanban.run/1", "run_id": self.run_id, "started": now(), "finished": None,
                       "counts": {k: 0 for k in OUTCOMES}, "files": [], "new_documents": 0, "new_edges": 0,
                       "stubs_resolved": 0}
        self.seen: dict[str, dict] = {}     # sha → the entry of its first file in this run
        self.todo: list[Item] = []
        self.finished = 0
        self.total = 0                      # files known so far (the progress bar's length)
        self.reference = False              # this run imports for reference (`--reference`)
        self._marks: dict[str, bool] = {}   # folder → whether it or a folder above holds REFERENCE_MARK
        self._notes: dict[int, tuple] = {}  # id(entry) → (note, info) of a file from the pending queue
        self._taken: set[str] = set()       # queue notes this run has taken already

    def _stop_point(self) -> None:
        if self.stops is not None:
            self.stops.check()

    def interrupted(self, exc: "Interrupted") -> None:
        """The run was stopped by a signal: recorded (an event with what was done so far); copies already in
        incoming/ stay there for the next run, which finds them by hash."""
        self.report["finished"] = now()
        self.report["interrupted"] = exc.signal_name
        left = sum(f["outcome"] is None for f in self.report["files"])
        try:
            self.archive.event("run_interrupted", None, None, {"run_id": self.run_id, "signal": exc.signal_name,
                                                                "counts": self.report["counts"], "left": left})
        except Exception:  # noqa: BLE001  the stop must not fail on the record of the stop
            pass
        done = sum(self.report["counts"].values())
        exc.detail = f"{done} file{'s' * (done != 1)} handled, {left} left for the next run (its workers were stopped)"

    # -- 1-3: what is there, and which copies need parsing ----------------------------------------------
    def collect(self, paths, reference: bool = False) -> None:
        self.reference = reference
        self._clean_incoming()
        entries = scan(paths, self.options.settle)
        self.total = len(entries)
        for e in entries:
            self._stop_point()
            entry = {"path": e.shown, "sha256": None, "outcome": None, "reason": None, "key": None}
            self.report["files"].append(entry)
            if e.problem:
                self._unopened(entry, e)
            elif e.wait:
                self._finish(entry, "skipped", reason=e.wait)
            elif os.path.basename(e.path) == REFERENCE_MARK:
                self._finish(entry, "skipped", reason="marks its folder as imported for reference (no số đến)")
            else:
                self._release_unopened(e)
                self._hashed(entry, e.path, (e.mtime_ns, e.shown))
        self._recover_orphans()
        self.take_queue()
        self.todo.sort(key=lambda item: item.arrival)  # parsed, then filed, in arrival order

    def take_queue(self, upload: str | None = None) -> int:
        """Files accepted into the pending queue (pending.py: desk uploads made while a run held the lock)
        become this run's to file, in the order they arrived; with `upload`, only that upload's. Returns how
        many are to parse."""
        before = len(self.todo)
        for note, info in pending.notes(self.root, upload):
            if note.name in self._taken:
                continue
            self._taken.add(note.name)
            self._stop_point()
            shown = info.get("path") or str(note)
            entry = {"path": shown, "sha256": None, "outcome": None, "reason": None, "key": None, "queued": True}
            self.report["files"].append(entry)
            self.total += 1
            self._notes[id(entry)] = (note, info)
            copy = pending.copy_of(note, info) if info.get("sha256") else None
            if copy is not None and not copy.is_file():  # a run stopped between moving the copy and its commit
                suffix = info.get("suffix") or ""
                copy = next((c for c in (self.archive.originals / stored_name(info["sha256"], suffix),
                                         qr.folder(self.archive) / f"{info['sha256']}{suffix}") if c.is_file()), copy)
            if copy is None or not copy.is_file():
                sha = entry["sha256"] = info.get("sha256")
                held = self.archive.has_source(sha) if sha else None
                if held is not None:
                    self._finish(entry, "skipped", key=self.archive.key_of(held))
                elif sha and (q := qr.held(self.archive, sha)) is not None:
                    self._finish(entry, "skipped", reason=f"quarantined earlier ({q['reason']})")
                else:
                    self._finish(entry, "skipped", reason="its copy in the pending queue is gone; nothing to file")
                continue
            arrival = (int(info.get("arrival_ns") or 0), shown)
            self._hashed(entry, str(copy), arrival, queued=copy, reference=bool(info.get("reference")))
        return len(self.todo) - before

    def _for_reference(self, path: str) -> bool:
        """Imported for reference: the whole run (`--reference`), or a REFERENCE_MARK file in the file's folder
        or any folder above it."""
        if self.reference:
            return True
        folder = os.path.dirname(os.path.abspath(path))
        seen = []
        while folder not in self._marks:
            seen.append(folder)
            if os.path.isfile(os.path.join(folder, REFERENCE_MARK)):
                self._marks[folder] = True
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                self._marks[folder] = False
                break
            folder = parent
        answer = self._marks[folder]
        for f in seen:
            self._marks[f] = answer
        return answer

    def _clean_incoming(self) -> None:
        """Half-written copies of a killed run (temporary names) go; whole copies stay to be reused."""
        if self.incoming.is_dir():
            for p in self.incoming.glob(".incoming-*"):
                p.unlink(missing_ok=True)

    def _unopened(self, entry: dict, e) -> None:
        problem = e.problem
        qid = qr.unopened_id(e.path)
        if qr.held(self.archive, qid):
            self._finish(entry, "skipped", reason=f"quarantined earlier ({problem})")
            return
        what = {"symlink": "a symbolic link", "special_file": "not a regular file (FIFO, device or socket)"}.get(
            problem) or e.detail or problem
        message = f"{what}: reported, never opened"
        qr.record(self.archive, qid, None, entry["path"], problem, message, None, self.run_id)
        self._finish(entry, "quarantined", reason=problem)
        entry["detail"] = {"reason": problem, "message": message}

    def _release_unopened(self, e) -> None:
        """A path quarantined unopened by an earlier run (a hard link, an unreadable folder's place, a link
        since replaced) that is now a plain readable file: its old row is released, the file is read as any."""
        qid = qr.unopened_id(e.path)
        if qr.held(self.archive, qid):
            qr.release(self.archive, qid, None)

    def _hashed(self, entry: dict, path: str, arrival: tuple, queued: Path | None = None,
                reference: bool | None = None) -> None:
        """`path` is the file as the OS names it; entry["path"] its readable form (the report's, the archive's).
        `queued`: the file is a copy in the pending queue, parsed and filed from there (no second copy)."""
        try:
            sha = entry["sha256"] = sha256_of(path)
        except OSError as exc:
            self._notes.pop(id(entry), None)  # a queued copy that cannot be read now stays queued
            self._finish(entry, "skipped", reason=f"cannot be read ({exc.strerror}); the next run tries again")
            return
        first = self.seen.get(sha)
        if first is not None:
            self._finish(entry, "duplicate", key=first["key"])
            entry["duplicate_of"] = first["path"]
            return
        self.seen[sha] = entry
        held = self.archive.db.execute("SELECT document_id, path FROM sources WHERE sha256 = ?", (sha,)).fetchone()
        if held is not None:
            key = self.archive.key_of(held[0])
            if held[1] == entry["path"]:
                self._finish(entry, "skipped", key=key)
            else:
                self._note_duplicate(sha, held[0], entry["path"])
                self._finish(entry, "duplicate", key=key)
                entry["duplicate_of"] = held[1]
            return
        if (q := qr.held(self.archive, sha)) is not None:
            self._finish(entry, "skipped", reason=f"quarantined earlier ({q['reason']})")
            return
        suffix = _suffix(entry["path"])
        if queued is not None:
            self.todo.append(Item(entry, sha, suffix, queued, reference=bool(reference), arrival=arrival))
            return
        reference = self._for_reference(path)
        copy = self._copy(path, sha, suffix, entry["path"], arrival, reference)
        if copy is None:
            del self.seen[sha]
            self._finish(entry, "skipped", reason="changed while it was copied (still being written?); the next run takes it")
            return
        self.todo.append(Item(entry, sha, suffix, copy, reference=reference, arrival=arrival))

    def _note_duplicate(self, sha: str, document_id: int, path: str) -> None:
        """Another name of an archived original, logged once per name (a re-run writes nothing)."""
        known = self.archive.db.execute(
            "SELECT 1 FROM events WHERE sha256 = ? AND kind = 'duplicate' AND json_extract(detail, '$.path') = ?",
            (sha, path)).fetchone()
        if not known:
            self.archive.event("duplicate", sha, document_id, {"path": path, "run_id": self.run_id})

    def _copy(self, path: str, sha: str, suffix: str, shown: str, arrival: tuple = (0, ""),
              reference: bool = False) -> Path | None:
        """The copy this file's parse will read: one already in incoming/, the store or the quarantine (a
        killed run's), else a new one in incoming/, hashed as it is written; None if it no longer matches."""
        for existing in (self.incoming / f"{sha}{suffix}", self.archive.originals / stored_name(sha, suffix),
                         qr.folder(self.archive) / f"{sha}{suffix}"):
            if existing.is_file():
                return existing
        self.incoming.mkdir(parents=True, exist_ok=True)
        try:
            need = os.path.getsize(path) + RESERVE
            if shutil.disk_usage(self.incoming).free < need:
                raise OSError(errno.ENOSPC, "not enough free space for the copy and its reserve")
            target, note = self.incoming / f"{sha}{suffix}", self.incoming / f"{sha}.json"
            # the note first: a copy in incoming/ always says where it came from (recovery needs it)
            qr.write_json(note, {"path": shown, "suffix": suffix, "time": now(), "mtime_ns": arrival[0],
                                 "reference": reference})
            if not durable_copy(path, target, sha):
                note.unlink(missing_ok=True)
                return None
            return target
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise _storage(exc, f"copying {path} into {self.incoming}") from None
            raise

    def _recover_orphans(self) -> None:
        """Copies a killed run left in incoming/ whose inbox file was not seen this time: filed under the path
        they came from (their JSON), so a letter removed from the inbox after the copy is not lost."""
        if not self.incoming.is_dir():
            return
        for meta in sorted(self.incoming.glob("*.json")):
            sha = meta.stem
            try:
                info = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                info = {}
            suffix = info.get("suffix", "")
            copy = self.incoming / f"{sha}{suffix}"
            if self.archive.has_source(sha) is not None or qr.held(self.archive, sha):
                self._drop_incoming(sha, suffix)  # filed; the run was killed before it tidied up
                continue
            if sha in self.seen:
                continue  # its inbox file is here: this run files it
            if not copy.is_file():
                meta.unlink(missing_ok=True)  # killed between the note and the copy: nothing was kept
                continue
            entry = {"path": info.get("path") or str(copy), "sha256": sha, "outcome": None, "reason": None, "key": None,
                     "recovered": True}
            self.report["files"].append(entry)
            self.total += 1
            self.seen[sha] = entry
            self.todo.append(Item(entry, sha, suffix, copy, reference=bool(info.get("reference")),
                                  arrival=(int(info.get("mtime_ns") or 0), entry["path"])))

    def _drop_incoming(self, sha: str, suffix: str) -> None:
        (self.incoming / f"{sha}{suffix}").unlink(missing_ok=True)
        (self.incoming / f"{sha}.json").unlink(missing_ok=True)

    # -- 4-5: parse in workers, file each result here ------------------------------------------------------
    def parse_all(self) -> None:
        if not self.todo:
            return
        self._preload()
        with self._pool() as pool:
            queue = list(reversed(self.todo))
            items = {i: item for i, item in enumerate(self.todo)}
            ids = {id(item): i for i, item in items.items()}
            options = {"pdf_engine": self.options.pdf_engine, "ocr": self.options.ocr}
            done: dict[int, tuple] = {}  # results that wait for an earlier file's (the filing order is todo's)
            turn = 0
            while queue or pool.busy():
                self._stop_point()
                while queue and pool.busy() < pool.capacity() and (len(done) < WAITING or not pool.busy()):
                    item = queue.pop()
                    pool.submit(ids[id(item)], str(item.copy), dict(options, name=os.path.basename(item.entry["path"])))
                for task_id, status, *rest in pool.results(timeout=0.5):
                    done[task_id] = (status, rest)
                while turn in done:
                    self._stop_point()
                    status, rest = done.pop(turn)
                    item = items.pop(turn)
                    turn += 1
                    if status == "ok":
                        self._file(item, rest[0])
                    else:
                        self._quarantine(item, rest[0], rest[1])
            for task_id in sorted(done):  # a pool that lost a turn's result: the rest still filed, in order
                status, rest = done.pop(task_id)
                if status == "ok":
                    self._file(items.pop(task_id), rest[0])
                else:
                    self._quarantine(items.pop(task_id), rest[0], rest[1])

    def _preload(self) -> None:
        """Load the NLP pipeline before forking, so every worker starts with it (copy-on-write)."""
        if self.options.dask or self.options.start_method != "fork":
            return
        from pipeline.nlp.components import load_pipeline
        load_pipeline()

    def _pool(self):
        if self.options.dask:
            from pipeline.batch.cluster import DaskPool
            return DaskPool(self.options.dask, timeout=self.options.timeout)
        workers = self.options.workers or os.cpu_count() or 1
        return LocalPool(min(workers, len(self.todo)), self.options.timeout, self.options.memory_mb, self.options.recycle,
                         self.options.start_method)

    def _file(self, item: Item, letter) -> None:
        entry = item.entry
        letter = letter.read_from(entry["path"])
        name = stored_name(item.sha, item.suffix)
        target = self.archive.originals / name
        try:
            if item.copy != target:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item.copy, target)
                fsync_dir(target.parent)
            added = self.archive.add(entry["path"], letter, stored=name, reference=item.reference)
            if item.retry:
                qr.release(self.archive, item.retry, added.document_id)
            (self.incoming / f"{item.sha}.json").unlink(missing_ok=True)
            # a scan's searchable PDF/A, made from the words just read; the letter is filed whatever happens
            copy_warning = file_copy(self.archive, item.sha, target, letter.source) \
                if added.outcome != "duplicate" else None
        except OSError as exc:
            raise _storage(exc, f"storing {entry['path']}") from None
        self.report["new_documents"] += added.outcome in ("new", "stub_resolved")
        self.report["new_edges"] += added.new_edges
        self.report["stubs_resolved"] += added.stubs_resolved
        warnings = list(letter.warnings) + ([copy_warning] if copy_warning else [])
        self._finish(entry, "done_with_warnings" if warnings else "done", key=added.key)
        if warnings:
            entry["warnings"] = warnings

    def _quarantine(self, item: Item, reason: str, message: str) -> None:
        entry = item.entry
        base = qr.folder(self.archive)
        base.mkdir(parents=True, exist_ok=True)
        target = base / f"{item.sha}{item.suffix}"
        try:
            if item.copy != target:
                os.replace(item.copy, target)
                fsync_dir(base)
            qr.record(self.archive, item.retry or item.sha, item.sha, entry["path"], reason, message,
                      f"{qr.FOLDER}/{target.name}", self.run_id)
        except OSError as exc:
            raise _storage(exc, f"quarantining {entry['path']}") from None
        (self.incoming / f"{item.sha}.json").unlink(missing_ok=True)
        self._finish(entry, "quarantined", reason=reason.split(":")[0])
        entry["detail"] = {"reason": reason, "message": message}

    def _finish(self, entry: dict, outcome: str, reason: str | None = None, key: str | None = None) -> None:
        entry.update(outcome=outcome, reason=reason, key=key)
        if id(entry) in self._notes:  # from the pending queue: its outcome is committed, the note goes
            first = self.seen.get(entry["sha256"])
            if outcome != "duplicate" or first is None or first is entry or first["outcome"] is not None:
                pending.release(*self._notes.pop(id(entry)))
            # else: a duplicate of a file of this run not filed yet: released by close() once it is
        self.report["counts"][outcome] += 1
        self.finished += 1
        if self.progress:
            self.progress(self.finished, max(self.total, len(self.report["files"])), entry)

    def close(self) -> dict:
        for entry in self.report["files"]:  # duplicates of a file of this run: its key, now it is known
            first = self.seen.get(entry["sha256"]) if entry["outcome"] == "duplicate" else None
            if first is not None and first is not entry and first["outcome"] in ("done", "done_with_warnings"):
                entry["key"] = first["key"]
                held = self.archive.has_source(entry["sha256"])
                if held is not None:
                    self._note_duplicate(entry["sha256"], held, entry["path"])
        for entry in self.report["files"]:  # queued duplicates of this run's files: now those are filed
            if id(entry) in self._notes and entry["outcome"] is not None:
                pending.release(*self._notes.pop(id(entry)))
        self.report["finished"] = now()
        return self.report


def run_ingest(paths, db: str | os.PathLike | None = None, *, options: Options | None = None, progress=None,
               pdf_engine: str | None = None, ocr: bool | None = None, workers: int | None = None,
               reference: bool = False) -> dict:
    """File everything under `paths`; returns the run report. `reference`: documents imported for reference
    (a portal corpus), given no số đến. Raises RunLocked (exit 3) when another run holds the archive,
    StorageError (exit 4) when the disk or the database cannot be written."""
    options = dataclasses.replace(options or Options(), **{k: v for k, v in
                                  (("pdf_engine", pdf_engine), ("ocr", ocr), ("workers", workers)) if v is not None})
    with Archive(db) as archive, RunLock(archive.path) as lock, Stops() as stops:
        batch = Batch(archive, options, progress, stops)
        if lock.took_over:
            batch.report["lock_taken_over"] = lock.took_over
        try:
            batch.collect(paths, reference)
            batch.parse_all()
            _queue_rounds(batch)
        except Interrupted as exc:
            batch.interrupted(exc)
            raise
        return _close(batch)


QUEUE_ROUNDS = 3  # a run's extra passes over the pending queue at its end; what arrives later, the next run files


def _queue_rounds(batch: Batch) -> None:
    """What was accepted into the pending queue while the run parsed (desk uploads waiting for the lock) is
    filed before the lock is released."""
    for _ in range(QUEUE_ROUNDS):
        batch.todo = []
        if not batch.take_queue():
            break
        batch.parse_all()
    pending.tidy(batch.root)


def _close(batch: Batch) -> dict:
    if batch.report["new_documents"] or batch.report["new_edges"]:
        from pipeline.graph import warm
        warm(batch.archive.db)  # the nightly run pays the graph arrays, not the researcher's first question
    return batch.close()


def file_queue(db: str | os.PathLike | None = None, *, options: Options | None = None, upload: str | None = None,
               progress=None) -> dict:
    """File the pending queue (pending.py), or only the files of `upload`, now; returns the run report over
    them. Raises RunLocked (exit 3) when a run holds the archive: the queue then waits for it."""
    options = options or Options()
    with Archive(db) as archive, RunLock(archive.path) as lock, Stops() as stops:
        batch = Batch(archive, options, progress, stops)
        if lock.took_over:
            batch.report["lock_taken_over"] = lock.took_over
        try:
            batch.take_queue(upload)
            batch.parse_all()
            if upload is None:
                _queue_rounds(batch)
        except Interrupted as exc:
            batch.interrupted(exc)
            raise
        return _close(batch)


def retry_quarantined(db: str | os.PathLike | None = None, ids: list[str] | None = None, reason: str | None = None,
                      *, options: Options | None = None, progress=None) -> dict:
    """Parse kept copies again (after an upgrade, or with a longer time limit): a file that reads now is filed
    and its quarantine row released; one that still fails keeps its place with the new reason. Returns a
    run report over the retried files."""
    options = options or Options()
    with Archive(db) as archive, RunLock(archive.path), Stops() as stops:
        batch = Batch(archive, options, progress, stops)
        for row in qr.entries(archive, reason):
            if ids and row["id"] not in ids and (row["sha256"] or "") not in ids:
                continue
            entry = {"path": row["path"], "sha256": row["sha256"], "outcome": None, "reason": None, "key": None}
            batch.report["files"].append(entry)
            batch.total += 1
            copy = archive.path.parent / row["stored"] if row["stored"] else None
            held = archive.has_source(row["sha256"]) if row["sha256"] else None
            if held is not None:  # a retry filed it and was stopped before it released the row
                qr.release(archive, row["id"], held)
                batch._finish(entry, "skipped", key=archive.key_of(held), reason="filed by an earlier retry")
                continue
            if copy is None or not copy.is_file():
                batch._finish(entry, "skipped", reason=f"{row['reason']}: nothing to parse (never opened, or the copy is gone)")
                continue
            batch.todo.append(Item(entry, row["sha256"], copy.suffix, copy, retry=row["id"],
                                   reference=batch._for_reference(row["path"])))  # under a marked folder
        try:
            batch.parse_all()
        except Interrupted as exc:
            batch.interrupted(exc)
            raise
        return batch.close()
