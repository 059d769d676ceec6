"""What is under the input paths, without opening anything that must not be opened.

Recursive, in a stable order (sorted names); symlinks are reported, never followed (a link to /etc/passwd
or to a folder outside the inbox is not read); FIFOs, devices and sockets are reported, never opened (a
FIFO blocks open() for ever). A file still being written (a scanner or an SMB copy in progress) is left for
the next run: editors' lock files and partial downloads by name, and any file whose size or mtime moved
while the run waited `settle` seconds past its last change.
"""
from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass

# names that are never a letter yet: Office lock files, LibreOffice locks, partial downloads and copies
TEMPORARY = (("~$", ".~lock."), (".part", ".partial", ".crdownload", ".download", ".tmp", ".filepart"))


@dataclass
class Entry:
    path: str
    problem: str | None = None   # a quarantine reason for what is reported and not opened (symlink, special_file)
    wait: str | None = None      # why it is left for the next run (still being written, a temporary file)
    size: int = 0
    mtime_ns: int = 0


def scan(paths, settle: float = 1.0) -> list[Entry]:
    entries: list[Entry] = []
    for root in paths:
        root = os.fspath(root)
        try:
            mode = os.lstat(root).st_mode
        except OSError as exc:
            entries.append(Entry(root, wait=f"cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISDIR(mode):
            for folder, dirs, files in os.walk(root, followlinks=False, onerror=None):
                dirs.sort()
                names = files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]
                entries.extend(_entry(os.path.join(folder, name)) for name in sorted(names))
        else:
            entries.append(_entry(root))
    _settle(entries, settle)
    return entries


def _entry(path: str) -> Entry:
    try:
        st = os.lstat(path)
    except OSError as exc:  # vanished between the listing and now
        return Entry(path, wait=f"cannot be read ({exc.strerror})")
    if stat.S_ISLNK(st.st_mode):
        return Entry(path, problem="symlink")
    if not stat.S_ISREG(st.st_mode):
        return Entry(path, problem="special_file")
    name = os.path.basename(path)
    if name.startswith(TEMPORARY[0]) or name.lower().endswith(TEMPORARY[1]):
        return Entry(path, wait="a temporary file (an editor's lock or a copy in progress)")
    return Entry(path, size=st.st_size, mtime_ns=st.st_mtime_ns)


def _settle(entries: list[Entry], settle: float) -> None:
    """Files changed within the last `settle` seconds are looked at again once that time has passed (one
    wait for the whole run, only when some file is that fresh); a file whose size or mtime moved meanwhile
    is still being written."""
    if settle <= 0:
        return
    fresh = [e for e in entries if e.problem is None and e.wait is None and
             time.time_ns() - e.mtime_ns < settle * 1e9]
    if not fresh:
        return
    newest = max(e.mtime_ns for e in fresh)
    time.sleep(max(0.0, settle - (time.time_ns() - newest) / 1e9))
    for e in fresh:
        try:
            st = os.lstat(e.path)
        except OSError:
            e.wait = "vanished while the run looked at it"
            continue
        if (st.st_size, st.st_mtime_ns) != (e.size, e.mtime_ns):
            e.wait = "still being written (its size or time changed while the run waited)"
