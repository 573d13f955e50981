"""The coding app's plain logic: spans, sentences, content notes, sessions, rate limits,
page access and the transcript view model. None of it needs Streamlit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualkit.model import Code, Coding, Role, Span, SpeakerKind, Transcript, Turn
from qualkit.text import split_sentences, text_hash
from qualkit.ui.access import PAGES, may_open, sees_all_layers, visible_pages
from qualkit.ui.content_notes import TOPICS, merge_notes, propose_content_notes
from qualkit.ui.ratelimit import SignInLimiter
from qualkit.ui.session import BreakTimer, SignedIn
from qualkit.ui.spans import (
    clamp_selection,
    codepoints_to_utf16,
    excerpt,
    snap_to_words,
    step_word,
    trim,
    turn_at,
    utf16_to_codepoints,
)
from qualkit.ui.view import (
    display_turns,
    md_escape,
    picker_order,
    transcript_view,
    turn_choice_label,
)
from qualkit.ui.words import (
    display_title,
    display_titles,
    field_label,
    header_fields,
    picker_meanings,
    plain_definition,
    readable_placeholders,
)


def test_streamlit_is_not_imported_by_the_plain_modules() -> None:
    mods = [
        "spans",
        "content_notes",
        "session",
        "ratelimit",
        "signin",
        "undo",
        "view",
        "access",
        "progress",
        "editing",
    ]
    code = "; ".join(
        [*(f"import qualkit.ui.{m}" for m in mods), "import qualkit.testing.sample_project"]
    )
    code += "; import sys; assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- UTF-16 ↔ code points ----------------------------------------------------------------


def test_utf16_offsets_after_astral_characters() -> None:
    text = "a🙂b𝄞c"  # 🙂 and 𝄞 are two UTF-16 units each
    # UTF-16 offsets of a, 🙂, b, 𝄞, c, end: 0, 1, 3, 4, 6, 7
    assert [utf16_to_codepoints(text, u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert [codepoints_to_utf16(text, c) for c in range(6)] == [0, 1, 3, 4, 6, 7]
    # Half way through a surrogate pair rounds to the end of the character.
    assert utf16_to_codepoints(text, 2) == 2


@given(st.text(max_size=40))
def test_utf16_round_trip(text: str) -> None:
    units = len(text.encode("utf-16-le")) // 2
    assert codepoints_to_utf16(text, len(text)) == units
    for cp in range(len(text) + 1):
        assert utf16_to_codepoints(text, codepoints_to_utf16(text, cp)) == cp


# -- spans and sentences -----------------------------------------------------------------


TEXT = "Well. I saw Dr. Okafor on Monday! Was it any good? It was… fine.\nNext line here"


def _texts(spans: list[Span], text: str = TEXT) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_split_sentences_keeps_abbreviations_and_breaks_lines() -> None:
    assert _texts(split_sentences(TEXT, 0, len(TEXT))) == [
        "Well.",
        "I saw Dr. Okafor on Monday!",
        "Was it any good?",
        "It was… fine.",
        "Next line here",
    ]


def test_split_sentences_uses_absolute_offsets_of_a_turn() -> None:
    text = "Interviewer: Hi.\nParticipant: One thing. Another, J. Smith said.  "
    start = text.index("One")
    spans = split_sentences(text, start, len(text))
    assert _texts(spans, text) == ["One thing.", "Another, J. Smith said."]
    assert all(start <= s.start < s.end <= len(text) for s in spans)


def test_pronoun_i_ends_a_sentence() -> None:
    text = "So was I. Then we left."
    assert _texts(split_sentences(text, 0, len(text)), text) == ["So was I.", "Then we left."]


@given(st.text(alphabet="ab .!?\n", max_size=60))
def test_sentences_are_ordered_trimmed_and_inside(text: str) -> None:
    spans = split_sentences(text, 0, len(text))
    prev = 0
    for s in spans:
        assert prev <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        prev = s.end


def test_trim_and_clamp_selection() -> None:
    text = "  hello world  "
    assert trim(text, 0, len(text)) == Span(2, 13)
    assert clamp_selection(text, 14, 1) == Span(2, 13)
    assert clamp_selection(text, -5, 1) is None
    assert clamp_selection(text, 0, 500) == Span(2, 13)


def test_step_word_moves_edges_by_whole_words() -> None:
    text = "one two three four"
    assert step_word(text, 4, 1, edge="start") == 8
    assert step_word(text, 8, -1, edge="start") == 4
    assert step_word(text, 13, 1, edge="end") == 18
    assert step_word(text, 13, -1, edge="end") == 7
    assert step_word(text, 18, 1, edge="end") == 18
    with pytest.raises(ValueError):
        step_word(text, 0, 1, edge="middle")


def test_turn_at_and_excerpt() -> None:
    turns = [
        Turn(0, "I", SpeakerKind.INTERVIEWER, 3, 10),
        Turn(1, "P", SpeakerKind.PARTICIPANT, 15, 30),
    ]
    assert turn_at(turns, 5) is turns[0]
    assert turn_at(turns, 12) is turns[0]
    assert turn_at(turns, 29) is turns[1]
    assert turn_at(turns, 0) is None
    long = "word " * 50
    out = excerpt(long, 0, len(long), 40)
    assert len(out) <= 40 and "…" in out


# -- content notes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I started self-harming when I was fifteen.", ["self-harm"]),
        ("He had suicidal thoughts and wanted to die.", ["suicide"]),
        ("She was raped in the hostel.", ["sexual violence"]),
        ("There was child abuse at home.", ["child abuse"]),
        ("My mate OD'd in the toilets. Naloxone saved him.", ["overdose"]),
        ("We had an overdose and a suicide attempt.", ["suicide", "overdose"]),
        ("The grapes were odd; I drape my coat; therapist was kind.", []),
    ],
)
def test_propose_content_notes(text: str, expected: list[str]) -> None:
    assert propose_content_notes(text) == expected


def test_proposals_are_topics_only_and_merge_without_duplicates() -> None:
    found = propose_content_notes("overdose, overdosed, overdoses")
    assert found == ["overdose"] and set(found) <= set(TOPICS)
    assert merge_notes(["Overdose", "bereavement"], ["overdose", "suicide"]) == [
        "Overdose",
        "bereavement",
        "suicide",
    ]


# -- sessions, breaks and rate limits ----------------------------------------------------


def test_session_times_out_after_inactivity_only() -> None:
    s = SignedIn("casey", Role.CODER, "Casey", signed_in_at=1000.0)
    assert not s.expired(1000.0 + 1799, timeout=1800)
    s.touch(1000.0 + 1700)
    assert not s.expired(1000.0 + 3400, timeout=1800)
    assert s.expired(1000.0 + 3500, timeout=1800)
    s.touch(10.0)  # time never goes backwards
    assert s.last_activity == 2700.0


def test_break_timer() -> None:
    t = BreakTimer(minutes=0)
    t.start(0)
    assert not t.due(10_000)
    t = BreakTimer(minutes=20)
    t.start(100)
    assert not t.due(100 + 19 * 60)
    assert t.due(100 + 20 * 60)
    t.snooze(100 + 20 * 60, minutes=10)
    assert not t.due(100 + 25 * 60)
    assert t.due(100 + 31 * 60)
    t.reset(5000)
    assert not t.due(5000 + 60)


def test_limiter_allows_a_few_failures_then_backs_off() -> None:
    lim = SignInLimiter(free_attempts=3, window=600, base_wait=30, max_wait=120)
    keys = ["user:casey"]
    for i in range(3):
        assert lim.wait_seconds(keys, 100 + i) == 0
        lim.failure(keys, 100 + i)
    assert lim.wait_seconds(keys, 103) == pytest.approx(29)
    assert lim.wait_seconds(keys, 133) == 0
    lim.failure(keys, 133)
    assert lim.wait_seconds(keys, 134) == pytest.approx(59)  # doubled
    for _ in range(5):
        lim.failure(keys, 200)
    assert lim.wait_seconds(keys, 200) == pytest.approx(120)  # capped
    assert lim.wait_seconds(["user:dev"], 200) == 0  # other names unaffected
    assert lim.wait_seconds(keys, 200 + 601) == 0  # old failures expire
    lim.failure(keys, 900)
    lim.success(keys)
    assert lim.failures("user:casey", 900) == 0


# -- access ------------------------------------------------------------------------------


def test_every_page_needs_a_signed_in_role() -> None:
    for key in PAGES:
        assert not may_open(None, key)
    assert visible_pages(None) == []


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            Role.CODER,
            {"start", "my", "code", "codebook", "settings"},
            {"transcripts", "codebook_edit", "assign", "accounts"},
        ),
        (
            Role.READER,
            {"start", "transcripts", "codebook", "settings"},
            {"my", "code", "codebook_edit", "assign", "accounts"},
        ),
        (Role.RESEARCHER, {"code", "transcripts", "codebook_edit", "assign"}, {"accounts"}),
        (Role.ADMIN, set(PAGES), set()),
    ],
)
def test_page_roles(role: Role, allowed: set[str], denied: set[str]) -> None:
    assert all(may_open(role, p) for p in allowed)
    assert not any(may_open(role, p) for p in denied)


def test_only_researchers_and_admins_see_all_layers() -> None:
    assert sees_all_layers(Role.RESEARCHER) and sees_all_layers(Role.ADMIN)
    assert not sees_all_layers(Role.CODER) and not sees_all_layers(Role.READER)


# -- view model --------------------------------------------------------------------------


def _transcript() -> Transcript:
    text = (
        "Interviewer: Hello 🙂 there.\nParticipant: The waiting list was long. <b>No</b> one rang."
    )
    i0 = text.index("Hello")
    p0 = text.index("The waiting")
    return Transcript(
        tid="t9",
        title="Test",
        text=text,
        source_name="t9.txt",
        text_hash=text_hash(text),
        turns=[
            Turn(0, "Interviewer", SpeakerKind.INTERVIEWER, i0, text.index("\n"), 0),
            Turn(1, "Participant", SpeakerKind.PARTICIPANT, p0, len(text), text.index("\n") + 1),
        ],
    )


CODES = {
    "a.wait": Code("a.wait", "Waiting times", "Waiting."),
    "a.phone": Code("a.phone", "Phones", "Phones."),
}


def _segments(view: dict, turn: int) -> list[dict]:
    return [i for i in view["turns"][turn]["items"] if "t" in i]


def test_view_segments_rebuild_each_turn_with_exact_offsets() -> None:
    t = _transcript()
    w = t.text.index("waiting list")
    codings = [
        Coding("casey", "t9", w, w + len("waiting list was long"), "a.wait", id=1),
        Coding("casey", "t9", w + len("waiting "), w + len("waiting list"), "a.phone", id=2),
    ]
    view = transcript_view(t, codings, CODES)
    for k, turn in enumerate(t.turns):
        segs = _segments(view, k)
        assert "".join(s["t"] for s in segs) == t.text[turn.start : turn.end]
        for s in segs:
            assert t.text[s["s"] : s["s"] + len(s["t"])] == s["t"]
    tags = [i["tag"] for i in view["turns"][1]["items"] if "tag" in i]
    assert tags == ["Waiting times", "Phones"]
    depth = {s["t"]: s.get("d", 0) for s in _segments(view, 1)}
    assert depth["list"] == 2 and depth["waiting "] == 1 and depth["The "] == 0
    assert view["turns"][1]["codes"] == ["Waiting times", "Phones"]
    assert view["turns"][0]["codes"] == []


def test_pseudonyms_show_in_words_but_keep_the_stored_offsets() -> None:
    text = (
        "Interviewer: Who helped?\nParticipant: [PERSON 26] at [ORGANIZATION 3], then [PERSON 26]."
    )
    turns = (
        Turn(0, "Interviewer", SpeakerKind.INTERVIEWER, 0, text.index("\n")),
        Turn(1, "Participant", SpeakerKind.PARTICIPANT, text.index("\n") + 1, len(text)),
    )
    t = Transcript("t1", "t1", text, "t1.txt", text_hash(text), turns=list(turns))
    first = text.index("[PERSON 26]")
    # A coding that starts inside the organisation's pseudonym leaves that one as it is.
    org = text.index("[ORGANIZATION 3]")
    codings = [Coding("casey", "t1", org + 5, len(text) - 1, "a.wait", id=1)]
    segs = _segments(transcript_view(t, codings, CODES), 1)
    shown = [(s["t"], s.get("raw")) for s in segs]
    assert ("Person 26", "[PERSON 26]") in shown
    assert [s["t"] for s in segs].count("Person 26") == 2
    assert not any("Organisation" in s["t"] for s in segs)
    # The browser counts each segment's length in the stored text.
    assert "".join(s.get("raw", s["t"]) for s in segs) == text[turns[1].start : turns[1].end]
    for s in segs:
        n = s.get("n", len(s["t"]))
        assert text[s["s"] : s["s"] + n] == s.get("raw", s["t"])
    assert segs[1] == {"s": first, "t": "Person 26", "n": 11, "raw": "[PERSON 26]"}


def test_view_keeps_markup_as_text_and_labels_coders_when_asked() -> None:
    t = _transcript()
    start = t.text.index("<b>")
    codings = [Coding("dev", "t9", start, start + 9, "a.wait", id=3)]
    view = transcript_view(t, codings, CODES, show_coder=True, names={"dev": "Dev"})
    raw = json.dumps(view, ensure_ascii=False)
    assert "<b>No</b>" in raw  # sent as data; the component inserts it with textContent
    assert [i["tag"] for i in view["turns"][1]["items"] if "tag" in i] == ["Waiting times · Dev"]


def test_view_marks_pending_selection_and_changes_version() -> None:
    t = _transcript()
    a = transcript_view(t, [], CODES)
    w = t.text.index("waiting")
    b = transcript_view(t, [], CODES, pending=Span(w, w + 7))
    assert a["version"] != b["version"]
    pending = [s for s in _segments(b, 1) if s.get("p")]
    assert [s["t"] for s in pending] == ["waiting"]
    assert any(i.get("sel") for i in b["turns"][1]["items"])
    assert transcript_view(t, [], CODES)["version"] == a["version"]


def test_coding_across_turns_is_labelled_as_continued() -> None:
    t = _transcript()
    c = Coding("casey", "t9", t.text.index("there"), t.text.index("list"), "a.wait", id=4)
    view = transcript_view(t, [c], CODES)
    tags = [[i["tag"] for i in turn["items"] if "tag" in i] for turn in view["turns"]]
    assert tags == [["Waiting times"], ["Waiting times (continued)"]]


def test_text_without_turns_is_one_block_and_turn_labels_are_short() -> None:
    t = _transcript()
    t.turns = []
    (only,) = display_turns(t)
    assert (only.start, only.end) == (0, len(t.text))
    t2 = _transcript()
    label = turn_choice_label(t2, t2.turns[1], width=20)
    assert label.startswith("Turn 2 · Participant: ") and label.endswith("…")


def test_md_escape_neutralises_markdown() -> None:
    out = md_escape("**bold** [link](http://x) :red[alarm] $x$ <b>\nnext")
    assert "\n" not in out
    for ch in "*[]():$<>":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch)


# -- select and code: whole words, one "[Selected]", people's words -----------------------


def test_selections_snap_to_whole_words() -> None:
    text = "Honestly? The machines never work, don't they. 🙂 Big-Mick's place"
    start = text.index("tly?")
    end = text.index("machines") + 3
    assert text[slice(*_span(snap_to_words(text, start, end)))] == "Honestly? The machines"
    # Boundaries already between words stay put; apostrophes hold a word together.
    w = text.index("never")
    assert snap_to_words(text, w, w + 5) == Span(w, w + 5)
    d = text.index("don't")
    assert text[slice(*_span(snap_to_words(text, d + 4, d + 5)))] == "don't"
    # A hyphen separates words: "Mick" can be chosen on its own.
    m = text.index("Mick")
    assert text[slice(*_span(snap_to_words(text, m + 1, m + 3)))] == "Mick's"
    # From the browser: trimmed, ordered and snapped; exact on request.
    assert clamp_selection(text, end, start, whole_words=True) == snap_to_words(text, start, end)
    assert clamp_selection(text, start, end) == Span(start, end)


def _span(s: Span) -> tuple[int, int]:
    return s.start, s.end


@given(st.text(alphabet="ab c'.🙂\n", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_snapped_selections_contain_the_selection_and_never_split_a_word(
    text: str, a: int, b: int
) -> None:
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    s = snap_to_words(text, lo, hi)
    assert s.start <= lo and s.end >= hi
    for edge in (s.start, s.end):
        if 0 < edge < len(text):
            assert not (text[edge - 1].isalnum() and text[edge].isalnum())


def _three_turns() -> Transcript:
    text = "A: one two three\nB: four five six\nA: seven eight nine\n"
    starts = [text.index(w) for w in ("one", "four", "seven")]
    ends = [text.index("\n", s) for s in starts]
    kinds = [SpeakerKind.INTERVIEWER, SpeakerKind.PARTICIPANT, SpeakerKind.INTERVIEWER]
    return Transcript(
        tid="t3",
        title="t3",
        text=text,
        source_name="t3.txt",
        text_hash=text_hash(text),
        turns=[Turn(i, "AB"[i % 2], kinds[i], starts[i], ends[i]) for i in range(3)],
    )


def _sel_tags(view: dict) -> list[list[str]]:
    return [[i["tag"] for i in turn["items"] if i.get("sel")] for turn in view["turns"]]


def test_selected_label_only_on_the_turns_the_selection_touches() -> None:
    t = _three_turns()
    w = t.text.index("five")
    assert _sel_tags(transcript_view(t, [], CODES, pending=Span(w, w + 4))) == [
        [],
        ["Selected"],
        [],
    ]
    across = Span(t.text.index("two"), t.text.index("five"))
    assert _sel_tags(transcript_view(t, [], CODES, pending=across)) == [
        ["Selected"],
        ["Selected (continued)"],
        [],
    ]


def test_saved_message_goes_to_the_turn_that_was_coded() -> None:
    t = _three_turns()
    w = t.text.index("eight")
    view = transcript_view(t, [], CODES, saved=(w, "Saved: Waiting times on turn 3."))
    assert [turn.get("saved") for turn in view["turns"]] == [
        None,
        None,
        "Saved: Waiting times on turn 3.",
    ]
    assert view["version"] != transcript_view(t, [], CODES)["version"]
    # The browser puts the focus back on the coded text at this offset.
    assert view["turns"][2]["at"] == w
    assert "at" not in view["turns"][0]


def test_speakers_are_shown_in_peoples_words() -> None:
    t = _three_turns()
    t.turns[1] = Turn(1, "[PERSON 26]", SpeakerKind.PARTICIPANT, t.turns[1].start, t.turns[1].end)
    assert [turn["speaker"] for turn in transcript_view(t, [], CODES)["turns"]] == [
        "A",
        "Person 26",
        "A",
    ]


def test_recently_used_codes_come_first_in_the_picker() -> None:
    codable = ["a", "b", "c", "d"]
    assert picker_order(codable, []) == codable
    assert picker_order(codable, ["c", "a"]) == ["c", "a", "b", "d"]
    # A recent code that can no longer be chosen is left out; repeats count once.
    assert picker_order(codable, ["gone", "d", "d"]) == ["d", "a", "b", "c"]


def test_the_picker_knows_each_codes_meaning_by_the_label_it_shows() -> None:
    codes = [
        Code("a", "Housing", "Where people live (not b.x).", parent="t1"),
        Code("b.x", "Housing", "", parent="t2", include=" Moving between hostels "),
        Code("c", "Bare"),
        Code("t1", "First theme", codable=False),
        Code("t2", "Second theme", codable=False),
    ]
    meanings = picker_meanings(codes)
    # Keyed by what the list shows (two codes share a name, so the theme tells them
    # apart), with ids turned into names and "when to use it" standing in for a missing
    # definition; a code with neither is left out.
    assert meanings == {
        "Housing (First theme)": "Where people live (not “Housing”).",
        "Housing (Second theme)": "Use it for: Moving between hostels",
    }


def test_titles_and_header_fields_in_peoples_words() -> None:
    t = _three_turns()
    assert display_title(t) == "Interview 3"  # never the bare id
    t.metadata = {"interview_id": "LB-03", "date": "[DATE_TIME 16]", "mode": "Telephone"}
    assert display_title(t) == "Interview LB-03 — telephone"
    t.metadata["date"] = "14 March 2024"
    assert display_title(t) == "Interview LB-03 — telephone, 14 March 2024"
    t2 = _transcript()
    assert display_title(t2) == "Test"  # a real title is kept
    twin = _transcript()
    twin.tid = "t10"
    assert display_titles([t2, twin]) == {"t9": "Test (1)", "t10": "Test (2)"}
    assert field_label("interview_id") == "Interview"
    assert field_label("Mode") == "How it was done"
    assert field_label("peer_researcher_id") == "Peer researcher ID"
    assert header_fields(
        {"title": "x", "interview_id": "LB-03", "date": "[DATE_TIME 16]", "borough": ""}
    ) == [("Interview", "LB-03"), ("Date", "Date 16")]
    assert readable_placeholders("[PERSON 26] met [HOSTEL_NAME 2]") == "Person 26 met Hostel name 2"


def test_definitions_name_codes_instead_of_ids() -> None:
    codes = {
        "needs.trauma": Code("needs.trauma", "Trauma and its effects", ""),
        "housing": Code("housing", "Housing", ""),
    }
    text = "Past harm (needs.trauma). See needs.trauma; housing is a word too."
    out = plain_definition(text, codes)
    assert "needs.trauma" not in out
    assert out == (
        "Past harm (see “Trauma and its effects”). See “Trauma and its effects”; "
        "housing is a word too."
    )
