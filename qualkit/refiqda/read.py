"""Read a ``.qdpx`` project (from qualkit, NVivo, ATLAS.ti, MAXQDA, QualCoder) without a database.

:func:`read_qdpx` opens the ZIP and reads ``project.qde`` one section at a time:

- **Users**: ``name`` (else ``id``) by GUID; a GUID no ``<User>`` names becomes
  ``user-<first 8 hex digits>``. Roles come from a qualkit export's instruction.
- **CodeBook**: read by :func:`qualkit.refiqda.qdc.import_qdc`; codes keep their GUIDs.
- **Notes**: text from ``<PlainTextContent>`` or ``plainTextPath`` (journals); a note may
  hold selections (annotations): its text is the memo.
- **Cases** that refer to a source become its participant: the case name is the
  participant id, a variable called ``role`` (any case) the role, others attributes.
- **Sources**: each ``<TextSource>``'s text (``plainTextPath`` or ``<PlainTextContent>``,
  folders matched without regard to case), positions read as
  :mod:`qualkit.refiqda.positions` decides and mapped onto the normalised text. Each
  ``<Coding>`` of a ``<PlainTextSelection>`` is one coding, credited to the selection's
  ``creatingUser`` (NVivo gives every coding of a code its creator on ``<Coding>``), else
  the coding's, else ``imported``. A selection's ``<Description>`` is the coding's memo
  (a coding comment in QualCoder, ATLAS.ti, MAXQDA); a ``NoteRef`` on a selection or a
  coding is a memo on that coding; on a source, a memo on the transcript. A source's
  ``<Description>`` (QualCoder's document memo) is a memo on the transcript, except in
  qualkit's own exports, which repeat their transcript memos there.
- **Sets** are reported by name (qualkit has no sets).
- The project's ``name`` and ``<Description>``; ``NoteRef`` s on the project become
  project memos, as do notes nothing refers to.

Everything is checked before anything is returned; a bad file raises :class:`InputError`
naming the file and line, never quoting its text.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from lxml import etree

from qualkit import limits
from qualkit.errors import CodebookError, InputError, QualkitError
from qualkit.model import Codebook, Coding, Participant, Provenance, SpeakerKind, Transcript, Turn
from qualkit.text import normalise, text_hash

from .common import (
    PROJECT_PI,
    child,
    children,
    local,
    parse_time,
    parse_xml,
    plain_guid,
    read_pi,
)
from .positions import NormMap, PositionMap, Reading, WrittenSelection, choose_reading

CODING_MEMO_MARK = "qualkit: coding memo"
"""Marks a note holding a coding's memo field (written by qualkit before version 0.4)."""
CONSENSUS = "consensus"
DEFAULT_CODER = "imported"
MAX_MEMBER_BYTES = 256 * 1024 * 1024

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_DOC_SUFFIX = re.compile(r"\.(txt|docx?|rtf|pdf|md|vtt|srt|odt|html?)\Z", re.IGNORECASE)


@dataclass
class PendingMemo:
    """A memo read from a file; ``coding`` indexes :attr:`QdpxContent.codings`."""

    author: str
    text: str
    transcript: str | None = None
    coding: int | None = None


@dataclass
class QdpxContent:
    """Everything :func:`read_qdpx` found, ready to store."""

    name: str
    origin: str
    users: list[str]
    codebook: Codebook | None
    transcripts: list[tuple[Transcript, Participant | None]]
    codings: list[Coding]
    memos: list[PendingMemo]
    position_modes: dict[str, str]
    attribution_labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    description: str = ""
    roles: dict[str, str] = field(default_factory=dict)
    position_reasons: dict[str, str] = field(default_factory=dict)
    label: str = ""


