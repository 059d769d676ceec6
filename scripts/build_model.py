"""Write the spaCy pipeline that the nlp stage loads (models/vanban-vi) from the components in code.
The lexicons it points at are models/lexicons/*.json, edited by hand. Rerun after changing the list of
components:  python scripts/build_model.py"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.nlp.components import PIPELINE_DIR, blank_pipeline  # noqa: E402

nlp = blank_pipeline()
nlp.meta.update({"name": "vanban_vi", "version": "0.1.0", "description": "vanban: Vietnamese official letters "
                 "(zones, header, parties, signature, references) as rule components over lexicons in ../lexicons",
                 "license": "MIT"})
shutil.rmtree(PIPELINE_DIR, ignore_errors=True)
nlp.to_disk(PIPELINE_DIR)
print("wrote", PIPELINE_DIR, [p.name for p in PIPELINE_DIR.iterdir()])
