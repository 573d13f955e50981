"""The embedding cache of the suggestions.

Embeddings are derived from de-identified text only and live in the project so they share
its access rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from qualkit.storage.base import StoreBase
from qualkit.storage.schema import EmbeddingRow


class EmbeddingRepo(StoreBase):
    """The embedding cache of the suggestions."""

    def cached_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
        """Stored vectors (float32 bytes) for those ``hashes`` that are cached for ``model``."""
        out: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(hashes))
        with self.read() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                q = select(EmbeddingRow.text_hash, EmbeddingRow.vector).where(
                    EmbeddingRow.model == model, EmbeddingRow.text_hash.in_(chunk)
                )
                out.update({h: bytes(v) for h, v in s.execute(q)})
        return out

    def cache_embeddings(self, model: str, vectors: dict[str, bytes], dim: int) -> int:
        """Add vectors to the cache, skipping hashes already there; returns how many were added.

        Not logged: the cache holds no decisions and can be rebuilt at any time.
        """
        added = 0
        items = list(vectors.items())
        for i in range(0, len(items), 500):
            chunk = dict(items[i : i + 500])
            with self.write() as s:
                have = set(
                    s.scalars(
                        select(EmbeddingRow.text_hash).where(
                            EmbeddingRow.model == model, EmbeddingRow.text_hash.in_(list(chunk))
                        )
                    )
                )
                rows = [
                    EmbeddingRow(model=model, text_hash=h, dim=dim, vector=v)
                    for h, v in chunk.items()
                    if h not in have
                ]
                s.add_all(rows)
                added += len(rows)
        return added

    def clear_embedding_cache(self, model: str | None = None) -> int:
        with self.write() as s:
            q = delete(EmbeddingRow)
            if model is not None:
                q = q.where(EmbeddingRow.model == model)
            res: Any = s.execute(q)
            return int(res.rowcount or 0)
