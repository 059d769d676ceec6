"""Issue 18, done when: a scan that cannot be read at all (a blank page, a photo of a wall, sensor noise) ends
as a quarantine reason (`no_text`) or a record of nulls with a warning, never an exception. Real tesseract on
real images made here with Pillow."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageFilter

from pipeline.errors import ReadError
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter


def _blank(path):
    Image.new("RGB", (2480, 3508), "white").save(path, dpi=(300, 300))


def _wall(path):
    rng = np.random.default_rng(7)  # plaster: a soft gradient with a blurred grain, no strokes
    y, x = np.mgrid[0:1500, 0:2000]
    base = 150 + 40 * x / 2000 + 20 * y / 1500 + rng.normal(0, 12, (1500, 2000))
    im = Image.fromarray(np.clip(base, 0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(3))
    Image.merge("RGB", (im, im.point(lambda v: v * 0.95), im.point(lambda v: v * 0.85))).save(path, quality=85)


def _noise(path):
    rng = np.random.default_rng(3)
    Image.fromarray((rng.random((900, 1200, 3)) * 255).astype("uint8")).save(path)


@pytest.mark.parametrize("make,name", [(_blank, "blank.png"), (_wall, "wall.jpg"), (_noise, "noise.jpg")])
def test_unreadable_scan_is_a_reason_or_nulls(tmp_path, make, name):
    path = tmp_path / name
    make(path)
    try:
        letter = extract_letter(read_document(path))
    except ReadError as exc:
        assert exc.reason == "no_text", exc
    else:  # something was read: then no field may be invented, and the record says why it is thin
        record = letter.to_json()
        assert not record.get("number") and not record.get("date"), record
        assert record.get("warnings"), record


def test_unreadable_scan_from_the_cli_exits_1_with_reason(tmp_path):
    path = tmp_path / "blank.png"
    _blank(path)
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(path)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1, run.stderr
    out = json.loads(run.stdout)
    assert out["error"]["reason"] == "no_text"
    assert "Traceback" not in run.stderr
