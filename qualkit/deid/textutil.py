"""Small text helpers shared by recognizers, propagation and the anonymizer."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex as re

# What ends a sentence before a word: punctuation, a line break, or the ">" that closes a
# cue's voice tag ("<v Participant>Da"), not caption arrows (">>", "-->").
_SENTENCE_END = re.compile(r"(?:[.!?…:;\"“”\]\)]|(?<![>\-])>|\n)[ \t]*$")
_POSSESSIVE = re.compile(r"['’]s?(?![\p{L}\p{N}])")
# A person's initials with full stops ("R.M.", "A.M", "J.D.K.").
INITIALS_SHAPE = re.compile(r"(?:\p{Lu}\.){1,2}\p{Lu}\.?")


def without_accents(word: str) -> str:
    """``word`` with its accents taken off ("três" -> "tres", "février" -> "fevrier")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def phrase_alternation(phrases: Sequence[str], gap: str, ignore_case: bool) -> str:
    """A regex alternation of ``phrases`` in their order (``gap`` between their words),
    grouped by first character: "sam|sue|al" is written "s(?:am|ue)|a(?:l)", which the
    regex engine tries many times faster, and which matches the same: the phrases of a
    group keep their order, and no text character can start phrases of two groups.

    To be matched ignoring case, phrases are grouped by their first character in lower
    case, and only when every one starts with an ASCII character: two ASCII letters that
    differ in lower case are never one letter in two cases. Inside such a group, phrases
    that follow each other with the same first character share it ("P(?:IP|olice)|
    p(?:robation)"), behind a look-ahead for the group's characters: the regex engine
    matches "I" and "i" against slightly different characters, so they stay apart.
    """
    words = [p.split() for p in phrases]
    if ignore_case and not all(w[0][0].isascii() for w in words):
        return "|".join(gap.join(re.escape(x) for x in w) for w in words)
    groups: dict[str, list[list[str]]] = {}
    for w in words:
        groups.setdefault(w[0][0].lower() if ignore_case else w[0][0], []).append(w)
    out = []
    for members in groups.values():
        runs: list[tuple[str, list[str]]] = []
        for first, *rest in members:
            tail = re.escape(first[1:]) + "".join(gap + re.escape(x) for x in rest)
            if runs and runs[-1][0] == first[0]:
                runs[-1][1].append(tail)
            else:
                runs.append((first[0], [tail]))
        body = "|".join(f"{re.escape(c)}(?:{'|'.join(tails)})" for c, tails in runs)
        if len(runs) > 1:
            ahead = "".join(re.escape(c) for c in sorted({c for c, _ in runs}))
            body = f"(?=[{ahead}])(?:{body})"
        out.append(body)
    return "|".join(out)


def at_sentence_start(text: str, pos: int) -> bool:
    """Whether ``pos`` begins a sentence, a line or a speaker's turn."""
    before = text[max(0, pos - 8) : pos]
    if not text[:pos].strip():
        return True
    return _SENTENCE_END.search(before) is not None


def strip_possessive(text: str, start: int, end: int) -> int:
    """The end of ``text[start:end]`` without a trailing possessive (``'s``, ``s'``)."""
    for tail in ("'s", "’s"):
        if text.endswith(tail, start, end) and end - start > len(tail):
            return end - len(tail)
    if end - start > 2 and text[end - 1] in "'’" and text[end - 2] in "sS":
        return end - 1
    return end


def possessive_end(text: str, end: int) -> int:
    """``end`` moved past a possessive (``'s``/``’s``/``'``) that directly follows it."""
    m = _POSSESSIVE.match(text, end)
    if m is None:
        return end
    tail = m.group(0)
    if len(tail) == 1 and not (end > 0 and text[end - 1] in "sS"):
        return end
    return m.end()


_NAME_FOLLOWER = re.compile(
    r"(?i)^(?:['’]s\b|['’]d\b|[ ]*[.,?!;:)\-–—]|[ ]*$|[ ]+(?:is|was|said|says|has|had|and|"
    r"came|went|told|tells|who|would|will|never|always|just|still|did|does|got|gets|lives|"
    r"lived|called|rang|phoned|texted|helped|tried|reckons|thinks|thought|knew|knows|"
    r"took|takes|gave|gives|wanted|wants|left|moved|works|worked|used|kept|came|comes|"
    r"isn['’]t|wasn['’]t|didn['’]t|doesn['’]t|won['’]t|couldn['’]t|can['’]t|"
    r"could|can|should|might|must|would|looked|looks|sorted|found|picked|brought|"
    r"stayed|stays|lost|passed|died|rings|messaged|sent|sends)\b|"
    r"[ ]+(?:from|off|at|down)[ ]+(?:the|my|our)\b)"
)