class _Zip:
    """Case-insensitive access to the members of a ``.qdpx``."""

    def __init__(self, z: zipfile.ZipFile, label: str) -> None:
        self.z = z
        self.label = label
        self.by_path: dict[str, zipfile.ZipInfo] = {}
        self.by_base: dict[str, list[zipfile.ZipInfo]] = defaultdict(list)
        for info in z.infolist():
            if info.is_dir():
                continue
            key = info.filename.replace("\\", "/").lstrip("/").casefold()
            self.by_path[key] = info
            self.by_base[PurePosixPath(key).name].append(info)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(self.label, f"{info.filename} is too large to import")
        try:
            with self.z.open(info) as f:
                data = f.read(MAX_MEMBER_BYTES + 1)
        except (OSError, zlib.error, NotImplementedError, zipfile.BadZipFile, EOFError):
            # A corrupt member offset, corrupt compressed data, an unknown compression method.
            raise InputError(self.label, f"{info.filename} is damaged and cannot be read") from None
        if len(data) > MAX_MEMBER_BYTES:
            raise InputError(self.label, f"{info.filename} is too large to import")
        return data

    def project(self) -> bytes:
        candidates = sorted(
            (i for i in self.by_base.get("project.qde", [])), key=lambda i: i.filename.count("/")
        )
        if not candidates:
            qde = [i for k, i in self.by_path.items() if k.endswith(".qde")]
            if len(qde) != 1:
                raise InputError(self.label, "no project.qde in the archive")
            candidates = qde
        return self.read(candidates[0])

    def source(self, path: str) -> zipfile.ZipInfo | None:
        name = unquote(path).replace("\\", "/").lstrip("/").casefold()
        for key in (f"sources/{name}", name):
            if key in self.by_path:
                return self.by_path[key]
        found = self.by_base.get(PurePosixPath(name).name, [])
        return found[0] if len(found) == 1 else None


def read_qdpx(
    path: str | Path,
    *,
    existing_transcripts: Iterable[str] = (),
    known_code_ids: Iterable[str] = (),
) -> QdpxContent:
    """Read and check a ``.qdpx`` file without touching a database (see the module docstring).

    ``existing_transcripts`` are ids a new transcript must not take; ``known_code_ids``
    help recognise codes by GUID.
    """
    path = Path(path)
    label = str(path)
    try:
        z = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(label, "no such file") from None
    except (zipfile.BadZipFile, OSError):
        raise InputError(label, "not a .qdpx file (not a ZIP archive)") from None
    with z:
        members = _Zip(z, label)
        try:
            data = members.project()
            reader = _Reader(data, members, label, set(existing_transcripts))
            return reader.read(list(known_code_ids))
        except (zipfile.BadZipFile, EOFError, RuntimeError, ValueError) as e:
            if isinstance(e, QualkitError):
                raise
            raise InputError(label, f"damaged archive ({type(e).__name__})") from None


@dataclass
class _Note:
    text: str
    author: str | None
    coding_memo: bool


@dataclass
class _Selection:
    guid: str
    span: WrittenSelection
    creator: str | None
    element: etree._Element


