"""The archive stage: SQLite records, originals by SHA-256, document identity and lookup, full-text search."""
from pipeline.archive.db import Added, Archive, default_db, reference_key
from pipeline.archive.lookup import resolve

__all__ = ["Archive", "Added", "default_db", "reference_key", "resolve"]
