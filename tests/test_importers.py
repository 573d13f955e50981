"""Transcript import: readers, turn parsing, interviewer inference, participants table."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.errors import InputError
from qualkit.importers import (
    MAX_BYTES,
    READERS,
    ParsedTranscript,
    Reader,
    infer_interviewer,
    load_transcript,
    parse_turns,
    read_participants_csv,
    read_text,
)
from qualkit.model import SpeakerKind, Turn
from qualkit.text import text_hash

FIX = Path(__file__).parent / "fixtures" / "importers"
SECRET = "Quixotelle"  # appears in every bad file; must never appear in an error message


def said(text: str, parsed: ParsedTranscript) -> list[tuple[str, str]]:
    return [(t.speaker, text[t.start : t.end]) for t in parsed.turns]


def check_offsets(text: str, parsed: ParsedTranscript) -> None:
    """Turn spans are ordered, stripped, and start after their label line begins."""
    previous_end = 0
    for i, t in enumerate(parsed.turns):
        assert t.index == i
        assert t.label_start is not None
        assert previous_end <= t.label_start <= t.start < t.end <= len(text)
        spoken = text[t.start : t.end]
        assert spoken == spoken.strip()
        previous_end = t.end


# ----------------------------------------------------------------------------- layouts

LAYOUTS = {
    "labels.txt": (
        "labels",
        "Interviewer",
        [
            ("Interviewer", "Thanks for talking to me. How long have you been at the hostel?"),
            (
                "Participant",
                "About a year now.\nShe said: no way, not you again.\nAnd that was that.\n\n"
                "Second paragraph of the same answer.",
            ),
            ("Interviewer", "What happened next?"),
            ("Participant", "Nothing much.   \nNote: this bit was hard to hear."),
            ("Interviewer", "Would you say the support helped?"),
            ("Participant", "Some of it did, yeah."),
        ],
    ),
    "int_p.txt": (
        "int-p",
        "INT",
        [
            ("INT", "Can you tell me about your first week?"),
            ("P1", "It was a blur, honestly."),
            ("INT", "Who did you see?"),
            ("P1", "My key worker, once.\nThen nobody for a month."),
        ],
    ),
    "qa.txt": (
        "qa",
        "Q",
        [
            ("Q", "Where were you living before?"),
            ("A", "On a friend's sofa."),
            ("Q", "For how long?"),
            ("A", "Six months, give or take."),
        ],
    ),
    "bracket_ts.txt": (
        "bracket-ts",
        "Speaker 1",
        [
            ("Speaker 1", "Okay, that's recording. Can you start by telling me about your role?"),
            ("Speaker 2", "Sure. I'm a support worker.\n\nI've done it for ten years."),
            ("Speaker 1", "What does a normal day look like?"),
            ("Speaker 2", "There isn't one."),
        ],
    ),
    "rev.txt": (
        "rev",
        "Speaker 1",
        [
            ("Speaker 1", "Hiya, can you hear me okay?"),
            ("Speaker 2", "Yeah, I can hear you.\nIt's quiet here."),
            ("Speaker 1", "Great. Shall we start?"),
            ("Speaker 2", "Go on then."),
        ],
    ),
    "otter.txt": (
        "otter",
        "Asha Brennan",
        [
            ("Asha Brennan", "So how did you first hear about the service?"),
            ("Colm Delaney", "A leaflet at the library, believe it or not."),
            ("Asha Brennan", "And did you go straight away?"),
            ("Colm Delaney", "No. It took me a good while."),
        ],
    ),
    "markdown.md": (
        "markdown",
        "Interviewer",
        [
            ("Interviewer", "How are things since you moved?"),
            ("Participant", "Better. Much better.\n\nI have my own key now."),
            ("Interviewer", "What made the difference?"),
            ("Participant", "Having a worker who stuck around."),
        ],
    ),
    "names.txt": (
        "labels",
        "Rosalind",
        [
            ("Rosalind", "Hi, thanks for doing this. Is now still a good time?"),
            (
                "Tobias",
                "Yes, go ahead. I have got about an hour before I need to collect the kids "
                "from school, so that is fine.",
            ),
            ("Rosalind", "Great. How did you first come into contact with the outreach team?"),
            (
                "Tobias",
                "They found me sleeping in the car park behind the shops. I had been there for "
                "a few weeks by then and I did not want to talk to anyone at all, but one of "
                "them kept coming back every morning with a coffee.",
            ),
            ("Rosalind", "What made you start talking to them?"),
            (
                "Tobias",
                "Honestly it was the coffee. And that she never pushed. She just sat there.",
            ),
        ],
    ),
    "paragraphs.txt": (
        "paragraphs",
        None,
        [
            (
                "Participant",
                "This is my written account. I wanted to put it down in my own words.",
            ),
            (
                "Participant",
                "When I left care I had nowhere to go. Nobody told me what would happen.\n"
                "I found out the hard way.",
            ),
            ("Participant", "Things are better now. I have a flat and a cat."),
        ],
    ),
    "cues.vtt": (
        "cues",
        "Interviewer",
        [
            ("Unknown", "Recording started."),
            ("Interviewer", "How long were you in A&E that night?"),
            ("Participant", "Nine hours. Nine. Nobody came."),
            ("Interviewer", "And then what?"),
            ("Participant", "Then I went home <laughs>."),
        ],
    ),
    "cues.srt": (
        "cues",
        "Interviewer",
        [
            ("Interviewer", "Where did you sleep last night?"),
            ("Participant", "In the stairwell of the old block. It was freezing."),
            ("Interviewer", "Did anyone check on you?"),
            ("Participant", "No."),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_turns_and_offsets(name: str) -> None:
    layout, interviewer, expected = LAYOUTS[name]
    text = read_text(FIX / name)
    parsed = parse_turns(text)
    assert parsed.layout == layout
    assert said(text, parsed) == expected
    check_offsets(text, parsed)
    assert parsed.interviewer == interviewer
    for t in parsed.turns:
        if t.speaker == interviewer:
            assert t.kind is SpeakerKind.INTERVIEWER
        elif t.speaker == "Unknown":
            assert t.kind is SpeakerKind.OTHER
        else:
            assert t.kind is SpeakerKind.PARTICIPANT
    if layout not in ("paragraphs", "cues"):
        for t in parsed.turns:  # the label line holds the speaker name, outside the spoken text
            assert t.speaker in text[t.label_start : t.start]


def test_timestamps() -> None:
    expected = {
        "bracket_ts.txt": ["00:00:03", "00:00:26", "00:01:06", "00:01:15"],
        "rev.txt": ["00:00:01", "00:00:15", "00:00:27", "00:00:31"],
        "otter.txt": ["0:02", "0:09", "0:15", "1:02:07"],
        "cues.vtt": ["00:00:00", "00:00:02", "00:00:04", "00:00:09", "00:01:05"],
        "cues.srt": ["00:00:01", "00:00:03", "00:01:10", "00:01:12"],
        "labels.txt": [None] * 6,
    }
    for name, stamps in expected.items():
        parsed = parse_turns(read_text(FIX / name))
        assert [t.timestamp for t in parsed.turns] == stamps, name


def test_cue_text_rendering() -> None:
    text = read_text(FIX / "cues.vtt")
    assert text.split("\n")[:4] == [
        "Interview ID: VT-01",
        "Mode: Video call",
        "",
        "[00:00:00] Recording started.",
    ]
    assert "[00:00:04] Participant: Nine hours. Nine. Nobody came." in text.split("\n")
    srt = read_text(FIX / "cues.srt")
    assert srt.split("\n")[1] == (
        "[00:00:03] Participant: In the stairwell of the old block. It was freezing."
    )


def test_header_metadata() -> None:
    labels = parse_turns(read_text(FIX / "labels.txt"))
    assert labels.metadata == {
        "interview_id": "LB-07",
        "date": "12 March 2024",
        "mode": "Telephone",
        "interviewer": "Peer researcher 2",
    }
    md = parse_turns(read_text(FIX / "markdown.md"))
    assert md.metadata == {
        "title": "Interview: moving on from the hostel",
        "interview_id": "MD-02",
        "mode": "In person",
    }
    vtt = parse_turns(read_text(FIX / "cues.vtt"))
    assert vtt.metadata == {"interview_id": "VT-01", "mode": "Video call"}
    assert parse_turns(read_text(FIX / "names.txt")).metadata == {}


def test_header_without_blank_line_as_in_docx() -> None:
    text = (
        "Date: 1 May 2024\n"
        "Interviewer: Peer researcher 2\n"
        "Interviewer: Hello there, how are you doing today?\n"
        "Participant: Fine, thanks.\n"
        "Interviewer: Good.\n"
        "Participant: Yes."
    )
    parsed = parse_turns(text)
    assert parsed.metadata == {"date": "1 May 2024", "interviewer": "Peer researcher 2"}
    assert said(text, parsed)[0] == ("Interviewer", "Hello there, how are you doing today?")
    assert len(parsed.turns) == 4


def test_interviewer_turn_at_top_is_not_header() -> None:
    text = "Interviewer: Right, shall we start?\n\nParticipant: Go on.\n\nInterviewer: Okay."
    parsed = parse_turns(text)
    assert parsed.metadata == {}
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Participant", "Interviewer"]


def test_one_off_label_in_long_transcript_is_a_continuation() -> None:
    lines = []
    for i in range(6):
        lines.append(f"Interviewer: Question number {i}, what happened?")
        lines.append(f"Participant: Answer number {i}.")
    lines.insert(4, "Mum: get out of my house, she shouted.")
    text = "\n".join(lines)
    parsed = parse_turns(text)
    assert {t.speaker for t in parsed.turns} == {"Interviewer", "Participant"}
    assert len(parsed.turns) == 12
    assert "Mum: get out" in text[parsed.turns[3].start : parsed.turns[3].end]


def test_sentences_with_colons_are_not_speakers() -> None:
    text = (
        "I went back the next day.\nShe said: no way.\nMy advice: don't.\nNote: later.\n\n"
        "Then it got better.\nNote: much later."
    )
    parsed = parse_turns(text)
    assert parsed.layout == "paragraphs"
    assert [t.speaker for t in parsed.turns] == ["Participant", "Participant"]
    assert parsed.interviewer is None


def test_text_before_first_turn_is_not_in_any_turn() -> None:
    text = "Transcript of a recorded call\n\nINT: Ready?\nP1: Yes.\nINT: Good?\nP1: Fine."
    parsed = parse_turns(text)
    assert parsed.turns[0].label_start == text.index("INT: Ready?")
    assert len(parsed.turns) == 4


def test_unicode_offsets_are_code_points(tmp_path: Path) -> None:
    raw = "\ufeffZoe\u0308: Caf\u00e9 \U0001f600 okay?\r\nAmara: Yes \U0001f44d.\r\n"
    raw += "Zoë: Really?\r\nAmara: Yes.\r\n"
    f = tmp_path / "u.txt"
    f.write_bytes(raw.encode("utf-8"))
    text = read_text(f)
    assert "\r" not in text and not text.startswith("\ufeff")
    assert text.startswith("Zoë:")  # NFC: one code point
    parsed = parse_turns(text)
    assert said(text, parsed)[:2] == [
        ("Zoë", "Café \U0001f600 okay?"),
        ("Amara", "Yes \U0001f44d."),
    ]
    assert parsed.turns[0].start == 5


# ----------------------------------------------------------------------------- interviewer


def test_interviewer_override() -> None:
    text = read_text(FIX / "names.txt")
    parsed = parse_turns(text, interviewer="tobias")
    assert parsed.interviewer == "Tobias"
    kinds = {t.speaker: t.kind for t in parsed.turns}
    assert kinds == {"Tobias": SpeakerKind.INTERVIEWER, "Rosalind": SpeakerKind.PARTICIPANT}
    with pytest.raises(ValueError, match="matches no speaker"):
        parse_turns(text, interviewer="Nobody")


def test_interviewer_override_unknown_in_load_transcript_names_file() -> None:
    with pytest.raises(InputError) as info:
        load_transcript(FIX / "names.txt", interviewer="Nobody")
    assert "names.txt" in str(info.value)
    assert "Rosalind" not in str(info.value)


def _turns(spec: list[tuple[str, str]]) -> tuple[str, list[Turn]]:
    turns, parts, pos = [], [], 0
    for i, (speaker, words) in enumerate(spec):
        turns.append(Turn(i, speaker, SpeakerKind.PARTICIPANT, pos, pos + len(words)))
        parts.append(words)
        pos += len(words) + 1
    return "\n".join(parts), turns


def test_infer_interviewer_by_questions_and_by_role_name() -> None:
    text, turns = _turns(
        [
            ("Kofi", "How are you?"),
            ("Maeve", "Not bad at all, all things considered, you know how it is."),
            ("Kofi", "And the flat?"),
            ("Maeve", "Damp. Really damp. I have told them many times about it."),
        ],
    )
    assert infer_interviewer(turns, text) == "Kofi"
    # A participant role name leaves the other speaker as interviewer.
    text, turns = _turns([("Participant", "Why me?"), ("Kofi", "Fine."), ("Kofi", "Okay.")])
    assert infer_interviewer(turns, text) == "Kofi"
    # A role name wins over question counting.
    text, turns = _turns([("Researcher", "Right."), ("Maeve", "What? Why? How?")])
    assert infer_interviewer(turns, text) == "Researcher"
    # No questions at all: no guess.
    text, turns = _turns([("Kofi", "Hello."), ("Maeve", "Hi.")])
    assert infer_interviewer(turns, text) is None


# ----------------------------------------------------------------------------- docx


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Interview ID: DX-01")
    document.add_paragraph("")
    p = document.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" Where do you live now?")
    document.add_paragraph("Participant: In a flat.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Interviewer: And before?"
    table.cell(0, 1).text = ""
    table.cell(1, 0).text = "Participant:"
    table.cell(1, 1).text = "A hostel."
    document.add_paragraph("Interviewer: Thanks?")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    f = tmp_path / "interview.docx"
    f.write_bytes(_docx_bytes())
    text = read_text(f)
    assert text == (
        "Interview ID: DX-01\n\nInterviewer: Where do you live now?\nParticipant: In a flat.\n"
        "Interviewer: And before?\nParticipant: A hostel.\nInterviewer: Thanks?"
    )
    parsed = parse_turns(text)
    assert parsed.metadata == {"interview_id": "DX-01"}
    assert said(text, parsed)[2] == ("Interviewer", "And before?")
    assert parsed.interviewer == "Interviewer"


# ----------------------------------------------------------------------------- bad input


def _zip_of_junk(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("junk.txt", f"{SECRET} " * 20)


def _truncated_docx(p: Path) -> None:
    data = _docx_bytes()
    p.write_bytes(data[: len(data) // 2])


def _damaged_docx(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f"<w:document>{SECRET}")


BAD_FILES = {
    "empty.txt": (lambda p: p.write_bytes(b""), "no text"),
    "blank.md": (lambda p: p.write_bytes(b"  \n\n\t \n"), "no text"),
    "binary.txt": (lambda p: p.write_bytes(SECRET.encode() + b"\x00\x01\x02" * 50), "binary"),
    "pdf.txt": (lambda p: p.write_bytes(b"%PDF-1.7\n" + SECRET.encode()), "PDF"),
    "utf16.txt": (lambda p: p.write_bytes(f"INT: {SECRET}?".encode("utf-16")), "UTF-16"),
    "latin1.txt": (
        lambda p: p.write_bytes(f"INT: Hello?\nP1: Caf\u00e9 {SECRET}.\n".encode("latin-1")),
        "Windows-1252",
    ),
    "junk.docx": (_zip_of_junk, "not a valid .docx"),
    "truncated.docx": (_truncated_docx, "not a valid .docx"),
    "damaged.docx": (_damaged_docx, "not a valid .docx"),
    "protected.docx": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + SECRET.encode()),
        "password-protected",
    ),
    "empty.vtt": (lambda p: p.write_bytes(b"\xef\xbb\xbf\n"), "no text"),
    "empty.srt": (lambda p: p.write_bytes(b""), "no text"),
    "plain.docx": (lambda p: p.write_text(f"Interviewer: {SECRET}"), "not a valid .docx"),
    "nocues.vtt": (lambda p: p.write_text(f"WEBVTT\n\nNOTE {SECRET}\n"), "no cues"),
    "noheader.vtt": (
        lambda p: p.write_text(f"1\n00:00:01.000 --> 00:00:02.000\n{SECRET}\n"),
        "WEBVTT",
    ),
    "interview.pdf": (lambda p: p.write_text(SECRET), "supported: .docx"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_raises_input_error_without_content(tmp_path: Path, name: str) -> None:
    make, problem = BAD_FILES[name]
    f = tmp_path / name
    make(f)
    with pytest.raises(InputError) as info:
        read_text(f)
    message = str(info.value)
    assert name in message
    assert problem in message
    assert SECRET not in message and "Caf" not in message
    assert "\n" not in message


def test_latin1_error_names_the_first_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "latin1.txt"
    BAD_FILES["latin1.txt"][0](f)
    with pytest.raises(InputError) as info:
        read_text(f)
    assert info.value.line == 2
    assert "re-save it as UTF-8" in str(info.value)


def test_oversize_file_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text(f"Interviewer: {SECRET} " * 20)
    with pytest.raises(InputError) as info:
        read_text(f, max_bytes=100)
    assert "limit" in str(info.value) and "big.txt" in str(info.value)
    assert SECRET not in str(info.value)
    assert read_text(f, max_bytes=10_000).startswith("Interviewer:")
    assert MAX_BYTES == 20 * 1024 * 1024
    docx_file = tmp_path / "big.docx"
    docx_file.write_bytes(_docx_bytes())
    with pytest.raises(InputError, match="limit"):
        read_text(docx_file, max_bytes=1000)


@pytest.mark.parametrize(("name", "line"), [("bad_timing.vtt", 8), ("bad_timing.srt", 6)])
def test_malformed_cue_timing_gives_line(name: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        read_text(FIX / name)
    assert info.value.line == line
    assert "malformed cue timing" in str(info.value)
    assert f"{name}:{line}:" in str(info.value)
    assert SECRET not in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "absent.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        read_text(folder)


# ----------------------------------------------------------------------------- registry


def test_registry_covers_formats_and_accepts_new_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {".txt", ".md", ".docx", ".vtt", ".srt"} <= set(READERS)

    class Upper(Reader):
        suffixes = (".up",)

        def read(self, path: Path, max_bytes: int) -> str:
            return path.read_text().upper()

    monkeypatch.setitem(READERS, ".up", Upper())
    f = tmp_path / "x.up"
    f.write_text("int: hi?\np1: yes.\n")
    assert read_text(f) == "INT: HI?\nP1: YES.\n"


# ----------------------------------------------------------------------------- load_transcript


def test_load_transcript() -> None:
    transcript, parsed = load_transcript(FIX / "markdown.md")
    assert transcript.tid == "markdown"
    assert transcript.title == "Interview: moving on from the hostel"
    assert transcript.source_name == "markdown.md"
    assert transcript.text == read_text(FIX / "markdown.md")
    assert transcript.text_hash == text_hash(transcript.text)
    assert transcript.turns == parsed.turns and transcript.metadata == parsed.metadata
    assert transcript.participant is None

    other, _ = load_transcript(FIX / "qa.txt", interviewer="A", transcript_id="t99")
    assert (other.tid, other.title) == ("t99", "t99")
    assert {t.speaker for t in other.turns if t.kind is SpeakerKind.INTERVIEWER} == {"A"}


# ----------------------------------------------------------------------------- participants


def test_read_participants_csv() -> None:
    people = read_participants_csv(FIX / "participants.csv")
    assert sorted(people) == ["t01", "t02", "t03"]
    assert people["t02"].pid == "P02"
    assert people["t02"].role == "Person working in the system"
    assert people["t01"].attributes == {"borough": "Lambeth", "age_band": "45-54"}
    assert people["t03"].attributes == {"borough": "Lewisham", "age_band": ""}


@pytest.mark.parametrize(
    ("name", "line", "problem"),
    [
        ("participants_missing_role.csv", 1, "missing required column(s): role"),
        ("participants_duplicate.csv", 4, "duplicate row for a transcript id (first at line 2)"),
        ("participants_empty_pid.csv", 3, "empty participant id"),
    ],
)
def test_participants_csv_errors(name: str, line: int, problem: str) -> None:
    with pytest.raises(InputError) as info:
        read_participants_csv(FIX / name)
    assert info.value.line == line
    assert problem in str(info.value)
    assert name in str(info.value)
    assert "Person accessing support" not in str(info.value)


def test_participants_csv_with_bom_semicolons_and_latin1(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_bytes(
        "\ufeffTranscript ; Participant ; Role\nt01;P01;Person accessing support\n".encode()
    )
    assert read_participants_csv(f)["t01"].pid == "P01"
    f.write_bytes("transcript,participant,role,note\nt01,P01,Worker,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="Windows-1252"):
        read_participants_csv(f)


# ----------------------------------------------------------------------------- round trip

NAMES = ["Interviewer", "Participant", "Marcus", "Dr Okafor", "P1", "Jo-Jo", "Speaker 2", "Zoë"]
WORDS = ["the", "hostel", "was", "cold", "and", "nobody", "rang", "back", "for", "weeks", "café"]


@st.composite
def transcripts(draw: st.DrawFn) -> list[tuple[str, str]]:
    speakers = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True))
    order = draw(st.lists(st.sampled_from(speakers), min_size=4, max_size=12))
    counts = Counter(order)
    for s in speakers:  # every speaker speaks at least twice
        order += [s] * max(0, 2 - counts[s])
    turns = []
    for s in order:
        lines = draw(
            st.lists(
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
                min_size=1,
                max_size=3,
            )
        )
        end = draw(st.sampled_from([".", "?", "!", "", "..."]))
        turns.append(
            (s, lines[0].capitalize() + ("\n" + "\n".join(lines[1:]) if lines[1:] else "") + end)
        )
    return turns


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(transcripts(), st.sampled_from(["\n", "\n\n"]))
def test_labels_round_trip(turns: list[tuple[str, str]], sep: str) -> None:
    text = sep.join(f"{speaker}: {words}" for speaker, words in turns)
    parsed = parse_turns(text)
    assert said(text, parsed) == turns
    check_offsets(text, parsed)
