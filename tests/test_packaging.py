"""The models folder a non-editable install copies (setup.cfg data_files) is the whole of models/."""
import configparser

from conftest import ROOT


def test_every_model_file_is_installed():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    listed = {p.strip() for value in cfg["options.data_files"].values() for p in value.split(",") if p.strip()}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "models").rglob("*") if p.is_file()}
    assert on_disk == listed
