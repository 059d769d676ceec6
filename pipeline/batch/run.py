"""`vanban ingest`: every file under the input paths into the archive, each ending in exactly one known state,
reported once (contract: run report vanban.run/1).

The run, in this process (the archive's single writer), under the archive's run lock (a second run exits 3):
  1. scan (scan.py): symlinks and special files are quarantined unopened; files still being written wait;
  2. hash each file; bytes already archived or quarantined are `skipped` (same path) or `duplicate`;
  3. copy the new ones into `incoming/` beside the archive (temporary name, fsync, rename, fsync the folder),
     hashing the copy: a file that changed meanwhile waits for the next run; only the copy is parsed;
  4. parse the copies in watched workers (workers.py; cluster.py on Dask) with a time and a memory limit;
  5. file each result: the copy moves into the store (`originals/`) and the letter, its references and an
     event are committed in one transaction; or it moves into `quarantine/` with its reason.
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
import shutil
import uuid
from pathlib import Path

from pipeline.archive import Archive
from pipeline.archive.db import now
from pipeline.archive.store import durable_copy, fsync_dir, sha256_of, stored_name
from pipeline.batch import quarantine as qr
from pipeline.batch.scan import scan
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_RECYCLE, DEFAULT_TIMEOUT_S, LocalPool
from pipeline.errors import RunLocked, StorageError

OUTCOMES = ("done", "done_with_warnings", "duplicate", "skipped", "quarantined")
INCOMING = "incoming"
RESERVE = 64 << 20  # bytes kept free on the archive's disk beyond each copy


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


class RunLock:
    """flock on `<db>.lock`: one run at a time per archive, released by the kernel if the run dies."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self.fd = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            raise RunLocked(f"another run holds the lock on this archive ({self.path}{': ' + holder if holder else ''})") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()} since {now()}".encode(), 0)
        return self

    def __exit__(self, *exc) -> None:
        os.ftruncate(self.fd, 0)
        os.close(self.fd)


def _storage(exc: OSError, what: str) -> StorageError:
    return StorageError(f"{what}: {exc.strerror or exc}; the run stopped, nothing was quarantined because of it")


