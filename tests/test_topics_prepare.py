"""Suggested codes prepared in the project: after ``prepare_hints`` (or assigning in the
app), a server that has just started gives a turn's or a sentence's hints without loading
the text model, and they are the hints it would have worked out itself."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualkit.cli import cli
from qualkit.model import SpeakerKind, Transcript, Turn
from qualkit.storage import Store
from qualkit.testing.sample_project import build_sample_project
from qualkit.text import text_hash
from qualkit.topics.project_suggest import hint_spans

#: A fresh process (a server just started) asks for the hints of turn 2 and of the
#: first sentence of the first participant turn with more than one sentence.
FRESH_SERVER = """
import json, sys
from qualkit.storage import Store
from qualkit.text import split_sentences
from qualkit.topics.project_suggest import hint_suggester
from qualkit.ui.suggestions import HintSource
from qualkit.model import SpeakerKind
store = Store.open(sys.argv[1], create=False)
codebook = store.codebook()
source = HintSource(hint_suggester)
sug = source.suggester(store, codebook, wait=600)
t = store.transcript("t01")
turn = t.turns[1]
many = next(
    u for u in t.turns
    if u.kind == SpeakerKind.PARTICIPANT and len(split_sentences(t.text, u.start, u.end)) > 1
)
first = split_sentences(t.text, many.start, many.end)[0]
out = [
    [h.code for h in source.hints(store, codebook, t, a, b, wait=600)]
    for a, b in [(turn.start, turn.end), (first.start, first.end)]
]
print(json.dumps({"hints": out, "model_loaded": sug.embedder._impl is not None}))
"""


def _cached(project: Path) -> int:
    with sqlite3.connect(project) as db:
        return int(db.execute("SELECT count(*) FROM embedding_cache").fetchone()[0])


def _fresh_server(project: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", FRESH_SERVER, str(project)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hint_spans_are_every_turn_and_the_sentences_of_longer_turns() -> None:
    text = "Interviewer: How was it?\nParticipant: Slow. Then better.\n"
    i0, p0 = text.index("How"), text.index("Slow")
    turns = [
        Turn(0, "Interviewer", SpeakerKind.INTERVIEWER, i0, text.index("\n")),
        Turn(1, "Participant", SpeakerKind.PARTICIPANT, p0, len(text) - 1),
    ]
    t = Transcript("t", "t", text, "t.txt", text_hash(text), turns=turns)
    spans = [text[a:b] for a, b in hint_spans(t)]
    assert spans == ["How was it?", "Slow. Then better.", "Slow.", "Then better."]


@pytest.mark.slow
def test_prepared_hints_need_no_model_and_match_the_model(tmp_path: Path) -> None:
    project = tmp_path / "study.db"
    build_sample_project(project, tmp_path / "src")
    unprepared = tmp_path / "unprepared.db"
    shutil.copy2(project, unprepared)

    from qualkit.ui.suggestions import prepare_in_background

    ranked: list[str] = []
    thread = prepare_in_background(
        str(project), ["t01"], then=lambda store: ranked.append(store.url)
    )
    thread.join(timeout=600)
    assert not thread.is_alive() and ranked, "the preparation did not finish"

    prepared = _fresh_server(project)
    assert prepared["model_loaded"] is False
    assert all(prepared["hints"])
    worked_out = _fresh_server(unprepared)
    assert worked_out["model_loaded"] is True
    assert prepared["hints"] == worked_out["hints"]


@pytest.mark.slow
def test_suggest_prepare_command(tmp_path: Path) -> None:
    project = tmp_path / "study.db"
    build_sample_project(project, tmp_path / "src")
    runner = CliRunner()
    bad = runner.invoke(cli, ["suggest", "prepare", str(project), "--transcript", "t99"])
    assert bad.exit_code == 1
    assert "no transcript 't99' in this project; it has: t01, t02" in bad.output
    assert _cached(project) == 0
    done = runner.invoke(cli, ["suggest", "prepare", str(project), "--transcript", "t02"])
    assert done.exit_code == 0, done.output
    with Store.open(str(project), create=False) as store:
        n = len(hint_spans(store.transcript("t02")))
        assert f"Prepared suggested codes for {n} turns and sentences in 1 transcript(s)." in (
            done.output
        )
    assert _cached(project) > n
