"""vanban: read Vietnamese official documents, extract their metadata and citations, link them into a graph.

`read_document(path) -> Source` is the ingest stage's one entry point. Imports are lazy so that
`import pipeline.text` stays light (the batch's workers and the CLI's start-up pay only for what they use).
"""
__version__ = "0.1.0"
__all__ = ["read_document"]


def __getattr__(name):
    if name == "read_document":
        from pipeline.ingest import read_document

        return read_document
    raise AttributeError(name)
