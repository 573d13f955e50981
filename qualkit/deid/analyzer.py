"""The detector: Presidio's default analyzer plus qualkit's recognizers and clean-up.

Finds identifier spans; it never rewrites text (that is :mod:`qualkit.deid.anonymize`).
"""

from __future__ import annotations

import bisect
import calendar
import gc
import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import regex as re
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
from presidio_analyzer.predefined_recognizers import UrlRecognizer
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from qualkit.deid.anonymize import canonical
from qualkit.deid.codeswitch import (
    CODE_SWITCH_LANGUAGES,
    covered,
    open_dictionaries,
    other_language_words,
)
from qualkit.deid.gazetteer import BRITISH_NAME_RANK, Gazetteer, load_gazetteer, place_key
from qualkit.deid.lists import DeidLists, short_form_of
from qualkit.deid.medicines import is_medicine
from qualkit.deid.nlp import EngineConfig, make_nlp_engine, one_blas_thread
from qualkit.deid.numwords import in_dictated_run, number_value
from qualkit.deid.propagation import (
    THE_NAMED,
    Propagator,
    Term,
    extend_possessives,
    local_only,
    resolve_types,
)
from qualkit.deid.recognizers import (
    REPLACED_PRESIDIO,
    RecognizerContext,
    build_recognizers,
    rank_of,
)
from qualkit.deid.recognizers.base import (
    GREETING,
    PRONOUN_AND_VERB,
    QualkitRecognizer,
    compile_words,
)
from qualkit.deid.recognizers.names import (
    NOT_INITIALS,
    ROLE_NOUNS,
    TITLES_APART,
    labels_a_letter,
)
from qualkit.deid.recognizers.numbers import (
    WEEKDAY_AND_DAY,
    age_like_after,
    house_numbers,
    maybe_a_time,
    not_an_age,
    other_language_months,
)
from qualkit.deid.recognizers.uk import possible_numbers
from qualkit.deid.review import whole_word_mentions
from qualkit.deid.scorer import (
    SCORER_NAME,
    SCORER_RANK,
    TokenScorer,
    load_scorer,
    merge_tokens,
)
from qualkit.deid.spans import (
    AGE,
    CASE_REFERENCE,
    DATE_TIME,
    EMAIL_ADDRESS,
    LOCATION,
    ORGANIZATION,
    PERSON,
    STREET_ADDRESS,
    URL,
    Detection,
    resolve_overlaps,
    trim_span,
)
from qualkit.deid.textutil import (
    INITIALS_SHAPE,
    at_sentence_start,
    is_cue_number,
    letter_in_the_plural,
    phrase_alternation,
    strip_possessive,
    typed_in_lower_case,
    typed_with_capitals,
    used_as_a_word,
)
from qualkit.deid.words import (
    BUILDING_SUFFIXES,
    COURTESY_WORDS,
    DIALECT_WORDS,
    KIN_AND_TITLES,
    KINSHIP,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NICKNAME_PREFIXES,
    NON_NAME_CAPS,
    NUMBER_WORDS,
    ORG_KINDS_AFTER_LOWER_NAMES,
    ORG_KINDS_AFTER_NAMES,
    ORG_SUFFIXES,
    PLACE_KINDS_AFTER_NAMES,
    STREET_SUFFIXES,
    TITLES,
    TRANSCRIPT_WORDS,
    UNITS,
    Lexicon,
)
from qualkit.importers.labels import GENERIC_LABEL_WORDS

# Presidio types qualkit does not mask: nationality/religion/politics words are the
# substance of many interviews, not identifiers of a person.
NOT_MASKED: frozenset[str] = frozenset({"NRP"})

_MONTH_OR_YEAR = re.compile(
    r"(?i)\b(?:" + "|".join(MONTHS + MONTH_ABBREVIATIONS) + r")\b|\b(?:19|20)\d\d\b|\d[/.]\d"
)
_CLOCK = re.compile(r"\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d{1,3})?")
# A point of the compass before a place, which narrows it ("south London", "north-west Wales").
_COMPASS_BEFORE = re.compile(
    r"(?i)(?<![\p{L}'’\-])(?:(?:north|south)(?:[ \-]?(?:east|west))?|east|west|central)[ ]$"
)
# Punctuation right after a word, which then stands alone.
_SAID_ALONE = re.compile(r"[ ]*[,.!?…]")
_ORDINAL_BEFORE = re.compile(r"(?<![\p{L}\p{N}])\d{1,3}(?:st|nd|rd|th)[ ]$")
_WORD_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)[ ]$")
_WORD_AFTER = re.compile(r"[ ](\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\-])")
# A particle of a surname and the capitalised words after it: "da Costa Ximenes", "van der
# Berg", "bin Hamad", "de la Cruz".
_PARTICLE_AFTER = re.compile(
    r"[ ]+(?:da|de|do|dos|das|di|del|della|van|von|du|bin|ibn|al|el)(?:[ ]+(?:la|der|den|los|las))?"
    r"[ ]+(?P<rest>\p{Lu}\p{Ll}+)(?:[ ]+\p{Lu}\p{Ll}+)?(?![\p{L}\-])"
)
_NAME_AND_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{Lu}\p{Ll}+)[ ]+(?:and|&)[ ]+$")
_MONTH_WORDS = frozenset(MONTHS) | frozenset(MONTH_ABBREVIATIONS)


def _kinds(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# A word that says which kind of organisation follows ("medical" practice).
_KIND_MODIFIER = (
    r"[ ]+(?:(?P<modifier>" + _kinds({s.split()[0] for s in ORG_SUFFIXES if " " in s}) + r")[ ]+)?"
)
# Lower-case words for a kind of organisation or place right after a capitalised name,
# with a word that says which kind before it ("Cross Bank medical practice").
_KIND_AFTER = re.compile(
    _KIND_MODIFIER
    + r"(?:(?P<org>"
    + _kinds(ORG_KINDS_AFTER_NAMES)
    + r")|(?P<place>"
    + _kinds(PLACE_KINDS_AFTER_NAMES)
    + r"))(?![\p{L}\-'’])"
)
# A kind of organisation after a place or organisation written in lower case.
_LOWER_KIND_AFTER = re.compile(
    _KIND_MODIFIER
    + r"(?P<org>"
    + _kinds(ORG_KINDS_AFTER_LOWER_NAMES)
    + r")(?![\p{L}\-'’])(?![ ]+(?:me|you|him|her|us|them|it)\b)"
)
_INDEFINITE_BEFORE = re.compile(r"(?<![\p{L}'’])(?i:a|an|any|another|each|every)[ ]+$")
# What a kind word can follow: a person only when capitalised ("Kelly's cafe").
_NAMED_BEFORE_KINDS = (PERSON, LOCATION, ORGANIZATION)
_SAINT_BEFORE = re.compile(r"(?<![\p{L}'’])(?:saint|st\.?)[ ]+$")
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "in",
        "at",
        "on",
        "for",
        "to",
        "from",
        "with",
        "by",
        "into",
        "onto",
        "no",
        "my",
        "our",
        "s",
        "à",
    ]
)
# A law of the land: "the Modern Slavery Act", "Housing (Wales) Act 2014", "the Renting Homes
# (Wales) Act".
_LAW = re.compile(
    r"(?:[Tt]he )?(?:\p{Lu}[\p{L}'’\-]*|of|and|for|\(\p{Lu}\p{L}+\))(?: (?:\p{Lu}[\p{L}'’\-]*"
    r"|of|and|for|\(\p{Lu}\p{L}+\))){0,6} Act(?: (?:19|20)\d\d)?"
)
_ALLOW_WORD = re.compile(r"[\p{L}\p{N}]+(?:[-'’]\p{L}+)*")
# ...said anywhere in a text, where a detection inside it is part of no name.
_LAW_ANYWHERE = re.compile(rf"(?<![\p{{L}}'’\-]){_LAW.pattern}(?![\p{{L}}'’\-])")
# Laughter typed out names no one ("haha", "hehehe", "lol", "lmao"); "Lol" is a nickname.
_LAUGHTER = re.compile(r"(?i:a?(?:h[aeiu]){2,}h?|lmf?a+o+|rofl)|lo+l+|LO+L+")
# Lower-case words that, after an allowed name, make no new name of it.
# Words that make a street or building of the name before them ("oldham street").
_STREET_WORDS = frozenset(STREET_SUFFIXES) | frozenset(BUILDING_SUFFIXES)
_GENERIC_PLACE_WORDS = (
    frozenset(BUILDING_SUFFIXES) | frozenset(ORG_SUFFIXES) | frozenset({"office", "offices"})
)
# The county or larger area named after a place: "county Armagh", "Greater Manchester". (A
# part of one, "North Devon", is smaller than the area and stays a place.)
_AREA_AROUND = re.compile(r"(?i)(?:county|co\.?|greater)[ ](?P<area>.+)")
_MONEY_WORDS = frozenset(["funding", "fund", "funded", "grant", "grants", "money"])
# A kind of organisation and "of" before an allowed place: one name with it.
_KIND_OF = re.compile(r"(?i)\b(?:university|college|bank|hospital|school|academy)[ ]+of[ ]+$")
# Words of where, which a name taken in with an allowed place does not make a new name of
# ("Outside Caerphilly").
_WHERE_WORDS = frozenset(
    [
        *("outside", "inside", "near", "behind", "beyond", "around", "towards", "past", "into"),
        # ...and words that only weigh what follows ("Mainly Leek, but ...")
        *("mainly", "mostly", "only", "just", "even", "also", "especially", "usually"),
        "probably",
    ]
)
_COUNCIL_WORDS = frozenset(
    [
        "council",
        "borough",
        "city",
        "county",
        "district",
        "metropolitan",
        "housing",
        "options",
        "team",
        "services",
        "service",
        "department",
        "offices",
    ]
)
_EDGE_FILLER = "|".join(sorted(_FILLER | {"'s", "’s"}, key=len, reverse=True))
_EDGE_FILLER_START = re.compile(rf"(?i)(?:{_EDGE_FILLER})(?![\p{{L}}\p{{N}}])")
_EDGE_FILLER_END = re.compile(rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{_EDGE_FILLER})$")
_COORD_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{L}+)[ ]+(?:and|&|or)[ ]+$")
# A list of names: "Shahed, Rumon, Ashik", "Rumon, Ashik and Shahed".
_LIST_JOIN_AFTER = re.compile(r"(?:,|[ ]+(?:and|&))[ ]+")
_LIST_JOIN_BEFORE = re.compile(r"(?:,|[ ]+(?:and|&))[ ]+$")
_LIST_NAME_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{Lu}\p{Ll}{2,}),[ ]+$")
_LIST_NAME_AFTER = re.compile(r",[ ]+(\p{Lu}\p{Ll}{2,})(?![\p{L}'’\-])")
_ME_OR_I = re.compile(r"(?i)(?<![\p{L}'’])(me|i)(?![\p{L}'’])")
_COORD_AFTER = re.compile(r"[ ]+(?:and|&|or)[ ]+(\p{L}+)(?![\p{L}'’\-])")
# The same, for any word, hyphenated or in quotation marks: "Eye-lid" or "Ellie".
_QUOTED_COORD_BEFORE = re.compile(
    r"(?<![\p{L}\p{N}'’\-])([\"“]?)(\p{L}+(?:-\p{L}+)*)([\"”]?)[ ]+(?:and|&|or)[ ]+[\"“]?$"
)
_QUOTED_COORD_AFTER = re.compile(
    r"[\"”]?[ ]+(?:and|&|or)[ ]+([\"“]?)(\p{L}+(?:-\p{L}+)*)([\"”]?)(?![\p{L}\p{N}'’\-])"
)
_WORD_PAIR = re.compile(r"(?<![\p{L}\p{N}'’\-])(\p{L}+)[ ](\p{L}+)(?![\p{L}\p{N}'’\-])")
_WORD_AFTER_ANY = re.compile(r"[ ]+(\p{L}+(?:['’\-]\p{L}+)*)")
# A lower-case word ending a clause: "bethan price. she's alright".
_LOWER_WORD_ENDING = re.compile(r"[ ](\p{Ll}{3,})(?=[ ]*[.,;:!?\n]|[ ]*$)")
_NAME_TYPES = frozenset({PERSON, LOCATION, ORGANIZATION})
_PLACE_TYPES = frozenset({LOCATION, ORGANIZATION})
# Words for a kind of place that name none on their own.
_PLACE_KINDS = frozenset({"street", "road", "lane", "avenue", "estate", "park", "ward", "wards"})
_APART_LEFT = re.compile(rf"(?i)(?:[,;:(\-–—]|(?<![\p{{L}}\p{{N}}])(?:{_EDGE_FILLER}))\s*$")
_APART_RIGHT = re.compile(rf"(?i)\s*(?:[,;:)\-–—]|(?:{_EDGE_FILLER})(?![\p{{L}}\p{{N}}]))")
_URL_STRONG = re.compile(r"(?i)https?://|www\.|/")
# A transcriber's note in square brackets, begun with what a speaker does.
_NOTE_VERB = re.compile(
    r"(?i)(?:speaks|speaking|interprets|interpreting|translates|translating|reads|reading"
    r"|says|said|replies|answers)\b"
)
_IN_BRACKETS = re.compile(r"\[[^\]\n]*$")
# What a URL never stops before: a letter or digit, or a full stop and more of them.
_URL_CUT = re.compile(r"[.]?[\p{L}\p{N}]")
# Words spaCy takes into the start of an entity: articles, prepositions, and a reply, a
# cry or a greeting before a name ("Round Meirionnydd.", "Aye Farmer, fit like the day?",
# "Oh Karen", "Alright Tel.").
_LEADING_WORDS = re.compile(
    r"(?i)^(?:the|a|an|my|our|his|her|their|at|in|on|to|from|round|around|near|towards"
    r"|tae|fae|frae|intae|wi|into|onto|with"
    rf"|aye|yeah|yep|ok|okay|oh|och|ach|erm|um|eh|{GREETING})\s+(?=\S)"
)

