"""Names in the places statistical NER misses.

After titles and kinship words, introduced by "called"/"named", nicknames, speaker
labels, lower-case names, and capitalised words no English dictionary knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex as re
from spacy.lang.en.stop_words import STOP_WORDS

from qualkit.deid.medicines import is_medicine
from qualkit.deid.numwords import number_value
from qualkit.deid.recognizers.base import (
    CAP,
    CLAUSE_END,
    GREETING,
    Hit,
    QualkitRecognizer,
    at_sentence_start,
    compile_words,
    one_per_span,
    strip_possessive,
)
from qualkit.deid.spans import PERSON
from qualkit.deid.textutil import followed_like_name, letter_in_the_plural, typed_in_lower_case
from qualkit.deid.words import (
    DIALECT_WORDS,
    KIN_AND_TITLES,
    KINSHIP,
    KINSHIP_MODIFIERS,
    NAME_WORDS,
    NICKNAME_PREFIXES,
    NON_NAME_CAPS,
    TITLES,
    WORDLIKE_TITLES,
)
from qualkit.importers.labels import GENERIC_LABEL_WORDS, name_label_spans

_NAME_TOKEN = rf"(?:{CAP}|\p{{Ll}}[\p{{Ll}}'’\-]+)"
# Titles written before a surname and counted as part of the name ("Dr Okafor").
_ABBREV_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "cllr",
        "rev",
        "sgt",
        "dc",
        "pc",
        "ds",
        "di",
        "sir",
        "dame",
    ]
)
# Titles that come before a surname alone, which may be an ordinary noun ("mrs cunningham").
_SURNAME_TITLES = frozenset(["mr", "mrs", "ms", "mx", "dr"])
# Police ranks written as capitals ("DI Walsh", "PC Lowe"); in lower case before a
# capitalised word they are another word ("di Home Office" in patois).
_RANKS = frozenset(["pc", "dc", "ds", "di"])

# An initial may stand between the title and the surname ("Mr I Patel", "Mrs A. Khan").
_TITLE = re.compile(
    rf"\b(?P<title>(?i:{compile_words(TITLES)}))\.?[ ]+(?:\p{{Lu}}\.?[ ]+(?=\p{{Lu}}\p{{Ll}}))?"
    rf"(?P<n1>{_NAME_TOKEN})(?:[ ]+(?P<n2>{CAP}))?"
)
# "Mrs D", "Mr K.", "Uncle D", "Little K", "mrs p": a name cut to its initial still points
# at one person. "I" after a title is the pronoun ("said to Mrs. I mean"); "the Big C" is
# cancer; in lower case "a", "i" and "u" are words ("miss u" is never a title).
_TITLE_INITIAL = re.compile(
    r"(?<!\b(?i:the|a)[ ]+)\b(?:(?:(?i:mr|mrs|ms|miss|dr)\.?[ ]+(?!I\b)"
    r"|(?:(?i:uncle|auntie|aunty|aunt|nan|nanny|grandad)|Big|Little|Wee)[ ]+(?![IA]\b))"
    r"\p{Lu}|(?:mr|mrs|ms|dr)\.?[ ]+(?![aiu]\b)\p{Ll})(?![\p{L}\p{N}'’])"
)
_KIN_WORDS = tuple(KINSHIP) + tuple(k + "s" for k in KINSHIP if not k.endswith("s"))
_KIN = re.compile(
    r"(?i:\b(?:my|his|her|their|our|your|me|the|a)[ ]+"
    rf"(?:(?:{compile_words(KINSHIP_MODIFIERS)})[ \-]+){{0,2}}"
    rf"(?:{compile_words(_KIN_WORDS)}))(?:[ ]*,)?[ ]+(?P<names>{_NAME_TOKEN}(?:[ ]+{CAP})?"
    rf"(?:(?:[ ]*,[ ]*|[ ]+(?:and|&)[ ]+){_NAME_TOKEN}(?:[ ]+{CAP})?){{0,4}})"
)
# "my daughter seagull shes six": after a kinship word, an everyday word followed by the
# child's age is the name (a name misheard in captions, or a name that is a word).
_AGE_SAID_AFTER = re.compile(
    r"(?i)[ ]*,?[ ]+(?:he|she)(?:['’]?s|[ ]+is)[ ]+(?:only[ ]+|just[ ]+|nearly[ ]+)?"
    r"(?P<age>\d{1,2}|[\p{L}\-]+)(?![\p{L}\p{N}])(?![ ]+(?:weeks?|months?|days?)\b)"
)


def age_said_after(text: str, end: int) -> bool:
    """Whether "he's nine" or "she is 14" follows ``end``."""
    m = _AGE_SAID_AFTER.match(text, end)
    if m is None:
        return False
    value = number_value(m.group("age"))
    return value is not None and 0 < value < 20


# "my daughter. Sioned. She's in Cardiff", "My grandson. Will. He's seventeen.": a name said
# on its own after the kinship word.
_KIN_THEN_NAME = re.compile(
    r"(?i:\b(?:my|his|her|their|our|your|me)[ ]+"
    rf"(?:(?:{compile_words(KINSHIP_MODIFIERS)})[ \-]+){{0,2}}"
    rf"(?:{compile_words(_KIN_WORDS)}))[.:][ ]+(?P<name>\p{{Lu}}\p{{Ll}}+)(?=[.,!?])"
)
# "Rajan paaji", "Hari dai", "Surinder ji": a first name with the word of respect or kinship
# said after it in South Asian languages.
_NAME_THEN_RESPECT = re.compile(
    r"(?<![\p{L}'’\-])(?<!\b(?i:the|a|an)[ ]+)(?P<name>\p{Lu}\p{Ll}+)[ ]+"
    r"(?:ji|paaji|paji|praji|veerji|bhenji|bhai|bhaiya|bhaji|didi|dai|apa|apu|baji|sahib|saab)"
    r"(?![\p{L}'’\-])"
)
# A lower-case word after a kinship word that is this common a first name in Great Britain
# and no everyday word is the name ("my mate jordan", "me mate jordans", possessive).
KIN_NAME_RANK = 1000
_INTRO = re.compile(
    r"(?i:\b(?:(?:calls?|calling|called)[ ]+(?:me|him|her|us|himself|herself)"
    r"|called|named|name['’]?s|name[ ]+is|known[ ]+as|nicknamed"
    r"|goes[ ]+by|(?:this|that)[ ]+(?:is|was)|is[ ]+(?:this|that)|it['’]s|i['’]m|i[ ]+am|me[ ]+and|"
    r"and[ ]+me|with|told|asked|met|saw|rang|phoned|texted|messaged|visiting|visited|seeing|"
    rf"(?:thank[ ]+you|you[ ]+too|bye|sorry|evening|afternoon|{GREETING})"
    r"(?:[ ]+(?:so|very)[ ]+much)?[ ]*,?)[ ]+)"
    rf"(?P<name>{_NAME_TOKEN}(?:[ ]+{CAP})?)"
)
_STRONG_INTRO = re.compile(
    r"(?i)^(?:(?:calls?|calling|called)[ ]+(?:me|him|her|us|himself|herself)|called|named"
    r"|name['’]?s|name[ ]+is|known[ ]+as|nicknamed|goes[ ]+by)[ ]+"
)
# What introduces a nickname that may be an ordinary noun ("everyone calls me moose").
_NICKNAME_INTRO = re.compile(
    r"(?i)^(?:(?:calls?|calling|called)[ ]+(?:me|him|her|us|himself|herself)|known[ ]+as|nicknamed"
    r"|goes[ ]+by|name['’]s|name[ ]+is)[ ]+"
)
_NICK = re.compile(
    rf"(?P<prefix>\b(?i:{compile_words(NICKNAME_PREFIXES)}))[ ]+(?P<name>{CAP})\b(?!['’]?\w)"
)
# In a text typed in lower case: "big al", "lil rico", "scouse dave", "big h".
_LOWER_NICK = re.compile(
    rf"(?<![\p{{L}}\-'’])(?P<prefix>{compile_words(NICKNAME_PREFIXES)})[ ]+"
    r"(?P<name>\p{Ll}[\p{Ll}\-]*)\b"
    r"(?!['’]?\w)"
)
_REDUP = re.compile(r"\b(?P<w>\p{L}{1,5})-(?P=w)\b", re.IGNORECASE)
_THEY_CALLED = (
    r"(?:they|we|everyone|everybody|people|the[ ]+(?:lads|boys|girls)|my[ ]+mates)[ ]+"
    r"(?:called|call|used[ ]+to[ ]+call)"
)
# "a lad, gari lori they called him,", "Ciaran's dead. Chipper we called him", "Ray. Hock,
# the lads called me": a name, then who gave it.
_NAME_THEY_CALLED = re.compile(
    rf"(?:^|(?<=[,;:.!?][ ]*))(?P<name>{_NAME_TOKEN}(?:[ ]+{_NAME_TOKEN})?)[ ]*,?[ ]+"
    rf"(?i:{_THEY_CALLED})[ ]+(?i:him|her|them|me)\b",
    re.MULTILINE,
)
# "a guy called smiler": a person, then "called" and their name, which may be a noun.
_CALLED = re.compile(r"(?i)^(?:called|named)[ ]+")
_PERSON_NOUN_BEFORE = re.compile(
    r"(?i)\b(?:guy|man|lad|woman|girl|fella|fellow|feller|bloke|boy|kid|geezer|lass|lassie|lady"
    r"|chap|mate|pal|friend|dude|gadgie|gadgee|gadge|wifie)[ ]+$"
)
_KINSHIP_WORDS = frozenset(k for k in KINSHIP if " " not in k)
# "this older fella they called uncle", "a guy from london they called t-bag": a person,
# perhaps where they are from, then the name others gave them.
_PERSON_THEY_CALLED = re.compile(
    r"(?i:\b(?:fella|fellow|man|lad|woman|girl|guy|bloke|kid|boy|geezer|lass|lassie|one"
    r"|someone|somebody)[ ]+(?:(?:from|off|out[ ]+of)[ ]+[\p{L}'’\-]+[ ]+)?"
    rf"(?:that[ ]+|who[ ]+)?{_THEY_CALLED})[ ]+(?P<name>{_NAME_TOKEN})\b"
)
# "Biscuit's real name's Connor", "big shuggy, hugh his real name is": a name said beside
# someone's real name is a nickname (any word: nicknames are often words), and the name
# before "his real name" the real one.
_REAL_NAME = re.compile(
    r"(?<![\p{L}'’\-])(?:(?P<nick>(?:(?i:big|wee|lil|little|young|old)[ ]+)?\p{L}[\p{L}\-]*)"
    r"['’]s|(?P<before>(?:(?i:big|wee|lil|little|young|old)[ ]+)?\p{L}[\p{L}\-]*)[ ]*,[ ]*"
    r"(?P<real>\p{L}[\p{L}\-]*)[ ]+(?i:his|her|their))[ ]+(?i:real|proper|actual)[ ]+(?i:name)\b"
)
# "everyone called him Tel.", "we called him stacks, he ...", "they call me Jojo, or ...",
# "we call him the professor because ...", "the residents call him Professor.":
# what a group calls someone, ending its clause or followed by why, is a name whatever the
# word ("they called me a liar" does not end there; "call me that" is a function word).
_GROUP_CALLS = re.compile(
    r"(?i:\b(?:they|we|dem|everyone|everybody|people|folk|(?-i:\p{Ll}{3,}s))[ ]+"
    r"(?:(?:all|just|always|used[ ]+to|would)[ ]+)?(?:calls?|called|calling)[ ]+"
    r"(?:me|mi|him|her|them|us|you|yuh)[ ]+(?P<the>the[ ]+)?)"
    r"(?P<name>[\p{L}][\p{L}'’\-]+)"
    r"(?=[ ]*(?:[.,;:!?)\"”\[]|$)|[ ]+(?i:cos|because|'cause|cause|after|from|for|since)\b)",
    re.MULTILINE,
)
# "she called him the weasel [laughs]": what one person calls another, with "the", ending
# its clause ("she called him the worst names" does not end there).
_ONE_CALLS_THE = re.compile(
    r"(?i:\b(?:he|she|i|mum|mam|dad|nan|gran)[ ]+(?:(?:always|just|used[ ]+to|would)[ ]+)?"
    r"(?:calls?|called|calling)[ ]+(?:me|him|her|them)[ ]+the[ ]+)"
    r"(?P<name>[\p{L}][\p{L}'’\-]+)"
    r"(?=[ ]*(?:[.,;:!?)\"”\[]|$)|[ ]+(?i:cos|because|'cause|cause)\b)",
    re.MULTILINE,
)
# "they call him the Professor": a nickname made of "the" and a capitalised word.
_THE_NICK = re.compile(
    r"(?i:\b(?:call(?:ed|s)?|known[ ]+as|nicknamed)[ ]+(?:him|her|me|them|himself|herself)?[ ]*)"
    rf"(?P<name>the[ ]+{CAP}(?:[ ]+{CAP})?)"
)
# "Murdo the Post", "Kathleen the Shop": a first name and what the person is known for.
_EPITHET = re.compile(
    rf"(?<![\p{{L}}'’\-])(?P<name>{CAP})[ ]+the[ ]+(?P<epithet>{CAP})(?![\p{{L}}\-])"
)
# ...or in lower case, set apart by commas: "for years, Dai the milk, he let me sleep".
_EPITHET_LOWER = re.compile(
    rf"(?<=[,;:][ ])(?P<name>{CAP})[ ]+the[ ]+(?P<epithet>\p{{Ll}}+)(?=[ ]*[,;:.!?])"
)

# Bodies and services someone may be telling a person about ("I told Dave the Council ...").
_NOT_EPITHETS = frozenset(
    [
        "council",
        "police",
        "doctor",
        "doctors",
        "hospital",
        "court",
        "government",
        "army",
        "probation",
        "housing",
        "school",
        "church",
        "social",
        "landlord",
        "manager",
        "nurse",
    ]
)
_QUOTED_NICK = re.compile(
    r"(?i:\b(?:call(?:ed|s)?|known[ ]+as|nicknamed)[ ]+(?:him|her|me|them|himself|herself)?[ ]*)"
    r"[\"“‘'](?P<name>[\p{L}][\p{L} \-]{1,20}?)[\"”’']"
)


class TitleNameRecognizer(QualkitRecognizer):
    """Names after titles: "Dr Okafor", "Mrs Achebe", "Auntie Wyn", "dr okafor"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 30
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _TITLE.finditer(text):
            title = m.group("title").lower()
            n1 = m.group("n1")
            if text.startswith(".", m.end("title")) and title not in _ABBREV_TITLES:
                continue  # a full stop, not an abbreviation: "sorry grandad. Mi pack two bags"
            wordlike = title in WORDLIKE_TITLES or title not in _ABBREV_TITLES
            if title in _RANKS and m.group("title").islower() and n1[0].isupper():
                continue  # a rank is written in capitals: "di Home Office" is "the"
            if n1[0].isupper():
                if n1.lower() in STOP_WORDS or n1.lower() in NON_NAME_CAPS:
                    continue
                if (
                    wordlike
                    and self.ctx.lexicon.is_common(n1)
                    and not m.group("title")[0].isupper()
                ):
                    continue
            else:
                # Lower case: "dr okafor" yes, "the doctor said" no. After "mr", "mrs" or
                # "dr" a noun can be a surname too ("mrs cunningham", "mr price").
                known = self.ctx.lexicon.is_common(n1) if title in _SURNAME_TITLES else None
                if known is None:
                    known = self.ctx.lexicon.is_known(n1)
                if known or n1 in STOP_WORDS:
                    continue
            end = (
                m.end("n2")
                if m.group("n2") and m.group("n2").lower() not in STOP_WORDS
                else m.end("n1")
            )
            end = strip_possessive(text, m.start(), end)
            keep_title = title in _ABBREV_TITLES or (
                title in _FAMILY_TITLES
                and not _DETERMINER_BEFORE.search(text, max(0, m.start() - 8), m.start())
            )
            start = m.start("title") if keep_title else m.start("n1")
            yield Hit(start, end, PERSON, self.SCORE)
        for m in _TITLE_INITIAL.finditer(text):
            yield Hit(m.start(), m.end(), PERSON, self.SCORE)


