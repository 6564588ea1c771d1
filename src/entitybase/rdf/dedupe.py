"""Dedupe bags: which value nodes, references and site groups a document already holds."""

from zlib import crc32


class HashDedupeBag:
    """Wikibase's HashDedupeBag for dumps: a fixed-size table of recently seen keys.

    It may forget a key, so a shared value node is occasionally written twice (the same
    triples again, harmless in RDF), but it never claims to have seen an unseen key, and
    its memory stays flat however long the dump runs.
    """

    def __init__(self, slots: int = 1 << 17):
        self.slots: list[str | None] = [None] * slots
        self.size = slots

    def __contains__(self, key: str) -> bool:
        return self.slots[crc32(key.encode()) % self.size] == key

    def add(self, key: str) -> None:
        self.slots[crc32(key.encode()) % self.size] = key
