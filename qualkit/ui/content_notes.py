"""Content notes: warn coders about distressing material before a transcript opens.

A researcher sets a transcript's notes. :func:`propose_content_notes` suggests notes from a
keyword list so that a researcher can confirm them; it reports topics only, never the words
it matched or where, so nothing of the transcript leaks into the interface or a log.
"""

from __future__ import annotations

import re

#: Topic → patterns (case-insensitive, matched on word boundaries).
CONTENT_NOTE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "self-harm": (
        r"self[- ]?harm(?:ed|ing|s)?",
        r"cut(?:ting)? (?:my|him|her|them)sel(?:f|ves)",
        r"hurt(?:ing)? (?:my|him|her|them)sel(?:f|ves)",
        r"burn(?:ed|t|ing)? (?:my|him|her|them)sel(?:f|ves)",
    ),
    "suicide": (
        r"suicid(?:e|al|ality)",
        r"kill(?:ed|ing)? (?:my|him|her|them)sel(?:f|ves)",
        r"take (?:my|his|her|their) own life",
        r"took (?:my|his|her|their) own life",
        r"end(?:ed|ing)? (?:it all|my life)",
        r"want(?:ed)? to die",
        r"overdose on purpose",
    ),
    "sexual violence": (
        r"rap(?:e|ed|ist|ing)",
        r"sexual(?:ly)? (?:assault(?:ed)?|abuse(?:d)?|violence|exploit(?:ed|ation))",
        r"molest(?:ed|ation|ing)?",
        r"groped?",
    ),
    "child abuse": (
        r"child(?:hood)? (?:abuse|neglect|sexual abuse)",
        r"abused (?:as a (?:child|kid)|when i was (?:a )?(?:little|young|small|kid|child))",
        r"(?:beat|hit|hurt) (?:me )?when i was (?:a )?(?:little|young|small|kid|child)",
        r"taken into care",
        r"social services took",
        r"grooming|groomed",
    ),
    "overdose": (
        r"overdos(?:e|ed|es|ing)",
        r"(?-i:OD(?:'?d|ed)?)",
        r"naloxone",
        r"narcan",
    ),
}

_COMPILED = {
    topic: re.compile(r"\b(?:" + "|".join(pats) + r")\b", re.IGNORECASE)
    for topic, pats in CONTENT_NOTE_KEYWORDS.items()
}

#: Order in which topics are shown.
TOPICS: tuple[str, ...] = tuple(CONTENT_NOTE_KEYWORDS)


def propose_content_notes(text: str) -> list[str]:
    """Topics from :data:`CONTENT_NOTE_KEYWORDS` that ``text`` mentions, in a fixed order."""
    return [topic for topic, rx in _COMPILED.items() if rx.search(text)]


def merge_notes(set_by_researcher: list[str], proposed: list[str]) -> list[str]:
    """Researcher notes first, then proposed topics not already among them."""
    seen = {n.strip().lower() for n in set_by_researcher}
    return list(set_by_researcher) + [p for p in proposed if p.lower() not in seen]
