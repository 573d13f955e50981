"""How tools count ``startPosition``/``endPosition``, how qualkit tells, and the mapping.

The standard counts Unicode code points over the plain-text source, end exclusive. Tools
differ:

- NVivo counts UTF-16 code units over the source as stored: a character outside the Basic
  Multilingual Plane (most emoji) counts two, a Windows ``\\r\\n`` counts two, a leading
  byte-order mark is not counted, and every ``PlainTextSelection`` has ``name=""``.
- ATLAS.ti counts a ``\\r\\n`` as one character.
- XML parsing turns a literal ``\\r\\n`` inside ``<PlainTextContent>`` into ``\\n``, so a
  tool that counted it as two now appears to count each line end as two.

A :class:`Reading` combines a unit (code points or UTF-16), a way of counting line ends
(as stored, ``\\r\\n`` as one, each ``\\n`` as two) and whether a leading BOM counts. Its
name is the non-default parts joined by ``+`` (``codepoints``, ``utf16``,
``crlf-as-one``, ``utf16+newline-as-two``, ``utf16+bom``...).

:func:`choose_reading` tries every reading that differs for a source's text and picks, in
this order: the reading a qualkit export declares; the one under which most selections'
``name`` matches the text they select; for a known origin (NVivo, ATLAS.ti), that tool's
reading; otherwise the one that puts most selection starts and ends on word boundaries
(ties go to code points, the standard). It returns the reading and a sentence saying why,
for the import report.

:class:`PositionMap` turns a reading's positions into indexes of the raw text;
:class:`NormMap` maps those onto the text :func:`qualkit.text.normalise` makes (no BOM,
``\\n`` line ends, NFC).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from qualkit.errors import QualkitError

MODES = ("codepoints", "crlf-as-one", "newline-as-two", "utf16")
"""The parts readings are made of (see the module docstring)."""
UNITS = ("codepoints", "utf16")
LINE_ENDS = ("stored", "crlf-as-one", "newline-as-two")


@dataclass(frozen=True)
class Reading:
    """One way of counting positions."""

    unit: str = "codepoints"
    line_ends: str = "stored"
    bom: bool = False

    @property
    def name(self) -> str:
        parts = [p for p in (self.unit, self.line_ends) if p not in ("codepoints", "stored")]
        if self.bom:
            parts.append("bom")
        return "+".join(parts) or "codepoints"

    @classmethod
    def parse(cls, name: str) -> Reading:
        """The reading called ``name`` (unknown parts are ignored)."""
        parts = set(name.split("+"))
        unit = "utf16" if "utf16" in parts else "codepoints"
        line_ends = next((p for p in LINE_ENDS[1:] if p in parts), "stored")
        return cls(unit, line_ends, "bom" in parts)


CODEPOINTS = Reading()
UTF16 = Reading("utf16")


@dataclass(frozen=True)
class WrittenSelection:
    """A selection as written in a file: its positions in the file's own counting (see
    :class:`Reading`; not yet a :class:`qualkit.model.Span` of normalised text), and its
    ``name`` (the selected text, if any)."""

    start: int
    end: int
    name: str | None


def weights(raw: str, reading: Reading) -> list[int] | None:
    """How many positions each character of ``raw`` takes; ``None`` when all take one."""
    w = [1] * len(raw)
    changed = False
    for i, ch in enumerate(raw):
        if i == 0 and ch == "\ufeff":
            if not reading.bom:
                w[i] = 0
                changed = True
        elif ch == "\r" and reading.line_ends == "crlf-as-one" and raw[i + 1 : i + 2] == "\n":
            w[i] = 0
            changed = True
        elif (
            ch == "\n" and reading.line_ends == "newline-as-two" and (i == 0 or raw[i - 1] != "\r")
        ) or (reading.unit == "utf16" and ord(ch) > 0xFFFF):
            w[i] = 2
            changed = True
    return w if changed else None


class PositionMap:
    """A reading's positions → indexes into the raw source text."""

    def __init__(self, raw: str, reading: Reading) -> None:
        self.n = len(raw)
        w = weights(raw, reading)
        self.cum: list[int] | None = None
        if w is not None:
            cum = [0] * (len(w) + 1)
            total = 0
            for i, x in enumerate(w):
                total += x
                cum[i + 1] = total
            self.cum = cum

    def raw(self, position: int) -> int | None:
        if position < 0:
            return None
        if self.cum is None:
            return position if position <= self.n else None
        if position > self.cum[-1]:
            return None
        index = bisect.bisect_left(self.cum, position)
        # A position that skips a zero-width character (a BOM not counted) lands after it.
        while index < self.n and self.cum[index + 1] == self.cum[index]:
            index += 1
        return index


