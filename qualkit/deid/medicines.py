"""Names of medicines, which identify no one ("mirtazapine", "Subutex", "Nyxoid").

People in recovery and in mental-health services name their medication often, usually
capitalised or unfamiliar to a general vocabulary, so a name detector can take a brand
for a person or a place. The names come from the ``drug-named-entity-recognition``
package (generic and brand names with their variants, from open drug databases); its
data ships inside the package and nothing is fetched. The first use writes the one-word
names to the cache folder as a plain word list; later uses read that.

Words that are also common British first names or surnames (rank 2,000 or better in
Great Britain), or first names among the 100 most common in three countries or more, are
left out, so "Ivor" and "Camila" stay names. UK brands and newer drugs the
dictionary lacks ("Buvidal", "Espranor", "nitazenes") come from ``data/words.yaml``.
"""

from __future__ import annotations

import bz2
import pickle
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import regex as re

from qualkit.deid.gazetteer import cached_lines, load_gazetteer
from qualkit.deid.words import MEDICINE_NAMES_UK
from qualkit.errors import MissingExtra

PACKAGE = "drug-named-entity-recognition"
COMMON_NAME_RANK = 2000
WORLD_NAME_RANK = 100
WORLD_NAME_COUNTRIES = 3
MIN_LENGTH = 4
_FORMAT = 2
_WORD = re.compile(r"^\p{Ll}+(?:-\p{Ll}+)?$")


def _source() -> tuple[Path, str]:
    """The package's data file and the package version."""
    spec = find_spec("drug_named_entity_recognition")
    if spec is None or spec.origin is None:
        raise MissingExtra(PACKAGE, "deid")
    from importlib.metadata import version

    return Path(spec.origin).parent / "drug_ner_dictionary.pkl.bz2", version(PACKAGE)


def _build(data_file: Path) -> list[str]:
    """One-word medicine names from the package's dictionary, without common names."""
    with bz2.open(data_file, "rb") as fh:
        # The package's own bundled data file, read as that package reads it.
        data = pickle.load(fh)
    gazetteer = load_gazetteer()
    words = []
    for variant in data.get("drug_variant_to_canonical", {}):
        word = str(variant).strip().casefold()
        if len(word) < MIN_LENGTH or not _WORD.match(word):
            continue
        stats = gazetteer.get(word)
        if 0 < stats.first_gb <= COMMON_NAME_RANK or 0 < stats.last_gb <= COMMON_NAME_RANK:
            continue
        if (
            0 < stats.first_best <= WORLD_NAME_RANK
            and stats.first_countries >= WORLD_NAME_COUNTRIES
        ):
            continue
        words.append(word)
    return sorted(set(words))


@lru_cache(maxsize=1)
def medicine_words() -> frozenset[str]:
    """Lower-case one-word medicine names (built into the cache folder on first use)."""
    data_file, version = _source()
    words = cached_lines(f"medicines-{version}-v{_FORMAT}.txt", lambda: _build(data_file))
    return frozenset(words) | MEDICINE_NAMES_UK


def is_medicine(word: str) -> bool:
    """Whether ``word`` (any case, possessive removed) is the name of a medicine."""
    low = word.casefold()
    if low.endswith(("'s", "’s")):
        low = low[:-2]
    return low in medicine_words()
