"""One home for the text's shapes: the sentence splitter the app and agreement share, and
the theme above a code."""

from __future__ import annotations

import pytest

from qualkit.agreement.units import unit_spans
from qualkit.model import Span, SpeakerKind, Transcript, Turn
from qualkit.text import split_sentences, text_hash
from qualkit.ui.reports import sentence_spans
from qualkit.ui.view import transcript_view

TEXTS = [
    "I saw Dr. Okafor on Monday. She said Mr. Reid was off, e.g. on leave.\n"
    "We met at St. Anne's… it was fine. Then what?\n"
    "It cost 3.5 pounds, no more\n"
    "Really? Yes! Well... and then nothing",
    'He said "go." So I went. J. Smith agreed (mostly.) I did too.\n'
    "No. 4 was shut… Maybe\n"
    "so was I. Then we left",
    "One thing… Another thing. i.e. nothing much\nEnds without a stop",
]


def app_sentences(transcript: Transcript) -> list[tuple[int, int]]:
    """The sentences the coding app offers in every turn: the keyboard steps of the
    transcript view, which must equal the sentences offered when editing a coding."""
    view = transcript_view(transcript, [], {}, selectable=True)
    steps = [(s, e) for turn in view["turns"] for s, e in turn["ss"]]
    offered = [(s.start, s.end) for s in sentence_spans(transcript, transcript.turns)]
    assert steps == offered
    return steps


def plain_transcript(text: str) -> Transcript:
    """Each line one turn, taken whole, as agreement's turn units see it."""
    turns, start = [], 0
    for i, line in enumerate(text.split("\n")):
        turns.append(Turn(i, f"P{i % 2}", SpeakerKind.PARTICIPANT, start, start + len(line)))
        start += len(line) + 1
    return Transcript("t", "t", text, "t.txt", text_hash(text), turns=turns)


@pytest.mark.parametrize("text", TEXTS)
def test_app_sentence_choices_are_agreement_sentence_units(text: str) -> None:
    transcript = plain_transcript(text)
    assert len(transcript.turns) == text.count("\n") + 1
    units = [(int(s), int(e)) for s, e in unit_spans("sentence", "t", text, None)]
    assert app_sentences(transcript) == units


def test_sentences_keep_abbreviations_numbers_and_trailing_ellipses() -> None:
    text = TEXTS[0]
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "I saw Dr. Okafor on Monday.",
        "She said Mr. Reid was off, e.g. on leave.",
        "We met at St. Anne's… it was fine.",
        "Then what?",
        "It cost 3.5 pounds, no more",
        "Really?",
        "Yes!",
        "Well... and then nothing",
    ]


def test_sentences_of_part_of_a_text_are_absolute_and_trimmed() -> None:
    text = "P1: Dr. Okafor came.  Then   "
    start = text.index("Dr.")
    assert split_sentences(text, start) == [
        Span(start, text.index("came.") + 5),
        Span(text.index("Then"), text.index("Then") + 4),
    ]
    assert split_sentences(text, 0, 0) == [] and split_sentences("  \n ") == []


def labelled_transcript(text: str) -> Transcript:
    """A header line, then each line of ``text`` one turn behind a speaker label, as the
    importer reads an interview: the labels and the header are not coded text."""
    full, turns = "Title: Interview 3\nMode: Telephone\n\n", []
    for i, line in enumerate(text.split("\n")):
        label = "Interviewer: " if i % 2 == 0 else "Participant: "
        start = len(full) + len(label)
        kind = SpeakerKind.INTERVIEWER if i % 2 == 0 else SpeakerKind.PARTICIPANT
        turns.append(Turn(i, label[:-2], kind, start, start + len(line)))
        full += label + line + "\n"
    return Transcript("t", "t", full, "t.txt", text_hash(full), turns=turns)


@pytest.mark.parametrize("text", TEXTS)
def test_with_speaker_labels_the_sentence_units_are_still_the_app_sentences(text: str) -> None:
    transcript = labelled_transcript(text)
    units = unit_spans("sentence", "t", transcript.text, {"t": transcript.turns})
    assert app_sentences(transcript) == [(int(s), int(e)) for s, e in units]
    # No unit holds a speaker label or the header.
    words = [transcript.text[int(s) : int(e)] for s, e in units]
    assert not any("Interviewer:" in w or "Participant:" in w or "Title:" in w for w in words)


def test_the_theme_of_a_code_is_its_top_level_code() -> None:
    from qualkit.model import Code, Codebook, theme_of

    book = Codebook(
        "b",
        [
            Code("a", "A", "Top."),
            Code("a.b", "B", "Child.", parent="a"),
            Code("a.b.c", "C", "Grandchild.", parent="a.b"),
            Code("x", "X", "Parent not in the codebook.", parent="gone"),
        ],
    )
    assert [book.theme_of(c) for c in ("a", "a.b", "a.b.c", "x", "unknown")] == [
        "a",
        "a",
        "a",
        "gone",
        "unknown",
    ]
    assert theme_of("p", {"p": "q", "q": "p"}) == "q"  # a loop stops where it closes
