"""What counts as a speaker label, shared by the turn parser and the cue readers.

A label is a short run of 1-4 words (at most 30 characters) at the start of a line, such as
``Interviewer``, ``P1``, ``Speaker 2`` or ``Bernadette Quaye``. Sentences that merely contain
a colon near their start ("She said: no way", "Note: ...") are rejected here; the parser
additionally requires labels to recur (see :mod:`qualkit.importers.turns`).

De-identification reads the same layouts to find names used as labels
(:func:`name_label_spans`, :data:`GENERIC_LABEL_WORDS`).
"""

from __future__ import annotations

import re

import regex

MAX_LABEL_CHARS = 30
MAX_LABEL_WORDS = 4

# A word starts with a letter (any script) or is a number: "Speaker 2", "P1", "O'Neill".
_WORD = r"(?:[^\W\d_][\w'’.\-]*|\d+)"
# A de-identified name keeps its place as a label: "[PERSON 3]: ...", "[PERSON 3]  0:02".
PLACEHOLDER = r"\[[A-Z][A-Z_]* \d+\]"
_PLACEHOLDER_RE = re.compile(rf"^{PLACEHOLDER}$")
LABEL = rf"(?:{PLACEHOLDER}|[^\W\d_][\w'’.\-]*(?:[ \t]{_WORD}){{0,{MAX_LABEL_WORDS - 1}}})"
# A time beside a label: "0:02", "00:01:02".
CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"


