"""Issue 15, the readers' part: converters that never touch the network (#3), XML refused when it declares
a DTD anywhere in a part (#4), and files that are not letters quarantined rather than filed (#8). Every
hostile file is built here, and read by the real `vanban` commands."""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from badinputs import Listener, odt
from conftest import ROOT, SAMPLES

VANBAN = [sys.executable, "-m", "pipeline"]
LETTER = ["ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/UBND-VP",
          "Nam Định, ngày 5 tháng 3 năm 2024", "V/v báo cáo công tác văn thư", "Kính gửi: Sở Nội vụ",
          "Đề nghị Sở Nội vụ tổng hợp báo cáo công tác văn thư năm 2023.", "Nơi nhận:", "- Như trên;",
          "CHỦ TỊCH", "Nguyễn Văn An"]


def cli(*args, env=None, timeout=300):
    return subprocess.run([*VANBAN, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- #3 converters run with no network ---------------------------------------------------------------------------
def _path_without(tmp_path: Path, name: str) -> str:
    """A PATH with every program of this one but `name`: a machine where util-linux's unshare is missing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = bin_dir / entry.name
            if entry.name != name and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(os.path.realpath(entry.path))
    return str(bin_dir)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".odt", ".doc"])
@pytest.mark.parametrize("namespace", [True, False], ids=["netns", "profile-only"])
def test_a_letter_with_a_linked_remote_image_is_read_offline(tmp_path, suffix, namespace):
    """An ODT (or the same bytes named .doc) linking its logo to a URL: LibreOffice converts it and fetches
    nothing, in a network namespace and, where unshare is missing, through its profile's settings."""
    env = {} if namespace else {"PATH": _path_without(tmp_path, "unshare")}
    with Listener() as web:
        letter = tmp_path / f"letter{suffix}"
        letter.write_bytes(odt(LETTER, image_url=f"{web.url}/odt.png"))
        done = cli("text", str(letter), env=env)
    assert done.returncode == 0, done.stderr
    assert "Kính gửi: Sở Nội vụ" in done.stdout and "Nguyễn Văn An" in done.stdout
    assert web.requests == []


def test_converters_start_with_no_network():
    """What runs through offline() cannot reach even a listener on this machine's loopback."""
    from pipeline.ingest.offline import netns_prefix, offline

    if not netns_prefix():
        pytest.skip("this machine cannot make a network namespace (unshare missing or not allowed)")
    probe = "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)"
    with Listener() as web:
        port = web.url.rsplit(":", 1)[1]
        assert subprocess.run([sys.executable, "-c", probe, port], capture_output=True).returncode == 0
        cut = subprocess.run(offline([sys.executable, "-c", probe, port]), capture_output=True, text=True)
    assert cut.returncode != 0 and "Network is unreachable" in cut.stderr, cut.stderr
    assert len(web.requests) == 1  # the direct connection only
