"""entitybase: a Wikibase-compatible knowledge-graph backend."""

__version__ = "0.1.0"
