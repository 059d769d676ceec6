"""The batch: every file under the input paths into the archive, each ending in one known state."""
from pipeline.batch.run import run_ingest

__all__ = ["run_ingest"]