class Batch:
    def __init__(self, archive: Archive, options: Options, progress=None):
        self.archive, self.options, self.progress = archive, options, progress
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

    # -- 1-3: what is there, and which copies need parsing ----------------------------------------------
    def collect(self, paths) -> None:
        self._clean_incoming()
        entries = scan(paths, self.options.settle)
        self.total = len(entries)
        for e in entries:
            entry = {"path": e.path, "sha256": None, "outcome": None, "reason": None, "key": None}
            self.report["files"].append(entry)
            if e.problem:
                self._unopened(entry, e.problem)
            elif e.wait:
                self._finish(entry, "skipped", reason=e.wait)
            else:
                self._hashed(entry)
        self._recover_orphans()

    def _clean_incoming(self) -> None:
        """Half-written copies of a killed run (temporary names) go; whole copies stay to be reused."""
        if self.incoming.is_dir():
            for p in self.incoming.glob(".incoming-*"):
                p.unlink(missing_ok=True)

    def _unopened(self, entry: dict, problem: str) -> None:
        qid = qr.unopened_id(entry["path"])
        if qr.held(self.archive, qid):
            self._finish(entry, "skipped", reason=f"quarantined earlier ({problem})")
            return
        what = "a symbolic link" if problem == "symlink" else "not a regular file (FIFO, device or socket)"
        qr.record(self.archive, qid, None, entry["path"], problem, f"{what}: reported, never opened", None, self.run_id)
        self._finish(entry, "quarantined", reason=problem)

    def _hashed(self, entry: dict) -> None:
        path = entry["path"]
        try:
            sha = entry["sha256"] = sha256_of(path)
        except OSError as exc:
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
            if held[1] == path:
                self._finish(entry, "skipped", key=key)
            else:
                self._note_duplicate(sha, held[0], path)
                self._finish(entry, "duplicate", key=key)
                entry["duplicate_of"] = held[1]
            return
        if (q := qr.held(self.archive, sha)) is not None:
            self._finish(entry, "skipped", reason=f"quarantined earlier ({q['reason']})")
            return
        suffix = Path(path).suffix.lower()[:16]
        copy = self._copy(path, sha, suffix)
        if copy is None:
            del self.seen[sha]
            self._finish(entry, "skipped", reason="changed while it was copied (still being written?); the next run takes it")
            return
        self.todo.append(Item(entry, sha, suffix, copy))

    def _note_duplicate(self, sha: str, document_id: int, path: str) -> None:
        """Another name of an archived original, logged once per name (a re-run writes nothing)."""
        known = self.archive.db.execute(
            "SELECT 1 FROM events WHERE sha256 = ? AND kind = 'duplicate' AND json_extract(detail, '$.path') = ?",
            (sha, path)).fetchone()
        if not known:
            self.archive.event("duplicate", sha, document_id, {"path": path, "run_id": self.run_id})

    def _copy(self, path: str, sha: str, suffix: str) -> Path | None:
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
            qr.write_json(note, {"path": path, "suffix": suffix, "time": now()})
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
            self.todo.append(Item(entry, sha, suffix, copy))

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
            while queue or pool.busy():
                while queue and pool.busy() < pool.capacity():
                    item = queue.pop()
                    pool.submit(ids[id(item)], str(item.copy), dict(options, name=os.path.basename(item.entry["path"])))
                for task_id, status, *rest in pool.results(timeout=0.5):
                    item = items.pop(task_id)
                    if status == "ok":
                        self._file(item, rest[0])
                    else:
                        self._quarantine(item, rest[0], rest[1])

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
            added = self.archive.add(entry["path"], letter, stored=name)
            if item.retry:
                qr.release(self.archive, item.retry, added.document_id)
        except OSError as exc:
            raise _storage(exc, f"storing {entry['path']}") from None
        (self.incoming / f"{item.sha}.json").unlink(missing_ok=True)
        self.report["new_documents"] += added.outcome in ("new", "stub_resolved")
        self.report["new_edges"] += added.new_edges
        self.report["stubs_resolved"] += added.stubs_resolved
        outcome = "done_with_warnings" if letter.warnings else "done"
        self._finish(entry, outcome, key=added.key)
        if letter.warnings:
            entry["warnings"] = list(letter.warnings)

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
        self.report["finished"] = now()
        return self.report


def run_ingest(paths, db: str | os.PathLike | None = None, *, options: Options | None = None, progress=None,
               pdf_engine: str | None = None, ocr: bool | None = None, workers: int | None = None) -> dict:
    """File everything under `paths`; returns the run report. Raises RunLocked (exit 3) when another run
    holds the archive, StorageError (exit 4) when the disk or the database cannot be written."""
    options = dataclasses.replace(options or Options(), **{k: v for k, v in
                                  (("pdf_engine", pdf_engine), ("ocr", ocr), ("workers", workers)) if v is not None})
    with Archive(db) as archive, RunLock(archive.path):
        batch = Batch(archive, options, progress)
        batch.collect(paths)
        batch.parse_all()
        if batch.report["new_documents"] or batch.report["new_edges"]:
            from pipeline.graph import warm
            warm(archive.db)  # the nightly run pays the graph arrays, not the researcher's first question
        return batch.close()


def retry_quarantined(db: str | os.PathLike | None = None, ids: list[str] | None = None, reason: str | None = None,
                      *, options: Options | None = None, progress=None) -> dict:
    """Parse kept copies again (after an upgrade, or with a longer time limit): a file that reads now is filed
    and its quarantine row released; one that still fails keeps its place with the new reason. Returns a
    run report over the retried files."""
    options = options or Options()
    with Archive(db) as archive, RunLock(archive.path):
        batch = Batch(archive, options, progress)
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
            batch.todo.append(Item(entry, row["sha256"], copy.suffix, copy, retry=row["id"]))
        batch.parse_all()
        return batch.close()
