"""Word handling shared by keyword extraction and lexical matching."""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# De-identification placeholders such as "[PERSON 1]" or "[LOCATION]".
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*(?:[ _-]?\d+)?\]")

#: Spoken-interview filler and discourse words that say nothing about a topic.
_FILLER = """
    yeah yes yep no nope oh ah aye um umm uh uhm er erm eh hmm mm mhm ok okay right alright
    well like just really actually basically literally obviously honestly probably maybe
    know knew think thought mean meant guess suppose reckon say said says saying tell told
    got get gets getting gotten gonna wanna gotta kind sort sorta kinda thing things stuff
    bit lot lots loads way ways time times stuff something anything everything nothing
    someone anyone everyone somebody anybody everybody nobody people person
    go goes going gone went come comes coming came want wanted wants look looking looked
    make made makes making put did does doing don didn doesn isn wasn aren weren won
    wouldn couldn shouldn ain innit init cos coz cause mate bloke fella
    ll ve re im ive id youre theyre dont didnt cant wont thats theres whats
    quite pretty sure still even ever never always yeah-yeah good bad great fine
    day days week weeks month months year years today yesterday
    interviewer participant speaker laughs laughter inaudible crosstalk pause
    one two three first second
"""
FILLER_WORDS = frozenset(_FILLER.split())

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | FILLER_WORDS)

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_'’-]{2,}\b")


def clean(text: str) -> str:
    """Text without de-identification placeholders, lower-cased."""
    return PLACEHOLDER.sub(" ", text).lower()


def tokens(text: str) -> list[str]:
    """Content words (three letters or more, no stop or filler words)."""
    return [w for w in _TOKEN.findall(clean(text)) if w not in STOP_WORDS]


TOKEN_PATTERN = _TOKEN.pattern

__all__ = ["FILLER_WORDS", "PLACEHOLDER", "STOP_WORDS", "TOKEN_PATTERN", "clean", "tokens"]
