"""Word lists the recognizers share, and a lexicon of ordinary English words.

The lexicon tells a name from an ordinary word when capitalisation cannot (lower-case
transcripts, names that are also words). It is built from the word index that the spaCy
English pipeline ships for its lemmatizer, plus spaCy's stop words and the lists below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id

TITLES: frozenset[str] = frozenset(
    """mr mrs ms miss mx dr doctor prof professor nurse sister matron father fr pastor
    reverend rev imam rabbi sergeant sgt constable pc dc di ds officer inspector judge
    councillor cllr sir dame lady lord auntie aunty aunt uncle nan nanna nanny granny gran
    grandma grandad granddad grandpa cousin""".split()
)

# Titles that are ordinary nouns too ("the doctor said"): a name after them must look
# like a name (capitalised, or not an English word).
WORDLIKE_TITLES: frozenset[str] = frozenset(
    """doctor nurse sister father officer inspector judge constable matron cousin lady
    lord professor pastor sergeant councillor""".split()
)

KINSHIP: tuple[str, ...] = (
    "daughter",
    "son",
    "sister",
    "brother",
    "half-sister",
    "half-brother",
    "stepsister",
    "stepbrother",
    "step-sister",
    "step-brother",
    "mum",
    "mom",
    "mam",
    "mother",
    "dad",
    "father",
    "stepdad",
    "step-dad",
    "stepmum",
    "step-mum",
    "stepfather",
    "stepmother",
    "nan",
    "nana",
    "nanna",
    "nanny",
    "gran",
    "granny",
    "grandma",
    "grandmother",
    "grandad",
    "granddad",
    "grandfather",
    "grandpa",
    "grandson",
    "granddaughter",
    "grandkid",
    "aunt",
    "auntie",
    "aunty",
    "uncle",
    "cousin",
    "niece",
    "nephew",
    "wife",
    "husband",
    "partner",
    "ex",
    "ex-partner",
    "ex-wife",
    "ex-husband",
    "boyfriend",
    "girlfriend",
    "fella",
    "missus",
    "mate",
    "friend",
    "best friend",
    "pal",
    "buddy",
    "kid",
    "child",
    "baby",
    "boy",
    "girl",
    "youngest",
    "eldest",
    "oldest",
    "keyworker",
    "key worker",
    "support worker",
    "outreach worker",
    "social worker",
    "case worker",
    "caseworker",
    "worker",
    "probation officer",
    "officer",
    "counsellor",
    "therapist",
    "psychiatrist",
    "psychologist",
    "sponsor",
    "mentor",
    "landlord",
    "landlady",
    "neighbour",
    "housemate",
    "flatmate",
    "cellmate",
    "padmate",
    "carer",
    "solicitor",
    "manager",
    "boss",
    "colleague",
    "co-worker",
    "advocate",
    "navigator",
    "coach",
    "godmother",
    "godfather",
)
KINSHIP_MODIFIERS: tuple[str, ...] = (
    "little",
    "big",
    "older",
    "younger",
    "baby",
    "eldest",
    "youngest",
    "oldest",
    "middle",
    "new",
    "old",
    "late",
    "first",
    "second",
    "other",
    "best",
    "ex",
    "current",
)

NICKNAME_PREFIXES: frozenset[str] = frozenset(
    """big little lil young old mad fat skinny tall red irish scouse posh crazy wee
    baby sweet dirty lucky tiny smiley""".split()
)

# Common English words that are also given names. A name like this is matched only when
# capitalised, never as a lower-case word.
NAME_WORDS: frozenset[str] = frozenset(
    """hope faith grace joy rose will may june april august summer autumn dawn ruby
    amber jade crystal holly ivy lily daisy heather violet iris poppy pearl opal mercy
    charity patience precious blessing destiny honey sunny rocky sky storm river rain
    hunter chase mark jack bill pat sue frank harry ray rob victor miles sandy rusty
    buck cliff dale glen heath lance norm penny robin sterling wade warren art bud
    christian drew forest grant guy kitty max nick peg rich rod royal sage star teddy
    trinity wolf spike angel baby bliss brook cherry clay colt crystal eve
    fern gay ginger hazel jasmine jewel journey lark liberty meadow misty
    olive reed rowan saffron scarlet stone true unity""".split()
)

# Fillers, slang and spellings common in transcripts that no dictionary lists.
TRANSCRIPT_WORDS: frozenset[str] = frozenset(
    """yeah yea yep yup nah nope innit init gonna wanna gotta dunno kinda sorta lemme
    gimme ok okay um umm erm er uh uhh uhm mm mmm mhm hmm hm ah ahh oh ooh eh aye cos
    coz cuz cause ya yer ye yous youse ain't aint telly mate mates bruv fam blud
    mum mums mam nan nana nanna gran granny grandad mumma missus fella lad lads lass
    quid fiver tenner innit alright alrite whatnot whatever shite bloody fucking fuck
    shit crap wee weed spice crack smack gear skag methadone subutex bup naloxone
    keyworker caseworker outreach hostel hostels sofa sofa-surfing detox rehab
    benefits pip esa jsa dwp uc gp gps a&e cpn cmht iapt idva mash mappa ote
    inaudible crosstalk laughs laughter pause unclear overlapping redacted""".split()
)

STREET_SUFFIXES: tuple[str, ...] = (
    "road",
    "rd",
    "street",
    "st",
    "lane",
    "avenue",
    "ave",
    "close",
    "crescent",
    "drive",
    "grove",
    "place",
    "square",
    "terrace",
    "gardens",
    "way",
    "walk",
    "hill",
    "rise",
    "row",
    "mews",
    "parade",
    "passage",
    "yard",
    "approach",
    "park",
    "green",
    "vale",
    "view",
    "boulevard",
    "broadway",
    "embankment",
    "wharf",
    "quay",
    "court",
)
BUILDING_SUFFIXES: tuple[str, ...] = (
    "arches",
    "bridge",
    "market",
    "station",
    "common",
    "fields",
    "playing fields",
    "rec",
    "library",
    "house",
    "court",
    "tower",
    "towers",
    "point",
    "buildings",
    "mansions",
    "heights",
    "block",
    "flats",
    "lodge",
    "hall",
)
ESTATE_WORDS: tuple[str, ...] = ("estate", "estates")
# Street words that are not also common verbs or nouns, for lower-case street names.
LOWER_STREET_SUFFIXES: tuple[str, ...] = (
    "road",
    "street",
    "lane",
    "avenue",
    "crescent",
    "terrace",
    "gardens",
    "mews",
    "grove",
)

ORG_SUFFIXES: tuple[str, ...] = (
    "hospital",
    "infirmary",
    "clinic",
    "surgery",
    "medical centre",
    "medical center",
    "health centre",
    "health center",
    "practice",
    "hospice",
    "centre",
    "center",
    "project",
    "projects",
    "trust",
    "foundation",
    "charity",
    "hostel",
    "hub",
    "academy",
    "school",
    "primary",
    "college",
    "university",
    "nursery",
    "prison",
    "recovery",
    "services",
    "service",
    "housing",
    "housing association",
    "association",
    "mission",
    "shelter",
    "refuge",
    "cafe",
    "café",
    "church",
    "chapel",
    "mosque",
    "temple",
    "gurdwara",
    "ltd",
    "limited",
    "plc",
    "group",
    "partnership",
    "network",
    "alliance",
    "collective",
    "kitchen",
    "pantry",
    "food bank",
    "foodbank",
    "garage",
    "bakery",
    "warehouse",
    "factory",
    "supermarket",
    "pharmacy",
    "chemist",
    "chemists",
    "dentist",
    "dentists",
    "opticians",
    "barbers",
    "salon",
    "launderette",
    "bookies",
    "council",
    "borough council",
    "solicitors",
    "law centre",
    "advice centre",
    "stores",
    "store",
    "pub",
    "arms",
    "club",
    "gym",
    "leisure centre",
    "community centre",
    "day centre",
    "drop-in",
    "unit",
    "ward",
)
ORG_PREFIXES: tuple[str, ...] = ("hmp", "hmyoi", "hmp/yoi", "hmp & yoi", "yoi", "st", "saint")

# Capitalised words that begin ordinary phrases and are never part of a name.
NON_NAME_CAPS: frozenset[str] = frozenset(
    """i i'm i've i'd i'll the a an and but so or if then when what why who how where
    yes yeah no not oh ok okay well like just because cos my his her their our your its
    this that these those there here it he she they we you me him them us
    monday tuesday wednesday thursday friday saturday sunday christmas easter
    interviewer participant respondent researcher speaker q a int mr mrs ms dr
    god jesus lord christ allah english british irish scottish welsh
    covid coronavirus lockdown""".split()
)

MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)

UNITS: tuple[str, ...] = (
    "minute",
    "minutes",
    "min",
    "mins",
    "hour",
    "hours",
    "hrs",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "pound",
    "pounds",
    "quid",
    "grand",
    "pence",
    "p",
    "k",
    "percent",
    "per",
    "%",
    "times",
    "o'clock",
    "pm",
    "am",
    "stone",
    "kilos",
    "kg",
    "miles",
    "mile",
    "metres",
    "of",
    "people",
    "others",
    "kids",
    "children",
    "sessions",
    "appointments",
    "nights",
    "night",
    "bags",
    "cans",
    "pills",
    "points",
    "calls",
    "texts",
    "quid",
    "hundred",
    "thousand",
    "million",
    "bed",
    "beds",
    "bedroom",
    "floors",
    "storey",
    "th",
    "st",
    "nd",
    "rd",
    "ago",
    "year",
    "years",
)

_UNITS_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words() -> dict[str, int]:
    """English number words from one to ninety-nine (``twenty-one``, ``twenty one``)."""
    out: dict[str, int] = {w: i for i, w in enumerate(_UNITS_WORDS)}
    for t, tens in enumerate(_TENS_WORDS, start=2):
        out[tens] = t * 10
        for u in range(1, 10):
            out[f"{tens}-{_UNITS_WORDS[u]}"] = t * 10 + u
            out[f"{tens} {_UNITS_WORDS[u]}"] = t * 10 + u
    del out["zero"]
    return out


NUMBER_WORDS: dict[str, int] = number_words()


class Lexicon:
    """Knows which lower-case words are ordinary English.

    ``is_known`` says a word appears in any word index (nouns included, so many names
    appear too); ``is_common`` says a word is an ordinary word that should not be
    treated as a name unless capitalised (stop words, verbs, adjectives, adverbs,
    inflected forms, and :data:`NAME_WORDS`).
    """

    def __init__(
        self,
        nouns: Iterable[str] = (),
        others: Iterable[str] = (),
        extra: Iterable[str] = (),
        rules: Iterable[tuple[str, str]] = (),
    ) -> None:
        base = {w.lower() for w in STOP_WORDS} | set(NAME_WORDS) | set(TRANSCRIPT_WORDS)
        base |= set(KINSHIP) | set(TITLES) | set(MONTHS) | set(NUMBER_WORDS)
        base |= {w.lower() for w in extra}
        self._common = frozenset(base | {w.lower() for w in others})
        self._known = frozenset(self._common | {w.lower() for w in nouns})
        default_rules = [("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("er", ""), ("est", ""), ("men", "man")]
        self._rules = tuple(sorted(set(default_rules) | set(rules), key=lambda r: -len(r[0])))

    @classmethod
    def from_spacy(cls, nlp: object) -> Lexicon:
        """Build from a loaded spaCy pipeline's lemmatizer tables (if it has them)."""
        nouns: set[str] = set()
        others: set[str] = set()
        rules: set[tuple[str, str]] = set()
        try:
            lemmatizer = nlp.get_pipe("lemmatizer")  # type: ignore[attr-defined]
            lookups = lemmatizer.lookups
        except (KeyError, AttributeError):
            return cls()
        noun_id = get_string_id("noun")
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            for key, words in index.items():
                target = nouns if key in (noun_id, "noun") else others
                target.update(w for w in words if w.isalpha() or "-" in w or "'" in w)
        if lookups.has_table("lemma_exc"):
            exc = lookups.get_table("lemma_exc")
            for key, table in exc.items():
                target = nouns if key in (noun_id, "noun") else others
                for form, lemmas in table.items():
                    target.add(form)
                    target.update(lemmas)
        if lookups.has_table("lemma_rules"):
            for _key, pairs in lookups.get_table("lemma_rules").items():
                for pair in pairs:
                    if isinstance(pair, (list, tuple)) and len(pair) == 2:
                        rules.add((str(pair[0]), str(pair[1])))
        return cls(nouns=nouns, others=others, rules=rules)

    def is_common(self, word: str) -> bool:
        return _strip_possessive(word.lower()) in self._common

    def is_known(self, word: str) -> bool:
        w = _strip_possessive(word.lower())
        if w in self._known:
            return True
        if "'" in w or "’" in w:
            # Contractions: "didn't", "you're", "they'd".
            base = re.split(r"['’]", w)[0]
            return base in self._known or (base.endswith("n") and base[:-1] in self._known)
        if "-" in w:
            return all(self.is_known(part) for part in w.split("-") if part)
        # Inflected forms of known words, by the lemmatizer's suffix rules.
        for suffix, repl in self._rules:
            if suffix and w.endswith(suffix) and len(w) > len(suffix) + 1:
                stem = w[: -len(suffix)]
                if stem + repl in self._known:
                    return True
                # Doubled final consonant: "chatting" -> "chat".
                if repl == "" and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in self._known:
                    return True
        return False


def _strip_possessive(word: str) -> str:
    for tail in ("'s", "’s", "s'", "s’"):
        if word.endswith(tail) and len(word) > len(tail):
            return word[: -len(tail)] + ("s" if tail.startswith("s") else "")
    return word