def followed_like_name(text: str, end: int) -> bool:
    """Whether the words after ``end`` are what usually follows a person's name."""
    return _NAME_FOLLOWER.match(text[end : end + 20]) is not None


_NEXT_WORD = re.compile(r"[ \t]+([\p{L}'’]+)")


def function_word_follows(text: str, end: int) -> bool:
    """Whether a function word that is not typical after a name follows ``end``.

    "Will you ...", "Hope so", "May I" read as ordinary words; "Hope is", "Will said"
    read as names.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    if followed_like_name(text, end):
        return False
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    word = m.group(1).lower().replace("’", "'")
    return word in STOP_WORDS or word.split("'")[0] in STOP_WORDS


_PRONOUN_I = re.compile(r"(?<![\p{L}\p{N}'’])[iI](?=['’]|[ \t,.!?]|$)(?![\p{L}\p{N}])")
_SENTENCE_FIRST = re.compile(r"(?:[.!?][ \t]+|\n[ \t]*)(\p{L})")


# Words after which a lower-case word is used as a word, not as a name: "the robin",
# "a mason", "be frank", "before dawn", "never rob anyone", "so lucky", "will rose".
_WORD_USE_BEFORE = re.compile(
    r"(?i)(?<![\p{L}'’])(?:a|an|the|my|your|his|our|their|its|this|that|some|any|no|every|"
    r"be|been|being|never|before|very|so|too|more|most|less|"
    r"will|would|can|could|should|shall|might|must|there['’]s)[ ]+$"
)


def used_as_a_word(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows a word that makes a lower-case word an
    ordinary word rather than a name."""
    return _WORD_USE_BEFORE.search(text, max(0, start - 8), start) is not None


def _pronouns_and_firsts(text: str) -> tuple[list[str], list[str]]:
    """The pronoun "I" as written ("i" or "I"), and the first letter of each sentence."""
    pronouns = [m.group(0) for m in _PRONOUN_I.finditer(text)]
    return pronouns, [m.group(1) for m in _SENTENCE_FIRST.finditer(text)]


def typed_in_lower_case(text: str) -> bool:
    """Whether a transcript is typed mostly without capitals: "i" for the pronoun, or
    sentences that start in lower case. Names there are written in lower case too."""
    pronouns, firsts = _pronouns_and_firsts(text)
    if len(pronouns) >= 5 and sum(p == "i" for p in pronouns) * 2 >= len(pronouns):
        return True
    return len(firsts) >= 10 and sum(c.islower() for c in firsts) * 2 >= len(firsts)


def typed_with_capitals(text: str) -> bool:
    """Whether a transcript plainly uses capitals: "I" for the pronoun, or sentences that
    start with a capital, with enough of either to tell (a short text tells nothing)."""
    pronouns, firsts = _pronouns_and_firsts(text)
    if len(pronouns) >= 5 and sum(p == "I" for p in pronouns) * 4 >= len(pronouns) * 3:
        return True
    return len(firsts) >= 10 and sum(c.isupper() for c in firsts) * 4 >= len(firsts) * 3


_NOT = re.compile(
    r"(?i)(?<![\p{L}])(?:do|does|did|is|was|are|were|has|have|had|ca|wo|could|would|should)"
    r"n(['’]?)t(?![\p{L}])"
)


def drops_apostrophes(text: str) -> bool:
    """Whether a transcript is typed without apostrophes ("didnt", "cant"), so a
    possessive is written without one too ("at sues")."""
    marks = [m.group(1) for m in _NOT.finditer(text)]
    bare = sum(not m for m in marks)
    return bare >= 3 and bare * 2 > len(marks)


_CUE_NUMBER = re.compile(r"(?<=^|\n)[ \t]*\d+[ \t]*\r?\n[^\n]*-->")


def is_cue_number(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a subtitle cue's number (SRT, WebVTT): a line
    holding only digits, before the line with the cue's timing ("00:01:02,000 --> ...")."""
    line_start = text.rfind("\n", 0, start) + 1
    m = _CUE_NUMBER.match(text, line_start)
    return m is not None and text[line_start:end].strip() == text[start:end]


def letter_in_the_plural(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` is a capital and "s" after the same capital and "and"
    or "&" ("B and Bs", "B&Bs"), not a short name ("Os")."""
    if len(word) != 2 or word[1] != "s" or not word[0].isupper():
        return False
    before = text[max(0, start - 8) : start]
    return re.search(rf"(?<![\p{{L}}]){word[0]}(?:[ ]+and[ ]+|[ ]*&[ ]*)$", before) is not None
