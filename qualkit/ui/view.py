"""The transcript view model: turns cut into segments at coding boundaries, with code labels.

The coding page sends :func:`transcript_view` to a small browser component that builds the
page from it with ``textContent`` only (text is never parsed as HTML). Each text segment
carries the code-point offset where it starts, so a mouse selection can be mapped back to
transcript offsets exactly.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qualkit.model import Code, Coding, Span, SpeakerKind, Transcript, Turn
from qualkit.text import split_sentences
from qualkit.ui.spans import turn_at
from qualkit.ui.words import placeholders_in, readable_placeholders


@dataclass(frozen=True)
class Layer:
    """How one coding is labelled: the code's name, plus the coder when several are shown."""

    coding: Coding
    label: str


def coding_label(
    c: Coding,
    codes: Mapping[str, Code],
    *,
    show_coder: bool,
    names: Mapping[str, str] | None = None,
) -> str:
    code = codes.get(c.code)
    label = code.name if code is not None else c.code
    if show_coder:
        label += " · " + (names or {}).get(c.coder, c.coder)
    return label


def _turn_items(
    text: str,
    turn: Turn,
    layers: Sequence[Layer],
    pending: Span | None,
    focus: int | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    lo, hi = turn.start, turn.end
    inside = [ly for ly in layers if ly.coding.start < hi and ly.coding.end > lo]
    cuts = {lo, hi}
    for ly in inside:
        cuts.add(max(lo, ly.coding.start))
        cuts.add(min(hi, ly.coding.end))
    touched = pending is not None and pending.start < hi and pending.end > lo
    if pending is not None and touched:
        cuts.add(max(lo, pending.start))
        cuts.add(min(hi, pending.end))
    points = sorted(cuts)
    starts: dict[int, list[str]] = {}
    for ly in sorted(inside, key=lambda x: (x.coding.start, -x.coding.end, x.label)):
        at = max(lo, ly.coding.start)
        label = ly.label if ly.coding.start >= lo else f"{ly.label} (continued)"
        starts.setdefault(at, []).append(label)
    items: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(points):
        if a in starts:
            items.append({"tag": "; ".join(starts[a])})
        if pending is not None and touched and a == max(lo, pending.start):
            label = "Selected" if pending.start >= lo else "Selected (continued)"
            items.append({"tag": label, "sel": 1})
        depth = sum(1 for ly in inside if ly.coding.start <= a and ly.coding.end >= b)
        marks: dict[str, Any] = {}
        if depth:
            marks["d"] = min(depth, 3)
        if pending is not None and pending.start <= a and pending.end >= b:
            marks["p"] = 1
        if focus is not None and any(
            ly.coding.id == focus and ly.coding.start <= a and ly.coding.end >= b for ly in inside
        ):
            marks["f"] = 1
        items.extend({**seg, **marks} for seg in _segments(text, a, b))
    summary = list(dict.fromkeys(ly.label for ly in inside))
    return items, summary


def _segments(text: str, a: int, b: int) -> list[dict[str, Any]]:
    """``text[a:b]`` as segments for the view: a pseudonym is a segment of its own shown in
    people's words ("Person 26"), with ``n``, its length in the text, and ``raw``, the text
    itself ("[PERSON 26]"), so the browser counts offsets in the stored text and a
    selection takes a pseudonym whole or not at all."""
    out: list[dict[str, Any]] = []
    at = a
    for start, end, words in placeholders_in(text, a, b):
        if start > at:
            out.append({"s": at, "t": text[at:start]})
        out.append({"s": start, "t": words, "n": end - start, "raw": text[start:end]})
        at = end
    if at < b or not out:
        out.append({"s": at, "t": text[at:b]})
    return out


def display_turns(transcript: Transcript) -> list[Turn]:
    """The transcript's turns; a text without speaker turns is shown as one block."""
    if transcript.turns:
        return list(transcript.turns)
    return [Turn(0, "Text", SpeakerKind.OTHER, 0, len(transcript.text))]


def transcript_view(
    transcript: Transcript,
    codings: Sequence[Coding],
    codes: Mapping[str, Code],
    *,
    show_coder: bool = False,
    names: Mapping[str, str] | None = None,
    pending: Span | None = None,
    focus: int | None = None,
    selectable: bool = True,
    saved: tuple[int, str] | None = None,
) -> dict[str, Any]:
    """The JSON-ready view of a transcript for the selection component.

    ``saved`` is (offset, message) just after a save: the message is shown at the end of the
    turn holding that offset, next to the coded text, and read out by screen readers; the
    browser moves focus to the text at that offset. Speaker names are shown in people's
    words ("[PERSON 26]" as "Person 26").
    """
    text = transcript.text
    layers = [
        Layer(c, coding_label(c, codes, show_coder=show_coder, names=names))
        for c in sorted(codings, key=lambda c: (c.start, c.end, c.id or 0))
    ]
    turns_out: list[dict[str, Any]] = []
    turns = display_turns(transcript)
    saved_turn = turn_at(turns, saved[0]) if saved is not None else None
    for turn in turns:
        items, summary = _turn_items(text, turn, layers, pending, focus)
        out: dict[str, Any] = {
            "i": turn.index,
            "n": turn.index + 1,
            "speaker": readable_placeholders(turn.speaker),
            "kind": turn.kind.value,
            "ts": turn.timestamp or "",
            "items": items,
            "codes": summary,
        }
        if selectable:
            # Sentences, for moving through the turn from the keyboard.
            out["ss"] = [[s.start, s.end] for s in split_sentences(text, turn.start, turn.end)]
        if saved is not None and saved_turn is not None and saved_turn.index == turn.index:
            out["saved"] = saved[1]
            out["at"] = saved[0]
        turns_out.append(out)
    view: dict[str, Any] = {
        "tid": transcript.tid,
        "selectable": selectable,
        "turns": turns_out,
    }
    view["version"] = hashlib.sha1(
        json.dumps(view, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]
    return view


def turn_choice_label(transcript: Transcript, turn: Turn, width: int = 60) -> str:
    """A one-line label for a turn in a drop-down: number, speaker and its first words."""
    words = " ".join(transcript.text[turn.start : turn.end].split())
    if len(words) > width:
        words = words[: width - 1].rstrip() + "…"
    return f"Turn {turn.index + 1} · {turn.speaker}: {words}"


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=\"'&^@%")


def md_escape(text: str) -> str:
    """``text`` for ``st.markdown``: every punctuation mark that Markdown (or Streamlit's
    extensions: colour, emoji, maths) could act on is backslash-escaped, and lines are joined."""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in flat)


def picker_order(codable: Sequence[str], recent: Sequence[str]) -> list[str]:
    """The code picker's order: codes used lately first (newest first), then the rest in
    codebook order. Codes in ``recent`` that cannot be chosen are left out."""
    allowed = set(codable)
    first = [c for c in dict.fromkeys(recent) if c in allowed]
    taken = set(first)
    return first + [c for c in codable if c not in taken]
