"""The citation graph over the archive: queries answered from SQLite's indexes (cites, cited_by, chain, impact,
missing, top), scipy arrays of the whole graph for big closures and PageRank (arrays.py), a networkx graph for
paths and exports, and exports for Gephi, yEd,
Neo4j and a browser. Every function takes the archive's sqlite3 connection (`Archive.db`) and document ids
(`pipeline.archive.resolve` turns what a person types into one)."""
from pipeline.graph.base import clear_cache
from pipeline.graph.build import build_graph
from pipeline.graph.export import FORMATS, export
from pipeline.graph.queries import chain, cited_by, cites, impact, missing, pagerank, path, top
from pipeline.graph.table import format_table

WARM_ABOVE = 5000  # documents: below this every closure is answered by the SQLite walk in milliseconds


def warm(db) -> bool:
    """Build (or load) and persist the whole-graph arrays now, so the first large chain/impact query after a
    batch does not pay for them; a small archive needs none. Returns whether arrays were prepared."""
    from pipeline.graph import arrays

    if db.execute("SELECT count(*) FROM documents").fetchone()[0] <= WARM_ABOVE:
        return False
    arrays.graph(db)
    return True

__all__ = ["build_graph", "clear_cache", "export", "FORMATS", "cites", "cited_by", "chain", "impact", "missing",
           "top", "pagerank", "path", "format_table", "warm"]
