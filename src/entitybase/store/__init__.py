"""Persistence: content-addressed parts, metadata tables and the event outbox.

The embedded backend is one SQLite database plus a blob directory under the data dir.
"""

from .contents import ContentCollision, MissingContent, PartBatch, blake2b_id
from .layout import KIND_NAMES, Splitter
from .store import Store, Transaction, TransientConflict

__all__ = ["KIND_NAMES", "ContentCollision", "MissingContent", "PartBatch", "Splitter", "Store",
           "Transaction", "TransientConflict", "blake2b_id"]