# Family titles written before a first name ("Auntie Wyn", "Uncle Fitz") go with it.
_DETERMINER_BEFORE = re.compile(r"(?i)\b(?:my|his|her|our|their|your|the|a|me)[ ]+$")
_FAMILY_TITLES = frozenset(["auntie", "aunty", "aunt", "uncle", "nan", "nanny", "grandad"])
#: Titles written out that stay outside the name after them ("Father", "Doña", "Sheikh").
TITLES_APART: frozenset[str] = frozenset(TITLES - _ABBREV_TITLES - _FAMILY_TITLES)


class KinshipNameRecognizer(QualkitRecognizer):
    """Names after kinship and relationship words: "my daughter Hope", "my nan doreen", "My
    grandson. Will." (a first name as a sentence of its own)."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 30
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _KIN_THEN_NAME.finditer(text):
            low = m.group("name").lower()
            if low not in NON_NAME_CAPS and self.ctx.gazetteer.get(low).first_gb > 0:
                yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)
        for m in _KIN.finditer(text, overlapped=True):
            base = m.start("names")
            for part in re.finditer(rf"{_NAME_TOKEN}(?:[ ]+{CAP})?", m.group("names")):
                word = part.group(0)
                first = word.split()[0]
                if first.lower() in ("and",):
                    continue
                if first[0].isupper():
                    if first.lower() in NON_NAME_CAPS or first.lower() in _NOT_NAMES_AFTER_KIN:
                        break
                elif first in NAME_WORDS and first not in STOP_WORDS:
                    # "my sister faith, she's 12": a name-word right after a kinship
                    # word, then a pause or a verb, is the name.
                    if not followed_like_name(text, base + part.start() + len(first)):
                        break
                elif first in STOP_WORDS or (
                    self.ctx.lexicon.is_known(first)
                    and not self._lower_first_name(first)
                    and (
                        first.endswith("ly")
                        or first in _NOT_NAMES_AFTER_KIN
                        or not age_said_after(text, base + part.start() + len(first))
                    )
                ):
                    break
                start = base + part.start()
                end = strip_possessive(text, start, base + part.end())
                # Keep a second capitalised word only if it is not an ordinary word.
                words = text[start:end].split()
                if len(words) == 2 and words[1].lower() in STOP_WORDS:
                    end = start + len(words[0])
                yield Hit(start, end, PERSON, self.SCORE)
        for pattern in (_KIN_THEN_NAME, _NAME_THEN_RESPECT):
            for m in pattern.finditer(text):
                name = m.group("name")
                low = name.lower()
                if low in NON_NAME_CAPS or low in _NOT_NAMES_AFTER_KIN or low in STOP_WORDS:
                    continue
                if self.ctx.lexicon.is_common(low):
                    continue
                if not self.ctx.lexicon.is_known(low) or self.ctx.gazetteer.get(low).first_best:
                    yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)

    def _lower_first_name(self, word: str) -> bool:
        """A common British first name that is no everyday word, or its plural or
        possessive without an apostrophe ("jordans")."""
        for bare in (word, word[:-1] if word.endswith("s") else ""):
            if not bare or self.ctx.lexicon.is_common(bare):
                continue
            if 0 < self.ctx.gazetteer.get(bare).first_gb <= KIN_NAME_RANK:
                return True
        return False


_KIN_SET = frozenset(KINSHIP)
_NOT_NAMES_AFTER_KIN = frozenset(
    [
        "and",
        "but",
        "or",
        "so",
        "then",
        "because",
        "cos",
        "when",
        "if",
        "as",
        "who",
        "which",
        "what",
        "that",
        "this",
        "there",
        "here",
        "was",
        "is",
        "were",
        "are",
        "be",
        "been",
        "has",
        "had",
        "have",
        "do",
        "did",
        "does",
        "said",
        "says",
        "told",
        "used",
        "would",
        "could",
    ]
)


class IntroducedNameRecognizer(QualkitRecognizer):
    """Names introduced or addressed: "she's called Clementine", "me and Tanya", "I'm Ebo",
    and a family's name before a marriage ("I was a Cooper before I married")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 32
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for m in _INTRO.finditer(text):
            name = m.group("name")
            first = name.split()[0]
            strong = _STRONG_INTRO.match(m.group(0)) is not None
            low = first.lower()
            if low in STOP_WORDS or low in NON_NAME_CAPS or low in _KINSHIP_WORDS:
                continue  # "the children call her Hooyo" (mother)
            if first[0].isupper():
                if not strong and self.ctx.lexicon.is_common(low):
                    continue
                if not strong and _looks_like_group_noun(first) and self.ctx.lexicon.is_known(low):
                    continue
            elif self.ctx.lexicon.is_known(low) and not self._nickname_called(text, m, low):
                continue
            start = m.start("name")
            end = strip_possessive(text, start, m.end("name"))
            words = text[start:end].split()
            if len(words) == 2 and (
                words[1].lower() in STOP_WORDS or words[1].lower() in NON_NAME_CAPS
            ):
                end = start + len(words[0])
            yield Hit(start, end, PERSON, self.SCORE if strong else 0.6)
        for m in _MAIDEN_NAME.finditer(text):
            group = "name" if m.group("name") else "name2"
            if m.group(group).lower() not in STOP_WORDS:
                yield Hit(m.start(group), m.end(group), PERSON, self.SCORE)
        for m in _SELF_INTRO.finditer(text):
            low = m.group("name").lower()
            if low not in STOP_WORDS and low not in NON_NAME_CAPS and low not in _KINSHIP_WORDS:
                yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)

    def _nickname_called(self, text: str, m: re.Match[str], low: str) -> bool:
        """Whether a lower-case English word after "calls me", "known as" or a person
        "called" is a nickname ("a guy called smiler"): no ordinary word or plural, unless
        the word ends the phrase after a person "called" ("a lad called mousey's,")."""
        called = _CALLED.match(m.group(0)) is not None and bool(
            _PERSON_NOUN_BEFORE.search(text, max(0, m.start() - 30), m.start())
            or _ROLE_THEN_CALLED.search(text, max(0, m.start() - 30), m.start())
        )
        if not (called or _NICKNAME_INTRO.match(m.group(0))):
            return False
        if _could_be_nickname(low, self.ctx.lexicon.is_common(low)):
            return True
        one_word = len(m.group("name").split()) == 1
        ends = _PHRASE_ENDS.match(text, m.end("name")) is not None
        return called and one_word and ends and low not in _CALLED_WHEN


