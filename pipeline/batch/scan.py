"""What is under the input paths, without opening anything that must not be opened.

Recursive, in a stable order (sorted names; a folder's files before its subfolders); symlinks are reported,
never followed (a link to /etc/passwd or to a folder outside the inbox is not read); FIFOs, devices and
sockets are reported, never opened (a FIFO blocks open() for ever). A file still being written (a scanner or
an SMB copy in progress) is left for the next run: editors' lock files and partial downloads by name, and any
file whose size or mtime moved while the run waited `settle` seconds past its last change.

Nothing found is left out of the report (reliability.md #27-#28 and the walk's own failures):
- the walk goes folder by folder through directory descriptors (never by re-joining long paths), and a folder
  it cannot list (permission denied, a descriptor limit) is reported itself, as `unreadable`, instead of the
  files it hides;
- a file whose path is longer than the system's PATH_MAX cannot be opened by name: `unreadable` too;
- a hard link whose other names are not all under the input paths (st_nlink larger than the names seen) is a
  door to a file outside the inbox: `hardlink`, never opened;
- names are kept as the operating system gives them (str with surrogate escapes for bytes that are not UTF-8,
  so the file can still be opened); `readable()` is the form that reports, JSON and the archive hold.
"""
from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass

from pipeline.paths import readable

# names that are never a letter yet: Office lock files, LibreOffice locks, partial downloads and copies
TEMPORARY = (("~$", ".~lock."), (".part", ".partial", ".crdownload", ".download", ".tmp", ".filepart"))
PATH_MAX = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096


@dataclass
class Entry:
    path: str                    # as the OS gives it (may hold surrogate escapes): what open() takes
    problem: str | None = None   # a quarantine reason for what is reported and not opened (symlink, special_file,
                                 # hardlink, unreadable)
    wait: str | None = None      # why it is left for the next run (still being written, a temporary file)
    size: int = 0
    mtime_ns: int = 0
    detail: str | None = None    # what the problem is, in words
    inode: tuple | None = None   # (st_dev, st_ino, st_nlink) of a file with more than one name

    @property
    def shown(self) -> str:
        return readable(self.path)


def scan(paths, settle: float = 1.0) -> list[Entry]:
    entries: list[Entry] = []
    for root in paths:
        root = os.fspath(root)
        try:
            st = os.lstat(root)
        except OSError as exc:
            entries.append(Entry(root, wait=f"cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(root, entries)
        else:
            entries.append(_entry(root, st))
    _hard_links(entries)
    _settle(entries, settle)
    return entries


def _walk(root: str, entries: list[Entry]) -> None:
    """Depth first, through directory descriptors: each folder is opened relative to its parent's descriptor
    (O_NOFOLLOW), so neither a long path nor a folder swapped for a link sends the walk elsewhere; only the
    folders on the current path are open at once. A folder that cannot be opened or listed is an entry."""
    try:
        top = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        entries.append(_unreadable(root, exc))
        return
    stack = [(top, root, _listing(top, root, entries))]
    while stack:
        fd, path, pending = stack[-1]
        if not pending:
            os.close(fd)
            stack.pop()
            continue
        name, st = pending.pop()
        full = os.path.join(path, name)
        if not stat.S_ISDIR(st.st_mode):
            entries.append(_entry(full, st))
            continue
        try:
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except OSError as exc:
            entries.append(_unreadable(full, exc))
            continue
        stack.append((sub, full, _listing(sub, full, entries)))


def _listing(fd: int, path: str, entries: list[Entry]) -> list[tuple[str, os.stat_result]]:
    """A folder's entries with their lstat, as a stack to pop: files (and links, FIFOs …) first, then the
    subfolders, each group in name order. An entry that vanished meanwhile is left out (it is gone)."""
    try:
        names = os.listdir(fd)
    except OSError as exc:
        entries.append(_unreadable(path, exc))
        return []
    files, folders = [], []
    for name in sorted(names):
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        except OSError as exc:
            entries.append(_unreadable(os.path.join(path, name), exc))
            continue
        (folders if stat.S_ISDIR(st.st_mode) else files).append((name, st))
    return list(reversed(files + folders))


def _unreadable(path: str, exc: OSError) -> Entry:
    return Entry(path, problem="unreadable", detail=f"cannot be listed or opened ({exc.strerror or exc})")


def _entry(path: str, st: os.stat_result) -> Entry:
    if stat.S_ISLNK(st.st_mode):
        return Entry(path, problem="symlink")
    if not stat.S_ISREG(st.st_mode):
        return Entry(path, problem="special_file")
    if len(os.fsencode(path)) >= PATH_MAX:
        return Entry(path, problem="unreadable", detail=f"its path is longer than the system allows ({PATH_MAX} bytes)")
    name = os.path.basename(path)
    if name.startswith(TEMPORARY[0]) or name.lower().endswith(TEMPORARY[1]):
        return Entry(path, wait="a temporary file (an editor's lock or a copy in progress)")
    inode = (st.st_dev, st.st_ino, st.st_nlink) if st.st_nlink > 1 else None
    return Entry(path, size=st.st_size, mtime_ns=st.st_mtime_ns, inode=inode)


def _hard_links(entries: list[Entry]) -> None:
    """A file with more names than this scan saw has a name elsewhere: outside the inbox, maybe the archive's
    store or a file the clerk must not read (reliability.md #28). Names of one file all under the inbox are
    ordinary duplicates."""
    seen: dict[tuple, list[Entry]] = {}
    for e in entries:
        if e.inode and e.problem is None:
            seen.setdefault(e.inode[:2], []).append(e)
    for group in seen.values():
        nlink = group[0].inode[2]
        if len(group) < nlink:
            for e in group:
                e.problem, e.wait = "hardlink", None
                e.detail = f"a hard link ({nlink} names, {len(group)} of them here): another name lies outside the inbox"


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
