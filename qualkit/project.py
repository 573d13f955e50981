"""Project-level operations that the CLI and the app share.

Import runs through one function, :func:`import_transcripts`, behind a gate: only
transcripts released by de-identification (listed, with a matching hash, in a
de-identification manifest) may enter a project, unless a researcher states explicitly
that the files are not identifiable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qualkit import limits
from qualkit.errors import InputError, NotFoundError, QualkitError
from qualkit.model import Codebook, Participant, Role, Transcript
from qualkit.storage import Store


class ImportGate(Protocol):
    """Decides whether a file may enter the project database."""

    def check(self, path: Path) -> None:
        """Raise :class:`InputError` if ``path`` must not be imported."""

    def describe(self) -> dict[str, object]:
        """What the event log records about this gate."""


@dataclass
class ManifestGate:
    """Allows only files listed in a de-identification manifest with a matching hash."""

    manifest_path: Path

    def __post_init__(self) -> None:
        from qualkit.deid.manifest import load_manifest

        self._manifest = load_manifest(self.manifest_path)

    def check(self, path: Path) -> None:
        from qualkit.deid.manifest import manifest_allows

        if not manifest_allows(self._manifest, path):
            raise InputError(
                path,
                "not released by de-identification: it is not listed in the manifest "
                f"{self.manifest_path.name}, or it changed after release",
            )

    def describe(self) -> dict[str, object]:
        return {"gate": "manifest", "manifest": self.manifest_path.name}


@dataclass
class NotIdentifiableGate:
    """A researcher's explicit statement that the files hold no identifying data."""

    def check(self, path: Path) -> None:
        return None

    def describe(self) -> dict[str, object]:
        return {"gate": "not-identifiable"}


def init_project(
    target: str | Path,
    name: str,
    actor: str,
    *,
    description: str = "",
    codebook: Codebook | None = None,
    replace_codebook: bool = False,
) -> Store:
    """Create (or open) a project database and give it a name and, optionally, a codebook.

    A project that already exists keeps its name and description. Giving it a
    ``codebook`` raises :class:`QualkitError` unless ``replace_codebook`` is true: codes
    missing from the new codebook would be deactivated under the codings that use them.
    """
    store = Store.open(target, create=True)
    try:
        if codebook is not None and not replace_codebook and _has_project(store):
            raise QualkitError(
                f"{target}: a project already exists here, so its codebook would be replaced; "
                "use `qualkit codebook import` to change it, or pass --replace-codebook"
            )
        with store.transaction(actor):
            store.init_project(name, description, actor)
            if codebook is not None:
                store.set_codebook(codebook, actor)
    except BaseException:
        store.close()
        raise
    return store


def _has_project(store: Store) -> bool:
    try:
        store.project()
    except NotFoundError:
        return False
    return True


def load_codebook_file(path: str | Path, known_ids: Iterable[str] = ()) -> Codebook:
    """Read a qualkit YAML codebook or a REFI-QDA ``.qdc`` file.

    ``known_ids`` are code ids already in the project: a ``.qdc`` code whose GUID matches
    one of them keeps that id even if another tool dropped qualkit's id line.
    """
    from qualkit.codebook import load_codebook
    from qualkit.refiqda.qdc import import_qdc

    p = Path(path)
    if p.suffix.lower() == ".qdc":
        return import_qdc(p, known_ids=known_ids)
    return load_codebook(p)


def import_transcripts(
    store: Store,
    paths: Sequence[str | Path],
    actor: str,
    gate: ImportGate,
    *,
    participants_csv: str | Path | None = None,
    interviewer: str | None = None,
    replace: bool = False,
    progress: Callable[[Path], None] | None = None,
) -> list[str]:
    """Read, check and store transcripts in one transaction.

    Every file is read and parsed before anything is written; the first bad file raises
    :class:`InputError` naming it, and the database is left unchanged.
    """
    from qualkit.importers import load_transcript, read_participants_csv

    files = [Path(p) for p in paths]
    if not files:
        raise QualkitError("no transcript files given")
    participants: dict[str, Participant] = {}
    if participants_csv is not None:
        participants = read_participants_csv(Path(participants_csv))
        _check_participants(Path(participants_csv), participants)
    items: list[tuple[Transcript, Participant | None]] = []
    seen: dict[str, Path] = {}
    for f in files:
        gate.check(f)
        transcript, _parsed = load_transcript(f, interviewer=interviewer)
        if problem := limits.transcript_problem(transcript):
            raise InputError(f, problem)
        if transcript.tid in seen:
            raise InputError(f, f"same transcript id {transcript.tid!r} as {seen[transcript.tid]}")
        seen[transcript.tid] = f
        p = participants.get(transcript.tid)
        if p is not None:
            transcript.participant = p.pid
        items.append((transcript, p))
        if progress is not None:
            progress(f)
    return store.add_transcripts(items, actor, replace=replace, event_payload=gate.describe())


def _check_participants(path: Path, participants: dict[str, Participant]) -> None:
    """Raise :class:`InputError` naming the file and line of a value too long to store."""
    for p in participants.values():
        if problem := limits.participant_problem(p):
            long_value = p.pid if len(p.pid) > limits.PARTICIPANT_ID else p.role
            raise InputError(path, problem, _line_of(path, long_value))


def _line_of(path: Path, value: str) -> int | None:
    """The line of ``path`` where ``value`` first appears (None when it cannot be found)."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    at = text.find(value)
    return None if at < 0 else text.count("\n", 0, at) + 1


def require_role(store: Store, user: str, needed: Role, action: str) -> None:
    """Raise PermissionDenied unless ``user`` has at least the ``needed`` role."""
    from qualkit.auth import require

    require(store.get_user(user).role, needed, action)
