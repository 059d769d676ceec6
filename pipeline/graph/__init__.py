"""The citation graph over the archive: queries answered from SQLite's indexes (cites, cited_by, chain, impact,
missing, top), a networkx graph for what needs a whole graph (path, exports), and exports for Gephi, yEd,
Neo4j and a browser. Every function takes the archive's sqlite3 connection (`Archive.db`) and document ids
(`pipeline.archive.resolve` turns what a person types into one)."""
from pipeline.graph.build import build_graph, clear_cache
from pipeline.graph.export import FORMATS, export
from pipeline.graph.queries import chain, cited_by, cites, impact, missing, pagerank, path, top
from pipeline.graph.table import format_table

__all__ = ["build_graph", "clear_cache", "export", "FORMATS", "cites", "cited_by", "chain", "impact", "missing",
           "top", "pagerank", "path", "format_table"]