# After a person "called" a word, the word ends its phrase: "a lad called mousey's,";
# not a word that says when or where someone called ("a mate called round.").
_PHRASE_ENDS = re.compile(r"(?:['’]s)?(?=[,.;:!?])")
_CALLED_WHEN = frozenset(
    {
        "round",
        "home",
        "later",
        "today",
        "tonight",
        "earlier",
        "early",
        "late",
        "again",
        "twice",
        "once",
        "ahead",
        "yesterday",
    }
)


def _could_be_nickname(low: str, common: bool) -> bool:
    """A lower-case word that can be a nickname after "calls me" or "known as" ("moose"):
    not an ordinary word, and not a plural ("called me names")."""
    return not common and not (low.endswith("s") and not low.endswith("ss"))


def _looks_like_group_noun(word: str) -> bool:
    """Nationality-style words ("Jamaican", "Polish", "Catholic") are not names."""
    return word.lower().endswith(("an", "ish", "ese", "ic", "ian", "i"))


ROLE_NOUNS = (
    "receptionist",
    "manager",
    "worker",
    "officer",
    "nurse",
    "doctor",
    "gp",
    "counsellor",
    "therapist",
    "psychiatrist",
    "psychologist",
    "consultant",
    "pharmacist",
    "carer",
    "social worker",
    "keyworker",
    "key worker",
    "support worker",
    "housing officer",
    "probation officer",
    "owner",
    "landlord",
    "landlady",
    "neighbour",
    "friend",
    "mate",
    "boss",
    "supervisor",
    "volunteer",
    "coordinator",
    "co-ordinator",
    "lead",
    "director",
    "chaplain",
    "vicar",
    "pastor",
    "imam",
    "teacher",
    "head",
    "solicitor",
    "barrister",
    "advocate",
    "caseworker",
    "case worker",
    "mentor",
    "sponsor",
    "cook",
    "cleaner",
    "warden",
    "guard",
    "screw",
    "paramedic",
    "midwife",
    "health visitor",
    "chemist",
    "caretaker",
    "chef",
    "priest",
)
# "Raj the pharmacist there", "Tash the drug worker": a name and the person's role after it.
_NAME_THE_ROLE = re.compile(
    rf"(?<![\p{{L}}'’\-])(?P<name>{CAP})[ ]+the[ ]+(?:[\p{{L}}\-]+[ ]+)?"
    rf"(?i:{compile_words(ROLE_NOUNS)})(?![\p{{L}}\-])"
)
# "hiya its caress here im his support worker": a worker greeting the call with their
# name, whatever the word, before saying who they are.
_SELF_INTRO = re.compile(
    r"(?i:\b(?:hi|hiya|hello|hey)[ ,]+(?:it['’]?s|its|this[ ]+is)[ ]+)"
    r"(?P<name>\p{L}[\p{L}'’\-]+)(?i:[ ]+here)?[ ]*,?[ ]+(?i:i['’]?m|im|i[ ]+am)[ ]+"
    rf"(?:[\p{{L}}'’]+[ ]+){{0,3}}?(?i:{compile_words(ROLE_NOUNS)})(?![\p{{L}}])"
)
# A family's name before a marriage: "I was a Cooper before I married", "née Lovell", "her
# maiden name was Boswell".
_MAIDEN_NAME = re.compile(
    rf"(?i:\b(?:i|she|mum|mam|mother)[ ]+was[ ]+a[ ]+)(?P<name>{CAP})"
    r"(?=[ ]+(?i:before[ ]+(?:i|she|we|they)[ ]+(?:got[ ]+)?married))"
    rf"|(?i:\bn[ée]e[ ]+|\bmaiden[ ]+name(?:['’]s|[ ]+is|[ ]+was)?[ ]*,?[ ]+)(?P<name2>{CAP})"
)
# "a support worker called mared": a role, then "called" and the person's name.
_ROLE_THEN_CALLED = re.compile(rf"(?i)\b(?:{compile_words(ROLE_NOUNS)})[ ]+$")
_APPOSITIVE = re.compile(
    rf"(?P<name>{CAP}(?:[ ]+{CAP})?)[ ]*,[ ]+(?:(?:the|my|our|his|her|their|a|an|this)[ ]+)"
    rf"(?:[\p{{L}}\-]+[ ]+)?(?i:{compile_words(ROLE_NOUNS + tuple(KINSHIP))})\b"
    rf"|(?P<name2>{CAP}(?:[ ]+{CAP})?)[ ]*,[ ]+who\b"
)


