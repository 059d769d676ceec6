"""Each parse in a watched child process (reliability.md rule 1, Apache Tika's design): a wall-clock limit
and a memory cap per file, the worker killed and its file quarantined (`timeout`, `memory`) when one is hit,
and every exception a library raises turned into a quarantine reason in the child.

`LocalPool` keeps N long-lived workers forked from the run's process (so each starts with the spaCy pipeline
already loaded, shared copy-on-write) and recycles each after `recycle` files, so a slow leak in a parser
never grows without bound. The memory cap is RLIMIT_AS, set in the child to its address space at start plus
`memory_mb`: an allocation past it fails inside the parse (MemoryError, or a C library that gives up), never
on the machine. OCR runs with OMP_THREAD_LIMIT=1 in the workers: the parallelism is across files.

A task is (task_id, path to parse, options); a result is (task_id, "ok", Letter) or (task_id, "error",
reason, message). `parse_file` is the one function both executors run (dask.py sends it to a cluster).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from multiprocessing.connection import wait

from pipeline.errors import ReadError

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_MB = 1024
DEFAULT_RECYCLE = 200
FAULT_ENV = "VANBAN_FAULT"  # test hook (fault injection, as SQLite's test builds have): see _fault
CLOSE_IN_CHILD: set[int] = set()  # descriptors a forked worker must not keep (the run lock: run.RunLock)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def parse_file(path: str, options: dict):
    """("ok", Letter) or ("error", reason, message) for one file; never raises for bad input. A file that
    reads but is no letter at all (nlp/genre.py) is an error too, `not_a_letter`: the batch never files it
    (`vanban extract` still prints its record, with the warning)."""
    from pipeline.ingest import read_document
    from pipeline.nlp import extract_letter
    from pipeline.nlp.genre import not_a_letter

    _fault(options.get("name") or path)
    try:
        source = read_document(path, pdf_engine=options.get("pdf_engine", "pypdfium2"), ocr=options.get("ocr", True))
        letter = extract_letter(source)
        why = not_a_letter(letter)
        return ("error", "not_a_letter", why) if why else ("ok", letter)
    except ReadError as exc:
        return ("error", exc.reason, exc.message)
    except RecursionError:
        return ("error", "corrupt:recursion", "the file's structure nests without end")
    except MemoryError:
        return ("error", "memory", "reading the file ran out of memory")
    except Exception as exc:  # noqa: BLE001  (rule 2: any exception type is a reason, never a crashed run)
        return ("error", "corrupt:extract", f"cannot be read ({type(exc).__name__}: {exc})")


def _fault(path: str) -> None:
    """VANBAN_FAULT="hang:NAME" or "explode:NAME": the worker hangs, or allocates without end, on the file
    whose name (in the inbox: options["name"]) contains NAME. Lets the tests prove that the watchdog and the memory cap stop a real hung or
    exploding process (no input is known that hangs every version of pdfium)."""
    spec = os.environ.get(FAULT_ENV, "")
    for item in filter(None, spec.split(",")):
        kind, _, name = item.partition(":")
        if name and name in os.path.basename(path):
            if kind == "hang":
                while True:
                    time.sleep(1)
            if kind == "explode":
                hoard = []
                while True:
                    hoard.append(bytearray(64 << 20))


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _die_with_parent(parent: int | None) -> None:
    """A worker never outlives the process that forked it: the kernel sends it SIGKILL when its parent dies
    (prctl PR_SET_PDEATHSIG, Linux), whether the parent exited, was killed with -9 or stopped by the OOM
    killer; a parent already gone before the call is caught by the getppid check. Elsewhere the parent's
    closed pipe ends the worker at its next task."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(0)


def _worker(conn, memory_mb: int, parent: int | None = None) -> None:
    _die_with_parent(parent)
    for fd in list(CLOSE_IN_CHILD):  # the run lock stays the run's: a worker must not hold it
        try:
            os.close(fd)
        except OSError:
            pass
    CLOSE_IN_CHILD.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if memory_mb:
        cap = _address_space() + (memory_mb << 20)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ValueError, OSError):
            pass
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        task_id, path, options = task
        try:
            result = parse_file(path, options)
        except MemoryError:
            result = ("error", "memory", "reading the file ran out of memory")
        try:
            conn.send((task_id, *result))
        except MemoryError:
            conn.send((task_id, "error", "memory", "the record was too large to pass back"))
        except Exception as exc:  # noqa: BLE001  an unpicklable result must not kill the worker silently
            conn.send((task_id, "error", "corrupt:extract", f"the record cannot be passed back ({exc})"))


