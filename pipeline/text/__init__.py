"""Vietnamese text hygiene shared by every stage: NFC, look-alikes, dashes, folding for comparison keys."""
from pipeline.text.normalize import ascii_fold, fold, fold_d, normalize_text

__all__ = ["normalize_text", "fold", "ascii_fold", "fold_d"]