# "a link worker there, shona, who'll come": a first name set off by commas after a role.
_ROLE_THEN_NAME = re.compile(
    r"(?<=,[ ]+)(?P<name>\p{Ll}[\p{Ll}'’\-]+)(?=[ ]*,|[ ]+(?:who|he|she|they)\b)"
)
_ROLE_BEFORE = re.compile(
    rf"(?i:\b{compile_words(ROLE_NOUNS)}(?:[ ]+(?:there|here|now|then))?)[ ]*,[ ]+$"
)


# "there's a fella, Tel, he was a chef", "another boy was there also, Long, from Hai
# Phong": a capitalised word set off by commas after a person or a role (and up to three
# words about them), before what they did or where they came from.
_PERSON_COMMA_NAME = re.compile(
    r"(?i:\b(?:a|an|another|this|that|one|the|some)[ ]+(?:[\p{L}\-]+[ ]+)?"
    rf"(?:guy|man|lad|woman|girl|fella|fellow|bloke|boy|kid|lass|lady|chap|gentleman"
    rf"|{compile_words(ROLE_NOUNS)}))"
    r"(?:[ ]+(?!(?:from|in|at|of|on|to|with|for|the|a|an)\b)\p{Ll}+){0,3}[ ]*,[ ]+"
    r"(?P<name>\p{Lu}\p{Ll}+)[ ]*,[ ]+(?i:he|she|they|who|from)\b"
)


# "the psychologist was raj, he ...": a first name said to be who holds a role.
_ROLE_WAS_NAME = re.compile(
    rf"(?i:\b(?:the|my|our|his|her|their)[ ]+(?:[\p{{L}}\-]+[ ]+)?{compile_words(ROLE_NOUNS)}"
    r"[ ]+(?:was|is|were)[ ]+)(?P<name>\p{Ll}[\p{Ll}'’\-]+)"
    r"(?=[ ]*[,.;:!?]|[ ]+(?:who|he|she|and|but)\b)"
)


class AppositiveNameRecognizer(QualkitRecognizer):
    """Names explained by what follows: "Rose, the receptionist", "Leopold, who ...", a
    name set off by commas after a person ("a fella, Tel, he was a chef"), and in lower
    case a first name set off by commas after a role ("my worker, shona,") or
    said to hold one ("the psychologist was raj, he ...")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 33
    SCORE: ClassVar[float] = 0.65
    SLOT_SCORE: ClassVar[float] = 0.86

    def find(self, text: str) -> Iterator[Hit]:
        for m in _APPOSITIVE.finditer(text):
            group = "name" if m.group("name") is not None else "name2"
            name = m.group(group)
            words = name.split()
            low = [w.lower().rstrip("'’s") for w in words]
            if any(w in NON_NAME_CAPS or w in GENERIC_LABEL_WORDS for w in low):
                continue
            if all(w in _KINSHIP_WORDS for w in low):
                continue  # "my Nanay, my mother"
            if len(words) == 1 and self._country_or_city(words[0].lower()):
                continue  # "Philippines, my lola"
            if (
                group == "name2"
                and all(self.ctx.lexicon.is_known(w) for w in low)
                and at_sentence_start(text, m.start(group))
            ):
                continue
            yield Hit(m.start(group), m.end(group), PERSON, self.SCORE)
        for m in _ROLE_THEN_NAME.finditer(text):
            word = m.group("name")
            if word in STOP_WORDS or self.ctx.lexicon.is_common(word):
                continue
            if not _ROLE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                continue
            if self.ctx.gazetteer.get(word).first_countries >= ROLE_NAME_COUNTRIES:
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)
        for m in _PERSON_COMMA_NAME.finditer(text):
            low = m.group("name").lower()
            if low in NON_NAME_CAPS or low in STOP_WORDS:
                continue
            if self.ctx.lexicon.is_common(low) and not self.ctx.gazetteer.get(low).first_countries:
                continue  # "an older man, Vietnamese, they ..."
            # Above spaCy's score, so a name that is also a label word ("Tel") stays.
            yield Hit(m.start("name"), m.end("name"), PERSON, self.SLOT_SCORE)
        for m in _ROLE_WAS_NAME.finditer(text):
            word = m.group("name")
            if word in STOP_WORDS or self.ctx.lexicon.is_common(word):
                continue
            if self.ctx.gazetteer.get(word).first_countries >= ROLE_NAME_COUNTRIES:
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)

    def _country_or_city(self, word: str) -> bool:
        """A place of a million people or more that is nobody's first name."""
        stats = self.ctx.gazetteer.get(word)
        return stats.place >= BIG_PLACE_SIZE and not stats.first_countries


#: A place this big set off by commas is a country or a city, not someone's name.
BIG_PLACE_SIZE = 1_000_000
#: A lower-case word after a role and a comma is a name when it is a first name in at
#: least this many countries (of the gazetteer's ten).
ROLE_NAME_COUNTRIES = 5


# "Thanks, Ham.", "You'll be next, Tel.": a name said to someone at the end of a sentence.
_VOCATIVE = re.compile(
    r"(?<=[\p{L}\p{N}][ ]*,[ ]+)(?P<name>\p{Lu}\p{Ll}{1,})(?=[.?!]+[\"”’']?(?:\s|$))"
    # "he says, Tel, don't let them": someone spoken to in words someone said
    r"|(?<=\b(?i:says|said|goes|went|asks|asked)[ ]*,[ ]+)(?P<name>\p{Lu}\p{Ll}{1,})(?=[ ]*,)"
)

_VOCATIVE_WORDS = frozenset(KINSHIP) | TITLES | frozenset(ROLE_NOUNS)


# A written account signed off with a name or an initial on its last line ("Daz", "M x",
# "S."), the only word there.
_SIGN_OFF = re.compile(
    r"(?:\A|\n)[ \t]*(?P<name>\p{Lu}(?:\p{Ll}{1,14})?|\p{Ll}{2,15})\.?(?:[ ]+[xX]{1,3})?\s*\Z"
)