def utf16_offsets(text: str) -> list[int]:
    """``out[i]`` = UTF-16 code units before code point ``i`` of ``text`` (``len + 1`` items)."""
    out = [0] * (len(text) + 1)
    total = 0
    for i, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        out[i + 1] = total
    return out


# -- choosing a reading --------------------------------------------------------------------


def candidates(raw: str, from_content: bool) -> list[Reading]:
    """Every reading that differs from code points for ``raw``, code points first."""
    units = ["codepoints"] + (["utf16"] if any(ord(ch) > 0xFFFF for ch in raw) else [])
    line_ends = ["stored"]
    if "\r\n" in raw:
        line_ends.append("crlf-as-one")
    if from_content and "\n" in raw:
        line_ends.append("newline-as-two")
    boms = [False, True] if raw.startswith("\ufeff") else [False]
    return [Reading(u, le, b) for u in units for le in line_ends for b in boms]


def simplify(reading: Reading, raw: str, from_content: bool) -> Reading:
    """``reading`` without the parts that change nothing for ``raw``."""
    unit = reading.unit if any(ord(ch) > 0xFFFF for ch in raw) else "codepoints"
    line_ends = reading.line_ends
    if (line_ends == "crlf-as-one" and "\r\n" not in raw) or (
        line_ends == "newline-as-two" and not (from_content and "\n" in raw)
    ):
        line_ends = "stored"
    return Reading(unit, line_ends, reading.bom and raw.startswith("\ufeff"))


def origin_reading(origin: str, raw: str, from_content: bool) -> Reading | None:
    """The reading a known tool uses, or ``None`` for an unknown origin."""
    o = origin.casefold()
    if "atlas" in o:
        found = Reading(line_ends="crlf-as-one")
    elif "nvivo" in o:
        line_ends = "newline-as-two" if from_content and "\r" not in raw else "stored"
        found = Reading("utf16", line_ends)
    elif "qualkit" in o or "qualcoder" in o or "maxqda" in o:
        found = CODEPOINTS
    else:
        return None
    return simplify(found, raw, from_content)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _name_score(raw: str, spans: Sequence[WrittenSelection], reading: Reading) -> int:
    pm = PositionMap(raw, reading)
    score = 0
    for s in spans:
        a, b = pm.raw(s.start), pm.raw(s.end)
        if a is None or b is None:
            continue
        got, want = _squash(raw[a:b]), _squash(s.name or "").rstrip(".…").strip()
        if want and (got == want or got.startswith(want)):
            score += 1
    return score


def _on_boundary(raw: str, i: int) -> bool:
    if i <= 0 or i >= len(raw):
        return True
    return not (raw[i - 1].isalnum() and raw[i].isalnum())


def boundary_score(raw: str, spans: Sequence[WrittenSelection], reading: Reading) -> int:
    """How many selection starts and ends fall on word boundaries under ``reading``."""
    pm = PositionMap(raw, reading)
    score = 0
    for s in spans:
        for p in (s.start, s.end):
            i = pm.raw(p)
            if i is not None and _on_boundary(raw, i):
                score += 1
    return score


def _pick(scores: dict[Reading, int], order: Sequence[Reading], prefer: Reading) -> Reading:
    best = max(scores.values())
    winners = [r for r in order if scores[r] == best]
    return prefer if prefer in winners else winners[0]


def choose_reading(
    raw: str,
    spans: Sequence[WrittenSelection],
    origin: str,
    from_content: bool,
    declared: Reading | None = None,
) -> tuple[Reading, str]:
    """The reading that fits this source best, and why (see the module docstring)."""
    options = candidates(raw, from_content)
    known = origin_reading(origin, raw, from_content)
    if declared is not None:
        return simplify(declared, raw, from_content), "the file says how it counts"
    if len(options) == 1:
        return options[0], "every reading gives the same positions for this text"
    named = [s for s in spans if s.name and len(_squash(s.name)) >= 3]
    prefer = known if known in options else CODEPOINTS
    if named:
        scores = {r: _name_score(raw, named, r) for r in options}
        if max(scores.values()) > 0:
            chosen = _pick(scores, options, prefer)
            return chosen, (
                f"selection names match the text under this reading "
                f"({scores[chosen]} of {len(named)})"
            )
    if known is not None and known in options:
        return known, f"the file comes from {origin.strip()}, which counts this way"
    if not spans:
        return CODEPOINTS, "no selections to judge by; the standard's code points"
    scores = {r: boundary_score(raw, spans, r) for r in options}
    chosen = _pick(scores, options, CODEPOINTS)
    others = ", ".join(f"{scores[r]} under {r.name}" for r in options if r != chosen)
    return chosen, (
        f"selection names are empty and the origin is unknown; this reading puts "
        f"{scores[chosen]} of {2 * len(spans)} selection ends on word boundaries ({others})"
    )