# A day of the week after a name ("in Totnes Saturdays").
_DAY_AFTER = re.compile(r"(?i)[ ]+(?:mon|tues|wednes|thurs|fri|satur|sun)days?$")


@dataclass(frozen=True)
class DetectorConfig:
    """How the detector is put together.

    ``recognizers`` names qualkit recognizers to use (all registered ones when None);
    ``score_threshold`` drops weaker detections; ``propagate`` masks every mention of a
    value found once; ``use_scorer`` adds the trained token scorer's detections
    (:mod:`qualkit.deid.scorer`); ``code_switch_languages`` are languages whose ordinary
    words inside an English transcript are never names (:mod:`qualkit.deid.codeswitch`).
    """

    engine: EngineConfig = field(default_factory=EngineConfig)
    score_threshold: float = 0.4
    recognizers: tuple[str, ...] | None = None
    propagate: bool = True
    batch_size: int = 8
    use_scorer: bool = True
    code_switch_languages: tuple[str, ...] = CODE_SWITCH_LANGUAGES


class Detector:
    """Finds identifiers in transcripts.

    ``nlp_engine`` may be injected (tests, other models); otherwise a Presidio spaCy
    engine over the cached pipeline named in ``config.engine`` is used. ``scorer``
    replaces the shipped token scorer (cross-validation).
    """

    def __init__(
        self,
        lists: DeidLists | None = None,
        config: DetectorConfig | None = None,
        nlp_engine: NlpEngine | None = None,
        scorer: TokenScorer | None = None,
    ) -> None:
        self.config = config or DetectorConfig()
        self.lists = lists or DeidLists()
        self.nlp_engine = nlp_engine or make_nlp_engine(self.config.engine)
        nlp = getattr(self.nlp_engine, "nlp", {}) or {}
        self.lexicon = Lexicon.from_spacy(nlp["en"]) if "en" in nlp else Lexicon()
        self.scorer = (scorer or load_scorer()) if self.config.use_scorer else None
        self.gazetteer = load_gazetteer() if self.scorer is not None else Gazetteer()
        self.context = RecognizerContext(
            lexicon=self.lexicon, lists=self.lists, gazetteer=self.gazetteer
        )
        self.analyzer = self._build_analyzer()
        self.entities = [
            e for e in self.analyzer.get_supported_entities("en") if e not in NOT_MASKED
        ]
        # A language spoken in an interview names no one ("[speaks Tigrinya]").
        allow_terms = [*self.lists.all_allow(), *self.gazetteer.language_names()]
        self._allow_re = _phrase_regex(allow_terms)
        self._study_areas = frozenset(" ".join(t.split()).casefold() for t in self.lists.allow)
        self._allow_firsts = _first_words(allow_terms)
        # Allowed acronyms ("RAF", "PIP"): written with one capital they are names ("Raf").
        self._acronyms = frozenset(
            t.casefold() for t in allow_terms if t.isupper() and t.isalpha() and len(t) <= 5
        )
        # The thousands of smaller languages' names are looked up word by word, and so
        # are thanks and greetings in other languages ("Diolch", "Dziękuję").
        self._allow_words = self.gazetteer.other_language_words() | COURTESY_WORDS
        # The allowed spans and the other-language words of the texts seen last (each text
        # is asked for several times: when detecting, and when propagating within it and
        # across the corpus).
        self._allowed_cache: dict[str, list[tuple[int, int]]] = {}
        self._foreign_cache: dict[str, list[tuple[int, int]]] = {}
        # A place or organisation is spread to its other mentions once detected with
        # SPREAD_SCORE; a person's name with the score the token scorer needs to detect
        # a word, if that is less.
        spread = self.scorer.thresholds.get("detect", SPREAD_SCORE) if self.scorer else SPREAD_SCORE
        self.propagator = Propagator(
            self.lexicon,
            [*allow_terms, *self._allow_words],
            min_score=SPREAD_SCORE,
            min_person_score=min(spread, SPREAD_SCORE),
            first_name=self._wide_first_name,
        )
        # The models just loaded (spaCy's pipeline, the lexicon, the gazetteer, the
        # scorer's weights) live as long as the process: out of the garbage collector's
        # sight, its full passes no longer walk their objects while texts are read.
        gc.freeze()

    def _build_analyzer(self) -> AnalyzerEngine:
        registry = OrderedRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(
            languages=["en"], nlp_engine=self.nlp_engine, countries=["uk"]
        )
        for name in REPLACED_PRESIDIO:
            if any(getattr(r, "name", "") == name for r in registry.recognizers):
                registry.remove_recognizer(name)
        for rec in build_recognizers(self.context, self.config.recognizers):
            registry.add_recognizer(rec)
        for url in registry.recognizers:
            if isinstance(url, UrlRecognizer):
                # Presidio leaves ``patterns`` unannotated.
                url.patterns = [_quick_url_pattern(p) for p in url.patterns]  # type: ignore[has-type]
        return AnalyzerEngine(
            registry=registry,
            nlp_engine=self.nlp_engine,
            supported_languages=["en"],
            default_score_threshold=self.config.score_threshold,
            context_aware_enhancer=NoContextEnhancer(),
        )

    @property
    def recognizer_names(self) -> list[str]:
        return [str(getattr(r, "name", "")) for r in self.analyzer.registry.recognizers]

    # Detection -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Open now what detection otherwise opens at its first use (the dictionaries of
        the languages speakers switch into), so the first transcript takes no longer
        than the others (the benchmark times detection apart from loading)."""
        open_dictionaries(self.config.code_switch_languages)

    def detect(self, text: str) -> list[Detection]:
        """Identifiers in one transcript (with propagation inside it)."""
        return self.analyse_many([text])[0].detections

    def detect_many(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Identifiers in each text, using spaCy's batched pipe; each text on its own."""
        return [a.detections for a in self.analyse_many(texts)]

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        """Detections and possible misses for each text, each on its own.

        Long texts are read in overlapping pieces (:func:`chunks`), so nothing near a seam
        is missed and no text is too long for spaCy.
        """
        pieces = [
            (i, off, piece)
            for i, t in enumerate(texts)
            for off, piece in chunks(t, CHUNK_CHARS, CHUNK_OVERLAP)
        ]
        artifacts = self._artifacts([p for _, _, p in pieces])
        found: list[list[Detection]] = [[] for _ in texts]
        maybe: list[list[Detection]] = [[] for _ in texts]
        for (i, off, piece), art in zip(pieces, artifacts, strict=True):
            dets, possible = self._analyze(piece, art)
            found[i].extend(shift(d, off) for d in dets)
            maybe[i].extend(shift(d, off) for d in possible)
        out = []
        for text, dets, possible in zip(texts, found, maybe, strict=True):
            # One value, one type within the text before it is spread ("tiernan's" taken
            # for a place once and for a person twice is a person).
            dets = resolve_types({"": text}, {"": resolve_overlaps(text, dets)})[""]
            if self.config.propagate:
                terms = self.propagator.terms_from(text, dets, typed_in_lower_case(text))
                dets = self.propagate(text, dets, terms)
            dets = dets + self._surnames_after(text, dets)
            # A person found by the steps after the first cut may lie inside an allowed name
            # ("William" of an allowed "Fort William", found as a name beside another).
            inside = self._allowed_spans(text)
            dets = [d for d in dets if d.type != PERSON or not _within(d, inside)]
            possible = (
                possible
                + self._coordinated_words(text, dets)
                + self._quoted(text, dets)
                + self._given_names(text, dets)
                + self._families(text)
                + self._heard_names(text, dets)
                + self._house_numbers(text)
                + self._numbers_given(text)
            )
            possible += with_nickname_prefixes(text, possible)
            out.append(Analysis(dets, uncovered(possible, dets)))
        return out

    def detect_corpus(self, texts: Mapping[str, str]) -> dict[str, list[Detection]]:
        """Identifiers in every transcript, each value propagated across the corpus."""
        keys = list(texts)
        found = self.detect_many([texts[k] for k in keys])
        per_text = dict(zip(keys, found, strict=True))
        if self.config.propagate:
            per_text = self.propagate_corpus(texts, per_text)
        return per_text

    def propagate_corpus(
        self, texts: Mapping[str, str], detections: Mapping[str, list[Detection]]
    ) -> dict[str, list[Detection]]:
        """Mask, in every text, each value detected in any text."""
        lower = {key: typed_in_lower_case(texts[key]) for key in detections}
        own = {
            key: self.propagator.terms_from(texts[key], dets, lower[key])
            for key, dets in detections.items()
        }
        shared = {t for terms in own.values() for t in terms if not local_only(t)}
        from_cased = {t.text.casefold() for key in own if not lower[key] for t in own[key]}
        from_lower = frozenset(t.text.casefold() for t in shared) - from_cased
        return {
            k: self.propagate(texts[k], list(detections[k]), shared | own[k], from_lower)
            for k in detections
        }

    def propagate(
        self,
        text: str,
        detections: list[Detection],
        terms: Iterable[Term],
        from_lower_case: Collection[str] = (),
    ) -> list[Detection]:
        """Add every mention of ``terms`` in ``text`` to its detections (``from_lower_case``:
        see :meth:`Propagator.mentions`)."""
        extra = self._outside_allowed(text, self.propagator.mentions(text, terms, from_lower_case))
        foreign = self._other_language_words(text) if extra else []
        if foreign:
            extra = [d for d in extra if not _in_other_language(text, d, foreign)]
        dets = self._extend_names(text, resolve_overlaps(text, detections + extra))
        return _kinds_after(text, dets)

    def _extend_names(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Let a person's name take in a capitalised first name or surname beside it
        ("Ottoline" + detected "Vantongeren"), a surname after a particle ("da Costa
        Ximenes"), a first name's initial before it ("M. Duthie") or a surname's initial
        after it ("Dávid H.")."""
        out: list[Detection] = []
        taken = [(d.start, d.end) for d in detections]
        # The rest of a name may run over a word the token scorer gave another type.
        firm = [(-1, -1) if d.recognizer == SCORER_NAME else (d.start, d.end) for d in detections]
        claimed: list[tuple[int, int]] = []
        for i, det in enumerate(detections):
            if det.type == PERSON:
                start, end = det.start, det.end
                m = _WORD_BEFORE.search(text, max(0, start - 30), start)
                if m and self._name_neighbour(text, m.start(1), m.group(1), taken, i):
                    start = m.start(1)
                initial = _INITIAL_BEFORE.search(text, max(0, start - 3), start)
                if initial is not None and not any(
                    s < start and initial.start() < e for j, (s, e) in enumerate(taken) if j != i
                ):
                    start = initial.start()  # "M. Duthie"
                m = _WORD_AFTER.match(text, end)
                if m and self._name_neighbour(text, m.start(1), m.group(1), taken, i):
                    end = m.end(1)
                m = _PARTICLE_AFTER.match(text, end)
                if m is not None and self._surname_word(m.group("rest").lower()):
                    end = m.end()  # "Agostinho da Costa Ximenes", "Ruud van der Berg"
                    claimed.append((det.start, end))
                end = self._unknown_words_after(text, end, firm, i)
                end = self._lower_surname_after(text, start, end, taken, i)
                initial = _INITIAL_AFTER.match(text, end)
                if initial is not None and not any(
                    s < initial.end() and end < e for j, (s, e) in enumerate(taken) if j != i
                ):
                    end = initial.end()
                if (start, end) != (det.start, det.end):
                    det = Detection(start, end, det.type, det.score, det.recognizer, det.rank)
            elif det.type == ORGANIZATION and text[det.start : det.start + 1].isupper():
                det = self._whole_organisation(text, det, taken, i)
            elif (
                det.type == LOCATION
                and (m := _COMPASS_BEFORE.search(text, max(0, det.start - 16), det.start))
                and not any(s < det.start and m.start() < e for s, e in taken)
            ):
                det = replace(det, start=m.start())  # "south London", "North Wales"
            out.append(det)
        # A surname after a particle is the person's, whatever type it was given alone.
        out = [
            d
            for d in out
            if d.type not in (ORGANIZATION, LOCATION)
            or not any(s <= d.start and d.end <= e for s, e in claimed)
        ]
        return resolve_overlaps(text, [_without_honorific(text, d) for d in out])

    def _surname_word(self, low: str) -> bool:
        """Whether a word after a particle can be a surname: no English word, or a name
        somewhere ("Costa", "Santos"; not "Housing" of "o Conor da Housing")."""
        if not self.lexicon.is_known(low):
            return True
        name = self.gazetteer.get(low)
        return bool(name.last_best or name.first_countries)

    def _whole_organisation(
        self, text: str, det: Detection, taken: list[tuple[int, int]], own: int
    ) -> Detection:
        """A capitalised organisation's name with a capitalised word right before it
        ("Gipping" + "Valley Homes"), or a name found on its own before "and" ("Ettrick" +
        "and" + "Tweed Women's Aid"), or the ordinal of a regiment or a unit ("7th" +
        "Gurkha Rifles")."""
        ordinal = _ORDINAL_BEFORE.search(text, max(0, det.start - 8), det.start)
        if ordinal is not None and not any(
            s < det.start and ordinal.start() < e for j, (s, e) in enumerate(taken) if j != own
        ):
            return replace(det, start=ordinal.start())
        m = _WORD_BEFORE.search(text, max(0, det.start - 30), det.start)
        if m is not None and self._name_neighbour(text, m.start(1), m.group(1), taken, own):
            return Detection(m.start(1), det.end, det.type, det.score, det.recognizer, det.rank)
        # "Ettrick and Tweed Women's Aid": a name found in two pieces either side of "and"
        m = _NAME_AND_BEFORE.search(text, max(0, det.start - 30), det.start)
        if (
            m is not None
            and text[det.start : det.start + 1].isupper()
            and (m.start(1), m.end(1)) in taken
            and not self._allowed(m.group(1))
            and m.group(1).lower() not in STOP_WORDS
            and not self.gazetteer.get(m.group(1).lower()).first_gb  # not "Sarah and"
        ):
            return Detection(m.start(1), det.end, det.type, det.score, det.recognizer, det.rank)
        return det

    def _unknown_words_after(
        self, text: str, end: int, taken: list[tuple[int, int]], own: int
    ) -> int:
        """``end`` moved over the words right after a person's name that are no English
        word, in any case: the rest of the name ("tomás ó gallchóir")."""
        for _ in range(MAX_UNKNOWN_AFTER):
            m = _WORD_AFTER_ANY.match(text, end)
            if m is None:
                break
            word = m.group(1)
            low = word.lower()
            if low in STOP_WORDS or low in NON_NAME_CAPS or low in KIN_AND_TITLES:
                break
            if low in GENERIC_LABEL_WORDS or low in _MONTH_WORDS or self.lexicon.is_known(low):
                break
            if self._allowed(word) or any(
                s < m.end(1) and m.start(1) < e for j, (s, e) in enumerate(taken) if j != own
            ):
                break
            end = m.end(1)
        return end

    def _lower_surname_after(
        self, text: str, start: int, end: int, taken: list[tuple[int, int]], own: int
    ) -> int:
        """``end`` moved over a common British surname that is a noun or no word, right
        after a name in lower case and ending the clause ("bethan price.")."""
        if not text[start:end].islower():
            return end
        m = _LOWER_WORD_ENDING.match(text, end)
        if m is None:
            return end
        word = m.group(1)
        if word in STOP_WORDS or word in GENERIC_LABEL_WORDS or word in KIN_AND_TITLES:
            return end
        if word in _MONTH_WORDS or not 0 < self.gazetteer.get(word).last_gb <= NAME_PAIR_RANK:
            return end
        if self.lexicon.is_known(word) and not self.lexicon.is_noun(word):
            return end  # "sarah said." "dave white."
        if self._allowed(word) or any(
            s < m.end(1) and m.start(1) < e for j, (s, e) in enumerate(taken) if j != own
        ):
            return end
        return m.end(1)

    def _coordinated_words(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Possible misses: a word that is no English word, or any word in quotation
        marks ("Eye-lid" or "Ellie"), joined by "and" or "or" to a detected name."""
        taken = [(d.start, d.end) for d in detections]
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        out: list[Detection] = []
        for det in detections:
            if det.type != PERSON:
                continue
            before = _QUOTED_COORD_BEFORE.search(text, max(0, det.start - 40), det.start)
            after = _QUOTED_COORD_AFTER.match(text, det.end)
            for m in (before, after):
                if m is None or any(s < m.end(2) and m.start(2) < e for s, e in taken):
                    continue
                word = m.group(2)
                low = word.lower()
                if len(low) < 3 or low in STOP_WORDS or low in KIN_AND_TITLES:
                    continue
                if low in GENERIC_LABEL_WORDS or low in NON_NAME_CAPS or self._allowed(word):
                    continue
                quoted = bool(m.group(1) and m.group(3))
                if (quoted and not self.lexicon.is_common(low)) or not self.lexicon.is_known(low):
                    start, end = m.start(2), m.end(2)
                    out.append(Detection(start, end, PERSON, floor, COORDINATED_NAME, SCORER_RANK))
        return out

    def _quoted(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Possible misses: a capitalised word alone in quotation marks ("everyone thought
        "Ghost" was..."), most often a nickname or a name as someone says it."""
        taken = [(d.start, d.end) for d in detections]
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        out: list[Detection] = []
        for m in _QUOTED_CAPITALISED.finditer(text):
            word, low = m.group(0), m.group(0).lower()
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if len(low) < 3 or low in STOP_WORDS or low in KIN_AND_TITLES:
                continue
            if low in GENERIC_LABEL_WORDS or low in NON_NAME_CAPS or self._allowed(word):
                continue
            out.append(Detection(m.start(), m.end(), PERSON, floor, QUOTED_WORD, SCORER_RANK))
        return out

    def _house_numbers(self, text: str) -> list[Detection]:
        """Possible misses: a flat, room, house or pitch number said without its street
        ("Flat three.", "pitch eleven")."""
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        return [
            Detection(s, e, STREET_ADDRESS, floor, HOUSE_NUMBER, SCORER_RANK)
            for s, e in house_numbers(text)
        ]

    def _numbers_given(self, text: str) -> list[Detection]:
        """Possible misses: figures or digits read out that could be someone's number
        though no recognizer took them (:func:`possible_numbers`)."""
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        return [
            Detection(s, e, CASE_REFERENCE, floor, NUMBER_GIVEN, SCORER_RANK)
            for s, e in possible_numbers(text)
        ]

    def _surnames_after(self, text: str, detections: list[Detection]) -> list[Detection]:
        """A surname typed in lower case right after a person's name ("gemma hargreaves"):
        a word that is no ordinary English word and is among the commonest British surnames
        (:data:`SURNAME_RANK`)."""
        taken = {d.start for d in detections}
        out = []
        for det in detections:
            if det.type != PERSON:
                continue
            m = _LOWER_WORD_AFTER.match(text, det.end)
            if m is None or m.start("word") in taken:
                continue
            word = m.group("word")
            if word in STOP_WORDS or self.lexicon.is_common(word):
                continue
            if 0 < self.gazetteer.get(word).last_gb <= SURNAME_RANK:
                out.append(
                    Detection(m.start("word"), m.end("word"), PERSON, 0.6, SURNAME_AFTER, 30)
                )
        return out

    def _given_names(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Possible misses: what someone is called, when it is a word ("they called him
        dopey", "call me em", "calls me dan or chalky"): a nickname or an insult, which a
        reviewer tells apart."""
        taken = [(d.start, d.end) for d in detections]
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        out: list[Detection] = []
        for m in _GIVEN_NAME.finditer(text):
            for group in ("name", "other"):
                word = m.group(group)
                if word is None:
                    continue
                low = word.lower()
                if low in STOP_WORDS or low in _NOT_GIVEN_NAMES or low in KIN_AND_TITLES:
                    continue
                if self._allowed(word):
                    continue
                start, end = m.start(group), m.end(group)
                if not any(s < end and start < e for s, e in taken):
                    out.append(Detection(start, end, PERSON, floor, GIVEN_NAME, SCORER_RANK))
        return out

    def _families(self, text: str) -> list[Detection]:
        """Possible misses: a family by its surname in the plural after "the", the surname
        common in Great Britain and no everyday word ("the watsons", "the kellys"; not "the
        browns")."""
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        out: list[Detection] = []
        for m in _FAMILY.finditer(text):
            stem = m.group("name")[:-1].lower()
            if self.lexicon.is_common(stem) or self._allowed(stem):
                continue
            if 0 < self.gazetteer.get(stem).last_gb <= PLURAL_SURNAME_RANK:
                out.append(Detection(m.start("name"), m.end("name"), PERSON, floor, FAMILY, 30))
        return out

    def _heard_names(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Possible misses in a transcript typed in lower case: a name after a doctor's
        title or after "a guy called", heard as ordinary words ("dr fair child")."""
        if not typed_in_lower_case(text):
            return []
        taken = [(d.start, d.end) for d in detections]
        floor = self.scorer.thresholds.get("possible", 0.0) if self.scorer else 0.0
        out: list[Detection] = []
        for m in _HEARD_NAME.finditer(text):
            kept = []
            for w in re.finditer(r"\S+", text[m.start("name") : m.end("name")]):
                if w.group(0) in _HEARD_NAME_ENDS:
                    break
                kept.append(w)
            if not kept or kept[0].group(0) in ("the", "a", "an", "her", "him", "me"):
                continue
            words = [w.group(0) for w in kept]
            # After a title, no function word ("doctor can see") and, alone, no ordinary
            # word ("doctor put me"); after "a guy called", whatever was heard.
            if m.group("title") and (
                any(w in STOP_WORDS or w.endswith(("n't", "n’t")) for w in words)
                or (len(words) == 1 and self.lexicon.is_common(words[0]))
            ):
                continue
            start, end = m.start("name"), m.start("name") + kept[-1].end()
            if not any(s < end and start < e for s, e in taken):
                out.append(Detection(start, end, PERSON, floor, GIVEN_NAME, SCORER_RANK))
        return out

    def _names_with_an_s(
        self, text: str, doc: Doc | None, detections: list[Detection]
    ) -> list[Detection]:
        """A noun that is no English word, made of a common first name or surname and an
        "s": a family ("the maguires", "the Whitmores") or a possessive typed without its
        apostrophe ("bernies first")."""
        covered = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        for m in _NAME_WITH_S.finditer(text):
            low = m.group(0).lower()
            stem = low[:-1]
            if any(s < m.end() and m.start() < e for s, e in covered):
                continue
            span = doc.char_span(m.start(), m.end()) if doc is not None else None
            if span is None or span[0].pos_ not in ("NOUN", "PROPN"):
                continue
            if self.lexicon.is_known(low) or self.lexicon.is_known(stem) or is_medicine(low):
                continue
            name = self.gazetteer.get(stem)
            first = 0 < name.first_gb <= PLURAL_FIRST_NAME_RANK
            if (first or 0 < name.last_gb <= PLURAL_SURNAME_RANK) and not self._allowed(stem):
                extra.append(Detection(m.start(), m.end(), PERSON, 0.6, NAME_WITH_S, SCORER_RANK))
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _first_and_surnames(self, text: str, detections: list[Detection]) -> list[Detection]:
        """A common British first name followed by a common British surname that is no
        English word is a person's name, in any case ("tom gallagher"); so is a surname
        that is a noun after a first name that is no word ("giles moss")."""
        taken = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        for m in _WORD_PAIR.finditer(text, overlapped=True):
            first, last = m.group(1).lower(), m.group(2).lower()
            if first in STOP_WORDS or first in KIN_AND_TITLES or last in STOP_WORDS:
                continue
            if not 0 < self.gazetteer.get(first).first_gb <= NAME_PAIR_RANK:
                continue
            if not 0 < self.gazetteer.get(last).last_gb <= NAME_PAIR_RANK:
                continue
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            # A surname that is also a noun ("moss") after a first name that is no word.
            word_like = self.lexicon.is_common(last) or self.lexicon.is_known(first)
            if (self.lexicon.is_known(last) and word_like) or self._allowed(m.group(0)):
                continue
            extra.append(Detection(m.start(), m.end(), PERSON, 0.6, NAME_PAIR, SCORER_RANK))
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _names_in_email_addresses(self, text: str, detections: list[Detection]) -> list[Detection]:
        """A first name or surname in an e-mail address's local part ("p.greaves@...") is
        a name where the text says it again ("Greaves with an e-a"): a part of four letters
        or more that is a British first name or surname and no everyday word, capitalised
        (or in any case in a text typed in lower case, unless it is an English word there:
        "nails" of "kaykay.nails06@...")."""
        emails = [d for d in detections if d.type == EMAIL_ADDRESS]
        if not emails:
            return detections
        lower = typed_in_lower_case(text)
        taken = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        for det in emails:
            local = text[det.start : det.end].partition("@")[0]
            for part in _LOCAL_PART_SPLIT.split(local):
                low = part.lower()
                if len(low) < 4 or not low.isalpha() or self.lexicon.is_common(low):
                    continue
                stats = self.gazetteer.get(low)
                if not (
                    0 < stats.first_gb <= EMAIL_NAME_RANK or 0 < stats.last_gb <= EMAIL_NAME_RANK
                ):
                    continue
                word = re.compile(
                    rf"(?<![\p{{L}}\p{{N}}@.\-])(?i:{re.escape(low)})(?![\p{{L}}\p{{N}}@\-])"
                )
                known = self.lexicon.is_known(low)
                for m in word.finditer(text):
                    said = m.group(0)
                    if not (said[0].isupper() or (lower and not known)):
                        continue
                    if any(s < m.end() and m.start() < e for s, e in taken):
                        continue
                    extra.append(
                        Detection(m.start(), m.end(), PERSON, 0.6, EMAIL_NAME, SCORER_RANK)
                    )
                    taken.append((m.start(), m.end()))
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _coordinated_names(self, text: str, detections: list[Detection]) -> list[Detection]:
        """A common first name joined by "and" or "or" to a detected name, or by "and" to
        "me" or "I", is a name too, in any case ("my foster carers sue and Phil", "me and
        chance got tight")."""
        taken = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        seeds = [(d.start, d.end, False) for d in detections if d.type == PERSON]
        seeds += [(m.start(1), m.end(1), True) for m in _ME_OR_I.finditer(text)]
        for seed_start, seed_end, me in sorted(seeds):
            before = _COORD_BEFORE.search(text, max(0, seed_start - 40), seed_start)
            after = _COORD_AFTER.match(text, seed_end)
            for m in (before, after):
                if m is None or any(s < m.end(1) and m.start(1) < e for s, e in taken):
                    continue
                if me and "and" not in m.group(0).lower().split():
                    continue  # "me or", "i &": only "me and", "and i"
                word = m.group(1)
                low = word.lower()
                if low in STOP_WORDS or low in KIN_AND_TITLES or self._allowed(word):
                    continue
                name = self.gazetteer.get(low)
                common = 0 < name.first_gb <= COORDINATED_NAME_RANK
                # Beside "me", a first name given in many countries will do ("me and chance").
                wide = 0 < name.first_best <= WIDE_NAME_RANK and (
                    name.first_countries >= WIDE_NAME_COUNTRIES
                )
                if common or (me and wide):
                    extra.append(
                        Detection(m.start(1), m.end(1), PERSON, 0.6, COORDINATED_NAME, SCORER_RANK)
                    )
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _listed_names(self, text: str, detections: list[Detection]) -> list[Detection]:
        """A capitalised word at the start or end of a list of two or more detected names
        is a name too, if it is a first name given in many countries or no English word
        ("Three boys. Shahed, Rumon, Ashik.")."""
        persons = sorted((d.start, d.end) for d in detections if d.type == PERSON)
        starts = {s for s, _ in persons}
        ends = {e for _, e in persons}
        taken = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        for start, end in persons:
            join_after = _LIST_JOIN_AFTER.match(text, end)
            join_before = _LIST_JOIN_BEFORE.search(text, max(0, start - 8), start)
            candidates = []
            if join_after and join_after.end() in starts:
                candidates.append(_LIST_NAME_BEFORE.search(text, max(0, start - 40), start))
            if join_before and join_before.start() in ends:
                candidates.append(_LIST_NAME_AFTER.match(text, end))
            for m in candidates:
                if m is None or any(s < m.end(1) and m.start(1) < e for s, e in taken):
                    continue
                if self._list_name(m.group(1)):
                    taken.append((m.start(1), m.end(1)))
                    extra.append(
                        Detection(m.start(1), m.end(1), PERSON, 0.6, COORDINATED_NAME, SCORER_RANK)
                    )
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _list_name(self, word: str) -> bool:
        low = word.lower()
        if low in STOP_WORDS or low in KIN_AND_TITLES or low in GENERIC_LABEL_WORDS:
            return False
        if low in NON_NAME_CAPS or self._allowed(word) or self.lexicon.is_common(low):
            return False
        name = self.gazetteer.get(low)
        wide = 0 < name.first_best <= WIDE_NAME_RANK and name.first_countries >= WIDE_NAME_COUNTRIES
        return wide or not self.lexicon.is_known(low)

    def _coordinated_ages(self, text: str, detections: list[Detection]) -> list[Detection]:
        """An age said next to a detected age is an age too: "sixteen or seventeen-year-old",
        "nineteen, twenty", "thirty-four, thirty-five maybe"."""
        taken = [(d.start, d.end) for d in detections]
        extra: list[Detection] = []
        for det in detections:
            if det.type != AGE:
                continue
            found = [_AGE_BEFORE.search(text, max(0, det.start - 40), det.start)]
            found.append(_AGE_AFTER.match(text, det.end))
            for m in found:
                if m is None or any(s < m.end("num") and m.start("num") < e for s, e in taken):
                    continue
                value = number_value(m.group("num"))
                join = m.group("join").strip().lower()
                if value is None or not MIN_AGE <= value <= MAX_AGE:
                    continue
                if m.group("num").lower() in ("hundred", "thousand"):
                    continue  # "eleven hundred fifty": an amount
                if not join and (m.group("num").isdigit() or value < 13):
                    continue
                if value < 10 and join in ("", ",", "and"):
                    # "fifteen, three of us": small numbers only in a range ("five or six").
                    continue
                seed = number_value(text[det.start : det.end])
                rising = m is found[1]
                if (
                    join not in ("", ",", "and", "or", "or maybe")
                    and seed is not None
                    and ((value <= seed) if rising else (value >= seed))
                ):
                    continue  # "twenty to one" is a time; a range rises
                extra.append(
                    Detection(m.start("num"), m.end("num"), AGE, 0.6, COORDINATED_AGE, SCORER_RANK)
                )
                taken.append((m.start("num"), m.end("num")))
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _the_capitalised(self, text: str, doc: Doc, detections: list[Detection]) -> list[Detection]:
        """A capitalised English noun after a lower-case "the" inside a sentence names a
        place or a service ("up by the Forest", "a woman at the Lantern", "in the
        Bullring"), unless it is a nationality, a language, a date, a generic word for a
        service, a role or a medicine, or it describes the noun after it ("the Italian
        restaurant"). A word that begins a longer name found in the text is one whatever
        spaCy made of it ("the Harbour" after "Harbour Refugee Support")."""
        taken = [(d.start, d.end) for d in detections]
        leading = {
            words[0]
            for d in detections
            if d.type in (ORGANIZATION, LOCATION)
            and len(words := text[d.start : d.end].split()) > 1
            and words[0][:1].isupper()
        }
        extra: list[Detection] = []
        for m in _THE_CAPITALISED.finditer(text):
            span = doc.char_span(m.start(1), m.end(1))
            if span is None or len(span) != 1 or span.start == 0:
                continue
            tok = span[0]
            prev, word = doc[tok.i - 1], tok.text
            if (
                prev.text != "the"
                or (tok.ent_type_ in _NOT_NAMED_ENTS and word not in leading)
                or not self.lexicon.is_known(word)
                or word.lower() in _NOT_NAMED_AFTER_THE
                or is_medicine(word)
                or any(s < tok.idx + len(word) and tok.idx < e for s, e in taken)
            ):
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            after = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
            if nxt is not None and (
                nxt.like_num
                or (nxt.is_alpha and (nxt.text[0].isupper() or nxt.pos_ == "NOUN"))
                # "the Jobs and Benefits office": the start of a longer name.
                or (nxt.lower_ in ("and", "&", "of") and after is not None and after.is_title)
            ):
                continue
            extra.append(
                Detection(tok.idx, tok.idx + len(word), ORGANIZATION, 0.5, THE_NAMED, SCORER_RANK)
            )
        extra = self._outside_allowed(text, extra)
        return resolve_overlaps(text, detections + extra) if extra else detections

    def _gazetteer_places(
        self, text: str, detections: list[Detection]
    ) -> tuple[list[Detection], list[Detection]]:
        """Place names of the British Isles (and countries) that nothing detected, from the
        gazetteer. Detected: in a text typed in lower case, where spaCy does not see them, a
        word that is no English word anywhere ("colchester") or a noun after "in", "from"
        or "and" ("in harlow"); elsewhere, a capitalised word inside a sentence that is not
        an ordinary word or a common name ("a Cork man"); after "county" or "Co.", with it
        ("county mayo"). Smaller places, and the rest, are possible misses for the
        reviewer."""
        lower = typed_in_lower_case(text)
        allowed = self._allowed_spans(text)
        detections, sure, unsure = self._gazetteer_place_phrases(text, detections, allowed)
        covered = [(d.start, d.end) for d in detections + sure + unsure]
        for m in _PLACE_WORD.finditer(text):
            word = m.group(0)
            low = word.lower()
            if low in STOP_WORDS or len(low) < 3 or low in _MONTH_WORDS:
                continue
            short = len(low) < MIN_PLACE_LETTERS  # "ayr": only in lower case, after "in"
            if short and not (lower and word.islower()):
                continue
            stats = self.gazetteer.get(low)
            if not stats.place:
                continue
            if any(s <= m.start() and m.end() <= e for s, e in allowed):
                continue  # "Clare" of "Clare's Law"
            common = self.lexicon.is_common(low)
            # "county mayo", "Co. Down": a county is a place, named with its word.
            county = _COUNTY_BEFORE.search(text, max(0, m.start() - 8), m.start())
            if county and not (common and word.islower()) and not self._allowed(word):
                sure.append(
                    Detection(county.start(), m.end(), LOCATION, 0.6, GAZETTEER_PLACE, SCORER_RANK)
                )
                continue
            # An ordinary word only as a large place, capitalised inside a sentence ("a
            # Cork man"); never in lower case ("a cork board"), nor as a possible miss.
            if common and (stats.place < COMMON_WORD_PLACE_SIZE or not word[:1].isupper()):
                continue
            if any(s < m.end() and m.start() < e for s, e in covered):
                continue
            if self._allowed(word):
                continue
            big = stats.place >= DETECTED_PLACE_SIZE
            if word.islower() and lower:
                after_place_word = _PLACE_PREPOSITION.search(
                    text, max(0, m.start() - 12), m.start()
                )
                unknown = not self.lexicon.is_known(low)
                into = bool(after_place_word) and bool(
                    _TO_OR_FROM.search(after_place_word.group(0))
                )
                if short and not (big and into):
                    continue
                sure_place = big and (unknown or bool(after_place_word))
                # A smaller place that is no English word, after "in", "fae", "out of".
                sure_place = sure_place or (unknown and into)
            elif word[0].isupper() and word[1:].islower():
                named = 0 < stats.first_gb <= COMMON_NAME_RANK * 5
                named = named or 0 < stats.last_gb <= COMMON_NAME_RANK * 5
                sure_place = big and not named and not at_sentence_start(text, m.start())
            else:
                continue
            if sure_place:
                sure.append(
                    Detection(m.start(), m.end(), LOCATION, 0.6, GAZETTEER_PLACE, SCORER_RANK)
                )
            elif stats.place >= POSSIBLE_PLACE_SIZE and not common:
                unsure.append(
                    Detection(m.start(), m.end(), LOCATION, 0.3, GAZETTEER_PLACE, SCORER_RANK)
                )
        dets = resolve_overlaps(text, detections + sure) if sure else detections
        return dets, unsure

    def _gazetteer_place_phrases(
        self, text: str, detections: list[Detection], allowed: list[tuple[int, int]]
    ) -> tuple[list[Detection], list[Detection], list[Detection]]:
        """Place names of two to four words ("ellesmere port", "Stoke Newington") that
        nothing detected whole: detected when capitalised, or in lower case after "in",
        "from" or the like, or with a word that is no English word; otherwise a possible
        miss. A place detected inside one ("newington") gives way to it. Returns the
        detections without those, the places detected and the possible misses."""
        sure: list[Detection] = []
        unsure: list[Detection] = []
        inside: set[int] = set()
        words = list(_PLACE_WORD.finditer(text))
        starts = self.gazetteer.phrase_starts()
        i = 0
        while i < len(words):
            found = None
            if words[i].group(0).casefold() not in starts:
                i += 1
                continue
            for size in (4, 3, 2):
                group = words[i : i + size]
                if len(group) < size or not all(
                    _PLACE_JOIN.fullmatch(text, a.end(), b.start())
                    for a, b in itertools.pairwise(group)
                ):
                    continue
                start, end = group[0].start(), group[-1].end()
                stats = self.gazetteer.get(place_key(text[start:end]))
                if stats.place >= POSSIBLE_PLACE_SIZE:
                    found = (size, start, end, stats.place)
                    break
            if found is None:
                i += 1
                continue
            size, start, end, place = found
            i += size
            clash = any(
                d.start < end
                and start < d.end
                and not (d.type == LOCATION and start <= d.start and d.end <= end)
                for d in detections
            )
            if clash or any(s < end and start < e for s, e in allowed):
                continue
            if self._allowed(text[start:end]):
                continue
            names = [w.group(0) for w in words[i - size : i]]
            capitalised = all(w[0].isupper() for w in names if w.lower() not in _PLACE_LINKS)
            before = _PLACE_PREPOSITION.search(text, max(0, start - 12), start)
            unknown = any(not self.lexicon.is_known(w.lower()) for w in names)
            if place >= DETECTED_PLACE_SIZE and (capitalised or before or unknown):
                inside.update(
                    j
                    for j, d in enumerate(detections)
                    if start <= d.start and d.end <= end and d.type == LOCATION
                )
                sure.append(Detection(start, end, LOCATION, 0.6, GAZETTEER_PLACE, SCORER_RANK))
            else:
                unsure.append(Detection(start, end, LOCATION, 0.3, GAZETTEER_PLACE, SCORER_RANK))
        kept = [d for j, d in enumerate(detections) if j not in inside]
        return kept, sure, unsure

    def _name_or_month(self, word: str) -> bool:
        """Whether ``word`` is a first name ranked high somewhere or another language's
        month: a name, whichever dictionary lists it."""
        return self._wide_first_name(word) or word in other_language_months()

    def _wide_first_name(self, word: str) -> bool:
        """Whether ``word`` is a first name ranked high in some country ("crystal")."""
        return 0 < self.gazetteer.get(word).first_best <= WIDE_NAME_RANK

    def _name_neighbour(
        self, text: str, pos: int, word: str, taken: list[tuple[int, int]], own: int
    ) -> bool:
        low = word.lower()
        if low in STOP_WORDS or low in NON_NAME_CAPS or low in KIN_AND_TITLES:
            return False
        if low in GENERIC_LABEL_WORDS or low in _MONTH_WORDS or self._allowed(word):
            return False
        if any(s <= pos < e for j, (s, e) in enumerate(taken) if j != own):
            return False
        return not at_sentence_start(text, pos) or not self.lexicon.is_known(low)

    def _artifacts(self, texts: Sequence[str]) -> list[NlpArtifacts]:
        """spaCy's analysis of each text on its own: in a batch, a text's tags and parse
        can change in the last decimal places with its neighbours, and so could what is
        masked, which must depend on the text alone."""
        with one_blas_thread():
            return [self.nlp_engine.process_text(t, "en") for t in texts]

    def _analyze(
        self, text: str, artifacts: NlpArtifacts
    ) -> tuple[list[Detection], list[Detection]]:
        """Detections and possible misses in one text (or one piece of a long text)."""
        results: list[RecognizerResult] = self.analyzer.analyze(
            text=text,
            language="en",
            entities=self.entities,
            nlp_artifacts=artifacts,
            score_threshold=self.config.score_threshold,
        )
        dets: list[Detection] = []
        for res in results:
            name = (res.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
            dets.extend(self._clean(text, res, str(name)))
        scored, possible = self._scored(text, artifacts)
        dets = self._outside_allowed(text, dets)
        scored = self._outside_allowed(text, scored)
        possible = self._outside_allowed(text, possible)
        foreign = self._other_language_words(text)
        if foreign:
            dets, scored, possible = (
                [d for d in group if not _in_other_language(text, d, foreign)]
                for group in (dets, scored, possible)
            )
        dets = extend_possessives(
            text, _whole_hyphenated(text, dets + _outside_dates(dets, scored))
        )
        dets = self._extend_names(text, resolve_overlaps(text, dets))
        dets = self._listed_names(text, self._coordinated_names(text, dets))
        dets = _repeated_ages(text, self._coordinated_ages(text, _ages_of_people(text, dets)))
        doc = artifacts.tokens if isinstance(artifacts.tokens, Doc) else None
        dets = self._names_with_an_s(text, doc, self._first_and_surnames(text, dets))
        dets = self._names_in_email_addresses(text, dets)
        dets, places = self._gazetteer_places(text, dets)
        if doc is not None:
            dets = self._the_capitalised(text, doc, dets)
        return dets, possible + places + _lone_letters(text, dets)

    def _other_language_words(self, text: str) -> list[tuple[int, int]]:
        """Words of Welsh, Irish or Gaelic that the speaker switched into
        (:mod:`qualkit.deid.codeswitch`)."""
        langs = self.config.code_switch_languages
        if not langs:
            return []
        found = self._foreign_cache.get(text)
        if found is None:
            found = other_language_words(text, self.lexicon.is_known, langs, self._name_or_month)
            if len(self._foreign_cache) >= ALLOWED_CACHE_TEXTS:
                del self._foreign_cache[next(iter(self._foreign_cache))]
            self._foreign_cache[text] = found
        return found

    def _scored(
        self, text: str, artifacts: NlpArtifacts
    ) -> tuple[list[Detection], list[Detection]]:
        """The token scorer's detections (words likely part of a name, place,
        organisation or age) and, below its threshold, possible misses for a reviewer. A
        label may have a threshold of its own (``detect_AGE``); in a text typed in lower
        case, names need less (:data:`LOWER_CASE_DETECT`)."""
        doc = artifacts.tokens
        if self.scorer is None or not isinstance(doc, Doc):
            return [], []
        detect = self.scorer.thresholds.get("detect", 0.5)
        floor = self.scorer.thresholds.get("possible", detect)
        lower = typed_in_lower_case(text)
        cased = not lower and typed_with_capitals(text)
        repeated = _repeated_subjects(doc) if lower else frozenset()
        scored = [
            (tok, label, self._risk(tok, label, p, lower, repeated))
            for tok, label, p in self.scorer.score_doc(doc, self.lexicon, self.gazetteer)
        ]
        sure: list[Detection] = []
        unsure: list[Detection] = []
        for span in merge_tokens(scored, floor):
            start, end = span.start, span.end
            if span.label != AGE:
                end = start + _before_day(text[start:end])
            if span.label != AGE and _label_words_only(text[start:end]):
                continue
            if is_cue_number(text, start, end):
                continue
            if span.label == AGE and in_dictated_run(text, start, end):
                continue  # a digit of a number read out, listed whole (possible_numbers)
            det = Detection(start, end, span.label, span.probability, SCORER_NAME, SCORER_RANK)
            if span.label == AGE and not_an_age(text, start, end):
                # "fifteen milligrams", "nineteen year", "he is king": not masked as an age,
                # but still a reviewer's call
                if self._worth_listing(text[start:end], cased):
                    unsure.append(det)
                continue
            if span.label == PERSON and self._word_in_use(text, start, end, cased):
                unsure.append(det)  # "before dawn", "the robin": a reviewer's call
                continue
            bar = self.scorer.thresholds.get(f"detect_{span.label}", detect)
            if span.label == AGE and maybe_a_time(text, start, end):
                bar = max(bar, detect)  # "at four", "nine to five": the usual bar
            if lower and span.label != AGE and not self._ordinary_words(text[start:end]):
                bar = detect * LOWER_CASE_DETECT
            if span.probability >= bar:
                sure.append(det)
            elif self._worth_listing(text[start:end], cased):
                unsure.append(det)
        return sure, unsure

    def _worth_listing(self, surface: str, cased: bool) -> bool:
        """Whether a word the scorer is unsure of goes on the possible-miss list: not
        only kinds of place or service ("street", "the pharmacy"), and in a transcript
        typed with capitals, not only English words in lower case ("the bedroom")."""
        words = [w.lower() for w in _ALLOW_WORD.findall(surface)]
        kinds = [w for w in words if w not in STOP_WORDS]
        if kinds and all(w in _GENERIC_PLACE_WORDS or w in _PLACE_KINDS for w in kinds):
            return False
        return not (cased and surface.islower() and all(self.lexicon.is_known(w) for w in words))

    def _word_in_use(self, text: str, start: int, end: int, cased: bool = False) -> bool:
        """Whether ``text[start:end]`` is one lower-case English word used as a word: after
        a word that makes it one, or inside a sentence of a transcript typed with capitals
        ("Mum, grace ain't gonna find me a flat")."""
        surface = text[start:end]
        return (
            surface.islower()
            and surface.isalpha()
            and self.lexicon.is_known(surface)
            and (used_as_a_word(text, start) or (cased and not at_sentence_start(text, start)))
        )

    def _ordinary_words(self, surface: str) -> bool:
        """Whether every word of ``surface`` is an ordinary English word (not a noun)."""
        return all(self.lexicon.is_common(w) for w in _ALLOW_WORD.findall(surface))

    def _risk(
        self,
        tok: Token,
        label: str,
        p: float,
        lower: bool = False,
        repeated: frozenset[str] = frozenset(),
    ) -> float:
        """The scorer's probability, raised to the possible-miss floor for a word that is
        a common British first name or surname written where a name can stand (a noun, in
        any case): a reviewer should see it even when the scorer doubts it. In a text
        typed in lower case (``lower``) the scorer's doubt counts for less, and the subject
        of a clause that is a first name used in many countries is offered too (if it is
        an ordinary word, only when it is the subject of several clauses: ``repeated``)."""
        floor = self.scorer.thresholds.get("possible", 1.0) if self.scorer else 1.0
        if p >= floor:
            return p
        low = tok.lower_
        if low in STOP_WORDS or len(low) < 3:
            return p
        if lower and self._unknown_noun(tok) and label in _NAME_TYPES:
            return floor  # a word no dictionary knows, where a name can stand
        if label != PERSON and low not in repeated:
            return p
        name = self.gazetteer.get(low)
        ordinary = self.lexicon.is_common(low) and low not in repeated
        if lower and tok.dep_ in _SUBJECTS and not ordinary:
            # The subject of a clause that is a first name in many countries.
            wide = name.first_countries >= WIDE_NAME_COUNTRIES
            # A word used as a subject again and again needs a less popular name.
            rank = SUBJECT_NAME_RANK * (2 if low in repeated else 1)
            if wide and 0 < name.first_best <= rank:
                return floor
        if tok.pos_ not in ("NOUN", "PROPN") or label != PERSON:
            return p
        common = 0 < name.first_gb <= COMMON_NAME_RANK or 0 < name.last_gb <= COMMON_NAME_RANK
        least = floor / (LOWER_CASE_DOUBT if lower else 4)
        return max(p, floor) if common and p >= least else p

    def _unknown_noun(self, tok: Token) -> bool:
        """A lower-case word that no dictionary knows, no medicine and not allowed, used
        where a name can stand (a subject, an object, after a preposition, in apposition)."""
        return (
            tok.is_lower
            and tok.is_alpha
            and tok.dep_ in _NAME_SLOTS
            and not self.lexicon.is_known(tok.text)
            and not is_medicine(tok.text)
            and not self._allowed(tok.text)
        )

    def _clean(self, text: str, res: RecognizerResult, name: str) -> list[Detection]:
        """Tidy one raw result: trim, split at line breaks, drop known false positives."""
        out: list[Detection] = []
        rank = rank_of(name)
        pieces = _split_lines(text, res.start, res.end)
        for start, end in pieces:
            if name == "SpacyRecognizer":
                start, end = trim_span(text, start, end)
            else:
                start, end = _trim_space(text, start, end)
            if end <= start:
                continue
            surface = text[start:end]
            if name == "SpacyRecognizer":
                cleaned = self._clean_ner(text, start, end, res.entity_type)
                if cleaned is None:
                    continue
                start, end = cleaned
                surface = text[start:end]
            if res.entity_type == URL and _URL_CUT.match(text, end):
                continue  # cut off inside a word: "blessings.mu" of "blessings.mumz", or
                # before more of a handle: "ryan.mc" of "ryan.mc.2001"
            if res.entity_type == URL and not _URL_STRONG.search(surface):
                host = surface.split(".")[0]
                if len(host) < 3 or not any(c.isalpha() for c in surface.split(".")[-1]):
                    continue
            out.append(Detection(start, end, res.entity_type, float(res.score), name, rank))
        return out

    def _clean_ner(self, text: str, start: int, end: int, etype: str) -> tuple[int, int] | None:
        """spaCy's entities, minus what the small model gets wrong in transcripts."""
        surface = text[start:end]
        lead = _LEADING_WORDS.match(surface)
        if lead:
            start += lead.end()
            surface = text[start:end]
        if not surface:
            return None
        first = surface.split(maxsplit=1)
        if first and PRONOUN_AND_VERB.fullmatch(first[0]):
            # "Ah'd park", "Ah'm Alec": a pronoun and its verb begin no name
            if len(first) == 1:
                return None
            start = end - len(first[1])
            surface = text[start:end]
            first = surface.split(maxsplit=1)
        if etype == PERSON and len(first) == 2 and first[0].lower() in TITLES_APART:
            start = end - len(first[1])  # "Doña Gladys": the title stays outside the name
            surface = text[start:end]
        if etype == DATE_TIME:
            # Only calendar dates; relative ones ("last week", "two years") are kept, and
            # so are clock times and cue timings ("00:02:38.300").
            date = _MONTH_OR_YEAR.search(surface) and not _CLOCK.fullmatch(surface)
            if not date and (day := WEEKDAY_AND_DAY.search(surface)):
                return start + day.start(), start + day.end()  # "next Tuesday the 19th"
            return (start, end) if date else None
        if not any(ch.isalpha() for ch in surface):
            return None
        if etype != DATE_TIME:
            end = start + _before_day(surface)  # "Totnes Saturdays": a place, then when
            surface = text[start:end]
        if _NOTE_VERB.match(surface) and _IN_BRACKETS.search(text, max(0, start - 40), start):
            return None  # a transcriber's note: "[Speaks Romanian at length]"
        if etype in (PERSON, LOCATION, ORGANIZATION) and self._not_a_name(text, start, end, etype):
            return None
        return start, end

    def _kin_word_as_name(self, text: str, start: int, words: list[str]) -> bool:
        """A capitalised kinship word that is also a common British first name, right after
        a word for a sibling, partner, child or friend ("his sister Nan")."""
        if len(words) != 1 or not words[0][:1].isupper():
            return False
        if not _PEER_KIN_BEFORE.search(text, max(0, start - PEER_KIN_CHARS), start):
            return False
        return 0 < self.gazetteer.get(words[0].lower()).first_gb <= BRITISH_NAME_RANK

    def _not_a_name(self, text: str, start: int, end: int, etype: str) -> bool:
        """Whether spaCy's person, place or organisation is no name: digits in a person,
        label words, stop words, lower-case English words, a short acronym, kinship words,
        a phrase of function and dialect words,
        a transcript or dialect word opening a sentence that is written in lower case
        elsewhere ("Ye can stop"), or an ordinary word said on its own ("Nah.", "Lush,
        okay")."""
        surface = text[start:end]
        words = surface.split()
        lowered = [w.lower().strip(".,'’") for w in words]
        if any(ch.isdigit() for ch in surface) and etype == PERSON:
            return True
        if all(w in GENERIC_LABEL_WORDS or w in NON_NAME_CAPS for w in lowered):
            # A label's word ("Tel:") is a short name when greeted: "ey up Tel, what took yer"
            return not (
                len(words) == 1
                and lowered[0] not in NON_NAME_CAPS
                and words[0][:1].isupper()
                and _GREETING_BEFORE.search(text, max(0, start - GREETING_CHARS), start)
                and not text.startswith(":", end)
            )
        if all(w in STOP_WORDS for w in lowered) and (
            not surface[0].isupper() or at_sentence_start(text, start)
        ):
            return True
        if not any(w[:1].isupper() for w in words) and all(
            self.lexicon.is_known(w) for w in lowered
        ):
            return True
        if len(words) == 1 and letter_in_the_plural(text, start, surface):
            return True  # "B&Bs"
        if len(words) == 1 and surface.isupper() and len(surface) <= 4:
            return etype != PERSON or not _initials(surface)  # "R.M." is someone
        if all(w in KIN_AND_TITLES for w in lowered):
            return not self._kin_word_as_name(text, start, words)
        if (
            len(words) > 1
            and all(w in STOP_WORDS or w in _SPOKEN_WORDS for w in lowered)
            and any(w in _SPOKEN_WORDS for w in lowered)
        ):
            return True  # "Ah am noo": no one's name
        if (
            len(words) == 1
            and (lowered[0] in TRANSCRIPT_WORDS or lowered[0] in DIALECT_WORDS)
            and at_sentence_start(text, start)
            and re.search(rf"(?<![\p{{L}}'’]){re.escape(lowered[0])}(?![\p{{L}}'’])", text)
        ):
            return True  # "Ye can stop any time" where "ye" is written in lower case too
        return (
            len(words) == 1
            and at_sentence_start(text, start)
            and _SAID_ALONE.match(text, end) is not None
            and self.lexicon.is_common(lowered[0])
        )

    def _allowed_spans(self, text: str) -> list[tuple[int, int]]:
        """Where allowed terms and Acts of Parliament occur in ``text`` ("Waltham Forest"): a
        mention of a value inside one ("Waltham") is part of an allowed name, not an
        identifier."""
        if self._allow_re is None and not self._allow_words:
            return [m.span() for m in _LAW_ANYWHERE.finditer(text)]
        spans = self._allowed_cache.get(text)
        if spans is None:
            spans = [
                (s, e)
                for s, e in _phrase_spans(self._allow_re, self._allow_firsts, text)
                if not (_name_cased(text[s:e]) and text[s:e].casefold() in self._acronyms)
            ]
            spans += [m.span() for m in _LAW_ANYWHERE.finditer(text)]
            spans.sort()
            # Offsets hold in the case-folded text unless folding changed its length ("ß").
            folded = text.casefold() if text.isascii() else text.lower()
            if len(folded) == len(text) and self._allow_words.intersection(
                _ALLOW_WORD.findall(folded)
            ):
                words = _ALLOW_WORD.finditer(folded)
                spans += [m.span() for m in words if m.group(0) in self._allow_words]
                spans.sort()
            if len(self._allowed_cache) >= ALLOWED_CACHE_TEXTS:
                del self._allowed_cache[next(iter(self._allowed_cache))]
            self._allowed_cache[text] = spans
        return spans

    def _outside_allowed(self, text: str, detections: Iterable[Detection]) -> list[Detection]:
        """The detections with allowed names cut out of them: a detection that is wholly
        allowed goes, and a name that runs on past an allowed name, set apart from it by a
        function word or a comma ("Job Centre in Leeds"), keeps only the part outside it
        ("Leeds"). An allowed word inside a longer name ("HMP Bristol", "the University of
        Winchester") keeps it whole."""
        inside = self._allowed_spans(text)
        out: list[Detection] = []
        for det in detections:
            if self._allowed(text[det.start : det.end]) or _within(det, inside):
                continue
            if self._study_area_short_form(text, det):
                continue
            cuts = sorted((s, e) for s, e in inside if s < det.end and e > det.start)
            if cuts and _only_generic_outside(text, det, cuts):
                continue  # "National Lottery funding" found as "Lottery funding"
            listed = bool(cuts) and self._places_outside(text, det, cuts)
            if det.type == ORGANIZATION and any(
                _KIND_OF.search(text, det.start, s) for s, _ in cuts
            ):
                out.append(det)  # "the University of Winchester" names one place
                continue
            if (
                not cuts
                or det.type not in _NAME_TYPES
                or not (listed or all(_set_apart(text, det, s, e) for s, e in cuts))
            ):
                out.append(det)
                continue
            pos = det.start
            for s, e in [*cuts, (det.end, det.end)]:
                start, end = _trim_filler(text, pos, min(s, det.end))
                if start < end and not self._allowed(text[start:end]):
                    out.append(
                        replace(det, start=start, end=end, type=LOCATION)
                        if listed
                        else replace(det, start=start, end=end)
                    )
                pos = max(pos, e)
        return out

    def _places_outside(self, text: str, det: Detection, cuts: Sequence[tuple[int, int]]) -> bool:
        """Whether every word of ``det`` outside the allowed spans ``cuts`` names a place,
        as in places typed in lower case and listed without commas ("st helens runcorn
        warrington"): the allowed place stands apart from them. (Capitalised, the words
        make one name: "Fulham Broadway".)"""
        if not text[det.start : det.end].islower():
            return False
        pos, outside = det.start, []
        for s, e in [*cuts, (det.end, det.end)]:
            outside += _ALLOW_WORD.findall(text, pos, max(pos, min(s, det.end)))
            pos = max(pos, e)
        return bool(outside) and all(
            self.gazetteer.get(w.lower()).place
            and not self.lexicon.is_common(w)
            and w.lower() not in _STREET_WORDS
            for w in outside
        )

    def _study_area_short_form(self, text: str, det: Detection) -> bool:
        """Whether a place or organisation found is a short form of one of the study's own
        areas ("Donny", "Killie", "MK", "Stoke", "Merthyr"): the study's areas are reported
        openly. A pet form or a first word must be no English word, no place and no common
        British name ("Carly" is not Carlisle's). A person found with such a word is still a
        person, unless the word is no British name at all and follows a word for going to
        or being in a place ("down Ponty"), or comes before a word for a part of a place
        ("the Merthyr end")."""
        if not self.lists.allow or det.type not in _NAME_TYPES:
            return False
        word = text[det.start : strip_possessive(text, det.start, det.end)]
        for area in self.lists.allow:
            form = short_form_of(word, area)
            if form is None:
                continue
            low = word.lower()
            name = self.gazetteer.get(low)
            if form in ("pet", "head"):
                if self.lexicon.is_known(low) or name.place:
                    continue
                if 0 < name.first_gb <= AREA_NAME_RANK or 0 < name.last_gb <= AREA_NAME_RANK:
                    continue
            if det.type in _PLACE_TYPES:
                return True
            if name.first_gb or name.last_gb:
                continue
            if _TO_A_PLACE.search(text, max(0, det.start - 12), det.start):
                return True
            if _PART_OF_A_PLACE.match(text, det.end):
                return True
        return False

    def _allowed(self, surface: str) -> bool:
        """Whether a detection names nothing that identifies anyone (a possessive aside):
        a law, only allow-listed terms, medicines and filler words, or an allow-listed name
        with a generic word for a place after it ("a Home Office house")."""
        surface = surface[: strip_possessive(surface, 0, len(surface))]
        if len(surface.rstrip(".")) == 1 or _initials(surface):
            return False  # an initial ("S.", "R.M."), not the filler "s" or "m"
        if _name_cased(surface) and surface.casefold() in self._acronyms:
            return False  # "Raf", not the RAF
        if _LAW.fullmatch(" ".join(surface.split())):
            return True
        # The county around one of the study's own areas ("county Armagh"), or named
        # after it ("Worcestershire").
        around = _AREA_AROUND.fullmatch(" ".join(surface.split()))
        if around and around.group("area").casefold() in self._study_areas:
            return True
        shire = surface.casefold()
        if shire.endswith("shire") and shire.removesuffix("shire") in self._study_areas:
            return True
        rest = self._allow_re.sub(" ", surface) if self._allow_re is not None else surface
        words = [
            w
            for w in _ALLOW_WORD.findall(rest)
            if w.lower() not in _FILLER and not _LAUGHTER.fullmatch(w)
        ]
        some_allowed = rest != surface or any(w.casefold() in self._allow_words for w in words)
        words = [w for w in words if w.casefold() not in self._allow_words]
        leftover = [w for w in words if not is_medicine(w)]
        if not leftover:
            return True
        if not some_allowed:
            return False
        if all(w in _GENERIC_PLACE_WORDS for w in leftover):
            return True
        # An allowed area's council and its departments ("Warrington Borough Council").
        council = any(w.lower() == "council" for w in _ALLOW_WORD.findall(surface))
        return council and all(w.lower() in _COUNCIL_WORDS for w in leftover)


class OrderedRegistry(RecognizerRegistry):
    """Presidio's registry, handing out its recognizers in a fixed order (qualkit's own
    first, then by name). Presidio collects them in a set, whose order changes from one
    process to the next, and keeps whichever of two equal results comes first, so the
    recognizer credited with a detection (and what propagation trusts) could change."""

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        found = super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        return sorted(
            found,
            key=lambda r: (
                not isinstance(r, QualkitRecognizer),
                str(getattr(r, "name", "")),
                tuple(r.supported_entities),
            ),
        )


@dataclass
class Analysis:
    """What detection found in one text: the identifiers to mask, and the spans a reviewer
    should look at because they might be identifiers too (``possible``)."""

    detections: list[Detection]
    possible: list[Detection] = field(default_factory=list)


def _repeated_subjects(doc: Doc) -> frozenset[str]:
    """Lower-case words that are the subject of a clause more than once in a text ("chance
    was in my home", "chance knew people"): told apart from ordinary words by use."""
    counts = Counter(t.lower_ for t in doc if t.dep_ in _SUBJECTS and t.is_lower and t.is_alpha)
    return frozenset(w for w, n in counts.items() if n >= REPEATED_SUBJECT and w not in STOP_WORDS)


# How often a lower-case word must be a clause's subject to count as used like a name.
REPEATED_SUBJECT = 2

# A greeting right before a name ("ey up Tel,", "cheers Del").
_GREETING_BEFORE = re.compile(rf"(?i)\b{GREETING}[ ]*,?[ ]+$")
GREETING_CHARS = 16
# A word for a sibling, partner, child or friend, right before a name ("his sister Nan").
_PEER_KIN_BEFORE = re.compile(
    r"(?i)\b(?:sister|brother|cousin|wife|husband|daughter|son|niece|nephew|friend|mate|pal"
    r"|partner|girlfriend|boyfriend)[ ]+$"
)
PEER_KIN_CHARS = 20
_SPOKEN_WORDS = NON_NAME_CAPS | DIALECT_WORDS | frozenset(TRANSCRIPT_WORDS)
# A first name's initial with its full stop before a surname, after a space: "put M.
# Duthie on it" (not "I.", "A." or the end of "A&E.").
_INITIAL_BEFORE = re.compile(r"(?:^|(?<=[\s(\[\x22“‘]))(?![IA]\.)\p{Lu}\.[ ]$", re.MULTILINE)
# A surname's initial after a first name, ending its phrase: "Dávid H. Year 4", "Amber K".
# Not "I" or "A", which are words.
_INITIAL_AFTER = re.compile(r"[ ](?![IA]\b)\p{Lu}\.?(?=[ ]*(?:[,;:!?)\n]|$)|\.[ ]|[ ]+\p{Lu})")
_HYPHEN_TAIL = re.compile(r"(?:-\p{L}+)+")
_HYPHEN_HEAD = re.compile(r"(?:\p{L}+-)+$")


def _only_generic_outside(text: str, det: Detection, cuts: Sequence[tuple[int, int]]) -> bool:
    """Whether every word of ``det`` outside the allowed spans ``cuts`` is a generic word
    for a place or for money, in lower case ("National Lottery funding"), or a word of
    where or of weight ("Outside Caerphilly", "Mainly Leek")."""
    pos, outside = det.start, []
    for s, e in [*cuts, (det.end, det.end)]:
        outside += _ALLOW_WORD.findall(text, pos, max(pos, min(s, det.end)))
        pos = max(pos, e)
    # In lower case only: "Warrington Hospital" is a name, "a Home Office house" is not.
    words = [w for w in outside if w.lower() not in _FILLER]
    return all(
        w in _GENERIC_PLACE_WORDS or w in _MONEY_WORDS or w.lower() in _WHERE_WORDS for w in words
    )


def _kinds_after(text: str, detections: list[Detection]) -> list[Detection]:
    """A capitalised name takes in a lower-case word for its kind right after it: an
    organisation ("Fenmarsh growers", "the Hollybrook campus") or a place ("Jalandhar
    district"), whatever type the name alone was given. A place or organisation written in
    lower case takes in a kind of organisation ("oakfield green primary", "nestwell
    lodgings"), and "saint" before it. Not after "a" or "an" ("a Manchester hospital" is
    any hospital there)."""
    taken = [(d.start, d.end) for d in detections]
    out: list[Detection] = []
    changed = False
    for i, det in enumerate(detections):
        cased = text[det.start : det.start + 1].isupper()
        m = (_KIND_AFTER if cased else _LOWER_KIND_AFTER).match(text, det.end)
        if (
            m is not None
            and det.type in (_NAMED_BEFORE_KINDS if cased else _NAMED_BEFORE_KINDS[1:])
            and (cased or text[det.start : det.end].islower())
            and not _INDEFINITE_BEFORE.search(text, max(0, det.start - 12), det.start)
            and not any(s < m.end() and det.end < e for j, (s, e) in enumerate(taken) if j != i)
        ):
            kind = ORGANIZATION if m.group("org") or m.group("modifier") else LOCATION
            det = replace(det, end=m.end(), type=kind)
            changed = True
        saint = _SAINT_BEFORE.search(text, max(0, det.start - 8), det.start)
        if saint is not None and det.type == ORGANIZATION and text[det.start].islower():
            det = replace(det, start=saint.start())
            changed = True
        out.append(det)
    return resolve_overlaps(text, out) if changed else detections


def _outside_dates(rules: Sequence[Detection], scored: Sequence[Detection]) -> list[Detection]:
    """The token scorer's detections less its ages inside a date a rule found: "twenty-two"
    of "two thousand and twenty-two" is part of the year, not an age."""
    dates = [
        (d.start, d.end)
        for d in rules
        if d.type == DATE_TIME and d.rank < SCORER_RANK and d.recognizer != "SpacyRecognizer"
    ]
    if not dates:
        return list(scored)
    return [
        d for d in scored if d.type != AGE or not any(s <= d.start and d.end <= e for s, e in dates)
    ]


# A capital letter standing alone as a word ("for J that night", "what happened to J?"):
# a person a practitioner named by an initial, or nothing; a reviewer's call. Not "A", "I"
# or "O", a speaker's label ("P:"), a letter in a name or code ("B&B", "T-shirt", "U.K."),
# or what a wing, block or class is called ("C wing").
_LONE_LETTER = re.compile(
    r"(?<![\p{L}\p{N}&'’.\-/])(?![AIO]\b)\p{Lu}"
    r"(?![\p{L}\p{N}&'’\-/:]|\.\p{L}|[ ]*(?i:wing|block|ward|floor|class|grade|team|list"
    r"|road|shift|section|category|type|plan|drugs?|and[ ]+\p{Lu}\b|&)\b)"
)
LONE_LETTER_RISK = 0.1
LONE_LETTER_RECOGNIZER = "LoneLetter"


def _lone_letters(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """Capital letters standing alone and left unmasked, for the possible-miss list."""
    out = []
    for m in _LONE_LETTER.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in detections):
            continue
        if labels_a_letter(text, m.start()):
            continue
        out.append(
            Detection(
                m.start(), m.end(), PERSON, LONE_LETTER_RISK, LONE_LETTER_RECOGNIZER, SCORER_RANK
            )
        )
    return out


def _whole_hyphenated(text: str, detections: Iterable[Detection]) -> list[Detection]:
    """A name, place or organisation found in part of a hyphenated word takes the whole
    word ("Shiv" of "Shiv-awn", "Weston" of "Weston-super-Mare"), unless the whole word
    is a medicine's name."""
    out = []
    for det in detections:
        if det.type in _NAME_TYPES:
            start, end = det.start, det.end
            tail = _HYPHEN_TAIL.match(text, end) if end < len(text) and text[end] == "-" else None
            if tail and (start == 0 or text[start - 1] != "-"):
                end = tail.end()
            head = _HYPHEN_HEAD.search(text, max(0, start - 40), start) if start else None
            if head and head.end() == start and text[end - 1 : end] != "-":
                start = head.start()
            if (start, end) != (det.start, det.end):
                if is_medicine(text[start:end]):
                    continue  # "codamol" of "co-codamol"
                det = replace(det, start=start, end=end)
        out.append(det)
    return out


# Ages joined to a detected age ("sixteen or seventeen", "nineteen, twenty").
COORDINATED_AGE = "CoordinatedAge"
MIN_AGE = 1
MAX_AGE = 110


def _initials(surface: str) -> bool:
    """A person's initials with full stops ("R.M.", "R.M" trimmed), not "U.K." or "G.P."."""
    bare = surface.rstrip(".")
    return INITIALS_SHAPE.fullmatch(surface) is not None and f"{bare}." not in NOT_INITIALS


_AGE_NUMBER = r"(?P<num>\d{1,3}|\p{L}+(?:[ \-](?:one|two|three|four|five|six|seven|eight|nine))?)"
_AGE_HEDGE = r"(?:(?:about|around|like|maybe|nearly|almost|or[ ]so)[ ]+)?"
# ...not an amount or a length of time ("eight to twelve weeks", "eleven hundred").
_AGE_AFTER = re.compile(
    rf"(?i)(?P<join>[ ]*,[ ]*|[ ]+(?:or|and|to|till|until|up[ ]+to|or[ ]+maybe)[ ]+|[ ]+)"
    rf"{_AGE_HEDGE}{_AGE_NUMBER}(?![\p{{L}}\p{{N}}\-])"
    rf"(?![ ]+(?:{'|'.join(re.escape(u) for u in UNITS if u not in ('of', 'p', 'k'))})"
    r"(?![\p{L}])|[ ]+years?[ ]+(?!old\b)\p{L})"
)
_AGE_BEFORE = re.compile(
    rf"(?i)(?<![\p{{L}}\p{{N}}\-]){_AGE_NUMBER}(?P<join>[ ]*,[ ]*|[ ]+(?:or|and|to)[ ]+|[ ]+)"
    rf"{_AGE_HEDGE}$"
)

# The age of a detected person: "tiernan's seven", "Jack and Tyler, they're nine and six".
PERSON_AGE = "PersonAge"
_AGE_OF_PERSON = re.compile(
    r"(?i)(?:(?<=['’]s)|['’]s|[ ]+(?:is|was|turned|turns)"
    r"|,?[ ]+(?:they['’]re|they[ ]+are|they[ ]+were))"
    rf"[ ]+{_AGE_HEDGE}{_AGE_NUMBER}(?:[ ]+and[ ]+(?P<num2>\p{{L}}+|\d{{1,2}}))?"
    r"(?![\p{L}\p{N}\-])"
)

# "And the little one, Ionut, four.": a number set off by a comma after a person (not one
# starting a sentence), ending the clause.
_AGE_SET_OFF = re.compile(rf"(?i),[ ]+{_AGE_NUMBER}(?=[ ]*(?:[.,;:!?)]|and\b|$))", re.MULTILINE)


# "Hala is eleven, Omar seven, and Lina is three": a person and a number in a list of ages.
_AGE_IN_LIST = re.compile(rf"(?i)[ ]+{_AGE_NUMBER}(?=[ ]*(?:[.,;]|and\b))")
_LIST_COMMA = re.compile(r"[ ]*,[ ]+(?:and[ ]+)?$")


def _ages_of_people(text: str, detections: list[Detection]) -> list[Detection]:
    """A number said as what a detected person is ("aoife's eleven now and tiernan's
    seven", "Jack and Tyler, they're nine and six", "Ionut, four.", "Hala is eleven, Omar
    seven") is their age. A name detected once as a person is a person at every mention."""
    taken = [(d.start, d.end) for d in detections]
    age_ends = {d.end for d in detections if d.type == AGE}
    people = {canonical(PERSON, text[d.start : d.end]) for d in detections if d.type == PERSON}
    extra: list[Detection] = []
    for det in detections:
        person = det.type == PERSON or canonical(PERSON, text[det.start : det.end]) in people
        m = _AGE_OF_PERSON.match(text, det.end) if person else None
        if m is None and det.type == PERSON and not at_sentence_start(text, det.start):
            m = _AGE_SET_OFF.match(text, det.end)
            if m is not None and m.group("num").lower().endswith(("st", "nd", "rd", "th")):
                m = None  # "Numb, first.": an order, not an age
        if m is None and det.type == PERSON:
            comma = _LIST_COMMA.search(text, max(0, det.start - 8), det.start)
            if comma is not None and comma.start() in age_ends:
                m = _AGE_IN_LIST.match(text, det.end)
        if m is None:
            continue
        for group in ("num", "num2"):
            if group not in m.re.groupindex:
                continue
            start, end = m.start(group), m.end(group)
            value = number_value(m.group(group)) if start >= 0 else None
            if value is None or not MIN_AGE <= value <= MAX_AGE:
                continue
            if any(s < end and start < e for s, e in taken) or not age_like_after(text, end):
                continue
            extra.append(Detection(start, end, AGE, 0.6, PERSON_AGE, SCORER_RANK))
            taken.append((start, end))
    return resolve_overlaps(text, detections + extra) if extra else detections


# An age said again within this many characters of a detected age is an age too.
REPEATED_AGE = "RepeatedAge"
REPEAT_WINDOW = 300
_REPEAT_NUMBER = re.compile(
    r"(?i)(?<![\p{L}\p{N}\-:.,£$])(?P<hedge>(?:nearly|almost|turning|going[ ]+on)[ ]+)?"
    rf"(?P<num>\d{{1,3}}|{compile_words(tuple(k for k in NUMBER_WORDS if ' ' not in k))})"
    r"(?![\p{L}\p{N}\-:])"
)
_NEXT_BIRTHDAY = re.compile(
    rf"(?i)[ ]+(?:in|on|at|this|next|come)[ ]+(?:the[ ]+)?(?:{compile_words(MONTHS)}|summer|"
    r"spring|autumn|winter|christmas|birthday|year)\b"
)


# A word before a number that makes it the number of a thing, not an age.
_NUMBERED_THING = re.compile(
    r"(?i)\b(?:section|article|paragraph|clause|chapter|page|room|flat|number|no\.?|bus|route"
    r"|ward|junction|platform|year|level|tier|band|step|exit|gate|bed|cell|wing|nhs|channel"
    r"|radio|unit)[ ]+$"
)


def _repeated_ages(text: str, detections: list[Detection]) -> list[Detection]:
    """An age said again close by is an age too ("I was sixteen. Sixteen and some
    months", "Four. Yes. He was four."), and so is the next age to come ("Now six. Nearly
    seven.", "38. Thirty-nine in the summer")."""
    taken = [(d.start, d.end) for d in detections]
    extra: list[Detection] = []
    for det in detections:
        seed = number_value(text[det.start : det.end]) if det.type == AGE else None
        if seed is None or seed < 2:
            continue
        lo, hi = max(0, det.start - REPEAT_WINDOW), min(len(text), det.end + REPEAT_WINDOW)
        for m in _REPEAT_NUMBER.finditer(text, lo, hi):
            start, end = m.start("num"), m.end("num")
            if any(s < end and start < e for s, e in taken):
                continue
            value = number_value(m.group("num"))
            if value is None or not age_like_after(text, end):
                continue
            if _NUMBERED_THING.search(text, max(0, start - 12), start):
                continue  # "under Section 17", "Year 10", "room 16", "NHS 24"
            coming = (
                start > det.end
                and seed < value <= seed + 2
                and (m.group("hedge") is not None or _NEXT_BIRTHDAY.match(text, end) is not None)
            )
            if value == seed or coming:
                extra.append(Detection(start, end, AGE, 0.6, REPEATED_AGE, SCORER_RANK))
                taken.append((start, end))
    return resolve_overlaps(text, detections + extra) if extra else detections


# Where a name can stand in a parse.
_NAME_SLOTS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "npadvmod", "compound", "attr"}
)
# A capitalised English noun after "the" inside a sentence ("at the Lantern"): THE_NAMED.
_THE_CAPITALISED = re.compile(r"(?<![\p{L}'’\-])the[ ](\p{Lu}\p{Ll}{2,})(?![\p{L}'’\-])")
_NOT_NAMED_ENTS = frozenset({"NORP", "LANGUAGE", "DATE", "TIME", "EVENT", "CARDINAL", "ORDINAL"})
_NOT_NAMED_AFTER_THE = (
    frozenset(w.lower() for w in calendar.day_name)
    | frozenset(MONTHS)
    | frozenset(w for s in ORG_SUFFIXES for w in s.split())
    | frozenset(ROLE_NOUNS)
    | frozenset(KINSHIP)
    | TITLES
    | NON_NAME_CAPS
)

# Place names from the gazetteer: detected in a text typed in lower case when the place
# has at least this many people, and offered as possible misses from this many.
GAZETTEER_PLACE = "GazetteerPlace"
DETECTED_PLACE_SIZE = 10_000
# Shorter words are a place in a transcript typed in lower case only after "in", "from" or
# the like ("in ayr").
MIN_PLACE_LETTERS = 4
POSSIBLE_PLACE_SIZE = 5_000
# A place name that is also an ordinary word is a place at this size or more.
COMMON_WORD_PLACE_SIZE = 100_000
# A name of five letters or more with an "s" ("the maguires", "bernies first"): from a
# first name this common in Great Britain, or a surname this common.
NAME_WITH_S = "NameWithS"
PLURAL_FIRST_NAME_RANK = 1000
PLURAL_SURNAME_RANK = 2000
# A pet form of a study area this common in Great Britain as a first name or surname is
# taken for the name ("Carly" in a study of Carlisle).
AREA_NAME_RANK = 2000
_NAME_WITH_S = re.compile(r"(?<![\p{L}\p{N}'’\-@./])\p{L}{5,}s(?![\p{L}\p{N}'’\-@])")
_PLACE_WORD = re.compile(r"(?<![\p{L}\p{N}'’\-@./])\p{L}+(?![\p{L}\p{N}\-@])")
# A word for going to or being in a place, right before a word.
_TO_A_PLACE = re.compile(
    r"(?i)(?<![\p{L}])(?:in|into|from|fae|frae|to|at|near|outside|round|around|towards|via|"
    r"up|down)[ ]+$"
)
# A word for a part of a place, right after a word ("the Merthyr end").
_PART_OF_A_PLACE = re.compile(r"[ ]+(?:end|side|area|way)\b")
_PLACE_PREPOSITION = re.compile(
    r"(?i)(?<![\p{L}])(?:in|from|fae|frae|to|at|near|outside|round|around|towards|via|over|of|"
    r"and|or)[ ]+$|,[ ]*$"
)
# What joins the words of a place name ("ellesmere port"; a word after a hyphen is no
# place word), and the small words inside one.
_PLACE_JOIN = re.compile(r"[ ]")
_PLACE_LINKS = frozenset(["in", "on", "upon", "under", "of", "the", "le", "by", "and"])
_COUNTY_BEFORE = re.compile(r"(?i)(?<![\p{L}])(?:county|co\.?)[ ]+$")
_TO_OR_FROM = re.compile(r"(?i)^(?:in|from|fae|frae|to|at|near|outside|of)[ ]")

# A first name this common in Great Britain, joined by "and" to a detected name, is a name.
COORDINATED_NAME_RANK = 500
# Joined by "and" to "me" or "I", a first name ranked this high in some country.
WIDE_NAME_RANK = 1000
COORDINATED_NAME = "CoordinatedName"
# What someone is called: "they called him dopey", "call me em", "calls me dan or chalky".
GIVEN_NAME = "GivenName"
FAMILY = "Family"
# "the watsons", "The Kellys": a family by its surname in the plural.
_FAMILY = re.compile(r"(?<![\p{L}'’])(?i:the)[ ]+(?P<name>\p{L}{4,}s)(?![\p{L}\p{N}'’\-])")
# "doctor ren doll at the health centre", "a guy called yes tin from lanelli": in lower
# case, the one or two words after a doctor's title, or after a person and "called", are
# a name however the captions heard it (up to a word that ends it).
_HEARD_NAME = re.compile(
    r"(?<![\p{L}'’])(?:(?P<title>dr|doctor)|(?:guy|man|lad|woman|girl|fella|bloke|boy|gadgie"
    r"|lass|lady|physio|nurse|worker|foreman|manager)[ ]+(?:called|named))[ ]+"
    r"(?P<name>\p{Ll}[\p{Ll}'’\-]+(?:[ ]+\p{Ll}[\p{Ll}'’\-]+)?)"
)
_HEARD_NAME_ENDS = frozenset(
    ["is", "was", "from", "at", "in", "he", "she", "and", "like", "who", "about", "said", "says"]
)
HOUSE_NUMBER = "HouseNumber"
NUMBER_GIVEN = "NumberGiven"
_GIVEN_NAME = re.compile(
    r"(?i)\b(?:call(?:s|ed)?|calling)[ ]+(?:me|him|her|them|us)[ ]+(?P<name>[\p{L}'’\-]{2,})"
    r"(?:[ ]+or[ ]+(?P<other>[\p{L}'’\-]{2,}))?\b"
)
# Words after "called me" that say how or when, not what (function words are dropped as
# stop words already).
_NOT_GIVEN_NAMES = frozenset(
    [
        "later",
        "tomorrow",
        "tonight",
        "today",
        "names",
        "straight",
        "loads",
        "twice",
        "round",
        "yesterday",
    ]
)
# A capitalised word alone in quotation marks (not an apostrophe inside a word).
QUOTED_WORD = "QuotedWord"
_QUOTED_CAPITALISED = re.compile(
    r"(?<=(?<![\p{L}\p{N}])[\"“‘'])\p{Lu}[\p{L}\-]*\p{L}(?=[\"”’'](?![\p{L}\p{N}]))"
)

# A first name and a surname this common in Great Britain, side by side, are a name when
# the surname is no English word.
NAME_PAIR_RANK = 500
# A part of an e-mail address's local part that is a first name or surname this common in
# Great Britain is a name where the text says it again.
EMAIL_NAME_RANK = 5000
EMAIL_NAME = "NameInEmail"
_LOCAL_PART_SPLIT = re.compile(r"[._+\-\d]+")
NAME_PAIR = "FirstAndSurname"

# Names this common in Great Britain are always worth a reviewer's look.
COMMON_NAME_RANK = 300
# How much lower than the possible-miss floor a common name's probability may be and still
# be offered, in a text typed in lower case (elsewhere: a quarter of the floor).
LOWER_CASE_DOUBT = 20

# A lower-case word after a name, and how common a British surname it must be to be
# taken for the name's surname.
_LOWER_WORD_AFTER = re.compile(r"[ ](?P<word>\p{Ll}[\p{Ll}'’\-]{2,})\b(?!['’]\p{L}{2})")
SURNAME_RANK = 1000
SURNAME_AFTER = "SurnameAfterName"
# The least score a detection needs to be spread to a value's other mentions.
SPREAD_SCORE = 0.45
# In a text typed in lower case, the scorer (which learnt mostly from capitalised text)
# is less sure of names: a name, place or organisation is detected at this share of the
# threshold, unless it is all ordinary words (verbs, adjectives, function words).
LOWER_CASE_DETECT = 0.5

# In a text typed in lower case, a clause's subject that is a first name this common in
# some country, and ranked in at least this many countries, is worth a reviewer's look.
SUBJECT_NAME_RANK = 500
WIDE_NAME_COUNTRIES = 8
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})

# How many words that are no English word a person's name may run on over.
MAX_UNKNOWN_AFTER = 3

# How many texts' allowed spans the detector keeps.
ALLOWED_CACHE_TEXTS = 64

CHUNK_CHARS = 200_000
CHUNK_OVERLAP = 2_000


def chunks(
    text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP
) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``: pieces of at most ``size`` characters
    that overlap by about ``overlap``, cut at a line break or space where there is one."""
    if len(text) <= size:
        yield 0, text
        return
    start = 0
    while True:
        end = start + size
        if end >= len(text):
            yield start, text[start:]
            return
        cut = max(text.rfind("\n", start + size // 2, end), text.rfind(" ", end - overlap, end))
        end = cut + 1 if cut > start else end
        yield start, text[start:end]
        nxt = end - overlap
        space = text.rfind(" ", start + 1, nxt)
        start = space + 1 if space > start else max(start + 1, nxt)


def shift(det: Detection, offset: int) -> Detection:
    """A detection moved ``offset`` characters on."""
    if not offset:
        return det
    return Detection(
        det.start + offset, det.end + offset, det.type, det.score, det.recognizer, det.rank
    )


_NICKNAME_BEFORE = re.compile(rf"(?i)(?<![\p{{L}}'’])(?:{compile_words(NICKNAME_PREFIXES)})[ ]+$")


def with_nickname_prefixes(text: str, possible: Iterable[Detection]) -> list[Detection]:
    """Possible names with the word of a nickname said before them ("big gar" of "gar"),
    offered as well as the name alone, which may be said without it."""
    out = []
    for det in possible:
        if det.type == PERSON and (
            m := _NICKNAME_BEFORE.search(text, max(0, det.start - 8), det.start)
        ):
            out.append(replace(det, start=m.start()))
    return out


# How high a word masked as a person elsewhere in the text ranks when a mention of it is
# left unmasked: above the token scorer's doubts, below its near misses.
ELSEWHERE_RISK = 0.5


def masked_elsewhere(text: str, detections: Iterable[Detection]) -> list[Detection]:
    """Unmasked mentions of a name masked elsewhere in the same text ("nana" left where a
    clause about her starts, after "Nana" was masked): propagation passes over a name that
    is also a word, but a reviewer should see each place it is left."""
    names = {
        " ".join(text[d.start : d.end].split()).casefold() for d in detections if d.type == PERSON
    }
    out = []
    for name in sorted(names):
        if len(name) < 3 or name in STOP_WORDS:
            continue
        for start, end in whole_word_mentions(text, name):
            out.append(Detection(start, end, PERSON, ELSEWHERE_RISK, "MaskedElsewhere", 0))
    return out


def uncovered(possible: Iterable[Detection], detections: Sequence[Detection]) -> list[Detection]:
    """The possible misses that no detection touches, one per span."""
    spans = sorted((d.start, d.end) for d in detections)
    out: dict[tuple[int, int], Detection] = {}
    for cand in possible:
        i = bisect.bisect_left(spans, (cand.end, cand.end))
        touched = any(s < cand.end and e > cand.start for s, e in spans[max(0, i - 3) : i + 1])
        if not touched and (cand.start, cand.end) not in out:
            out[(cand.start, cand.end)] = cand
    return sorted(out.values(), key=lambda d: (d.start, d.end))


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores alone: qualkit's recognizers weigh their own context, and the
    pipeline computes no lemmas for Presidio's lemma-based enhancer to use."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0.0,
            min_score_with_context_similarity=0.0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


def _in_other_language(text: str, det: Detection, words: Sequence[tuple[int, int]]) -> bool:
    """Whether a name-type detection is made only of another language's words."""
    return det.type in _NAME_TYPES and covered(det.start, det.end, words, text)


def _within(det: Detection, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= det.start and det.end <= e for s, e in spans)


# An honorific before a name is left as written ("Dr [PERSON 3]"): it names no one.
_HONORIFIC = re.compile(r"(?i)(?:mr|mrs|ms|miss|mx|dr|doctor|prof|professor)\.?[ ]+(?=\p{L})")


def _without_honorific(text: str, det: Detection) -> Detection:
    """A person's name without the honorific it starts with ("Mrs Pugh": "Pugh")."""
    m = _HONORIFIC.match(text, det.start, det.end) if det.type == PERSON else None
    return replace(det, start=m.end()) if m is not None and m.end() < det.end else det


def _before_day(surface: str) -> int:
    """Where a name ends before a day of the week said after it ("Totnes Saturdays")."""
    day = _DAY_AFTER.search(surface)
    return day.start() if day and day.start() else len(surface)


def _label_words_only(surface: str) -> bool:
    """Whether a span holds only speaker-label words, titles, kinship or function words
    ("Peer Researcher", "Auntie"), which name nobody."""
    words = [w.lower().strip(".,'’") for w in surface.split()]
    return all(
        w in GENERIC_LABEL_WORDS or w in NON_NAME_CAPS or w in KIN_AND_TITLES or w in STOP_WORDS
        for w in words
    )


def _set_apart(text: str, det: Detection, start: int, end: int) -> bool:
    """Whether the allowed words at ``start:end`` are set apart from the rest of ``det``
    by a function word or punctuation on each side where ``det`` goes on."""
    left = text[det.start : max(det.start, start)]
    right = text[min(end, det.end) : det.end]
    return (not left.strip() or _APART_LEFT.search(left) is not None) and (
        not right.strip() or _APART_RIGHT.match(right) is not None
    )


def _trim_filler(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without spaces, punctuation or function words at either edge."""
    while True:
        start, end = _trim_space(text, start, end)
        m = _EDGE_FILLER_START.match(text, start, end)
        if m:
            start = m.end()
            continue
        m = _EDGE_FILLER_END.search(text, start, end)
        if m and m.start() >= start:
            end = m.start()
            continue
        return start, end


def _trim_space(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    pos = start
    while True:
        nl = text.find("\n", pos, end)
        if nl < 0:
            pieces.append((pos, end))
            return pieces
        pieces.append((pos, nl))
        pos = nl + 1


# Presidio's URL patterns try each of some 700 top-level domains after every full stop they
# reach, from every letter of the word before it. Every URL has a full stop and a letter
# after a run of URL characters; looking ahead for that first rules out most positions at
# once and changes no match (every top-level domain starts with a letter).
_URL_LOOKAHEAD = r"(?=[a-z0-9.\-]*[.][a-z])"


def _quick_url_pattern(pattern: Pattern) -> Pattern:
    """One of Presidio's URL patterns, with :data:`_URL_LOOKAHEAD` before the URL."""
    base = UrlRecognizer.BASE_URL_REGEX
    regex = pattern.regex.replace(base, _URL_LOOKAHEAD + base, 1)
    return Pattern(name=pattern.name, regex=regex, score=pattern.score)


_TERM_GAP = re.compile(r"\s+|(?<=\w)[\-‐–](?=\w)")
_RUN = re.compile(r"[\p{L}\p{N}]+")


def _first_words(terms: Iterable[str]) -> frozenset[str] | None:
    """The first word (letters and digits) of each term, case-folded; None when a term
    starts with something else."""
    firsts = set()
    for term in terms:
        term = term.strip()
        m = _RUN.match(term)
        if m is None:
            if term:
                return None
            continue
        firsts.add(m.group(0).casefold())
    return frozenset(firsts)


def _name_cased(word: str) -> bool:
    """Whether a word is written as a name is: a capital, then lower case ("Raf")."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _phrase_spans(
    pattern: re.Pattern[str] | None, firsts: frozenset[str] | None, text: str
) -> list[tuple[int, int]]:
    """Where ``pattern`` (from :func:`_phrase_regex`) matches in ``text``, as ``finditer``
    finds it, but tried only where a word that starts a phrase (``firsts``) starts: the
    whole alternation tried at every character of a long transcript is slow."""
    if pattern is None:
        return []
    if firsts is None:
        return [m.span() for m in pattern.finditer(text)]
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in _RUN.finditer(text):
        if word.start() < pos or word.group(0).casefold() not in firsts:
            continue
        m = pattern.match(text, word.start())
        if m is not None:
            spans.append(m.span())
            pos = m.end()
    return spans


def _phrase_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Any of ``terms`` as a whole phrase, ignoring case, its words apart by spaces or a
    hyphen as written ("Stoke-on-Trent" and "Stoke on Trent"), a word perhaps with an
    apostrophe after it ("Veterans' NHS Wales")."""
    joined = {" ".join(w for w in _TERM_GAP.split(t) if w) for t in terms}
    parts = sorted((p for p in joined if p), key=len, reverse=True)
    if not parts:
        return None
    body = phrase_alternation(parts, r"(?:['’]?\s+|\s*[\-‐–]\s*)", ignore_case=True)
    return re.compile(
        rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?:['’]s)?(?![\p{{L}}\p{{N}}])", re.IGNORECASE
    )
