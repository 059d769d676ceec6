"""`vanban watch FOLDER`: file what lands in a folder (a scanner's, a mail client's), with the batch.

Polling (portable: local disks, SMB and NFS mounts alike; a folder is listed every `interval` seconds). A file
is taken once it has stopped growing: the same size and modification time for `settle` seconds, its time at
least that old, and (where the kernel can tell: Linux, a local file we own or as root) no process holding it
open for writing (a read lease cannot be had on such a file). Editors' lock files and partial downloads
wait by name (scan.py). Ready files go through `run_ingest`, so the batch's limits, quarantine, duplicate
detection and run lock apply: when another run holds the lock, the watch waits its turn (the files stay
ready) instead of failing. The pending queue of the desk is filed by the same runs.

The originals are never modified or deleted; with `done`, a file that is in the archive after the run (filed,
duplicate of a letter filed, or filed earlier) is moved into that folder, under its path relative to the
watched one. A quarantined file stays where it is (its copy is in the quarantine).

Stopped by SIGTERM, SIGINT or SIGHUP (the batch's Stops): between two passes at once, inside a run at its
next safe point (between two files); what was not filed is filed by the next start.
"""
from __future__ import annotations

import dataclasses
import errno
import fcntl
import os
import shutil
import signal
import time
from pathlib import Path

from pipeline.batch.run import Options, Stops, run_ingest
from pipeline.batch.scan import scan
from pipeline.errors import Interrupted, RunLocked, UsageError
from pipeline.paths import readable

FILED = ("done", "done_with_warnings", "duplicate")


@dataclasses.dataclass
class Settings:
    interval: float = 5.0      # seconds between two looks at the folder
    settle: float = 5.0        # seconds a file's size and time must stay the same
    done: str | None = None    # move files in the archive here (None: never touch the originals)
    once: bool = False         # one pass (for cron): files that settle within `settle` seconds, then exit


def open_for_writing(path: str) -> bool | None:
    """Whether some process has the file open for writing: True, False, or None when the kernel cannot say
    (not Linux, a network file system, a file of another user without CAP_LEASE). A read lease is refused
    (EAGAIN) on a file open for writing anywhere on this machine; it is released at once."""
    if not hasattr(fcntl, "F_SETLEASE"):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return False
    except OSError as exc:
        return True if exc.errno in (errno.EAGAIN, errno.EBUSY) else None
    finally:
        os.close(fd)