# -- normalisation -------------------------------------------------------------------------


class NormMap:
    """Raw-text indexes → offsets in ``normalise(raw)``.

    Characters dropped by normalisation (a BOM, the ``\\r`` of ``\\r\\n``) map to the
    next kept character. An offset inside a sequence that NFC composes maps to the start
    of the composed text (for a start) or its end (for an end).
    """

    def __init__(self, raw: str, text: str) -> None:
        self.identity = raw == text
        self.n = len(raw)
        self.dropped: list[int] | None = None
        self.lo: list[int] = []
        self.hi: list[int] = []
        if self.identity:
            return
        bom = 1 if raw.startswith("\ufeff") else 0
        s1 = raw[bom:].replace("\r\n", "\n").replace("\r", "\n")
        if s1 == text:
            # Only a BOM and line ends change (the common case): an index moves back by
            # the characters dropped before it.
            self.dropped = [0] * bom + [m.start() for m in re.finditer("\r\n", raw)]
            return
        m1, s1 = self._line_ends(raw)
        lo, hi = self._nfc(s1, text)
        self.lo = [lo[m1[k]] for k in range(len(raw) + 1)]
        self.hi = [hi[m1[k]] for k in range(len(raw) + 1)]

    @staticmethod
    def _line_ends(raw: str) -> tuple[list[int], str]:
        """Step 1: byte-order mark and line ends."""
        kept: list[str] = []
        m1 = [0] * (len(raw) + 1)
        i = 1 if raw.startswith("\ufeff") else 0
        while i < len(raw):
            m1[i] = len(kept)
            ch = raw[i]
            if ch == "\r":
                if raw[i + 1 : i + 2] != "\n":
                    kept.append("\n")
            else:
                kept.append(ch)
            i += 1
        m1[len(raw)] = len(kept)
        return m1, "".join(kept)

    def _nfc(self, s1: str, text: str) -> tuple[list[int], list[int]]:
        """Step 2: NFC, one whitespace-delimited unit at a time (NFC never joins across
        whitespace, so the units' NFC forms concatenate to the whole text's)."""
        lo = list(range(len(s1) + 1))
        hi = list(range(len(s1) + 1))
        if unicodedata.is_normalized("NFC", s1):
            if s1 != text:
                raise QualkitError("could not map positions onto the normalised text")
            return lo, hi
        out_pos = 0
        pieces: list[str] = []
        for m in re.finditer(r"\s|\S+", s1):
            a, b = m.span()
            unit = m.group()
            done = unicodedata.normalize("NFC", unit)
            if done == unit:
                for k in range(a, b + 1):
                    lo[k] = hi[k] = out_pos + (k - a)
            else:
                self._map_unit(unit, a, out_pos, done, lo, hi)
            pieces.append(done)
            out_pos += len(done)
        lo[len(s1)] = hi[len(s1)] = out_pos
        if "".join(pieces) != text:
            raise QualkitError("could not map positions onto the normalised text")
        return lo, hi

    @staticmethod
    def _map_unit(unit: str, a: int, out_pos: int, done: str, lo: list[int], hi: list[int]) -> None:
        # Split before each character with combining class 0; keep the split only if
        # the pieces' NFC forms still add up to the unit's.
        cuts = [k for k, ch in enumerate(unit) if k == 0 or unicodedata.combining(ch) == 0]
        segs = [unit[x:y] for x, y in zip(cuts, [*cuts[1:], len(unit)], strict=True)]
        normed = [unicodedata.normalize("NFC", s) for s in segs]
        if "".join(normed) != done:
            cuts, normed = [0], [done]
        pos = out_pos
        bounds = [*cuts, len(unit)]
        for idx, seg_norm in enumerate(normed):
            x, y = bounds[idx], bounds[idx + 1]
            lo[a + x] = hi[a + x] = pos
            for k in range(x + 1, y):
                lo[a + k] = pos
                hi[a + k] = pos + len(seg_norm)
            pos += len(seg_norm)
        lo[a + len(unit)] = hi[a + len(unit)] = pos

    def start(self, i: int | None) -> int | None:
        return self._map(i, self.lo)

    def end(self, i: int | None) -> int | None:
        return self._map(i, self.hi)

    def _map(self, i: int | None, table: list[int]) -> int | None:
        """Position ``i`` in the normalised text; ``table`` (``lo`` for starts, ``hi`` for
        ends) decides where a position inside a changed character goes."""
        if i is None or not 0 <= i <= self.n:
            return None
        if self.identity:
            return i
        if self.dropped is not None:
            return i - bisect.bisect_left(self.dropped, i)
        return table[i]
