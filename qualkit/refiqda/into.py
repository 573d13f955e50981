"""Put what :mod:`qualkit.refiqda.read` found into a project, all or nothing.

:func:`import_qdpx_files` imports one or more ``.qdpx`` files (teams that code in separate
NVivo or MAXQDA copies export one file per coder):

1. Every file passes the :class:`qualkit.project.ImportGate` (a de-identification
   manifest, or declared not identifiable), then is read and checked in full.
2. :func:`merge_contents` joins them: a source whose normalised text has the same hash as
   one already in the project, or in an earlier file, becomes that transcript; a new
   transcript whose id is taken gets ``-2``, ``-3``. Each file's coders keep their own
   layers; a coding repeated exactly in two files is kept once. Codes are matched by id
   (GUID or name path).
3. A coder whose codings on a transcript are already in the project is a
   :class:`ConflictError` (the file was imported before).
4. One :meth:`Store.transaction` writes accounts (coders without a password; a qualkit
   export's roles kept), new codes, the project's name and description (into a project
   with no transcripts yet), transcripts, codings, memos and the ``qdpx.import`` event.
   An error or a kill part-way leaves the project exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualkit import limits
from qualkit.errors import ConflictError, InputError
from qualkit.events import EventKind
from qualkit.model import Code, Codebook, Coding, Memo, Role, Transcript
from qualkit.storage import Store

from .read import PendingMemo, QdpxContent, read_qdpx, unique_id

if TYPE_CHECKING:
    from qualkit.project import ImportGate


@dataclass
class QdpxImportResult:
    transcripts: list[str]
    codings: int
    memos: int
    users_added: list[str]
    codes_added: int
    position_modes: dict[str, str]
    notes: list[str]
    merged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Imported {len(self.transcripts)} transcript(s), {self.codings} coding(s), "
            f"{self.memos} memo(s), {self.codes_added} new code(s)"
            + (f", {len(self.users_added)} new user(s)" if self.users_added else "")
            + (
                f"; coded {len(self.merged)} transcript(s) already in the project"
                if self.merged
                else ""
            )
            + "."
        )


@dataclass
class Merged:
    """Several files' contents as one: new transcripts, and codings on existing ones."""

    content: QdpxContent
    merged_into: dict[str, str] = field(default_factory=dict)
    """Transcript ids of this import that are transcripts already in the project."""


def _is_qualkit(content: QdpxContent) -> bool:
    return content.origin.casefold().startswith("qualkit")


def merge_contents(
    contents: Sequence[QdpxContent],
    existing: dict[str, str] | None = None,
    taken: set[str] | None = None,
) -> Merged:
    """Join ``contents`` (see the module docstring). ``existing`` maps text hashes of
    transcripts already in the project to their ids; ``taken`` holds ids in use."""
    by_hash = dict(existing or {})
    taken = set(taken or ()) | set(by_hash.values())
    out = QdpxContent(
        name=contents[0].name if contents else "",
        origin=", ".join(dict.fromkeys(c.origin for c in contents if c.origin)),
        users=[],
        codebook=None,
        transcripts=[],
        codings=[],
        memos=[],
        position_modes={},
        description=contents[0].description if contents else "",
    )
    merged_into: dict[str, str] = {}
    seen_codings: set[tuple[str, str, int, int, str]] = set()
    dropped = 0
    for content in contents:
        prefix = f"{Path(content.label).name}: " if len(contents) > 1 else ""
        rename = _merge_transcripts(
            content, out, by_hash, taken, merged_into, prefix, existing or {}
        )
        index_of: dict[int, int] = {}
        for i, c in enumerate(content.codings):
            c.transcript = rename.get(c.transcript, c.transcript)
            key = (c.coder, c.transcript, c.start, c.end, c.code)
            if key in seen_codings:
                dropped += 1
                continue
            seen_codings.add(key)
            index_of[i] = len(out.codings)
            out.codings.append(c)
        for m in content.memos:
            tid = rename.get(m.transcript, m.transcript) if m.transcript else None
            coding = index_of.get(m.coding) if m.coding is not None else None
            out.memos.append(PendingMemo(m.author, m.text, tid, coding))
        out.codebook = _merge_codebooks(out.codebook, content.codebook)
        out.users = sorted(set(out.users) | set(content.users))
        for k, v in content.roles.items():
            out.roles.setdefault(k, v)
        for k, v in content.attribution_labels.items():
            out.attribution_labels.setdefault(k, v)
        out.notes.extend(prefix + n for n in content.notes)
        for tid, mode in content.position_modes.items():
            new = rename.get(tid, tid)
            out.position_modes.setdefault(new, mode)
            if not _is_qualkit(content):
                why = content.position_reasons.get(tid, "")
                out.notes.append(f"{prefix}transcript {new}: positions read as {mode} ({why})")
    if dropped:
        out.notes.append(f"{dropped} coding(s) found in more than one file were kept once")
    return Merged(out, merged_into)


