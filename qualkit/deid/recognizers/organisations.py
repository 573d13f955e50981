"""Named organisations: prisons, hospitals, hostels, services, charities, schools, workplaces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex as re
from spacy.lang.en.stop_words import STOP_WORDS

from qualkit.deid.medicines import is_medicine
from qualkit.deid.recognizers.base import (
    CAP,
    LOWER,
    NAME_ARTICLES,
    PRONOUN_AND_VERB,
    Hit,
    QualkitRecognizer,
    at_sentence_start,
    compile_words,
)
from qualkit.deid.recognizers.names import ROLE_NOUNS, TITLES_APART
from qualkit.deid.recognizers.places import _PlaceBase
from qualkit.deid.spans import LOCATION, ORGANIZATION
from qualkit.deid.words import (
    ARMY_UNIT_KINDS,
    HOUSE_NAME_PLURALS,
    KINDS_FIRST,
    KINSHIP,
    LOWER_ORG_SUFFIXES,
    MONTHS,
    NON_NAME_CAPS,
    ORG_KINDS_AFTER_LOWER_NAMES,
    ORG_SUFFIXES,
    WARD_KINDS,
    WELSH_ORG_KINDS,
)

_ORG_SUFFIX = compile_words(ORG_SUFFIXES)
# The small words a name may hold, Gaelic and Welsh articles among them ("Ceann a Deas
# Centre", "Tŷ na Mara Project").
_ARTICLE = "|".join(NAME_ARTICLES)
_NAME_RUN = (
    rf"(?:(?:St\.?|Saint)[ ]+)?{CAP}"
    rf"(?:[ ]+(?:{CAP}|&|and|of|for|on|de|la|le|(?:{_ARTICLE})[ ]+{CAP}))*?"
)
_CELTIC_ARTICLE = re.compile(rf"(?<=\S)[ ]+(?:{_ARTICLE})[ ]+(?=\S)")
_ANY_WORD = r"[\p{L}][\p{L}'’\-]*"

# HMP Bronzefield, HMP & YOI Name, hmp name
_PRISON = re.compile(
    r"\b(?i:HMP(?:[ ]*(?:&|and|/)[ ]*YOI)?|HMYOI|HM[ ]+Prison|YOI)[ ]+"
    rf"(?P<name>{CAP}(?:[ ]+{CAP})?|{LOWER})"
)
# "HMP Norwich or Wayland", "HMP Addiewell and Shotts": another prison named after one.
_OTHER_PRISON = re.compile(rf"(?:,|[ ]+(?:or|and|then))[ ]+(?P<name>{CAP})\b(?![ ]+{CAP})")
# St Thomas' Hospital, St Mungo's, Saint Anne's
_SAINT = re.compile(
    rf"\b(?:St\.?|Saint)[ ]+{CAP}(?:['’]s?)?(?:[ ]+(?P<suffix>(?i:{_ORG_SUFFIX})))?\b"
)
# Oakwood Hospital, the Marsh Lane Project, Brindley's Bakery
_SUFFIXED = re.compile(
    rf"(?P<name>(?:The[ ]+)?{_NAME_RUN})[ ]+"
    rf"(?P<suffix>(?i:{_ORG_SUFFIX})(?:[ ]+(?i:{_ORG_SUFFIX}))*)"
    r"\b(?!['’]?\w)"
)
# "a hostel called Northfields", "the charity's called Open Door"
_CALLED = re.compile(
    r"(?i:\b(?P<kind>hostel|charity|project|service|centre|center|place|estate|school|prison|"
    r"hospital|ward|unit|shelter|refuge|organisation|organization|group|church|company|firm|"
    r"shop|pub|cafe|café|club|gym|college|programme|program|team|agency|block|flat|flats|"
    r"building|street|road|area|home|rehab|detox|clinic)(?:(?:['’]s|[ ]+is|[ ]+was)?[ ]+"
    r"(?:called|named|known[ ]+as)[ ]+(?:the[ ]+)?|[ ]*,[ ]+(?=\p{Lu}\p{Ll}+[ ]+\p{Lu})))"
    rf"(?P<name>{CAP}(?:[ ]+{CAP}){{0,3}}|{LOWER}(?:[ ]+{LOWER})?)"
)
# "it's called the park way lodge": a name in lower case that ends in a kind of organisation
_CALLED_LOWER_KIND = re.compile(
    r"(?i:\b(?:it['’]?s|it[ ]+is|it[ ]+was|they['’]re|place|one|thing|that['’]?s)[ ]+called[ ]+)"
    r"(?:the[ ]+)?(?P<name>(?:\p{Ll}+[ ]+){1,3}"
    rf"(?P<kind>{compile_words(sorted(ORG_KINDS_AFTER_LOWER_NAMES))}))(?![\p{{L}}\-'’])"
)
# "I worked at Brindleys", "volunteering with Open Door", "a job at the Red Lion"
_WORKPLACE = re.compile(
    r"(?i:\b(?:work(?:ed|s|ing)?|job|employed|shifts?|volunteer(?:ed|ing|s)?|placement|"
    r"apprenticeship|training|trained|referred|signed[ ]+up|stayed|staying|living|lived|placed|"
    r"put[ ]+me|sent[ ]+(?:me|him|her)|navigator|worker|nurse|officer|volunteer|manager|"
    r"coordinator|co-ordinator|counsellor|cook|cleaner|chef|receptionist|assistant|"
    r"caseworker|keyworker|advocate|mentor|teacher|student|apprentice|trainee)"
    r"[ ]+(?:at|for|with|in|to|into)[ ]+(?:(?-i:the)[ ]+)?)"
    rf"(?P<name>(?:The[ ]+)?{CAP}(?:[ ]+(?:{CAP}|&|and|of)){{0,3}})"
)

# "bevans chemist", "at colne valley college", "the cwtch café": a kind of organisation
# written in lower case after up to three words.
# (The kind of organisation is found first, then up to three words before it.)
_LOWER_SUFFIX = re.compile(
    rf"(?<=\p{{Ll}}[ ]+)(?P<suffix>{compile_words(LOWER_ORG_SUFFIXES)})(?![\p{{L}}\-])"
)
_LOWER_WORDS_BEFORE = re.compile(rf"(?<![\p{{L}}'’\-])(?:{LOWER}[ ]+){{1,3}}$")
_WORD = re.compile(r"[^ ]+")
_LOWER_SUFFIX_WORDS = frozenset(s for s in LOWER_ORG_SUFFIXES if " " not in s)
# Words that say what kind a kind of organisation is ("medical centre", "crown court"): part
# of a name's suffix, never its name ("brookvale medical practice").
_KIND_MODIFIERS = frozenset(s.split()[0] for s in ORG_SUFFIXES if " " in s)
# A pub is named by one ordinary noun: "the anchor arms", "the plough inn".
_PUB_KINDS = frozenset(["arms", "inn", "tavern"])
_THE_WORD_BEFORE = re.compile(r"(?<![\p{L}'’\-])(?i:the)[ ]+(?P<word>\p{Ll}+)[ ]+$")
# "Our Lady of the Rosary", "our lady of lourdes": a Catholic church or school.
_OUR_LADY = re.compile(
    rf"\b(?i:our[ ]+lady[ ]+of[ ]+)(?:(?i:the)[ ]+)?(?:{CAP}|{LOWER})(?:[ ]+{CAP})?"
)
_VOWELS = frozenset("aeiouyw")
# A first name ranked this high in Great Britain can name a place ("rowan house").
NAMED_ORG_RANK = 1000
# "Ward 27", "on oak ward", "Ash ward": which ward of a hospital someone was on.
_WARD_NUMBER = re.compile(r"\b(?i:ward)[ ]+(?:\d{1,3}[A-Za-z]?|[A-Za-z]\d{1,2})\b")
_WARD_WORD = re.compile(r"(?<=[\p{L}'’][ ]+)[Ww]ard(?![\p{L}\-])")
_WARD_NAME_BEFORE = re.compile(rf"(?<![\p{{L}}'’\-])(?P<name>{CAP}|{LOWER})[ ]+$")
_ON_WARD = re.compile(r"(?i)\b(?:on|in|to|onto|from|off)[ ]+$")

_TIME_WORDS = frozenset(
    ["christmas", "easter", "weekend", "weekends", "night", "home", "school", "work", "first"]
)
_GENERIC_ORG_WORDS = frozenset(w for s in ORG_SUFFIXES for w in s.split())
_PLACE_KINDS = frozenset({"estate", "block", "flat", "flats", "building", "street", "road", "area"})


class PrisonRecognizer(QualkitRecognizer):
    """Prisons and young offender institutions named with HMP/HMYOI."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 12
    SCORE: ClassVar[float] = 0.9

    def find(self, text: str) -> Iterator[Hit]:
        for m in _PRISON.finditer(text):
            name = m.group("name")
            if name[0].islower() and self.ctx.lexicon.is_known(name):
                continue
            yield Hit(m.start(), m.end("name"), ORGANIZATION, self.SCORE)
            other = _OTHER_PRISON.match(text, m.end("name"))
            low = other.group("name").lower() if other else ""
            if other is not None and low not in NON_NAME_CAPS and low not in STOP_WORDS:
                yield Hit(other.start("name"), other.end("name"), ORGANIZATION, self.SCORE)


