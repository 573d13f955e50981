"""People's words, not machine words: transcript titles, header fields, pseudonym
placeholders and code definitions as the app shows them to coders.

Plain logic without Streamlit; the pages call these instead of showing ids such as "t03",
keys such as "Interview_id" or placeholders such as "[DATE_TIME 16]".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from qualkit.model import Code, Transcript

#: Header keys (as the importer stores them) in plain English.
FIELD_WORDS: dict[str, str] = {
    "id": "Interview",
    "interview": "Interview",
    "interview_id": "Interview",
    "interview_no": "Interview",
    "interview_number": "Interview",
    "interview_ref": "Interview",
    "transcript": "Transcript",
    "transcript_id": "Transcript",
    "participant": "Participant",
    "participant_id": "Participant",
    "date": "Date",
    "interview_date": "Date",
    "time": "Time",
    "mode": "How it was done",
    "method": "How it was done",
    "format": "How it was done",
    "location": "Where",
    "venue": "Where",
    "place": "Where",
    "setting": "Where",
    "duration": "How long",
    "length": "How long",
    "transcriber": "Typed up by",
    "transcribed_by": "Typed up by",
    "ref": "Reference",
}

#: Pseudonym types (as de-identification writes them) in plain English.
PLACEHOLDER_WORDS: dict[str, str] = {
    "PERSON": "Person",
    "DATE_TIME": "Date",
    "DATE": "Date",
    "LOCATION": "Place",
    "ADDRESS": "Address",
    "POSTCODE": "Postcode",
    "PHONE_NUMBER": "Phone number",
    "EMAIL_ADDRESS": "Email address",
    "ORGANIZATION": "Organisation",
    "NRP": "Group",
    "AGE": "Age",
    "CASE_REFERENCE": "Case reference",
}

_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z_]*[A-Z])(?: (\d+))?\]")
_INTERVIEW_KEYS = ("title", "interview_id", "interview", "id", "interview_no", "interview_number")
_MODE_KEYS = ("mode", "method", "format")
_DATE_KEYS = ("date", "interview_date")


def _placeholder_words(m: re.Match[str]) -> str:
    kind, number = m.group(1), m.group(2)
    word = PLACEHOLDER_WORDS.get(kind) or kind.replace("_", " ").capitalize()
    return f"{word} {number}" if number else word


def readable_placeholders(text: str) -> str:
    """ "[PERSON 26]" → "Person 26", "[DATE_TIME 16]" → "Date 16" (unknown types are
    written in lower case words: "[HOSTEL 2]" → "Hostel 2")."""
    return _PLACEHOLDER.sub(_placeholder_words, text)


def placeholders_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The pseudonyms lying wholly inside ``text[start:end]``, as (start, end, words):
    ``(10, 21, "Person 26")`` for a "[PERSON 26]" at offset 10."""
    return [
        (m.start(), m.end(), _placeholder_words(m)) for m in _PLACEHOLDER.finditer(text, start, end)
    ]


def field_label(key: str) -> str:
    """A header key in plain English: "interview_id" → "Interview", "borough" → "Borough"."""
    k = key.strip().casefold()
    if k in FIELD_WORDS:
        return FIELD_WORDS[k]
    words = re.sub(r"[_\s]+", " ", k).strip()
    words = re.sub(r"\bid\b", "ID", words)
    return words[:1].upper() + words[1:]


def header_fields(metadata: Mapping[str, str]) -> list[tuple[str, str]]:
    """The transcript's header as (label, value) pairs for people, without the title, with
    readable pseudonyms, and one pair per label (the first value wins)."""
    out: dict[str, str] = {}
    for key, value in metadata.items():
        if key.casefold() == "title" or not str(value).strip():
            continue
        out.setdefault(field_label(key), readable_placeholders(str(value).strip()))
    return list(out.items())


def _first(metadata: Mapping[str, str], keys: Iterable[str]) -> str:
    low = {k.casefold(): v for k, v in metadata.items()}
    for k in keys:
        v = str(low.get(k, "")).strip()
        if v:
            return v
    return ""


