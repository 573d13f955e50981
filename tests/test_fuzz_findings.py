"""What the reader fuzzer (tests/test_fuzz_readers.py) found, each pinned by a fixed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.codings_io import import_coding_files, read_coding_file
from qualkit.errors import InputError, QualkitError, UnstorableValue
from qualkit.model import Code, Codebook, Role
from qualkit.project import NotIdentifiableGate, import_transcripts
from qualkit.storage import Store
from tests.test_storage import make_transcript


def test_a_parser_message_with_line_breaks_is_one_line() -> None:
    """lxml's messages can end in "\\n, line 1, column 2" (a broken .qdc or .qdpx)."""
    e = InputError("cb.qdc", "not well-formed XML: Invalid character\n, line 1, column 2", 1)
    assert str(e) == "cb.qdc:1: not well-formed XML: Invalid character , line 1, column 2"
    assert str(QualkitError("a\r\nb")) == "a b"


def test_a_deeply_nested_review_file_is_a_clean_error(tmp_path: Path) -> None:
    from qualkit.ui.deid_review import load_review

    path = tmp_path / "t01.review.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"t01\.review\.json: review file is nested too deeply"):
        load_review(path)


CODINGS_TWICE = (
    "transcript: t1\n"
    "codings:\n"
    " transcript: t1\n"  # a mapping under the first "codings" key
    "codings:\n"
    "  - coder: amara\n"
    "    code: access.waiting\n"
    "    quote: The waiting list\n"
)


def test_a_repeated_codings_key_reads_the_last_list(tmp_path: Path) -> None:
    path = tmp_path / "t1.yaml"
    path.write_text(CODINGS_TWICE, encoding="utf-8")
    cf = read_coding_file(path)  # was AttributeError: 'tuple' object has no attribute ...
    assert [(c.coder, c.line) for c in cf.codings] == [("amara", 5)]


def test_an_unknown_code_in_a_codings_file_names_the_file_and_line(
    store: Store, tmp_path: Path
) -> None:
    store.set_codebook(Codebook("T", [Code("access.waiting", "Waiting", "Waiting for help.")]), "r")
    store.add_transcripts([(make_transcript(), None)], "r")
    path = tmp_path / "t1.yaml"
    path.write_text(CODINGS_TWICE.replace("access.waiting", "ccess.waiting"), encoding="utf-8")
    before = store.last_event_id()
    with pytest.raises(InputError) as e:
        import_coding_files(store, [path], "r")
    assert str(e.value) == f"{path}:5: no code with id 'ccess.waiting' in the project"
    assert store.last_event_id() == before


def test_text_with_a_nul_character_is_refused_alike_on_both_backends(
    store: Store, tmp_path: Path
) -> None:
    """PostgreSQL cannot store NUL in text ("unexpected DataError"); SQLite could. Both
    now refuse it before anything is written (a .qdpx source could carry one)."""
    t = make_transcript(text=make_transcript().text.replace("long.", "long.\x00"))
    before = store.last_event_id()
    with pytest.raises(UnstorableValue, match="a transcript's text holds a NUL character"):
        store.add_transcripts([(t, None)], "r")
    with pytest.raises(UnstorableValue, match="holds a NUL character"):
        store.add_user("ab\x00c", Role.CODER, "r")
    assert store.last_event_id() == before and store.transcripts() == []
    # A transcript file with a NUL byte is refused by the reader, naming the file.
    f = tmp_path / "x01.txt"
    f.write_bytes(b"Interviewer: Hello\nParticipant: Hi\x00 there\n")
    with pytest.raises(InputError, match=r"x01\.txt"):
        import_transcripts(store, [f], "r", NotIdentifiableGate())