# Army units someone served in: "3 Para", "40 Commando", "the Welsh Guards", "Royal
# Engineers", "the Parachute Regiment" (a regiment or corps is a small world).
_UNIT_KINDS = "|".join(k.capitalize() for k in ARMY_UNIT_KINDS)
_ARMY_UNIT = re.compile(
    r"(?<![\p{L}\p{N}.,:/£$])\d{1,2}(?:st|nd|rd|th)?[ ]+(?:Para|Commando|Rifles|Regiment|Signals)\b"
    rf"|(?<![\p{{L}}'’\-])(?:{CAP}[ ]+){{1,3}}(?:{_UNIT_KINDS})(?![\p{{L}}'’\-])"
)

# A ship someone served on: "HMS Dauntsey", "RFA Fort Rosalie".
_SHIP = re.compile(rf"\b(?-i:HMS|HMNZS|RFA)[ ]+{CAP}(?:[ ]+{CAP})?")


class NamedOrganisationRecognizer(_PlaceBase):
    """Capitalised names ending in a kind of organisation ("Oakwood Hospital"), army
    units ("3 Para", "the Welsh Guards") and ships ("HMS Dauntsey")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 17
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for m in _SAINT.finditer(text):
            yield Hit(m.start(), m.end(), ORGANIZATION, 0.7)
        for m in _SHIP.finditer(text):
            yield Hit(m.start(), m.end(), ORGANIZATION, self.SCORE)
        for m in _ARMY_UNIT.finditer(text):
            words = m.group(0).split()
            while len(words) > 1 and words[0].lower() in STOP_WORDS:
                words = words[1:]  # "The Guards were": no name before the kind
            if len(words) > 1:
                yield Hit(m.end() - len(" ".join(words)), m.end(), ORGANIZATION, 0.7)
        for m in _SUFFIXED.finditer(text):
            start = m.start("name")
            for article in _CELTIC_ARTICLE.finditer(text, start, m.end("name")):
                # ...after a word of the name, not an English verb or noun ("took a Day
                # Centre", "Tuesday a Youth Centre")
                before = text[start : article.start()].split()[-1]
                if before.lower() in STOP_WORDS or self.ctx.lexicon.is_common(before):
                    start = article.end()
            name_start = self.name_start(text, start, m.end("name"))
            if name_start is None:
                continue
            yield Hit(name_start, m.end("suffix"), ORGANIZATION, self.SCORE)


class LowerNamedOrganisationRecognizer(QualkitRecognizer):
    """Names written in lower case that end in a kind of organisation ("bevans chemist",
    "colne valley college", "rowan house"): at least one of the words before it is no
    English word or is a first name or surname that is no everyday word, and none is a
    medicine or on the allow list. Also pubs named by one noun ("the furnace arms") and
    "Our Lady of ..." churches and schools."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 19
    SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for m in _OUR_LADY.finditer(text):
            yield Hit(m.start(), m.end(), ORGANIZATION, 0.7)
        allowed = {a.casefold() for a in self.ctx.lists.all_allow()}
        for m in _LOWER_SUFFIX.finditer(text):
            before = _LOWER_WORDS_BEFORE.search(text, max(0, m.start() - 80), m.start())
            if before is None:
                continue
            # The name is the words just before the suffix, back to a stop word, a person,
            # an ordinary word, or a known word before an unfamiliar one ("a thing called
            # seaview lodge").
            unfamiliar = False
            start = m.start()
            for w in reversed(list(_WORD.finditer(text, before.start(), m.start()))):
                word = w.group(0)
                if not unfamiliar and (word in _LOWER_SUFFIX_WORDS or word in _KIND_MODIFIERS):
                    # "glenmore lodge hotel", "brookvale medical practice": a kind of place,
                    # or a word of the kind, then the name
                    start = w.start()
                    continue
                if word in STOP_WORDS or word in _PEOPLE or self.ctx.lexicon.is_common(word):
                    break
                odd = self._is_unfamiliar(word, allowed)
                if unfamiliar and not odd and self.ctx.lexicon.is_known(word):
                    break
                unfamiliar = unfamiliar or odd
                start = w.start()
            if unfamiliar:
                yield Hit(start, m.end("suffix"), ORGANIZATION, self.SCORE)
            elif m.group("suffix") in _PUB_KINDS:
                pub = _THE_WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
                if pub and self._is_pub_name(pub.group("word")):
                    yield Hit(pub.start("word"), m.end("suffix"), ORGANIZATION, self.SCORE)

    def _is_pub_name(self, word: str) -> bool:
        """Whether a word after "the" can name a pub: a noun ("the furnace arms") or no
        English word, not a person or an adjective ("the strong arms")."""
        if len(word) < 3 or word in STOP_WORDS or word in _PEOPLE:
            return False
        return self.ctx.lexicon.is_noun(word) or not self.ctx.lexicon.is_known(word)

    def _is_unfamiliar(self, word: str, allowed: set[str]) -> bool:
        bare = word.rstrip("'’").removesuffix("'s").removesuffix("’s")
        if len(bare) < 3 or not _VOWELS & set(bare) or bare in allowed or is_medicine(bare):
            return False
        if not self.ctx.lexicon.is_known(bare):
            return True
        # A first name or surname common in Great Britain that is no everyday word ("rowan
        # house", "hargreaves pharmacy").
        name = self.ctx.gazetteer.get(bare)
        ranks = (name.first_gb, name.last_gb)
        common_name = any(0 < rank <= NAMED_ORG_RANK for rank in ranks)
        return common_name and not self.ctx.lexicon.is_common(bare)


