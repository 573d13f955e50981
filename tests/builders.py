"""Transcripts and small projects built for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from qualkit.auth import hash_password
from qualkit.model import Role, SpeakerKind, Transcript, Turn
from qualkit.project import NotIdentifiableGate, import_transcripts, init_project
from qualkit.storage import Store
from qualkit.testing.sample_project import load_sample_codebook
from qualkit.text import text_hash


def transcript_from_turns(
    turns: list[tuple[SpeakerKind, str]], tid: str, title: str, participant: str | None = None
) -> Transcript:
    """A transcript of labelled turns ("Interviewer: ..." or "Participant: ...", a blank
    line after each), of ``participant`` if given."""
    text = ""
    out = []
    for i, (kind, body) in enumerate(turns):
        label = "Interviewer: " if kind == SpeakerKind.INTERVIEWER else "Participant: "
        label_start = len(text)
        text += label
        start = len(text)
        text += body
        out.append(Turn(i, label.strip(": "), kind, start, len(text), label_start))
        text += "\n\n"
    return Transcript(tid, title, text, f"{tid}.txt", text_hash(text), out, participant=participant)


@contextmanager
def gated_project(
    target: str,
    workdir: Path,
    name: str,
    password: str,
    users: Mapping[str, tuple[Role, str]],
    texts: Mapping[str, str],
    participants: str,
) -> Iterator[tuple[Store, list[str]]]:
    """A new project ``name`` at ``target`` with the bundled codebook, ``users`` (user name:
    role and display name) whose password is ``password``, and ``texts`` (transcript id:
    text, written to ``workdir``) imported with the ``participants`` CSV; yields the open
    store and the imported transcript ids, and closes the store after."""
    workdir.mkdir(parents=True, exist_ok=True)
    store = init_project(target, name, "setup", codebook=load_sample_codebook())
    try:
        pw = hash_password(password)
        for user, (role, display) in users.items():
            store.add_user(user, role, "setup", password_hash=pw, display_name=display)
        paths = []
        for tid, text in texts.items():
            p = workdir / f"{tid}.txt"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        csv_path = workdir / "participants.csv"
        csv_path.write_text(participants, encoding="utf-8")
        done = import_transcripts(
            store, paths, "setup", NotIdentifiableGate(), participants_csv=csv_path
        )
        yield store, done
    finally:
        store.close()
