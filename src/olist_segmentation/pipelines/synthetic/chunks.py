"""The chunks a generator node with several outputs yields, released once saved.

Kedro saves each chunk of a generator node's outputs as it comes, but a node with
several outputs splits them with ``more_itertools.unzip``, whose ``itertools.tee``
keeps every chunk until the node ends (checked with Kedro 1.7 and more-itertools
11.2): memory would grow with the number of blocks. Kedro saves all the outputs of
a chunk before it asks for the next one, so a node can empty its previous chunk
then. A released chunk raises if it is read again, rather than reading as empty
(which ``unzip`` would take, silently, for the end of the outputs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class Chunk(list):
    """One chunk: a list of the node's outputs, in the order of its ``outputs``."""

    released = False

    def release(self) -> None:
        """Drop the outputs (they are saved by now)."""
        self.clear()
        self.released = True

    def __getitem__(self, index):
        if self.released:
            raise RuntimeError(
                "a chunk of a generator node was read after the next one was asked "
                "for: Kedro no longer saves a chunk's outputs before the next chunk"
            )
        return super().__getitem__(index)


def released_once_saved(chunks: Iterable[tuple[Any, ...]]) -> Iterator[Chunk]:
    """Each chunk as a :class:`Chunk`, released when the next one is asked for."""
    for outputs in chunks:
        chunk = Chunk(outputs)
        yield chunk
        chunk.release()