def _merge_transcripts(
    content: QdpxContent,
    out: QdpxContent,
    by_hash: dict[str, str],
    taken: set[str],
    merged_into: dict[str, str],
    prefix: str,
    existing: dict[str, str],
) -> dict[str, str]:
    """Add ``content``'s new transcripts to ``out``; returns old id → id in ``out``."""
    rename: dict[str, str] = {}
    for t, p in content.transcripts:
        same = by_hash.get(t.text_hash)
        if same is not None:
            rename[t.tid] = same
            if t.text_hash in existing:
                merged_into[same] = same
            continue
        tid = unique_id(t.tid, taken)
        if tid != t.tid:
            out.notes.append(f"{prefix}transcript id {t.tid!r} is taken; imported as {tid!r}")
        rename[t.tid] = tid
        t.tid = tid
        taken.add(tid)
        by_hash[t.text_hash] = tid
        out.transcripts.append((t, p))
    return rename


def _merge_codebooks(a: Codebook | None, b: Codebook | None) -> Codebook | None:
    if a is None or b is None:
        return a or b
    ids = {c.cid for c in a.codes}
    return Codebook(
        name=a.name,
        codes=[*a.codes, *[c for c in b.codes if c.cid not in ids]],
        description=a.description,
        version=a.version,
    )


def import_qdpx_into(
    store: Store, path: str | Path, actor: str, gate: ImportGate
) -> QdpxImportResult:
    """Import one ``.qdpx`` file into the project in ``store`` (see the module docstring)."""
    return import_qdpx_files(store, [Path(path)], actor, gate)


def read_qdpx_files(paths: Sequence[Path], known_code_ids: Sequence[str] = ()) -> list[QdpxContent]:
    """Read every file; codes of earlier files help recognise codes in later ones."""
    contents: list[QdpxContent] = []
    known = list(known_code_ids)
    for path in paths:
        content = read_qdpx(path, known_code_ids=known)
        if content.codebook is not None:
            known += [c.cid for c in content.codebook.codes if c.cid not in set(known)]
        contents.append(content)
    return contents


def import_qdpx_files(
    store: Store, paths: Sequence[str | Path], actor: str, gate: ImportGate
) -> QdpxImportResult:
    """Import ``.qdpx`` files into the project in ``store`` in one transaction.

    ``gate`` is a :class:`qualkit.project.ImportGate`; it is checked for every file before
    any is read and recorded in the event log. Codes already in the project keep their
    definitions; new ones are added.
    """
    files = [Path(p) for p in paths]
    for f in files:
        gate.check(f)
    project = store.project()
    current = store.codebook(include_inactive=True)
    contents = read_qdpx_files(files, [c.cid for c in current.codes])
    existing = store.transcripts()
    merged = merge_contents(
        contents, {t.text_hash: t.tid for t in existing}, {t.tid for t in existing}
    )
    content = merged.content
    label = files[0] if len(files) == 1 else Path(", ".join(f.name for f in files))
    _check_codes(store, content, label)
    _check_layers(store, content, merged.merged_into, label)
    with store.transaction(actor):
        return _store(
            store,
            content,
            merged,
            actor,
            gate,
            files,
            fresh=not existing,
            project_name=project.name,
        )


def _check_codes(store: Store, content: QdpxContent, label: Path) -> None:
    active_ids = {c.cid for c in store.codebook().codes}
    imported = {c.cid for c in content.codebook.codes} if content.codebook else set()
    missing = {c.code for c in content.codings} - active_ids - imported
    if missing:
        raise InputError(label, f"codings refer to {len(missing)} code(s) the file does not define")


