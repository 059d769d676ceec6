"""Converters run with no network (issue 15 #3): reading a letter must never touch the network.

A document can name remote resources (an ODT's linked image, a Word field, a DTD): LibreOffice fetches
an ODT's `draw:image xlink:href="http://…"` while converting it. Every child process that reads a file
(LibreOffice, antiword, tesseract) is started in a network namespace of its own, with only a loopback
interface that is down: `unshare -n` as root, `unshare -rn` (a user namespace first) otherwise. unshare
execs the command in place (no extra process), so timeouts and kills reach the converter as before.
Where no namespace can be made (no util-linux, user namespaces switched off), the command runs as it is,
and LibreOffice's own profile setting blocks remote links (doc.py).
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess


@functools.lru_cache(maxsize=1)
def netns_prefix() -> tuple[str, ...]:
    """The argv prefix that runs a command with no network, or () where this machine cannot make one."""
    exe = shutil.which("unshare")
    if not exe:
        return ()
    for flags in (("-n",) if os.geteuid() == 0 else ()) + ("-rn",):
        try:
            if subprocess.run([exe, flags, "true"], capture_output=True, timeout=10, check=False).returncode == 0:
                return (exe, flags)
        except (OSError, subprocess.TimeoutExpired):
            return ()
    return ()


def offline(cmd: list[str]) -> list[str]:
    """`cmd` to run with no network where the machine allows it (see netns_prefix)."""
    return [*netns_prefix(), *cmd]
