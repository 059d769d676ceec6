"""Where the data in models/ lives (the spaCy pipeline, the lexicons, the digit reader's weights), for every
stage that loads some of it. `VANBAN_MODELS` points elsewhere."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def _models_folder() -> Path:
    """VANBAN_MODELS, else the repository's models/ (a clone or an editable install), else the copy a
    non-editable `pip install .` put under <prefix>/share/vanban/models."""
    if os.environ.get("VANBAN_MODELS"):
        return Path(os.environ["VANBAN_MODELS"])
    repo = Path(__file__).resolve().parents[1] / "models"
    return repo if (repo / "lexicons").is_dir() else Path(sys.prefix) / "share" / "vanban" / "models"


MODELS = _models_folder()