def _check_layers(
    store: Store, content: QdpxContent, merged_into: dict[str, str], label: Path
) -> None:
    """A coder's layer on a transcript already in the project comes in once."""
    if not merged_into:
        return
    present = {(c.coder, c.transcript) for c in store.codings() if c.transcript in merged_into}
    for c in content.codings:
        if (c.coder, c.transcript) in present:
            raise ConflictError(
                f"{label.name}: the codings of {c.coder!r} on transcript {c.transcript!r} "
                "are already in the project"
            )


def _store(
    store: Store,
    content: QdpxContent,
    merged: Merged,
    actor: str,
    gate: ImportGate,
    files: list[Path],
    *,
    fresh: bool,
    project_name: str,
) -> QdpxImportResult:
    added_users = _store_users(store, content, actor)
    codes_added = _store_codebook(store, content, actor)
    _store_project(store, content, actor, fresh=fresh, current_name=project_name)
    names = ", ".join(f.name for f in files)
    tids: list[str] = []
    if content.transcripts:
        tids = store.add_transcripts(
            content.transcripts,
            actor,
            event_payload={**gate.describe(), "source": names, "format": "qdpx"},
        )
    ids = store.add_codings(content.codings, actor) if content.codings else []
    n_memos = _store_memos(store, content.memos, ids)
    store.log(
        actor,
        EventKind.QDPX_IMPORT,
        file=names,
        origin=content.origin,
        transcripts=tids,
        merged=sorted(merged.merged_into),
        codings=len(ids),
        memos=n_memos,
        position_modes=content.position_modes,
        **gate.describe(),
    )
    return QdpxImportResult(
        transcripts=tids,
        codings=len(ids),
        memos=n_memos,
        users_added=added_users,
        codes_added=codes_added,
        position_modes=content.position_modes,
        notes=content.notes,
        merged=sorted(merged.merged_into),
    )


def _store_users(store: Store, content: QdpxContent, actor: str) -> list[str]:
    existing = {u.name for u in store.users()}
    added = [u for u in content.users if u not in existing]
    for name in added:
        try:
            role = Role(content.roles.get(name, Role.CODER.value))
        except ValueError:
            role = Role.CODER
        store.add_user(name, role, actor)
    return added


def _store_codebook(store: Store, content: QdpxContent, actor: str) -> int:
    if content.codebook is None or not content.codebook.codes:
        return 0
    active = store.codebook()
    active_ids = {c.cid for c in active.codes}
    new_codes: list[Code] = [c for c in content.codebook.codes if c.cid not in active_ids]
    if new_codes:
        fresh = not active.codes
        store.set_codebook(
            Codebook(
                name=content.codebook.name if fresh else active.name,
                codes=[*active.codes, *new_codes],
                description=content.codebook.description if fresh else active.description,
                version=active.version,
            ),
            actor,
        )
    return len(new_codes)


def _store_project(
    store: Store, content: QdpxContent, actor: str, *, fresh: bool, current_name: str
) -> None:
    if content.attribution_labels and not store.settings().get("attribution_labels"):
        store.update_settings(actor, attribution_labels=content.attribution_labels)
    if not fresh:
        return
    project = store.project()
    name = (
        content.name if content.name and len(content.name) <= limits.PROJECT_NAME else current_name
    )
    description = project.description or content.description
    if (name, description) != (project.name, project.description):
        store.update_project(actor, name=name, description=description)


def _store_memos(store: Store, memos: list[PendingMemo], ids: list[int]) -> int:
    n = 0
    for m in memos:
        coding_id = ids[m.coding] if m.coding is not None else None
        store.add_memo(Memo(m.author, m.text, transcript=m.transcript, coding_id=coding_id))
        n += 1
    return n


def contents_for_agreement(paths: Sequence[Path]) -> tuple[list[Coding], list[Transcript]]:
    """Codings and transcripts of one or more ``.qdpx`` files, merged as an import would."""
    merged = merge_contents(read_qdpx_files(paths)).content
    return merged.codings, [t for t, _ in merged.transcripts]


__all__ = [
    "Merged",
    "QdpxImportResult",
    "contents_for_agreement",
    "import_qdpx_files",
    "import_qdpx_into",
    "merge_contents",
    "read_qdpx_files",
]
