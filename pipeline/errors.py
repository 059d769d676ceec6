"""Named errors with exit codes and quarantine reasons (stdlib only).

The batch turns a `ReadError` into a quarantine entry with `reason`; the CLI turns any `VanbanError`
into a one-line message and its `exit_code` (contract: 1 failure, 2 usage, 3 locked, 4 storage).
"""
from __future__ import annotations

# The fixed list of quarantine reasons (contract: run report). A reason may carry a detail after a colon,
# e.g. "corrupt:truncated" or "too_big:zip"; the part before the colon is always one of these.
QUARANTINE_REASONS = (
    "empty", "type_mismatch", "unsupported", "encrypted", "corrupt", "too_big", "timeout", "memory",
    "symlink", "special_file", "hardlink", "xml_doctype", "no_text", "not_a_letter", "unreadable",
)


class VanbanError(Exception):
    """Base of every error vanban raises on purpose.

    `VanbanError("date: YYYY-MM-DD expected, not %(value)r", value=v)`: the message is the template filled
    with the named parameters; the template stays in `msgid` and the values in `params`, so a front end can
    show the message in its reader's language (the desk looks the template up in its gettext catalogue)."""

    exit_code = 1

    def __init__(self, message: str = "", /, **params):
        self.msgid, self.params = message, params
        super().__init__(message % params if params else message)


class UsageError(VanbanError):
    """Bad command-line usage or ambiguous input."""

    exit_code = 2


class ReadError(VanbanError):
    """A file that cannot be read; `reason` is a quarantine reason code (with an optional ':detail')."""

    def __init__(self, path: str, reason: str, message: str):
        base = reason.split(":", 1)[0]
        if base not in QUARANTINE_REASONS:
            raise ValueError(f"unknown quarantine reason {reason!r}")
        self.path = str(path)
        self.reason = reason
        self.message = message
        super().__init__(f"{self.path}: {message} [{reason}]")


class RunLocked(VanbanError):
    """Another `vanban ingest` holds the archive's run lock (exit 3)."""

    exit_code = 3


class Interrupted(VanbanError):
    """The run was stopped by a signal (SIGTERM from cron or systemd, Ctrl-C): its workers were stopped, the
    run recorded as interrupted and the lock released; the next run takes what was left (exit 1)."""

    def __init__(self, signal_name: str):
        self.signal_name = signal_name
        self.detail = ""
        super().__init__(signal_name)

    def __str__(self) -> str:
        return f"stopped by {self.signal_name}: {self.detail or 'the next run takes what was left'}"


class StorageError(VanbanError):
    """The archive cannot be used: the database is corrupt or the disk is full."""

    exit_code = 4


class NotFound(VanbanError):
    """No archived document answers to what was asked."""


class Ambiguous(UsageError):
    """Several documents answer to what was typed; `candidates` lists them (exit 2)."""

    def __init__(self, query: str, candidates: list):
        self.candidates = candidates
        super().__init__("%(query)r matches %(count)d documents; use one of the keys listed", query=query,
                         count=len(candidates))
