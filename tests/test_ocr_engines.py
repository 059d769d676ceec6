"""The OCR engine adapter (pipeline/ingest/scan/engines.py): a real page image of the dev corpus read by trueocr
into positioned words, the setting VANBAN_OCR_ENGINE, and tesseract when the chosen engine fails."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import pytest

from conftest import DEV, ROOT

PAGE = DEV / "docs" / "017_p1.jpg"  # Công văn 1906/SGDĐT-CTrTT, Đà Nẵng 2020: a 576×960 photograph of page 1

def _texts(words):
    return [w[0] for w in words]


def test_trueocr_reads_a_real_page_into_positioned_words():
    from PIL import Image

    from pipeline.ingest.scan.engines import page_words
    words, engine = page_words(PAGE, engine="trueocr")
    assert engine == "trueocr"
    texts = _texts(words)
    assert "COVID-19" in texts and "Kính" in texts and "SGDĐT-CTrTT" in " ".join(texts)
    with Image.open(PAGE) as im:  # no dpi tag: 300 dpi assumed, as the tesseract path assumes it
        width, height = im.width * 72 / 300, im.height * 72 / 300
    for text, x0, top, x1, bottom, conf in words:
        assert text and text == unicodedata.normalize("NFC", text) and " " not in text
        assert -5 <= x0 < x1 <= width + 5 and -5 <= top < bottom <= height + 5 and 0 <= conf <= 1
    # the two header columns, which the detector joins into one line on this page, keep their places: the
    # issuer at the left margin, the national motto from about the middle (x ≈ 0.48 of the width)
    first = {w[0]: w for w in words[:40]}
    assert first["UBND"][1] < 0.1 * width and first["CỘNG"][1] > 0.4 * width


def test_words_of_a_line_split_at_spaces_with_boxes_from_the_peaks():
    from pipeline.ingest.scan.engines import words_of_line
    # (char, x of its CTC peak, probability, timestep width): "Số: 12" over a line box 0..100 × 10..20
    chars = [("S", 5, 0.9, 2), ("ố", 9, 0.7, 2), (":", 13, 1.0, 2), (" ", 20, 1.0, 2), ("1", 40, 0.8, 2),
             ("2", 44, 0.6, 2)]
    words = words_of_line(chars, (0, 10, 100, 20))
    assert [w[0] for w in words] == ["Số:", "12"]
    assert words[0][1:5] == (3.0, 10.0, 15.0, 20.0)  # half a pitch (4 / 2) before the first peak, after the last
    assert words[1][1:5] == (38.0, 10.0, 46.0, 20.0)
    assert words[0][5] == pytest.approx(0.8667, abs=1e-3) and words[1][5] == pytest.approx(0.7)
    assert words_of_line([], (0, 0, 10, 10)) == []


def test_engine_failing_falls_back_to_tesseract_with_a_warning(tmp_path, monkeypatch):
    """trueocr given a models folder without its models raises (FileNotFoundError): the page is read by
    tesseract, and the reader warns."""
    from pipeline.ingest import read_as_one
    from pipeline.ingest.scan import engines
    monkeypatch.setenv("VANBAN_TRUEOCR_MODELS", str(tmp_path))
    monkeypatch.setenv("VANBAN_OCR_ENGINE", "trueocr")
    words, engine = engines.page_words(PAGE)
    assert engine == "tesseract" and "COVID-19" in _texts(words)
    engines.take()
    source = read_as_one([PAGE])
    assert source.engine == "tesseract"
    assert any("read by tesseract, the OCR engine chosen failed: trueocr: FileNotFoundError" in w
               for w in source.warnings)
    assert "Kính gửi" in source.text


def _vanban(*args, **env):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=300)


@pytest.mark.slow
def test_the_setting_chooses_the_engine_of_the_scan_path():
    done = _vanban("text", str(PAGE), "--json", VANBAN_OCR_ENGINE="trueocr")
    assert done.returncode == 0, done.stderr
    source = json.loads(done.stdout)
    assert source["engine"] == "trueocr" and "COVID-19" in source["text"]
    bad = _vanban("text", str(PAGE), VANBAN_OCR_ENGINE="abbyy")
    assert bad.returncode == 1
    assert "unknown OCR engine 'abbyy' in VANBAN_OCR_ENGINE (one of: tesseract, trueocr)" in bad.stderr.decode()
