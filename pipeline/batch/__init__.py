"""The batch: every file under the input paths into the archive, each ending in one known state."""
from pipeline.batch.run import Options, file_queue, retry_quarantined, run_ingest

__all__ = ["Options", "file_queue", "retry_quarantined", "run_ingest"]