def word_set(words: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(w.strip() for w in words.split(sep) if w.strip())


# Words that start a sentence, not a name, when a colon follows: "Note: ...", "So: ...".
_NOT_LABEL_FIRST = word_set(
    """
    note notes nb ps re fw fwd subject edit update example eg e.g. warning tip important
    reminder source ref see also quote summary fact result results yes no yeah well so and
    but then because like basically honestly anyway ok okay right remember listen look
    advice lesson point problem thing truth reason
    """
)
# A multi-word label cannot open with a pronoun, article or conjunction ("She said", "My mum").
_NOT_MULTIWORD_FIRST = word_set(
    """
    i he she they we you it my his her their our your its the a an this that these those
    there then and but so or what when where why how if because me him them us one all
    some every no not
    """
)
_SPEECH_VERBS = word_set(
    """
    said says say saying asked asks ask told tells tell goes went go replied replies reply
    thought thinks think shouted shouts wrote writes write explained explains added adds
    answered answers screamed yelled whispered called calls reckoned reckons
    """
)

_INTERVIEWER_RE = re.compile(
    r"^(?:interviewer|int|iv|i|ir|q|question|researcher|peer researcher|peer interviewer"
    r"|co-researcher|facilitator|moderator)(?: ?\d+)?$",
    re.IGNORECASE,
)
_PARTICIPANT_RE = re.compile(
    r"^(?:participant|interviewee|respondent|resp|res|ie|p|r|a|answer|client"
    r"|service user)(?: ?\d+)?$",
    re.IGNORECASE,
)
_OTHER_RE = re.compile(
    r"^(?:interpreter|translator|unknown|unidentified|crosstalk|inaudible|both|all"
    r"|note-taker|notetaker)(?: ?\d+)?$",
    re.IGNORECASE,
)
_SPEAKER_N_RE = re.compile(r"^speaker ?\d+$", re.IGNORECASE)
_INT_P_RE = re.compile(r"^(?:INT|IV|I|IR|IE|RES|RESP|R\d*|P\d+|P)$", re.IGNORECASE)


def clean_label(label: str) -> str:
    """Strip markup and collapse whitespace: ``"**Speaker  1**"`` -> ``"Speaker 1"``."""
    return " ".join(label.strip().strip("*_").split())


def plausible_label(label: str) -> bool:
    """Whether ``label`` could name a speaker (before any recurrence check)."""
    label = clean_label(label)
    if is_placeholder(label):
        return True
    if not label or len(label) > MAX_LABEL_CHARS:
        return False
    words = label.split(" ")
    if len(words) > MAX_LABEL_WORDS:
        return False
    folded = [w.casefold() for w in words]
    if folded[0] in _NOT_LABEL_FIRST:
        return False
    if any(w in _SPEECH_VERBS for w in folded):
        return False
    if len(words) > 1:
        if folded[0] in _NOT_MULTIWORD_FIRST:
            return False
        if not words[0][0].isupper():
            return False
    return bool(words[0][0].isalpha())


def is_placeholder(label: str) -> bool:
    """A pseudonym placeholder standing where a name was, e.g. ``[PERSON 3]``."""
    return bool(_PLACEHOLDER_RE.match(clean_label(label)))


def is_known_role(label: str) -> bool:
    """Generic role labels (Interviewer, P1, Q, Speaker 2 ...) that need not recur."""
    label = clean_label(label)
    return bool(
        _INTERVIEWER_RE.match(label)
        or _PARTICIPANT_RE.match(label)
        or _OTHER_RE.match(label)
        or _SPEAKER_N_RE.match(label)
    )


def is_interviewer_label(label: str) -> bool:
    return bool(_INTERVIEWER_RE.match(clean_label(label)))


def is_participant_label(label: str) -> bool:
    return bool(_PARTICIPANT_RE.match(clean_label(label)))


def is_other_label(label: str) -> bool:
    return bool(_OTHER_RE.match(clean_label(label)))


def is_int_p_label(label: str) -> bool:
    """Abbreviated role labels of the ``INT:`` / ``P1:`` / ``R:`` layout."""
    return bool(_INT_P_RE.match(clean_label(label)))


# Labels that may be names, in the layouts transcripts use: "Dave: ...", "**Dave:** ...",
# "Dave Smith (00:01:02):", otter's "Dave Smith  0:02" on a line of its own, and a name alone
# on the line after a "[00:03:12]" timestamp. Only letters: "P1" is never a name.
_NAME_TOKEN = r"[\p{L}][\p{L}'’.\-]*"
_NAME_LABEL = rf"(?P<label>{_NAME_TOKEN}(?:[ ]{_NAME_TOKEN}){{0,2}})"
_BOLD = r"(?:\*\*|__)?"
_NAME_LABEL_PATTERNS = (
    regex.compile(
        rf"(?m)^[ \t]*(?:\[{CLOCK}\][ \t]*)?{_BOLD}{_NAME_LABEL}{_BOLD}"
        rf"[ \t]*(?:\({CLOCK}\))?[ \t]*:"
    ),
    regex.compile(rf"(?m)^{_NAME_LABEL}[ ]{{2,}}{CLOCK}[ \t]*$"),
    regex.compile(rf"(?m)^[ \t]*\[{CLOCK}\][ \t]*\n[ \t]*{_NAME_LABEL}[ \t]*$"),
)

GENERIC_LABEL_WORDS: frozenset[str] = word_set(
    """
    interviewer interviewee interviewers participant participants respondent researcher
    researchers peer co-researcher speaker facilitator moderator int intv iv p q a r i
    note notes transcriber transcript transcribed unknown unidentified voice person
    worker support staff member client service user both all group everyone male female
    man woman id interview date mode location duration length time title site borough
    consent recorded recording by code reference ref project study format language
    setting venue session audio file start end total age gender ethnicity role comments
    summary theme question answer prompt probe sex area team lead observer other family
    and of the telephone phone video call zoom in person via format type number no tel
    mobile email address postcode dob born interpreter translator transcription yp
    """
)
"""Lower-case words of role labels and transcript header fields ("Interviewer", "INT",
"P", "Date", "Location"): a label holding one of them is not a name."""


def name_label_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of every letters-only label in ``text``, layout by layout
    (colon, otter, after a timestamp), each in text order; a label may be found twice."""
    return [
        (m.start("label"), m.end("label"), m.group("label"))
        for pattern in _NAME_LABEL_PATTERNS
        for m in pattern.finditer(text)
    ]