# "ysgol bryn coed", "Capel y Graig", "clwb ffermwyr ifanc", "Caffi'r Bont": a Welsh kind
# of organisation, then its name; "y"/"yr" only between words of the name.
_WELSH_ORG = re.compile(
    rf"(?<![\p{{L}}'’\-])(?P<kind>(?i:{compile_words(WELSH_ORG_KINDS)})(?:['’]r)?)"
    r"(?P<name>(?:[ ]+(?:(?i:y|yr)[ ]+)?[\p{L}][\p{L}'’\-]*){1,3})"
)
# Welsh words that end a name: they join it to the rest of a Welsh sentence.
_WELSH_JOINS = frozenset(
    ["ar", "yn", "ers", "i", "o", "a", "ac", "am", "efo", "gyda", "mewn", "wedi", "ond", "fel"]
)


class WelshOrganisationRecognizer(QualkitRecognizer):
    """Welsh names of schools, chapels, hospitals and projects, in any case: the kind comes
    first ("ysgol bryn coed", "prosiect cam ymlaen"). The name runs to a Welsh joining word
    and ends with a capitalised word or one that is no English word."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 20
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for m in _WELSH_ORG.finditer(text):
            end = m.end("kind")
            for w in _WORD.finditer(text, m.start("name"), m.end("name")):
                word = w.group(0)
                low = word.lower()
                if low in ("y", "yr"):
                    continue
                if low in _WELSH_JOINS or low in STOP_WORDS:
                    break
                # An English word in lower case may be part of the name ("cam ymlaen") but
                # does not end it ("lloches y wennol properly").
                if word[0].isupper() or not self.ctx.lexicon.is_known(low):
                    end = w.end()
            if end > m.end("kind"):
                yield Hit(m.start("kind"), end, ORGANIZATION, self.SCORE)


# "Église La Source de Vie", "Masjid al-Noor": a place of worship named in its own
# language, its kind first and capitalised, then capitalised words (and the small words of
# that language between them).
_KIND_FIRST = re.compile(
    rf"(?<![\p{{L}}'’\-])(?P<kind>(?i:{compile_words(KINDS_FIRST)}))"
    r"(?P<name>(?:[ ]+(?:(?:de|du|des|la|le|da|do|dos|del|di|w|al|el)(?:[ ]+|-))?"
    r"(?:(?:al|el)-)?\p{Lu}[\p{L}'’\-]*)+)"
)


class KindFirstOrganisationRecognizer(QualkitRecognizer):
    """Places of worship named in another language, the kind first ("Église La Source de
    Vie", "Iglesia Cristiana Manantial de Vida", "Masjid al-Noor")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 20
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for m in _KIND_FIRST.finditer(text):
            if m.group("kind")[0].isupper():
                yield Hit(m.start("kind"), m.end("name"), ORGANIZATION, self.SCORE)


class WardRecognizer(QualkitRecognizer):
    """Hospital wards by number or name ("Ward 27", "on oak ward", "Ash ward", "marlow
    ward"), not kinds of ward ("the labour ward")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 19
    SCORE: ClassVar[float] = 0.65

    def find(self, text: str) -> Iterator[Hit]:
        for m in _WARD_NUMBER.finditer(text):
            yield Hit(m.start(), m.end(), ORGANIZATION, self.SCORE)
        for ward in _WARD_WORD.finditer(text):
            m = _WARD_NAME_BEFORE.search(text, max(0, ward.start() - 40), ward.start())
            if m is None:
                continue
            name, start = m.group("name"), m.start("name")
            low = name.lower().removesuffix("'s").removesuffix("’s")
            if low in WARD_KINDS or low in STOP_WORDS or low in NON_NAME_CAPS:
                continue
            after_preposition = _ON_WARD.search(text, max(0, start - 8), start) is not None
            capital_inside = name[0].isupper() and not at_sentence_start(text, start)
            # In lower case, a word that is no English word ("mainly marlow ward").
            unknown = name.islower() and not self.ctx.lexicon.is_known(low)
            if (
                after_preposition
                or unknown
                or (capital_inside and not self.ctx.lexicon.is_common(low))
            ):
                yield Hit(start, ward.end(), ORGANIZATION, self.SCORE)


# A hospital known by its initials, which end in H for Hospital or I for Infirmary ("the
# BGH", "the RVI", "LGI", "UCLH"), after "the" or a preposition.
_HOSPITAL_INITIALS = re.compile(
    r"(?<=(?:\b(?i:the|at|to|in|into|from|outside)[ ]+))"
    r"(?P<name>[A-Z]{2,4}[HI])(?![\p{L}\p{N}&'’\-])"
)
# Talk of hospital care near the initials.
_HOSPITAL_TALK = re.compile(
    r"(?i)\b(?:hospital|ambulance|a&e|a[ ]and[ ]e|ward|admitted|discharged|consultant"
    r"|paramedics?|blue[ -]lighted|operation|surgeon|clinic|appointment|outpatients?"
    r"|maternity|inpatient|in[ ]patient)\b"
)
HOSPITAL_TALK_CHARS = 200
# Initials ending in I or H that name a scan, an injury, an infection or a medicine (or
# the Rough Sleeping Initiative), not a hospital.
_NOT_HOSPITALS = frozenset(
    {"MRI", "UTI", "STI", "BMI", "AKI", "TBI", "ABI", "PPI", "SSRI", "SNRI", "MAOI", "URTI",
     "LRTI", "HDI", "DHI", "RSI"}
)  # fmt: skip
_ROMAN = re.compile(r"[IVXLCDM]+")


class HospitalInitialsRecognizer(QualkitRecognizer):
    """A hospital by its initials ("they took me to the BGH", "in the RVI"), where the talk
    is of hospital care; not a scan or a condition ("an MRI", "a UTI"), a Roman numeral or
    an allowed acronym."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 19
    SCORE: ClassVar[float] = 0.65

    def find(self, text: str) -> Iterator[Hit]:
        allowed: set[str] | None = None
        for m in _HOSPITAL_INITIALS.finditer(text):
            name = m.group("name")
            if name in _NOT_HOSPITALS or _ROMAN.fullmatch(name):
                continue
            if self.ctx.lexicon.is_known(name.lower()):
                continue  # shouted words: "OH", "YEAH"
            if allowed is None:
                allowed = {a.casefold() for a in self.ctx.lists.all_allow()}
            if name.casefold() in allowed:
                continue
            lo, hi = max(0, m.start() - HOSPITAL_TALK_CHARS), m.end() + HOSPITAL_TALK_CHARS
            if _HOSPITAL_TALK.search(text, lo, hi):
                yield Hit(m.start(), m.end(), ORGANIZATION, self.SCORE)


class CalledRecognizer(QualkitRecognizer):
    """Places and services introduced by name: "a hostel called ..."."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION, LOCATION)
    RANK: ClassVar[int] = 18
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for m in _CALLED.finditer(text):
            name = m.group("name")
            words = name.split()
            if name[0].islower() and all(self.ctx.lexicon.is_known(w) for w in words):
                continue
            if name[0].isupper() and all(w.lower() in _STOPISH for w in words):
                continue
            kind = m.group("kind").lower()
            etype = LOCATION if kind in _PLACE_KINDS else ORGANIZATION
            yield Hit(m.start("name"), m.end("name"), etype, self.SCORE)
        for m in _CALLED_LOWER_KIND.finditer(text):
            before_kind = text[m.start("name") : m.start("kind")].split()
            if any(w not in STOP_WORDS and w not in _GENERIC_ORG_WORDS for w in before_kind):
                yield Hit(m.start("name"), m.end("name"), ORGANIZATION, self.SCORE)


# "sent me to the oaks in lancaster", "a children's home, the beeches": a house named by a
# plural tree, not after a word that puts someone among trees.
_HOUSE_NAME = re.compile(
    r"(?<![\p{L}'’])(?<!\b(?:under|among|amongst|in|of|through|behind|near|by|between)[ ]+)"
    rf"the[ ]+(?P<name>{'|'.join(sorted(HOUSE_NAME_PLURALS))})(?![\p{{L}}\-'’])"
    r"(?![ ]+(?:trees?|wood|woods|road|street|avenue|lane|drive|close)\b)"
)


class HouseNameRecognizer(QualkitRecognizer):
    """A home, unit or hostel named by a plural tree, in lower case: "the cedars"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 19
    SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for m in _HOUSE_NAME.finditer(text):
            yield Hit(m.start(), m.end(), ORGANIZATION, self.SCORE)


_STOPISH = frozenset(["the", "a", "an", "and", "of", "i", "it", "this", "that"])
# Words for people, which name no service ("with the person. The school, ...").
_PEOPLE = (
    frozenset(ROLE_NOUNS)
    | frozenset(KINSHIP)
    | frozenset(["person", "people", "man", "men", "woman", "women", "child", "children"])
)
# Words that may come just before a service's name ("I'm with Rise, the drug service").
_BEFORE_NAME = frozenset(["with", "to", "at", "from", "in", "into", "onto", "for", "by", "via"])
_INDEFINITE = frozenset(["a", "an", "some", "any", "every", "one", "another"])
_INDEFINITE_BEFORE = re.compile(r"(?i)(?<![\p{L}])(?:a|an|some|any|every|one|another)[ ]+$")
_PLAIN_PLACES = frozenset(["hall", "room", "house", "building", "block", "flat", "place"])

# "the Lantern, the day centre", "Rise, the drug service", "the beacon. that's alternative
# provision", "the nest. its a young mums group": a name, then what kind of place it is.
# "the bar" in a gloss is as often a progress bar or the Bar as a pub ("That's lovely, the
# bar's moving").
_GLOSS_KINDS = compile_words(
    (*(k for k in ORG_SUFFIXES if k != "bar"), "provision", "drop-in", "unit", "ward")
)
_GLOSSED = re.compile(
    rf"(?<![\p{{L}}'’\-])(?P<name>(?:(?i:the)[ ]+)?(?:{CAP}|{LOWER})(?:[ ]+(?:{CAP}|{LOWER}))?)"
    r"[ ]*(?:,|(?P<dot>\.)|[ ]-|–|—)[ ]*"
    r"(?i:(?:that['’]?s|its|it['’]s|it[ ]+is|which[ ]+is|they['’]re|theyre)[ ]+"
    r"(?:(?:the|a|an)[ ]+)?|(?:the|a|an)[ ]+)"
    r"(?:(?!(?:to|the|of|and|or|at|in|on|for|with|from|by)[ ])[\p{L}'’\-]+[ ]+"
    r"(?:(?i:and)[ ]+(?!(?i:the|a|an|to|of|my|his|her|their)[ ])[\p{L}'’\-]+[ ]+)?){0,3}?"
    rf"(?i:{_GLOSS_KINDS})(?![\p{{L}}\-])"
)
# "they got me on a script with new leaf, the drug service.": a name made of ordinary
# words, after a word that leads to a service and glossed by "the" and a kind of service
# that ends the clause.
# "The forms, the money, the school": a name after another "the" thing and a comma is one
# of a list, glossed by none of them.
_LIST_ITEM_BEFORE = re.compile(r"(?i)(?<![\p{L}'’\-])the[ ]+[\p{L}'’\-]+[ ]*,[ ]*$")
_ITEM_BEFORE = re.compile(r"\p{L}[ ]*,[ ]*$")
# The word for a kind goes on into a name or a number, or is the subject of a clause of its
# own ("the recording, the drop-in's in Holywell", "the money, the school knows"), so it
# glosses nothing.
_KIND_GOES_ON = re.compile(
    r"[ ]+(?:\p{Lu}|\d)|['’]s(?!\p{L})"
    r"|[ ]+(?:is|was|has|had|have|knows|knew|says|said|does|did|will|would|can|could|wants|gets"
    r"|got|thinks|thought)\b"
)
_JOINING = frozenset({"of", "and", "&", "for", "the", "de", "la"})
_LEADS_TO_SERVICE = re.compile(r"(?i)(?<![\p{L}])(?:with|to|at|from|into|onto|through|via)[ ]+$")
_GLOSS_ENDS = re.compile(r"[ ]*(?:[,.;:!?)\n]|$)")
_COMMA_THE = re.compile(r"(?i)[ ]*[,.][ ]*the[ ]")
_IT_IS = re.compile(r"(?i)[ ]*(?:that['’]?s|its|it['’]s|it[ ]+is|which[ ]+is|they['’]re|theyre)[ ]")

# "the alcohol service, larkspur, they're good", "an allotment project, hazel lane
# growers.": what kind of place it is, then its name, ending a clause.
_GLOSS_FIRST = re.compile(
    r"(?<![\p{L}])(?i:the|a|an)[ ]+(?:[\p{L}'’\-]+[ ]+){0,2}?"
    rf"(?i:{_GLOSS_KINDS})[ ]*,[ ]*"
    rf"(?P<name>(?:{CAP}|{LOWER})(?:[ ]+(?:{CAP}|{LOWER})){{0,2}}?)"
    r"(?=[ ]*(?:[,.;:!?)\n]|$))"
)


class GlossedNameRecognizer(QualkitRecognizer):
    """Services and places named once and then explained: "I'm with Rise, the drug
    service", "the beacon, that's a pupil referral unit"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 36
    SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for m in _GLOSSED.finditer(text):
            start, name = m.start("name"), m.group("name")
            words = name.split()
            if len(words) == 2 and PRONOUN_AND_VERB.fullmatch(words[0]):
                # "It's money, it's housing": a pronoun and its verb begin no name.
                start += name.index(words[1], len(words[0]))
                name, words = words[1], words[1:]
            # "the nest. it's a young mums group": with "the" or a capital, a service's
            # name may be an ordinary word.
            named = any(w[0].isupper() for w in words) or words[0].lower() == "the"
            if words[0].lower() in _INDEFINITE or _INDEFINITE_BEFORE.search(
                text, max(0, start - 8), start
            ):
                continue  # "there's a thing, the Brigid Project": a common noun
            if _LIST_ITEM_BEFORE.search(text, max(0, start - 30), start):
                continue  # "The forms, the money, the school": things in a list
            if _KIND_GOES_ON.match(text, m.end()):
                continue  # "the office, it's Unit 3", "the tenancy, the Housing Options"
            if (
                m.group("dot")
                and not _IT_IS.match(text, m.end("dot"))
                and not self._led_and_glossed(text, start, m)
            ):
                # After a full stop "the" and a kind start a new sentence ("the children.
                # the housing lady", "The women. The group."), unless the name came after
                # "at" or "with" and the kind ends the fragment ("at open door. the youth
                # hub."); "it's a ..." still glosses ("the nest. it's a young mums group").
                continue
            if len(words) == 2 and words[0].lower() in _BEFORE_NAME | {"the"}:
                start += name.index(words[1], len(words[0]))
                words = words[1:]
            low = [w.lower().rstrip("'’") for w in words]
            if any(
                w in _GENERIC_ORG_WORDS or w in STOP_WORDS or w in NON_NAME_CAPS or w in _PEOPLE
                for w in low
            ):
                continue
            if low[-1] in _PLAIN_PLACES and (len(low) == 1 or not named):
                continue  # "St Barnabas, the church hall, that's my home group"
            if low[-1].endswith("s") and not low[-1].endswith(("ss", "'s", "’s")):
                continue  # "the GPs, the main surgery": plurals are people or things
            if (
                not named
                and all(self.ctx.lexicon.is_known(w) for w in low)
                and not self._led_and_glossed(text, start, m)
            ):
                continue  # "in theory, the prison", "in town, the surgery": English words
            if (
                name[0].isupper()
                and at_sentence_start(text, start)
                and len(words) == 1
                and self.ctx.lexicon.is_known(low[0])
            ):
                continue
            yield Hit(start, m.end("name"), ORGANIZATION, self.SCORE)
        for m in _GLOSS_FIRST.finditer(text):
            if _ITEM_BEFORE.search(text, max(0, m.start() - 30), m.start()):
                continue  # "your name, the service, patients, places": a list
            words = m.group("name").split()
            low = [w.lower().rstrip("'’") for w in words]
            if any(
                w in _GENERIC_ORG_WORDS or w in STOP_WORDS or w in NON_NAME_CAPS or w in _PEOPLE
                for w in low
            ):
                continue
            if any(self.ctx.lexicon.is_common(w) for w in low):
                continue  # "the drop-in, upstairs", "a hostel, mostly"
            yield Hit(m.start("name"), m.end("name"), ORGANIZATION, self.SCORE)

    @staticmethod
    def _led_and_glossed(text: str, start: int, m: re.Match[str]) -> bool:
        """Whether a name of ordinary words follows "with"/"to"/"at" and the like and is
        glossed by "the" and a kind that ends the clause ("with new leaf, the drug
        service.")."""
        if not _LEADS_TO_SERVICE.search(text, max(0, start - 10), start):
            return False
        gloss = text[m.end("name") : m.end()]
        return bool(_COMMA_THE.match(gloss)) and bool(_GLOSS_ENDS.match(text, m.end()))


class WorkplaceRecognizer(QualkitRecognizer):
    """Capitalised names after working/staying at, for or with ("I worked at Brindleys")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 35
    SCORE: ClassVar[float] = 0.55

    def find(self, text: str) -> Iterator[Hit]:
        for m in _WORKPLACE.finditer(text):
            words = m.group("name").split()
            low = [w.lower().rstrip("'’s") for w in words]
            if all(w in STOP_WORDS or w in NON_NAME_CAPS or w in _TIME_WORDS for w in low):
                continue
            if all(w in _GENERIC_ORG_WORDS or w in STOP_WORDS for w in low):
                continue
            if low[0] == "the" and len(low) == 1:
                continue
            yield Hit(m.start("name"), m.end("name"), ORGANIZATION, self.SCORE)


# Two surnames joined by "and" (Welsh "a"), in the same case: a firm ("Ferris and Boyd",
# "from walsh and crowther"), near a word for a firm or for work.
_SURNAME_PAIR = re.compile(
    r"(?<![\p{L}'’\-])(?:(?P<A>\p{Lu}\p{Ll}{2,})[ ]+(?:and|&|a)[ ]+(?P<B>\p{Lu}\p{Ll}{2,})"
    r"|(?P<a>\p{Ll}{3,})[ ]+(?:and|&)[ ]+(?P<b>\p{Ll}{3,}))(?![\p{L}\p{N}'’\-])"
)
_FIRM_TALK = re.compile(
    r"(?i)\b(?:solicitors?|lawyers?|firm|chemists?|pharmacy|accountants?|agents?|builders"
    r"|scaffolders|factory|warehouse|mill|works|worked|furnaces|employer|company)\b"
)
FIRM_TALK_BEFORE = 80
FIRM_TALK_AFTER = 40


class FirmRecognizer(QualkitRecognizer):
    """Two surnames joined by "and" near a word for a firm or for work: a solicitors',
    a chemist's, an employer ("Mr Ferris from Ferris and Boyd", "nights at brook and
    whitley the warehouse"). Each is a surname in Great Britain more than a first name,
    and no everyday word."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 35
    SCORE: ClassVar[float] = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for m in _SURNAME_PAIR.finditer(text):
            words = [w for w in m.group("A", "B", "a", "b") if w]
            if not all(self._surname(w) for w in words):
                continue
            lo, hi = max(0, m.start() - FIRM_TALK_BEFORE), m.end() + FIRM_TALK_AFTER
            if _FIRM_TALK.search(text, lo, hi):
                yield Hit(m.start(), m.end(), ORGANIZATION, self.SCORE)

    def _surname(self, word: str) -> bool:
        low = word.lower()
        if low in STOP_WORDS or self.ctx.lexicon.is_common(low):
            return False
        stats = self.ctx.gazetteer.get(low)
        if not stats.last_gb and low.endswith("s"):  # "Stewarts and Lloyds"
            stats = self.ctx.gazetteer.get(low[:-1])
        return bool(stats.last_gb) and not 0 < stats.first_gb < stats.last_gb


_TITLE_RUN = re.compile(rf"(?<![\p{{L}}'’\-])(?P<run>{CAP}(?:[ ]+(?:of[ ]+|&[ ]+|and[ ]+)?{CAP})+)")


_SERVICE_BEFORE = re.compile(r"(?i)\b(?:to|at|with|from|into|called)[ ]+(?:the[ ]+)?$")
_THE_BEFORE = re.compile(r"(?<![\p{L}])the[ ]+$")


class CapitalisedPhraseRecognizer(QualkitRecognizer):
    """Two or more capitalised words inside a sentence ("a referral to Bright Step"):
    in speech transcribed as text, such runs are names of services, places or people."""

    ENTITIES: ClassVar[tuple[str, ...]] = (ORGANIZATION,)
    RANK: ClassVar[int] = 44
    SCORE: ClassVar[float] = 0.44

    def find(self, text: str) -> Iterator[Hit]:
        for m in _TITLE_RUN.finditer(text):
            start = m.start("run")
            words = m.group("run").split()
            # Drop leading words that only open a sentence or a clause.
            while words and (
                (words[0].lower() in STOP_WORDS and words[0] != "The")
                or words[0].lower() in NON_NAME_CAPS - {"the"}
                or at_sentence_start(text, start)
            ):
                start += len(words[0])
                start += len(text[start:]) - len(text[start:].lstrip(" "))
                words = words[1:]
            # ...and a trailing word that says how someone speaks or when ("Tranent English",
            # "St Barnabas Monday"; not "School of English", nor "An" of "Nghe An").
            end = m.end("run")
            while (
                len(words) > 1
                and words[-1].lower() in NON_NAME_CAPS
                and words[-1].lower() not in STOP_WORDS
                and words[-2].lower() not in _JOINING
            ):
                end = len(text[: end - len(words[-1])].rstrip(" "))
                words = words[:-1]
            if len(words) < 2 or (words[0] == "The" and len(words) < 3):
                continue
            if len(words) == 2 and words[0].lower() in TITLES_APART:
                continue  # "Father Dominic": someone with a title
            low = [w.lower().rstrip("'’s") for w in words]
            if all(w in NON_NAME_CAPS or w in STOP_WORDS for w in low):
                continue
            # Descriptions ("Eastern European", "South Asian") rather than names, unless
            # the run follows a word that introduces a place or service ("referral to").
            if (
                all(self.ctx.lexicon.is_common(w) for w in low if w not in ("of", "and"))
                and not _SERVICE_BEFORE.search(text, max(0, start - 12), start)
                and not self._pub_name(text, start, low)
            ):
                continue
            if self._two_people(text, start, low):
                continue
            yield Hit(start, end, ORGANIZATION, self.SCORE)

    def _two_people(self, text: str, start: int, low: list[str]) -> bool:
        """ "Maureen and Dave", "Nain and Taid": two first names or kin joined by "and",
        not after "the" — two people, whom the name recognizers find, not a service."""
        if len(low) != 3 or low[1] not in ("and", "&") or _THE_BEFORE.search(text, 0, start):
            return False
        return all(
            w in KINSHIP
            or (self.ctx.gazetteer.get(w).first_best > 0 and not self.ctx.lexicon.is_common(w))
            for w in (low[0], low[2])
        )

    def _pub_name(self, text: str, start: int, low: list[str]) -> bool:
        """ "the Saddle and Spur", "the Fox & Hounds": two nouns joined after "the", the
        way pubs are named (not kin, months or allowed words: "the Mother and Baby")."""
        if len(low) != 3 or low[1] not in ("and", "&") or not _THE_BEFORE.search(text, 0, start):
            return False
        allowed = {w.casefold() for a in self.ctx.lists.all_allow() for w in a.split()}
        return not any(
            w in NON_NAME_CAPS or w in KINSHIP or w in MONTHS or w in allowed
            for w in (low[0], low[2])
        )