def display_title(t: Transcript) -> str:
    """A title for people: the transcript's own title, or one made from its header
    ("Interview LB-03 — telephone, 14 March 2024"), never just the id ("t03")."""
    title = " ".join(t.title.split())
    if title and title != t.tid:
        return readable_placeholders(title)
    meta = t.metadata
    which = _first(meta, _INTERVIEW_KEYS)
    how = _first(meta, _MODE_KEYS)
    when = _first(meta, _DATE_KEYS)
    if _PLACEHOLDER.fullmatch(when):
        when = ""  # a date taken out by de-identification says nothing to a reader
    head = f"Interview {readable_placeholders(which)}" if which else "Interview"
    how = how[:1].lower() + how[1:]
    tail = ", ".join(x for x in (how, when) if x)
    if tail:
        return f"{head} — {tail}"
    if which:
        return head
    number = re.search(r"\d+", t.tid)
    return f"Interview {int(number.group())}" if number else f"Interview {t.tid}"


def display_titles(transcripts: Iterable[Transcript]) -> dict[str, str]:
    """id → :func:`display_title`, numbered where two transcripts would read the same."""
    ts = list(transcripts)
    titles = {t.tid: display_title(t) for t in ts}
    counts = Counter(titles.values())
    seen: Counter[str] = Counter()
    out: dict[str, str] = {}
    for t in ts:
        title = titles[t.tid]
        if counts[title] > 1:
            seen[title] += 1
            title = f"{title} ({seen[title]})"
        out[t.tid] = title
    return out


def plain_definition(text: str, codes: Mapping[str, Code]) -> str:
    """A code's definition without internal ids: "(access.waiting)" becomes
    "(see “Waiting times”)", a bare id becomes the code's name."""
    if not text or not codes:
        return text
    ids = sorted(codes, key=len, reverse=True)
    alternatives = "|".join(re.escape(cid) for cid in ids)
    in_brackets = re.compile(rf"\(\s*({alternatives})\s*\)")
    bare = re.compile(rf"(?<![\w.])({alternatives})(?![\w.]|\.\w)")

    def named(m: re.Match[str]) -> str:
        return f"(see “{codes[m.group(1)].name}”)"

    out = in_brackets.sub(named, text)
    # Only ids that look like ids (with a dot or an underscore) are replaced when bare, so
    # an ordinary word that is also a short id ("housing") is left alone.
    return bare.sub(
        lambda m: f"“{codes[m.group(1)].name}”" if re.search(r"[._]", m.group(1)) else m.group(1),
        out,
    )


def code_choice_labels(codes: Iterable[Code]) -> dict[str, str]:
    """id → what the code picker shows: the code's name, with its theme in brackets only
    where two codes share a name (short labels wrap onto two lines and are never cut)."""
    cs = list(codes)
    by_id = {c.cid: c for c in cs}
    counts = Counter(c.name for c in cs)
    out: dict[str, str] = {}
    for c in cs:
        parent = by_id.get(c.parent) if c.parent else None
        clash = counts[c.name] > 1 and parent is not None
        out[c.cid] = f"{c.name} ({parent.name})" if clash and parent else c.name
    return out


def picker_meanings(codes: Iterable[Code]) -> dict[str, str]:
    """What the code picker shows for each code (see :func:`code_choice_labels`) → a short
    meaning in plain words: the code's definition, or else when to use it. Codes with
    neither are left out."""
    cs = list(codes)
    by_id = {c.cid: c for c in cs}
    labels = code_choice_labels(cs)
    out: dict[str, str] = {}
    for c in cs:
        if c.definition.strip():
            out[labels[c.cid]] = plain_definition(c.definition.strip(), by_id)
        elif c.include.strip():
            out[labels[c.cid]] = f"Use it for: {plain_definition(c.include.strip(), by_id)}"
    return out