class _Reader:
    """The state shared by the section readers of one ``project.qde``."""

    def __init__(self, data: bytes, members: _Zip, label: str, taken: set[str]) -> None:
        self.data = data
        self.members = members
        self.label = label
        self.root = parse_xml(data, label)
        if local(self.root) != "Project":
            raise InputError(
                label, f"project.qde has root <{local(self.root)}>, expected <Project>"
            )
        self.origin = self.root.get("origin") or ""
        self.meta = read_pi(self.root, PROJECT_PI)
        self.from_qualkit = isinstance(self.meta.get("format"), int)
        self.notes: list[str] = []
        self.users: dict[str, str] = {}
        self.code_of: dict[str, str] = {}
        self.note_text: dict[str, _Note] = {}
        self.used_notes: set[str] = set()
        self.participant_of: dict[str, Participant] = {}
        self.transcripts: list[tuple[Transcript, Participant | None]] = []
        self.codings: list[Coding] = []
        self.memos: list[PendingMemo] = []
        self.modes: dict[str, str] = {}
        self.reasons: dict[str, str] = {}
        self.taken = set(taken)
        self.tids: set[str] = set()
        self.credited: Counter[tuple[str, str]] = Counter()
        """(selection creator, ``<Coding>`` creator) where they differ; the first is credited."""

    def _dict(self, key: str) -> dict[str, Any]:
        value = self.meta.get(key)
        return value if isinstance(value, dict) else {}

    def read(self, known_ids: list[str]) -> QdpxContent:
        self.read_users()
        codebook = self.read_codebook(known_ids)
        self.read_notes()
        self.read_cases()
        self.read_sources()
        self.read_project_memos()
        self.read_sets()
        return self.content(codebook)

    # -- users ---------------------------------------------------------------------

    def read_users(self) -> None:
        for u in children(child(self.root, "Users"), "User"):
            g = plain_guid(u.get("guid"))
            if g is None:
                continue
            name = " ".join((u.get("name") or u.get("id") or "").split()) or f"user-{g[:8]}"
            if problem := limits.too_long(name, limits.USER_NAME, "a user name"):
                raise InputError(self.label, problem, u.sourceline)
            self.users[g] = name

    def user_name(self, guid: str | None) -> str | None:
        g = plain_guid(guid)
        if g is None:
            return None
        if g not in self.users:
            self.users[g] = f"user-{g[:8]}"
        return self.users[g]

    # -- codebook ------------------------------------------------------------------

    def read_codebook(self, known_ids: list[str]) -> Codebook | None:
        from .qdc import import_qdc

        book = child(self.root, "CodeBook")
        if book is None or child(book, "Codes") is None:
            return None
        try:
            codebook = import_qdc(self.data, known_ids=known_ids, notes=self.notes)
        except CodebookError as e:
            raise InputError(self.label, f"codebook: {e.problem}", e.line) from None
        guids = [plain_guid(el.get("guid")) for el in _code_elements(child(book, "Codes"))]
        if len(guids) != len(codebook.codes):
            raise InputError(self.label, "could not match the codebook's codes to their GUIDs")
        for g, code in zip(guids, codebook.codes, strict=True):
            if g is not None:
                self.code_of.setdefault(g, code.cid)
        return codebook

    # -- notes ---------------------------------------------------------------------

    def read_notes(self) -> None:
        annotations = 0
        for n in children(child(self.root, "Notes"), "Note"):
            g = plain_guid(n.get("guid"))
            if g is None:
                continue
            text = _note_text(n, self.members, self.label)
            if problem := limits.too_long(text, limits.MEMO, "a note"):
                raise InputError(self.label, problem, n.sourceline)
            desc = child(n, "Description")
            marked = desc is not None and (desc.text or "").strip() == CODING_MEMO_MARK
            self.note_text[g] = _Note(text, self.user_name(n.get("creatingUser")), marked)
            annotations += bool(children(n, "PlainTextSelection"))
        if annotations:
            self.notes.append(
                f"{annotations} note(s) hold selections of their own text; each became one memo"
            )

    def take_note(self, ref: etree._Element) -> _Note | None:
        ng = plain_guid(ref.get("targetGUID"))
        if ng is None or ng not in self.note_text:
            return None
        self.used_notes.add(ng)
        return self.note_text[ng]

    # -- cases ---------------------------------------------------------------------

    def read_cases(self) -> None:
        variables: dict[str, str] = {}
        for v in children(child(self.root, "Variables"), "Variable"):
            g = plain_guid(v.get("guid"))
            if g is not None and (v.get("name") or "").strip():
                variables[g] = (v.get("name") or "").strip()
        for case in children(child(self.root, "Cases"), "Case"):
            p = self._participant(case, variables)
            if p is None:
                continue
            for sref in children(case, "SourceRef"):
                g = plain_guid(sref.get("targetGUID"))
                if g is None:
                    continue
                if g in self.participant_of and self.participant_of[g].pid != p.pid:
                    self.notes.append(f"source {g} belongs to more than one case; kept the first")
                    continue
                self.participant_of[g] = p

    def _participant(self, case: etree._Element, variables: dict[str, str]) -> Participant | None:
        pid = " ".join((case.get("name") or "").split())
        if not pid:
            return None
        role: str | None = None
        attrs: dict[str, str] = {}
        for vv in children(case, "VariableValue"):
            ref = child(vv, "VariableRef")
            vname = (
                variables.get(plain_guid(ref.get("targetGUID")) or "") if ref is not None else None
            )
            value_el = next((c for c in vv if local(c) != "VariableRef"), None)
            if vname is None or value_el is None:
                continue
            value = " ".join((value_el.text or "").split())
            if vname.casefold() == "role":
                role = value or None
            elif value:
                attrs[vname] = value
        p = Participant(pid=pid, attributes=attrs)
        if role:
            p.role = role
        if problem := limits.participant_problem(p):
            raise InputError(self.label, f"case: {problem}", case.sourceline)
        return p

    # -- sources -------------------------------------------------------------------

    def read_sources(self) -> None:
        skipped: Counter[str] = Counter()
        uncoded = 0
        sources_el = child(self.root, "Sources")
        for src in list(sources_el) if sources_el is not None else []:
            kind = local(src)
            if kind != "TextSource":
                if kind:
                    skipped[kind] += 1
                continue
            uncoded += self.read_source(src)
        for kind, n in sorted(skipped.items()):
            self.notes.append(f"skipped {n} {kind} source(s): only text sources are imported")
        if uncoded:
            self.notes.append(f"skipped {uncoded} selection(s) with no code")
        for (coder, other), n in sorted(self.credited.items()):
            self.notes.append(
                f"{n} coding(s) credited to {coder}, who made the selection, not to {other}, "
                "whom <Coding> names (NVivo names the code's creator there)"
            )

    def _declared(self) -> Reading | None:
        positions = self.meta.get("positions")
        if self.from_qualkit:
            return Reading.parse(positions if isinstance(positions, str) else "codepoints")
        return None

    def read_source(self, src: etree._Element) -> int:
        """Read one text source; returns how many of its selections have no code."""
        sg = plain_guid(src.get("guid"))
        if sg is None:
            raise InputError(self.label, "a text source has no valid GUID", src.sourceline)
        raw, from_content = _source_text(src, self.members, self.label, sg)
        selections = _selections(src, sg, self.label)
        reading, why = choose_reading(
            raw, [s.span for s in selections], self.origin, from_content, self._declared()
        )
        to_raw = PositionMap(raw, reading)
        text = normalise(raw)
        norm = NormMap(raw, text)
        info = self._dict("sources").get(sg)
        transcript = _transcript(src, sg, text, info if isinstance(info, dict) else None, self)
        if problem := limits.transcript_problem(transcript):
            raise InputError(self.label, f"text source {sg}: {problem}", src.sourceline)
        tid = transcript.tid
        self.modes[tid] = reading.name
        self.reasons[tid] = why
        participant = self.participant_of.get(sg)
        if participant is not None:
            transcript.participant = participant.pid
        self.transcripts.append((transcript, participant))

        uncoded = 0
        for sel in selections:
            start = norm.start(to_raw.raw(sel.span.start))
            end = norm.end(to_raw.raw(sel.span.end))
            if sel.span.start == sel.span.end or (start is not None and start == end):
                # Zero length as written, or holding only characters normalisation drops.
                raise InputError(
                    self.label, f"selection {sel.guid} is empty", sel.element.sourceline
                )
            if start is None or end is None or not (0 <= start < end <= len(text)):
                raise InputError(
                    self.label,
                    f"selection {sel.guid} lies outside its source text",
                    sel.element.sourceline,
                )
            uncoded += self.read_selection(sel, transcript, start, end)
        for cel in children(src, "Coding"):
            if text:
                creator = self.user_name(src.get("creatingUser"))
                self.add_coding(cel, transcript, 0, len(text), creator, "a source")
        for nref in children(src, "NoteRef"):
            if plain_guid(nref.get("targetGUID")) in self.used_notes:
                continue  # an annotation already read as a memo on its selection's coding
            note = self.take_note(nref)
            if note is not None:
                self.memos.append(PendingMemo(note.author or DEFAULT_CODER, note.text, tid))
        described = _description(src)
        if described and not self.from_qualkit:
            # The source's description: QualCoder's document memo (qualkit's own exports
            # repeat their transcript memos there, and carry them as notes as well).
            author = self.user_name(src.get("creatingUser")) or DEFAULT_CODER
            self.memos.append(PendingMemo(author, described, tid))
        return uncoded

    def read_selection(self, sel: _Selection, transcript: Transcript, start: int, end: int) -> int:
        coding_els = children(sel.element, "Coding")
        first = len(self.codings)
        creator = self.user_name(sel.creator)
        comment = _description(sel.element)
        for cel in coding_els:
            self.add_coding(cel, transcript, start, end, creator, f"selection {sel.guid}")
        if comment and len(self.codings) > first:
            for coding in self.codings[first:]:
                coding.memo = f"{coding.memo}\n{comment}" if coding.memo else comment
        elif comment:
            # A comment on a selection with no code: a memo on the transcript.
            self.memos.append(PendingMemo(creator or DEFAULT_CODER, comment, transcript.tid))
        for nref in children(sel.element, "NoteRef"):
            note = self.take_note(nref)
            if note is not None:
                target = first if len(self.codings) > first else None
                author = note.author or creator or DEFAULT_CODER
                self.memos.append(PendingMemo(author, note.text, transcript.tid, target))
        return 0 if coding_els else 1

    def add_coding(
        self,
        coding_el: etree._Element,
        transcript: Transcript,
        start: int,
        end: int,
        selection_creator: str | None,
        where: str,
    ) -> None:
        ref = child(coding_el, "CodeRef")
        cg = plain_guid(ref.get("targetGUID")) if ref is not None else None
        if cg is None or cg not in self.code_of:
            raise InputError(
                self.label,
                f"a coding in {where} refers to a code that is not in the codebook",
                coding_el.sourceline,
            )
        # The selection's creator applied the coding; <Coding creatingUser> can be the
        # code's creator (NVivo writes that on every coding of a code).
        if selection_creator:
            coder = selection_creator
            g = plain_guid(coding_el.get("creatingUser"))
            other = self.users.get(g) if g else None
            if other is not None and other != coder:
                self.credited[(coder, other)] += 1
        else:
            coder = self.user_name(coding_el.get("creatingUser")) or DEFAULT_CODER
        coding = Coding(
            coder=coder,
            transcript=transcript.tid,
            start=start,
            end=end,
            code=self.code_of[cg],
            quote=transcript.text[start:end],
            provenance=self._provenance(coding_el, coder),
            created=parse_time(coding_el.get("creationDateTime")),
        )
        index = len(self.codings)
        self.codings.append(coding)
        for nref in children(coding_el, "NoteRef"):
            note = self.take_note(nref)
            if note is None:
                continue
            if note.coding_memo:
                coding.memo = f"{coding.memo}\n{note.text}" if coding.memo else note.text
            else:
                self.memos.append(
                    PendingMemo(note.author or coder, note.text, transcript.tid, index)
                )

    def _provenance(self, coding_el: etree._Element, coder: str) -> Provenance:
        value = self._dict("provenance").get(plain_guid(coding_el.get("guid")) or "")
        try:
            found = Provenance(value) if value else None
        except ValueError:
            found = None
        if found is not None:
            return found
        if self.from_qualkit:
            return Provenance.MANUAL
        return Provenance.CONSENSUS if coder == CONSENSUS else Provenance.IMPORTED

    # -- project memos, sets -------------------------------------------------------

    def read_project_memos(self) -> None:
        for nref in children(self.root, "NoteRef"):
            ng = plain_guid(nref.get("targetGUID"))
            if ng in self.note_text and ng not in self.used_notes:
                note = self.take_note(nref)
                if note is not None:
                    self.memos.append(PendingMemo(note.author or DEFAULT_CODER, note.text))
        unreferenced = [g for g in self.note_text if g not in self.used_notes]
        for g in unreferenced:
            note = self.note_text[g]
            self.memos.append(PendingMemo(note.author or DEFAULT_CODER, note.text))
        if unreferenced:
            self.notes.append(
                f"{len(unreferenced)} note(s) on codes or other items became project memos"
            )
        self.memos = [m for m in self.memos if m.text.strip()]
        for coding in self.codings:
            if problem := limits.too_long(coding.memo, limits.MEMO, "the notes on a coding"):
                raise InputError(self.label, problem)

    def read_sets(self) -> None:
        for s in children(child(self.root, "Sets"), "Set"):
            codes = len(children(s, "MemberCode"))
            sources = len(children(s, "MemberSource"))
            name = " ".join((s.get("name") or "").split())[:80] or "(no name)"
            self.notes.append(
                f"set '{name}' ({codes} code(s), {sources} source(s)) was not imported: "
                "qualkit has no sets"
            )

    # -- result --------------------------------------------------------------------

    def content(self, codebook: Codebook | None) -> QdpxContent:
        labels = self.meta.get("attribution_labels")
        roles = {str(k): str(v) for k, v in self._dict("roles").items()}
        user_list = sorted(
            set(self.users.values())
            | {c.coder for c in self.codings}
            | {m.author for m in self.memos}
        )
        desc = child(self.root, "Description")
        return QdpxContent(
            name=self.root.get("name") or Path(self.label).name,
            origin=self.origin,
            users=user_list,
            codebook=codebook,
            transcripts=self.transcripts,
            codings=self.codings,
            memos=self.memos,
            position_modes=self.modes,
            attribution_labels=(
                {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
            ),
            notes=self.notes,
            description=normalise("".join(desc.itertext())).strip() if desc is not None else "",
            roles=roles,
            position_reasons=self.reasons,
            label=self.label,
        )


# -- helpers -------------------------------------------------------------------------------


def _code_elements(codes: etree._Element | None) -> list[etree._Element]:
    """``<Code>`` elements in document order (the order ``import_qdc`` reads them)."""
    out: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for c in el:
            if local(c) == "Code":
                out.append(c)
                walk(c)

    if codes is not None:
        walk(codes)
    return out


def _description(el: etree._Element) -> str:
    desc = child(el, "Description")
    return normalise("".join(desc.itertext())).strip() if desc is not None else ""


def _decode(data: bytes, label: str, what: str) -> str:
    """UTF-8 text as stored: a byte-order mark is kept (positions may count it)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(label, f"{what} is not UTF-8 text") from None
    if "\x00" in text:
        raise InputError(label, f"{what} holds a NUL character, which text cannot")
    return text


def _note_text(note: etree._Element, members: _Zip, label: str) -> str:
    content = child(note, "PlainTextContent")
    if content is not None:
        return normalise("".join(content.itertext()))
    target = note.get("plainTextPath")
    if target and not target.lower().startswith(("absolute://", "file:")):
        info = members.source(_internal(target))
        if info is not None:
            return normalise(_decode(members.read(info), label, f"note {note.get('guid')}"))
    return ""


def _internal(path: str) -> str:
    for prefix in ("internal://", "relative://"):
        if path.lower().startswith(prefix):
            return path[len(prefix) :]
    return path


def _source_text(src: etree._Element, members: _Zip, label: str, guid: str) -> tuple[str, bool]:
    """The source's text as written, and whether it came from ``<PlainTextContent>``."""
    content = child(src, "PlainTextContent")
    if content is not None:
        return "".join(content.itertext()), True
    target = src.get("plainTextPath")
    if not target:
        raise InputError(
            label,
            f"text source {guid} has no plain text (no plainTextPath or content)",
            src.sourceline,
        )
    if target.lower().startswith(("absolute://", "file:")):
        raise InputError(label, f"text source {guid} points outside the archive", src.sourceline)
    info = members.source(_internal(target))
    if info is None:
        raise InputError(label, f"text source {guid}: its text file is not in the archive")
    return _decode(members.read(info), label, f"the text of source {guid}"), False


def _selections(src: etree._Element, sg: str, label: str) -> list[_Selection]:
    out = []
    for sel in children(src, "PlainTextSelection"):
        g = plain_guid(sel.get("guid")) or f"in source {sg}"
        try:
            start = int(sel.get("startPosition", ""))
            end = int(sel.get("endPosition", ""))
        except ValueError:
            raise InputError(
                label, f"selection {g} has no valid start and end position", sel.sourceline
            ) from None
        if start > end:
            start, end = end, start
        span = WrittenSelection(start, end, sel.get("name"))
        out.append(_Selection(g, span, sel.get("creatingUser"), sel))
    return out


def _transcript(
    src: etree._Element, sg: str, text: str, info: dict[str, Any] | None, reader: _Reader
) -> Transcript:
    taken = reader.taken | reader.tids
    h = text_hash(text)
    name = " ".join((src.get("name") or "").split())
    if info is not None and isinstance(info.get("id"), str) and info["id"]:
        t = _qualkit_transcript(info, name, text, h, taken)
    else:
        stem = _DOC_SUFFIX.sub("", name).strip()
        if _PLAIN_ID.match(stem):
            tid = stem
        else:
            from .qdc import slugify

            tid = slugify(stem)[:64] if stem else f"source-{sg[:8]}"
        tid = unique_id(tid, taken)
        turns, meta = _parse(text)
        t = Transcript(
            tid=tid,
            title=name or tid,
            text=text,
            source_name=name or f"{sg}.txt",
            text_hash=h,
            turns=turns,
            metadata=meta,
        )
    reader.tids.add(t.tid)
    return t


def _qualkit_transcript(
    info: dict[str, Any], name: str, text: str, h: str, taken: set[str]
) -> Transcript:
    tid = unique_id(info["id"], taken)
    exact = info.get("text_hash") == h
    turns = _pi_turns(info.get("turns")) if exact else None
    if turns is None:
        turns, meta = _parse(text)
    else:
        meta = {}
    if exact and isinstance(info.get("metadata"), dict):
        meta = {str(k): str(v) for k, v in info["metadata"].items()}
    notes = info.get("content_notes") if exact else None
    return Transcript(
        tid=tid,
        title=str(info.get("title") or name or tid),
        text=text,
        source_name=str(info.get("source_name") or name or tid),
        text_hash=h,
        turns=turns,
        metadata=meta,
        content_notes=[str(n) for n in notes] if isinstance(notes, list) else [],
    )


def unique_id(tid: str, taken: set[str]) -> str:
    """``tid``, or ``tid-2``, ``tid-3``... whichever is not in ``taken``."""
    out, n = tid, 1
    while out in taken:
        n += 1
        out = f"{tid}-{n}"
    return out


def _parse(text: str) -> tuple[list[Turn], dict[str, str]]:
    from qualkit.importers import parse_turns

    try:
        parsed = parse_turns(text)
    except ValueError:
        return [], {}
    return parsed.turns, dict(parsed.metadata)


def _pi_turns(value: Any) -> list[Turn] | None:
    if not isinstance(value, list):
        return None
    turns = []
    try:
        for row in value:
            index, speaker, kind, start, end, label_start, timestamp = row
            turns.append(
                Turn(
                    int(index),
                    str(speaker),
                    SpeakerKind(kind),
                    int(start),
                    int(end),
                    None if label_start is None else int(label_start),
                    None if timestamp is None else str(timestamp),
                )
            )
    except (TypeError, ValueError):
        return None
    return turns