class Watcher:
    def __init__(self, folder: str, db, options: Options, settings: Settings, on_file=None, on_status=None):
        self.folder, self.db, self.options, self.settings = os.fspath(folder), db, options, settings
        self.on_file = on_file or (lambda entry: None)       # each file's report entry, once handled
        self.on_status = on_status or (lambda text: None)    # a progress line (a terminal)
        self.seen: dict[str, tuple] = {}      # path → (size, mtime_ns, since): how it looked, since when
        self.handled: dict[str, tuple] = {}   # path → (size, mtime_ns) it had when a run gave it an outcome
        self.ready: dict[str, tuple] = {}     # path → (size, mtime_ns) as it was when found ready
        self.counts: dict[str, int] = {}
        self.waiting_lock = False

    def look(self) -> tuple[list[str], int]:
        """The files ready to file, and how many others are still settling."""
        now, ready, settling, present = time.monotonic(), [], 0, set()
        self.ready = {}
        for e in scan([self.folder], settle=0):
            present.add(e.path)
            if e.wait:
                continue
            sig = (e.size, e.mtime_ns)
            if self.handled.get(e.path) == sig:
                continue
            if e.problem:  # a link, a FIFO, a hard link: the batch reports it, unopened
                ready.append(e.path)
                self.ready[e.path] = sig
                continue
            before = self.seen.get(e.path)
            if before is None or before[:2] != sig:
                self.seen[e.path] = (*sig, now)
                settling += 1
                continue
            if now - before[2] < self.settings.settle or time.time_ns() - e.mtime_ns < self.settings.settle * 1e9:
                settling += 1
                continue
            if open_for_writing(e.path):
                self.seen[e.path] = (*sig, now)  # settles again once the writer has closed it
                settling += 1
                continue
            ready.append(e.path)
            self.ready[e.path] = sig
        for gone in set(self.seen) - present:
            del self.seen[gone]
        for gone in set(self.handled) - present:
            del self.handled[gone]
        return ready, settling

    def file(self, paths: list[str]) -> bool:
        """One batch run over `paths`; False when another run holds the lock (tried again next time)."""
        try:
            report = run_ingest(paths, self.db, options=self.options)
        except RunLocked:
            if not self.waiting_lock:
                self.on_status("waiting: another run holds the archive's lock")
            self.waiting_lock = True
            return False
        self.waiting_lock = False
        by_path = {readable(p): p for p in paths}
        for entry in report["files"]:
            path = by_path.get(entry["path"])
            if path is not None and not _transient(entry):
                self.seen.pop(path, None)
                self.handled[path] = self.ready.get(path, (0, 0))  # as it looked: a change is a new file
                if self.settings.done and (entry["outcome"] in FILED or (entry["outcome"] == "skipped" and entry["key"])):
                    entry["moved_to"] = self._move(path)
            self.counts[entry["outcome"]] = self.counts.get(entry["outcome"], 0) + 1
            self.on_file(entry)
        return True

    def _move(self, path: str) -> str | None:
        """Into the done folder, under its path relative to the watched one; never over another file."""
        rel = os.path.relpath(path, self.folder)
        target = os.path.join(self.settings.done, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        stem, ext = os.path.splitext(target)
        n = 1
        while os.path.lexists(target):
            target, n = f"{stem}.{n}{ext}", n + 1
        try:
            shutil.move(path, target)
        except OSError:
            return None
        self.handled.pop(path, None)
        return readable(target)

    def status(self, settling: int) -> str:
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in self.counts.items() if v) or "nothing yet"
        return f"watching {readable(self.folder)}: {counts}" + (f"; {settling} settling" if settling else "")


def _transient(entry: dict) -> bool:
    """Skipped for now (unreadable this time, changed while copied): looked at again."""
    return entry["outcome"] == "skipped" and "next run" in (entry["reason"] or "")


def watch(folder: str, db=None, options: Options | None = None, settings: Settings | None = None,
          on_file=None, on_status=None) -> dict:
    """Watch `folder` until stopped (or one pass with settings.once); returns the counts of outcomes.
    Raises Interrupted when a signal stopped a --once pass inside a run."""
    settings = settings or Settings()
    options = dataclasses.replace(options or Options(), settle=0)  # the watch has waited for the files already
    if not os.path.isdir(folder):
        raise UsageError(f"{folder}: not a folder")
    if settings.done:
        done, watched = Path(settings.done).resolve(), Path(folder).resolve()
        if done == watched or watched in done.parents:
            raise UsageError(f"{settings.done}: the done folder must not be inside the watched folder")
    watcher = Watcher(folder, db, options, settings, on_file, on_status)
    if hasattr(signal, "SIGIO"):  # a lease broken while held would send it (open_for_writing); never wanted
        signal.signal(signal.SIGIO, signal.SIG_IGN)
    with Stops() as stops:
        deadline = time.monotonic() + settings.settle + settings.interval if settings.once else None
        while True:
            if stops.signum is not None:
                break
            ready, settling = watcher.look()
            if ready:
                try:
                    watcher.file(ready)
                except Interrupted:
                    if settings.once:
                        raise
                    break
            on_status(watcher.status(settling)) if on_status else None
            if settings.once and (not settling or time.monotonic() > deadline) and not (ready and watcher.waiting_lock):
                break
            pause = min(settings.interval, 1.0) if settings.once else settings.interval
            end = time.monotonic() + pause
            while stops.signum is None and time.monotonic() < end:
                time.sleep(min(0.2, max(0.0, end - time.monotonic())))
    return watcher.counts