class SignOffRecognizer(QualkitRecognizer):
    """The name or initial a written account is signed with, alone on its last line; not
    an ordinary word ("Bye.", "Thanks") nor, in lower case, any English word."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 35
    SCORE: ClassVar[float] = 0.9

    def find(self, text: str) -> Iterator[Hit]:
        m = _SIGN_OFF.search(text, max(0, len(text) - 40))
        if m is None:
            return
        word = m.group("name")
        low = word.lower()
        if len(word) == 1:
            yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)  # an initial
            return
        if low in STOP_WORDS or low in NON_NAME_CAPS or low in GENERIC_LABEL_WORDS:
            return
        if low in KIN_AND_TITLES or self.ctx.lexicon.is_common(low):
            return
        if word.islower() and self.ctx.lexicon.is_known(low):
            return
        yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)


# A person's initials with full stops ("D.H. took voluntary redundancy", "we had a man,
# J.T.", "P.McG."), not the initials of a country, a time or an abbreviation.
_INITIALS = re.compile(
    r"(?<![\p{L}\p{N}.])(?P<i>\p{Lu}\.(?:Mc|Mac|O['’])?\p{Lu}\.(?:\p{Lu}\.)?|\p{Lu}(?:Mc|Mac)\p{Lu})"
    r"(?![\p{L}\p{N}]|\.\p{L})"
)
NOT_INITIALS = frozenset(
    {
        "U.K.", "U.S.", "U.S.A.", "E.U.", "U.N.", "A.M.", "P.M.", "P.S.", "N.B.", "I.D.",
        "G.P.", "A.D.", "B.C.", "R.I.P.", "D.I.Y.", "T.V.", "P.E.", "R.E.", "A.A.", "N.A.",
        "A.S.B.O.", "O.K.", "Q.C.", "M.P.", "P.C.", "D.C.", "D.S.", "D.I.", "C.V.",
    }
)  # fmt: skip


# "I'll call her S.", "a lad we'll call J": one letter a practitioner gives a client.
_CALLED_BY_LETTER = re.compile(
    r"(?i:\bcall(?:ed|ing|s)?[ ]+(?:him|her|them|me|us)|\bknown[ ]+as"
    r"|\b(?:I['’]ll|I[ ]+will|we['’]ll)[ ]+(?:just[ ]+)?call)[ ]+"
    # ...with a title before the letter ("I'll call her Mrs P.,")
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ ]+)?"
    r"(?P<i>\p{Lu}\.|(?![AI]\b)\p{Lu}|\p{Lu}{2,3}(?=[ ]*[,.;:!?]))"
    r"(?![\p{L}\p{N}&'’]|[ ]*(?:and|&)[ ]*\p{Lu}\b)"
)

# "I'll say initials, KM", "I'll say DJ.", "I'll just say R.,": capitals a practitioner gives
# for a client, said after "initials" or "I'll say" and standing alone ("A" only before
# what the person did: "I'll just say A, he died").
_SAID_INITIALS = re.compile(
    r"(?i:\binitials?(?:[ ]+(?:are|is|were|just|only))?[ ]*[,:]?[ ]+"
    r"|\b(?:I['’]ll|I[ ]+will|we['’]ll|let['’]s)[ ]+(?:just[ ]+)?say[ ]*,?[ ]+)"
    r"(?P<i>\p{Lu}{2,3}|(?:\p{Lu}\.){2,3}(?=[,;:!?]|[ ]+\p{Ll})|(?![AI]\b)\p{Lu}(?=[.,])"
    r"|A(?=,[ ]+(?i:he|she|they|who)\b))"
    r"(?=\.?[ ]*[.,;:!?]|[ ]+(?i:was|is|had|has|who|and)\b)"
)


# "a male victim, DK, last year", "one young lady, L, she sends": capitals set between
# commas after a word for a person, as a practitioner gives a client.
_PERSON_NOUNS = (
    r"victim|client|lady|woman|man|lad|girl|boy|guy|bloke|fella|gentleman|chap|resident"
    r"|tenant|patient|person|survivor|perpetrator|one|someone|kid|youngster|referral"
    r"|service[ ]user"
)
_APPOSED_INITIALS = re.compile(
    rf"(?i:\b(?:{_PERSON_NOUNS})(?:[ ]+(?:last|this)[ ]+(?:week|month|year))?)"
    r"[ ]*,[ ]*(?P<i>(?![AI]\.?[ ]*,)\p{Lu}{1,3})(?=\.?[ ]*,)"
)
# "I had AB, a lad I'd been planning for", "R., a woman of 27": capitals and then what kind
# of person they are.
_INITIALS_THEN_PERSON = re.compile(
    r"(?<!\b(?i:the|a|an|my|our|his|her|their|your)[ ]+)(?<![\p{L}\p{N}&'’.])"
    rf"(?P<i>(?![AI]\b)\p{{Lu}}{{1,3}})\.?,[ ]+(?i:a|an|this|one)[ ]+(?:(?i:young|old|older)[ ]+)?"
    rf"(?i:{_PERSON_NOUNS})\b"
)
# "Yeah. DW. He came out of HMP ...": one or two capitals said as a sentence of their own,
# before a sentence about him or her (three are more often an acronym: "IED. He was").
_INITIALS_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?:][ ]+))(?:(?i:so|and|right|okay|yeah|well),?[ ]+)?"
    r"(?P<i>(?![AI]\.)\p{Lu}{1,2})\.[ ]+(?=(?:He|She)\b)",
    re.MULTILINE,
)
# "I'll call him DC, initials", "MT, I'll use initials", "JB (initials)": capitals said and
# then called initials, even when they spell an abbreviation too.
_THEN_CALLED_INITIALS = re.compile(
    r"(?<![\p{L}\p{N}&'’.])(?P<i>\p{Lu}{1,3}|(?:\p{Lu}\.){1,3})[ ]*(?:[,:;(\-–—][ ]*)?"
    r"(?:(?i:I['’]ll|I[ ]+will|we['’]ll|I['’]m[ ]+(?:gonna|going[ ]+to))[ ]+(?:(?i:just)[ ]+)?"
    r"(?i:use|say|give|stick[ ]+to|go[ ]+with)[ ]+)?(?:(?i:his|her|their|the|just|only)[ ]+)?"
    r"(?i:initials)\b"
)
# "JT, SM, KD, those are initials?": capitals listed and then called initials.
_LISTED_INITIALS = re.compile(
    r"(?<![\p{L}\p{N}])(?P<list>\p{Lu}{2,3}(?:(?:[ ]*,[ ]*|[ ]+and[ ]+)\p{Lu}{2,3})+)"
    r"[ ]*,?[ ]+(?i:those|these|they)[ ]+(?i:are|were|['’]re)[ ]+(?:(?i:their|just|all)[ ]+)?"
    r"(?i:initials)\b"
)
_CAPITALS = re.compile(r"\p{Lu}{2,3}")
# "TR, she was in a flat": capitals opening a clause about him or her, not after a
# determiner ("the DJ, he was").
_INITIALS_BEFORE_PRONOUN = re.compile(
    r"(?<!\b(?i:the|a|an|my|our|his|her|their|your)[ ]+)(?<![\p{L}\p{N}&'’.])"
    r"(?P<i>\p{Lu}{2,3}|(?![AI]\b)\p{Lu}),[ ]+(?:he|she)"
    r"(?:['’](?:s|d)|[ ]+(?:was|is|had|has|said|got|went|came|would|could|did))\b"
)
# "T., who I won't say anything else about", "KB, who", "J who's seven": capitals before
# "who".
_INITIALS_BEFORE_WHO = re.compile(
    r"(?<!\b(?i:the|a|an|my|our|his|her|their|your|this|that)[ ]+)(?<![\p{L}\p{N}&'’.])"
    r"(?P<i>(?![AI]\.)\p{Lu}(?=\.)|\p{Lu}{2})\.?,[ ]+who\b"
    r"|(?<![\p{L}\p{N}&'’.])"
    r"(?<!\b(?i:the|a|an|my|our|his|her|their|your|this|that|one|each|every|any|no)[ ]+)"
    r"(?P<i>(?![AI]\b)\p{Lu}{1,2})[ ]+who(?:['’]s|[ ]+(?:is|was|had|has))\b"
)
# "Thank you, J.", "Cheers, K!": a letter someone is called by, said to them.
_THANKS_LETTER = re.compile(
    r"(?i:\b(?:thank[ ]+you|thanks|cheers|ta|bye|see[ ]+you|night[ ]+night)),[ ]*"
    r"(?P<i>(?![AI]\b)\p{Lu})(?=\.?[ ]*(?:[.!?,]|$))",
    re.MULTILINE,
)
_ACRONYMS = frozenset(i.replace(".", "") for i in NOT_INITIALS) | {"OK", "NHS", "DWP"}
# "D had a spreadsheet", "whether D had done this", "I met D", "J's upstairs": one capital
# letter standing for a person as the subject of a clause or the object of a verb said of
# people; not after a word it labels ("Plan B was", "Hep C is", "the B and B is").
_LETTER_SUBJECT_VERBS = (
    r"had|has|was|is|would|could|did|does|said|says|told|got|gets|went|goes|came|comes|"
    r"applied|needed|wanted|knew|kept|left|took|made|used|started|stopped|never|always|"
    r"just|still|also|rang|phoned|texted|called|turned|moved|died|passed|lived|stayed|"
    r"tried|thought|seemed|looked|(?:would|could|did|was|has|had|is|does)n['’]t"
)
_LETTER_OBJECT_VERBS = (
    r"told|tell|met|meet|asked|married|marry|left|leave|rang|ring|phoned|texted|called|"
    r"hit|saw|see|seen|visited|visit|trusted|trust|loved|love|hated|hate|blamed|reported|"
    r"feared|fear"
)
_LABELLED_BY = (
    r"the|a|an|my|his|her|their|our|your|its|this|that|one|two|three|four|five|six|some|"
    r"few|all|no|plan|vitamin|hep|hepatitis|class|grade|type|block|wing|ward|flat|unit|"
    r"level|option|category|cat|tier|section|part|step|side|gate|zone|floor|bay|room|house|"
    r"landing|spur|number|letter|channel|team|group|exit|platform|junction|form|schedule|"
    r"appendix|box|row|seat|page|annex|annexe"
)
_ANY_WORD_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{L}+)[ ]+$")
_LABELLING_WORDS = frozenset(_LABELLED_BY.split("|"))
_WORD_BEFORE = re.compile(r"(?<![\p{L}'’\-])(\p{Lu}[\p{L}'’\-]*)[ ]+$")
_LETTER_IN_CLAUSE = re.compile(
    # The capital looked for first spares the look-behinds at every other place.
    r"(?=\p{Lu})"
    rf"(?<![\p{{L}}\p{{N}}&'’.\-/])(?<!\b(?i:{_LABELLED_BY})[ ]+)"
    r"(?<!\p{Lu}[ ]+(?:and|&|n)[ ]+)"
    rf"(?P<i>(?![AIOU]\b)\p{{Lu}})\.?(?:['’]s[ ]+(?=\p{{Ll}})|[ ]+(?:{_LETTER_SUBJECT_VERBS})\b)"
    rf"|(?i:\b(?:{_LETTER_OBJECT_VERBS}))[ ]+(?P<o>(?![AIOU]\b)\p{{Lu}})\.?"
    r"(?![\p{L}\p{N}&\-/]|\.\p{L})"
)


class InitialsRecognizer(QualkitRecognizer):
    """A person's initials written with full stops ("D.H.", "J.T."), as a report or a
    practitioner writes a client to hide the name, a letter someone is called by ("I'll
    call her S."), and capitals said for a client ("I'll say initials, KM", "a male
    victim, DK, last year", "Yeah. DW. He came out", "TR, she was", "JT, SM, KD, those are
    initials"), and one letter for a person in a clause ("D had a spreadsheet", "I met D"):
    they still point at one person."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 30
    # Above spaCy's 0.85: Presidio keeps one of two results on the same span, the higher,
    # and spaCy's PERSON on capitals such as "KB" is dropped later as an acronym.
    SCORE: ClassVar[float] = 0.86

    def find(self, text: str) -> Iterator[Hit]:
        seen: set[tuple[int, int]] = set()
        for hit in self._initials(text):
            if (hit.start, hit.end) not in seen:
                seen.add((hit.start, hit.end))
                yield hit

    def _initials(self, text: str) -> Iterator[Hit]:
        for m in _INITIALS.finditer(text):
            if m.group("i") not in NOT_INITIALS:
                yield Hit(m.start("i"), m.end("i"), PERSON, self.SCORE)
        for pattern in (_CALLED_BY_LETTER, _SAID_INITIALS):
            for m in pattern.finditer(text):
                if len(m.group("i")) > 1 and m.group("i") in _ACRONYMS:
                    continue  # "they call her PA."
                yield Hit(m.start("i"), m.end("i"), PERSON, self.SCORE)
        for pattern in (
            _APPOSED_INITIALS,
            _INITIALS_SENTENCE,
            _INITIALS_BEFORE_PRONOUN,
            _INITIALS_THEN_PERSON,
            _INITIALS_BEFORE_WHO,
            _THANKS_LETTER,
        ):
            for m in pattern.finditer(text):
                i = m.group("i")
                if i in _ACRONYMS or i.lower() in NON_NAME_CAPS:
                    continue
                if len(i) == 1 and self._labels_a_letter(text, m.start("i")):
                    continue
                yield Hit(m.start("i"), m.end("i"), PERSON, self.SCORE)
        for m in _THEN_CALLED_INITIALS.finditer(text):
            if m.group("i").rstrip(".") not in ("A", "I"):
                yield Hit(m.start("i"), m.end("i"), PERSON, self.SCORE)
        for m in _LISTED_INITIALS.finditer(text):
            for c in _CAPITALS.finditer(text, m.start("list"), m.end("list")):
                yield Hit(c.start(), c.end(), PERSON, self.SCORE)
        for m in _LETTER_IN_CLAUSE.finditer(text):
            group = "i" if m.group("i") else "o"
            if group == "i" and self._labels_a_letter(text, m.start()):
                continue
            yield Hit(m.start(group), m.end(group), PERSON, self.SCORE)

    @staticmethod
    def _labels_a_letter(text: str, start: int) -> bool:
        """Whether the word just before a letter is what the letter belongs to: a
        capitalised word ("Category C is", "Plan B, she") or a word a letter labels
        ("hepatitis C who")."""
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is not None and before.group(1).lower() not in STOP_WORDS:
            return True
        word = _ANY_WORD_BEFORE.search(text, max(0, start - 40), start)
        return word is not None and word.group(1).lower() in _LABELLING_WORDS


def labels_a_letter(text: str, start: int) -> bool:
    """Whether the word just before the letter at ``start`` is what the letter belongs to
    ("Plan B", "hepatitis C"): see :meth:`InitialsRecognizer._labels_a_letter`."""
    return InitialsRecognizer._labels_a_letter(text, start)


class VocativeRecognizer(QualkitRecognizer):
    """Names said to someone after a comma at the end of a sentence ("Thanks, Tel."),
    when the word is no English word, role or kinship word ("Thanks, Mum." is not)."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 34
    # Above spaCy's 0.85: Presidio keeps one of two results on the same span, the higher,
    # and spaCy's PERSON on a word such as "Tel" is dropped later as a speaker-label word.
    SCORE: ClassVar[float] = 0.86

    def find(self, text: str) -> Iterator[Hit]:
        for m in _VOCATIVE.finditer(text):
            low = m.group("name").lower()
            if (
                low in STOP_WORDS
                or low in NON_NAME_CAPS
                or low in _VOCATIVE_WORDS
                or self.ctx.lexicon.is_known(low)
            ):
                continue
            yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)


def _real_names(text: str) -> Iterator[Hit]:
    """Names said beside someone's real name (:data:`_REAL_NAME`)."""
    for m in _REAL_NAME.finditer(text):
        for group in ("nick", "before", "real"):
            if m.group(group) and m.group(group).lower() not in STOP_WORDS:
                yield Hit(m.start(group), m.end(group), PERSON, 0.7)


class NicknameRecognizer(QualkitRecognizer):
    """Nicknames: "Big Mick", "Bo-Bo", nicknames in quotes after "called", and in a text
    typed in lower case a nickname word before a first name or an initial ("big al")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 28
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for m in _NICK.finditer(text):
            end = strip_possessive(text, m.start(), m.end("name"))
            name = text[m.start("name") : end]
            if name.lower() in STOP_WORDS or name.lower() in NON_NAME_CAPS:
                continue
            if self.ctx.lexicon.is_common(name) or self._plural_noun(name):
                continue  # "Big Issue", "Young Farmers", "Scottish Women's Aid"
            yield Hit(m.start("prefix"), end, PERSON, self.SCORE)
        if typed_in_lower_case(text):
            for m in _LOWER_NICK.finditer(text):
                name = m.group("name")
                if name in STOP_WORDS or name in NON_NAME_CAPS or name in ("a", "i"):
                    continue
                if len(name) > 2 and not (self._first_name(name) or self._unknown(name)):
                    continue
                yield Hit(m.start("prefix"), m.end("name"), PERSON, 0.6)
        for m in _REDUP.finditer(text):
            word = m.group("w")
            if self.ctx.lexicon.is_common(word) or word.lower() in _REDUP_WORDS:
                continue
            yield Hit(m.start(), m.end(), PERSON, 0.7)
        for m in _QUOTED_NICK.finditer(text):
            yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)
        lexicon = self.ctx.lexicon
        for m in _NAME_THEY_CALLED.finditer(text):
            words = [w.lower() for w in m.group("name").split()]
            if any(w in STOP_WORDS for w in words):
                continue
            # A noun that is a verb too may be the nickname when the clause ends there
            # ("Hock, the lads called me, in the Corps"; not "Anyway, they called me back").
            if any(lexicon.is_common(w) for w in words) and not (
                all(lexicon.is_noun(w) for w in words) and CLAUSE_END.match(text, m.end())
            ):
                continue
            yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)
        for m in _PERSON_THEY_CALLED.finditer(text):
            # Any word but a function word: nicknames are often words ("uncle", "Ghost").
            if m.group("name").lower() not in STOP_WORDS:
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)
        yield from _group_calls(text)
        yield from _real_names(text)
        yield from self._epithets(text)
        yield from self._called_the_and_roles(text)
        for m in _THE_NICK.finditer(text):
            if not self.ctx.lists.all_allow() or not _is_allowed_phrase(
                m.group("name"), self.ctx.lists.all_allow()
            ):
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)

    def _called_the_and_roles(self, text: str) -> Iterator[Hit]:
        """ "she called him the weasel", and a name before a role ("Raj the pharmacist")."""
        for m in _ONE_CALLS_THE.finditer(text):
            if m.group("name").lower() not in STOP_WORDS:
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.6)
        for m in _NAME_THE_ROLE.finditer(text):
            low = m.group("name").lower()
            if low in STOP_WORDS or low in NON_NAME_CAPS or low in KIN_AND_TITLES:
                continue
            if not self.ctx.lexicon.is_common(low):  # "Will the nurse come?"
                yield Hit(m.start("name"), m.end("name"), PERSON, 0.7)

    def _epithets(self, text: str) -> Iterator[Hit]:
        for pattern in (_EPITHET, _EPITHET_LOWER):
            for m in pattern.finditer(text):
                if pattern is _EPITHET_LOWER and m.group("epithet") in ROLE_NOUNS:
                    continue  # "Joanne the advocate": what she does, not a nickname
                if self._epithet(m.group("name"), m.group("epithet")):
                    yield Hit(m.start(), m.end(), PERSON, 0.7)

    def _epithet(self, name: str, epithet: str) -> bool:
        """Whether "<name> the <epithet>" is a nickname: a first name used in Great Britain
        that is no ordinary word, and an English word after it that names no place and no
        public body ("Dave the Council")."""
        low, tail = name.lower(), epithet.lower()
        if low in STOP_WORDS or low in NON_NAME_CAPS or self.ctx.lexicon.is_common(low):
            return False
        if tail in STOP_WORDS or tail in NON_NAME_CAPS or tail in _NOT_EPITHETS:
            return False
        if not self.ctx.lexicon.is_known(tail) or self.ctx.gazetteer.get(tail).place:
            return False
        return self.ctx.gazetteer.get(low).first_gb > 0

    def _plural_noun(self, word: str) -> bool:
        """A plural of an English noun ("Farmers", "Women"): a group, not a nickname."""
        low = word.lower()
        if low.endswith("men") and self.ctx.lexicon.is_known(low[:-3] + "man"):
            return True
        return len(low) >= 5 and low.endswith("s") and self.ctx.lexicon.is_known(low[:-1])

    def _unknown(self, word: str) -> bool:
        """A word of four letters or more that no word list knows ("big dunky")."""
        return (
            len(word) >= 4
            and word.isalpha()
            and not self.ctx.lexicon.is_known(word)
            and word not in DIALECT_WORDS
            and not is_medicine(word)
        )

    def _first_name(self, word: str) -> bool:
        """A first name used in Great Britain that is no ordinary word ("rico", "dave")."""
        if self.ctx.lexicon.is_common(word):
            return False
        rank = self.ctx.gazetteer.get(word).first_gb
        return 0 < rank <= NICKNAME_NAME_RANK


def _group_calls(text: str) -> Iterator[Hit]:
    """What a group calls someone ("everyone called him Tel.")."""
    for m in _GROUP_CALLS.finditer(text):
        low = m.group("name").lower()
        # Not a kinship word or a title ("they called me grandad"), nor what was said of
        # them ("people call us names").
        if low in STOP_WORDS or low == "names":
            continue
        # "they called me grandad", but "we call him the professor", and a title or kinship
        # word capitalised as a name ("dem call mi Professor", "they call her Didi")
        if low in KIN_AND_TITLES and not m.group("the") and m.group("name").islower():
            continue
        # Surer than statistical NER, which may find the same word and have it dropped as
        # a word that is seldom a name ("Tel").
        yield Hit(m.start("name"), m.end("name"), PERSON, 0.9)


# A word after "big", "lil" and the like in a text typed in lower case is a nickname when
# it is an initial or a two-letter name ("big h", "big al"), or a first name this popular
# in Great Britain.
NICKNAME_NAME_RANK = 3000


def _is_allowed_phrase(phrase: str, allow: list[str]) -> bool:
    key = " ".join(phrase.split()).casefold()
    bare = key[4:] if key.startswith("the ") else key
    return any(" ".join(a.split()).casefold() in (key, bare) for a in allow)


_REDUP_WORDS = frozenset(
    [
        "ha",
        "he",
        "hee",
        "ho",
        "no",
        "so",
        "bye",
        "tut",
        "boo",
        "la",
        "na",
        "da",
        "mm",
        "uh",
        "um",
        "er",
        "yeah",
        "yes",
        "ok",
        "cha",
        "choo",
        "pom",
        "ta",
    ]
)


# Role words long enough that a label of five letters or more starting like one of them is
# that role shortened ("INTERP", "PARTIC").
_LONG_LABEL_WORDS = tuple(w for w in GENERIC_LABEL_WORDS if len(w) >= 8)


# Roles written as speaker labels in capitals that no dictionary has.
_ROLE_LABELS = frozenset(
    {w for r in ROLE_NOUNS for w in r.split()} | {"pcso", "idva", "isva", "cpn", "gp", "amhp"}
)


def _shortened_role(word: str) -> bool:
    return len(word) >= 5 and any(w.startswith(word) for w in _LONG_LABEL_WORDS)


class SpeakerLabelRecognizer(QualkitRecognizer):
    """Names used as speaker labels (but not "Interviewer", "INTERP", "P1", "Speaker 2" and
    the like)."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 14
    SCORE: ClassVar[float] = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        found = name_label_spans(text)
        counts: dict[str, int] = {}
        for _, _, label in found:
            counts[label] = counts.get(label, 0) + 1
        for start, end, label in found:
            tokens = label.split()
            if not all(t[0].isupper() for t in tokens):
                continue
            lowered = [t.lower().strip(".'’") for t in tokens]
            if any(
                t in GENERIC_LABEL_WORDS or t in STOP_WORDS or _shortened_role(t) for t in lowered
            ):
                continue
            if any(ch.isdigit() for ch in label):
                continue
            if counts[label] < 2 and all(self.ctx.lexicon.is_common(t) for t in lowered):
                continue
            # A role ("Coordinator:", "NAVIGATOR:", "PCSO:", "CHAPLAIN:"), not a name.
            if all(t in _ROLE_LABELS for t in lowered) or (
                label.isupper() and all(t in _ROLE_LABELS or self._role_word(t) for t in lowered)
            ):
                continue
            yield Hit(start, end, PERSON, self.SCORE)

    def _role_word(self, word: str) -> bool:
        """An English word that is no first name in Great Britain ("navigator")."""
        return self.ctx.lexicon.is_known(word) and not self.ctx.gazetteer.get(word).first_gb


_LOWER_CONTEXT_BEFORE = re.compile(
    r"(?i)\b(?:me[ ]+and|and[ ]+me|with|told|asked|met|saw|called|named|phoned|rang|texted|"
    r"messaged|visiting|visited|seeing|mate|friend|cousin|uncle|auntie|nan|sister|brother|"
    r"son|daughter|boyfriend|girlfriend|partner|husband|wife)[ ]+$"
)
_LOWER_CONTEXT_AFTER = re.compile(
    r"(?i)^(?:[ ]+(?:said|says|told|reckons|rang|phoned|texted|and[ ]+me|and[ ]+i)\b)"
)
_LOWER_WORD = re.compile(r"(?<![\p{L}'’\-@.])\p{Ll}[\p{Ll}]{2,}(?![\p{L}\-@'’])")
_SUBJECT_BEFORE = re.compile(
    r"(?i)(?:^|[.!?:;,\n][ ]*|\b(?:and|but|when|because|cos|then|until|so|if|apart[ ]+from|"
    r"except|like|from|to|with)[ ]+)$"
)
_NOT_NAME_SUFFIXES = (
    "ing",
    "ed",
    "er",
    "ers",
    "able",
    "ible",
    "istic",
    "ness",
    "ment",
    "ments",
    "tion",
    "tions",
    "sion",
    "ity",
    "ly",
    "ful",
    "less",
    "ise",
    "ize",
    "ism",
    "ist",
    "ists",
    "ous",
    "ive",
    "ical",
    "ship",
    "hood",
    "ware",
    "load",
    "loads",
    "box",
    "out",
    "ups",
)


class LowercaseNameRecognizer(QualkitRecognizer):
    """Lower-case words that are no English word, in a place where names go, and a word
    (in either case) whose age is given that is no everyday word and is no English word or
    is a first name in many countries ("denis is fourteen, sofia is eleven", "Aram is
    eight")."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 40
    SCORE: ClassVar[float] = 0.5

    def find(self, text: str) -> Iterator[Hit]:
        return one_per_span(self._names(text))

    def _names(self, text: str) -> Iterator[Hit]:
        lexicon = self.ctx.lexicon
        for m in _LOWER_WORD.finditer(text):
            word = m.group(0)
            if word in STOP_WORDS or lexicon.is_known(word) or word.endswith(_NOT_NAME_SUFFIXES):
                continue
            before = text[max(0, m.start() - 20) : m.start()]
            after = text[m.end() : m.end() + 12]
            if (
                _LOWER_CONTEXT_BEFORE.search(before)
                or _LOWER_CONTEXT_AFTER.match(after)
                or (
                    len(word) >= 4
                    and _SUBJECT_BEFORE.search(before)
                    and followed_like_name(text, m.end())
                )
            ) and not _after_an_article(text, word):
                yield Hit(m.start(), m.end(), PERSON, self.SCORE)
        for m in _SUBJECT_OF_AGE.finditer(text):
            word, age = m.group("name").lower(), m.group("age")
            if word in STOP_WORDS or lexicon.is_common(word) or word in KINSHIP:
                continue
            value = int(age) if age.isdigit() else number_value(age)
            if value is None or not 0 < value < MAX_AGE_GIVEN:
                continue
            if lexicon.is_known(word) and (
                self.ctx.gazetteer.get(word).first_countries < ROLE_NAME_COUNTRIES
            ):
                continue
            yield Hit(m.start("name"), m.end("name"), PERSON, self.SCORE)


def _after_an_article(text: str, word: str) -> bool:
    """Whether ``word`` comes after "the", "a" or "this" somewhere in ``text``: then it is a
    thing ("then physio." beside "the physio appointment"), not a name."""
    return (
        re.search(
            rf"(?<![\p{{L}}'’])(?i:the|a|an|this|that)[ ]+{re.escape(word)}(?![\p{{L}}'’\-])", text
        )
        is not None
    )


# "denis is fourteen, sofia is eleven", "Aram is eight and Lana is five": a word at the head
# of a clause whose age follows.
_SUBJECT_OF_AGE = re.compile(
    r"(?:^|[.!?:;,\n][ ]*|\b(?:and|but|then)[ ]+)(?P<name>\p{L}\p{Ll}{2,})[ ]+(?:is|was|['’]s)[ ]+"
    r"(?P<age>\d{1,2}|\p{Ll}+(?:-\p{Ll}+)?)(?=[ ]*(?:[,.;!?]|and\b|$))",
    re.MULTILINE,
)
MAX_AGE_GIVEN = 100


_CAP_WORD = re.compile(rf"(?<![\p{{L}}'’\-@.#/])(?P<w>{CAP})(?![\p{{L}}\-@])")


class UnknownCapitalisedRecognizer(QualkitRecognizer):
    """Capitalised words inside a sentence that no English word list knows ("Okafor").

    Such words are almost always names of people or places. Ties to a sentence start,
    all-capital acronyms and known words are left alone.
    """

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 45
    SCORE: ClassVar[float] = 0.45

    def find(self, text: str) -> Iterator[Hit]:
        lexicon = self.ctx.lexicon
        for m in _CAP_WORD.finditer(text):
            end = strip_possessive(text, m.start(), m.end())
            core = text[m.start() : end]
            low = core.lower()
            if low in STOP_WORDS or low in NON_NAME_CAPS:
                continue
            if len(core) == 2:
                # Short names ("Mo", "Jo") inside a sentence; not interjections.
                if (
                    low in _TWO_LETTER_WORDS
                    or low in _KIN_SET
                    or low in DIALECT_WORDS  # "Ar, goo on" (Black Country "yes")
                    or letter_in_the_plural(text, m.start(), core)  # "B and Bs", "B&Bs"
                    or at_sentence_start(text, m.start())
                ):
                    continue
                yield Hit(m.start(), end, PERSON, self.SCORE)
                continue
            if lexicon.is_known(low):
                continue
            if "-" in core and all(lexicon.is_known(p) for p in low.split("-")):
                continue
            if at_sentence_start(text, m.start()) and (
                len(core) < 4 or not followed_like_name(text, m.end())
            ):
                continue
            yield Hit(m.start(), end, PERSON, self.SCORE)


_TWO_LETTER_WORDS = frozenset(
    [
        "ok",
        "oh",
        "uh",
        "um",
        "er",
        "eh",
        "ah",
        "ha",
        "hi",
        "yo",
        "ta",
        "mm",
        "st",
        "dr",
        "mr",
        "ms",
        "no",
        "so",
        "go",
        "up",
        "ad",
        "ax",
        "ex",
        "id",
        "ma",
        "pa",
        "ya",
        "ye",
        "yo",
        "ow",
        "aw",
        "oi",
        "tv",
        "pc",
        "uk",
        "us",
        "eu",
        "gp",
        "am",
        "pm",
    ]
)


# "E I L I D H", "D-U-R-N", "like A-O-I-F-E": a word spelt out letter by letter (three
# letters or more), not starting inside a longer run; in capitals, also with commas
# ("S, I, A, N"), but not a list of two or three ("a, b, or c").
_SPELT = re.compile(
    r"(?<![\p{L}\p{N}])(?<!(?<![\p{L}\p{N}'’])[\p{L}\p{N}][ \-.])"
    r"(?:\p{L}(?:[ \-.]\p{L}){2,}(?![\p{L}\p{N}]|[ \-.]\p{L}\b)"
    r"|\p{Lu}(?:,[ ]\p{Lu}){3,}(?![\p{L}\p{N}]|,[ ]\p{Lu}\b))"
)


_WORD_SPELT = re.compile(r"(?<![\p{L}'’\-])(\p{L}{2,})(?![\p{L}'’\-])")
SPELT_WORD_CHARS = 40


class SpeltOutRecognizer(QualkitRecognizer):
    """Words spelt out letter by letter ("it's spelt E I L I D H"), and the word they spell
    when it was said just before ("Cel is C-E-L"): people spell names, streets and email
    addresses, rarely anything else."""

    ENTITIES: ClassVar[tuple[str, ...]] = (PERSON,)
    RANK: ClassVar[int] = 30
    SCORE: ClassVar[float] = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for m in _SPELT.finditer(text):
            letters = [c for c in m.group(0) if c.isalpha()]
            if len({c.lower() for c in letters}) < 2:
                continue
            yield Hit(m.start(), m.end(), PERSON, self.SCORE)
            # ...and the word it spells, said just before ("Cel is C-E-L")
            spelt = "".join(letters).lower()
            for word in _WORD_SPELT.finditer(text, max(0, m.start() - SPELT_WORD_CHARS), m.start()):
                if word.group(1).lower() == spelt:
                    yield Hit(word.start(1), word.end(1), PERSON, self.SCORE)


class DenyListRecognizer(QualkitRecognizer):
    """Terms from the project's deny list, with their given types."""

    ENTITIES: ClassVar[tuple[str, ...]] = ()
    RANK: ClassVar[int] = 5
    SCORE: ClassVar[float] = 1.0

    def __init__(self, context: object | None = None) -> None:
        super().__init__(context)  # type: ignore[arg-type]
        items = self.ctx.lists.deny_items()
        self.supported_entities = sorted({t for t, _ in items}) or [PERSON]
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for etype, term in items:
            words = term.split()
            body = r"[ ]+".join(re.escape(w) for w in words)
            flags = 0 if (len(words) == 1 and self.ctx.lexicon.is_common(term)) else re.IGNORECASE
            self._patterns.append(
                (etype, re.compile(rf"(?<![\p{{L}}\p{{N}}]){body}(?![\p{{L}}\p{{N}}])", flags))
            )

    def find(self, text: str) -> Iterator[Hit]:
        for etype, pattern in self._patterns:
            for m in pattern.finditer(text):
                yield Hit(m.start(), m.end(), etype, self.SCORE)
