"""The per-file work on an existing Dask cluster (`vanban ingest --dask tcp://host:8786`); the archive writer
stays in this process, single, as with local workers.

Each task carries the file's bytes (the cluster's machines need not see the archive's disk) and runs
workers.parse_file on a private temporary copy there. Limits, the Dask way: the wall-clock limit is kept
here (a task past it is given up as `timeout` and cancelled), the memory cap is the cluster's own
(`--memory-limit` of its workers: the nanny restarts a worker over it, and its task comes back as
KilledWorker, recorded as `memory`). The workers need vanban installed, as this machine has it.
"""
from __future__ import annotations

import os
import tempfile
import time

from pipeline.batch.workers import DEFAULT_TIMEOUT_S, Pool
from pipeline.errors import UsageError, VanbanError

CONNECT_TIMEOUT_S = 5  # a scheduler that does not answer by then is down or unreachable (dask's default: 30 s)


def parse_bytes(data: bytes, suffix: str, options: dict):
    """workers.parse_file on a temporary copy of `data` (run on a Dask worker)."""
    from pipeline.batch.workers import parse_file

    fd, path = tempfile.mkstemp(prefix="vanban-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return parse_file(path, options)
    finally:
        os.unlink(path)


class DaskPool(Pool):
    """The executor interface over a distributed.Client."""

    def __init__(self, address: str, timeout: float = DEFAULT_TIMEOUT_S, in_flight: int | None = None):
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port

        try:  # before Client(): a half-made one spends 10 s and a traceback closing itself
            get_address_host_port(address)
        except ValueError as exc:
            raise UsageError(f"--dask {address}: not a scheduler address ({exc})") from None
        try:
            self.client = Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:  # refused, unreachable, a name that does not resolve
            why = "no answer"
            while exc is not None:  # the OS's word for it, if the chain holds one (refused, unknown name)
                if getattr(exc, "strerror", None):
                    why = exc.strerror
                exc = exc.__cause__
            raise VanbanError(f"the Dask scheduler at {address} cannot be reached within {CONNECT_TIMEOUT_S:g} s "
                              f"({why})") from None
        self.timeout = timeout
        workers = self.client.scheduler_info().get("workers", {})
        threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        self.n = in_flight or 2 * threads  # enough queued to keep every thread busy
        self.pending: dict = {}  # future → (task_id, deadline)

    def busy(self) -> int:
        return len(self.pending)

    def submit(self, task_id, path: str, options: dict) -> None:
        with open(path, "rb") as f:
            data = f.read()
        future = self.client.submit(parse_bytes, data, os.path.splitext(path)[1], options, pure=False,
                                    key=f"vanban-parse-{task_id}-{os.urandom(4).hex()}")
        self.pending[future] = (task_id, time.monotonic() + self.timeout)

    def results(self, timeout: float | None = None) -> list[tuple]:
        if not self.pending:
            return []
        wait_for = max(0.0, min(d for _, d in self.pending.values()) - time.monotonic())
        if timeout is not None:
            wait_for = min(wait_for, timeout)
        until = time.monotonic() + wait_for
        while not any(f.done() for f in self.pending) and time.monotonic() < until:
            time.sleep(0.01)  # the futures' state is pushed by the scheduler; no default client needed
        out = []
        for future, (task_id, deadline) in list(self.pending.items()):
            if future.done():
                del self.pending[future]
                try:
                    out.append((task_id, *future.result()))
                except Exception as exc:  # noqa: BLE001  KilledWorker, a lost worker, a cancelled task
                    name = type(exc).__name__
                    reason = "memory" if name == "KilledWorker" else "corrupt:crash"
                    out.append((task_id, "error", reason, f"the Dask task failed ({name}: {exc})"))
            elif time.monotonic() >= deadline:
                del self.pending[future]
                future.cancel()
                out.append((task_id, "error", "timeout", f"parsing took longer than {self.timeout:g} s on the cluster"))
        return out

    def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.pending.clear()
        self.client.close()