class _Slot:
    def __init__(self, ctx, memory_mb: int):
        self.conn, child = ctx.Pipe()
        parent = os.getpid() if ctx.get_start_method() == "fork" else None  # forkserver: its server is the parent
        self.proc = ctx.Process(target=_worker, args=(child, memory_mb, parent), daemon=True)
        self.proc.start()
        child.close()
        self.task = None        # (task_id, path) in flight
        self.deadline = None
        self.done = 0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class Pool:
    """What the batch asks of an executor: submit(task_id, path, options), results(timeout) → finished
    tasks, busy() tasks in flight, capacity() at most in flight, close()."""

    n = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def capacity(self) -> int:
        return self.n

    def close(self) -> None:  # pragma: no cover  (each executor has its own)
        raise NotImplementedError


class LocalPool(Pool):
    """N forked workers, one file each at a time, watched by the parent."""

    def __init__(self, workers: int, timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB,
                 recycle: int = DEFAULT_RECYCLE, start_method: str = "fork"):
        """`start_method` "fork" (the batch: workers share the loaded pipeline) or "forkserver" (a threaded
        server such as the desk, where forking the serving process itself is unsafe)."""
        self.n = max(1, workers)
        self.timeout, self.memory_mb, self.recycle = timeout, memory_mb, recycle
        self.ctx = mp.get_context(start_method)
        if start_method == "forkserver":
            self.ctx.set_forkserver_preload(["pipeline.batch.workers", "pipeline.ingest", "pipeline.nlp"])
        self.slots: list[_Slot] = []

    def busy(self) -> int:
        return sum(s.task is not None for s in self.slots)

    def submit(self, task_id, path: str, options: dict) -> None:
        slot = next((s for s in self.slots if s.task is None), None)
        if slot is None:
            if len(self.slots) >= self.n:
                raise RuntimeError("no idle worker")
            slot = _Slot(self.ctx, self.memory_mb)
            self.slots.append(slot)
        slot.task, slot.deadline = (task_id, path), time.monotonic() + self.timeout
        slot.conn.send((task_id, path, options))

    def results(self, timeout: float | None = None) -> list[tuple]:
        """Results that arrived (waiting up to `timeout` s for the first); a worker past its deadline is
        killed (timeout), one that died is reported (memory or crash) and replaced on the next submit."""
        busy = [s for s in self.slots if s.task is not None]
        if not busy:
            return []
        now = time.monotonic()
        wait_for = max(0.0, min(s.deadline for s in busy) - now)
        if timeout is not None:
            wait_for = min(wait_for, timeout)
        ready = wait([x for s in busy for x in (s.conn, s.proc.sentinel)], wait_for)
        out = []
        for slot in busy:
            task_id, path = slot.task
            if slot.conn in ready:
                try:
                    out.append(slot.conn.recv())
                except (EOFError, OSError):
                    out.append(self._died(slot))
                    continue
                slot.task, slot.done = None, slot.done + 1
                if slot.done >= self.recycle:
                    self._replace(slot)
            elif slot.proc.sentinel in ready:
                out.append(self._died(slot))
            elif time.monotonic() >= slot.deadline:
                out.append((task_id, "error", "timeout", f"parsing took longer than {self.timeout:g} s; the worker was killed"))
                self._replace(slot, kill=True)
        return out

    def _died(self, slot: _Slot) -> tuple:
        task_id, _ = slot.task
        slot.proc.join(1)
        code = slot.proc.exitcode
        self._replace(slot, kill=True)
        if code is not None and code < 0 and -code in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
            # past RLIMIT_AS a C library aborts or faults; the kernel's OOM killer sends SIGKILL
            return (task_id, "error", "memory", f"the worker died ({signal.Signals(-code).name}) while reading the "
                                                f"file, most likely at its memory cap of {self.memory_mb} MiB")
        return (task_id, "error", "corrupt:crash", f"the worker died while reading the file (exit {code})")

    def _replace(self, slot: _Slot, kill: bool = False) -> None:
        slot.stop(kill=kill)
        self.slots.remove(slot)

    def close(self) -> None:
        for slot in list(self.slots):
            slot.stop(kill=slot.task is not None)
        self.slots.clear()
