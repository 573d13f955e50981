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

from qualkit.errors import InputError, QualkitError
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
) -> Store:
    """Create (or open) a project database and give it a name and, optionally, a codebook."""
    store = Store.open(target, create=True)
    store.init_project(name, description, actor)
    if codebook is not None:
        store.set_codebook(codebook, actor)
    return store


def load_codebook_file(path: str | Path, known_ids: Iterable[str] = ()) -> Codebook:
    """Read a qualkit YAML codebook or a REFI-QDA ``.qdc`` file.

    ``known_ids`` are code ids already in the project: a ``.qdc`` code whose GUID matches
    one of them keeps that id even if another tool dropped qualkit's id line.
    """
    from qualkit.codebook import import_qdc, load_codebook

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
    items: list[tuple[Transcript, Participant | None]] = []
    seen: dict[str, Path] = {}
    for f in files:
        gate.check(f)
        transcript, _parsed = load_transcript(f, interviewer=interviewer)
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


def require_role(store: Store, user: str, needed: Role, action: str) -> None:
    """Raise PermissionDenied unless ``user`` has at least the ``needed`` role."""
    from qualkit.auth import require

    require(store.get_user(user).role, needed, action)
