"""REFI-QDA project exchange (``.qdpx``): export a whole project, and import one.

A ``.qdpx`` file is a ZIP holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``, valid against the bundled ``schemas/Project.xsd``) and a
``sources/`` folder with one UTF-8 plain-text file per transcript, named ``<guid>.txt``.

Export (:func:`export_qdpx`)
    Only the project database is read, so only de-identified text leaves it.

    - ``<Users>``: every account, coder and memo author (``name`` and ``id`` are the
      qualkit user name).
    - ``<CodeBook>``: the active codes plus any inactive code that still has codings (and
      its parents), built by :func:`qualkit.codebook.build_codes_element`, so a code has
      the same GUID as in a ``.qdc`` export (``qualkit.codebook.code_guid``).
    - ``<Variables>`` and ``<Cases>``: one Text variable ``role`` plus one per participant
      attribute; one case per participant, named by the pseudonymous id, with its
      ``<VariableValue>``\\ s and a ``<SourceRef>`` to each of its transcripts.
    - ``<Sources>``: one ``<TextSource>`` per transcript (``name`` = transcript id,
      ``<Description>`` = title, ``plainTextPath="internal://<guid>.txt"``). Each coding
      is a ``<PlainTextSelection>`` (offsets in code points over the stored text, end
      exclusive; ``name`` = the selected text; ``creatingUser`` = the coder) holding one
      ``<Coding>`` with a ``<CodeRef>``.
    - ``<Notes>``: every memo, plus each coding's own memo field (marked with the
      description ``qualkit: coding memo``). A memo on a coding is referenced from that
      ``<Coding>``, a memo on a transcript from its ``<TextSource>``, any other memo from
      the project.
    - Two processing instructions before the root element carry what the schema has no
      place for: ``qualkit-codebook`` (codebook name, description and version, as in a
      ``.qdc``) and ``qualkit-project`` (per source: transcript id, title, metadata,
      content notes, turns and text hash; non-manual coding provenance; the project
      setting ``attribution_labels``). Other tools ignore them.

    GUIDs are ``uuid5`` of stable ids: codes from the code id; users from the user name;
    sources from the transcript id and text hash; selections and codings from the
    source, coder, code and offsets; cases from the participant id; variables from their
    name; notes from author, target and text. Exporting an unchanged project twice gives
    the same bytes.

Import (:func:`import_qdpx_into`, :func:`read_qdpx`)
    Reads files written by qualkit and by other tools. The ``.qdpx`` file must pass the
    same :class:`qualkit.project.ImportGate` as transcripts: listed in a
    de-identification manifest, or declared not identifiable by a researcher.

    - Folders are matched without regard to case (``Sources/`` or ``sources/``); GUIDs
      with or without braces, in either case; text from ``plainTextPath``
      (``internal://``) or ``<PlainTextContent>``; a byte-order mark is dropped.
    - Positions: the standard counts code points, but NVivo counts a ``\\r\\n`` line end
      as two characters and ATLAS.ti as one (and XML parsing turns a ``\\r\\n`` inside
      ``<PlainTextContent>`` into ``\\n``). For each source the readings that differ for
      its text are tried - code points; ``\\r\\n`` as one; each line end as two; UTF-16
      code units - and the one under which most selections' ``name`` matches the text
      they select wins. When no selection has a usable name, the ``origin`` attribute
      decides: ATLAS.ti → ``\\r\\n`` as one; NVivo → code points of the file, or each
      line end as two for ``<PlainTextContent>`` without ``\\r``; anything else → code
      points.
    - The text is then normalised with :func:`qualkit.text.normalise` (NFC, no BOM,
      ``\\n``), and every offset is mapped onto the normalised text.
    - The transcript id, title and turns come from the ``qualkit-project`` instruction
      when the text is unchanged; otherwise the id is the source name (a slug of it when
      it is not a plain id) and turns are parsed from the text.
    - Cases that refer to a source become its participant: the case name is the
      participant id, a variable called ``role`` (any case) the role, other variables
      attributes.
    - Coders are the ``creatingUser`` of each coding (else of its selection, else
      ``imported``); missing accounts are created as coders without a password.
      Codings keep the provenance a qualkit export records (``manual`` unless noted);
      codings from other tools get ``imported`` (``consensus`` for the consensus coder).
    - Notes become memos on what refers to them (coding, transcript, or the project);
      a note marked as a coding memo becomes that coding's memo field.

    Everything is read and checked before the first write; a bad file raises
    :class:`InputError` naming it (never quoting its text). A transcript id that is
    already in the project is a :class:`ConflictError`.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
import uuid
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote

from lxml import etree

from qualkit import limits
from qualkit.errors import ConflictError, InputError, QualkitError
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Participant,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.storage import Store
from qualkit.text import normalise, text_hash

if TYPE_CHECKING:
    from qualkit.project import ImportGate

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
QUALKIT_QDPX_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualkit:qdpx")
"""Namespace for every GUID in a project export except codes (see the module docstring)."""
PROJECT_XSD = Path(__file__).with_name("schemas") / "Project.xsd"
PROJECT_PI = "qualkit-project"
CODEBOOK_PI = "qualkit-codebook"
CODING_MEMO_MARK = "qualkit: coding memo"
CONSENSUS = "consensus"
DEFAULT_CODER = "imported"
MAX_MEMBER_BYTES = 256 * 1024 * 1024

_NS = f"{{{PROJECT_NAMESPACE}}}"
_GUID = re.compile(
    r"\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?\Z"
)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_DOC_SUFFIX = re.compile(r"\.(txt|docx?|rtf|pdf|md|vtt|srt|odt|html?)\Z", re.IGNORECASE)


def qdpx_guid(kind: str, *parts: str) -> str:
    """A stable GUID for a ``kind`` of object identified by ``parts``."""
    return str(uuid.uuid5(QUALKIT_QDPX_NAMESPACE, "\x1f".join((kind, *parts))))


def plain_guid(value: str | None) -> str | None:
    """``{ABC...}`` or ``abc...`` → lower-case GUID without braces; ``None`` if not a GUID."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


# ======================================================================= export


@dataclass
class QdpxSummary:
    """What an export wrote."""

    transcripts: int
    codings: int
    memos: int
    users: int
    codes: int
    cases: int


@dataclass
class _Note:
    guid: str
    author: str
    text: str
    created: datetime | None
    coding_memo: bool


@dataclass
class _Built:
    qde: bytes
    sources: dict[str, str]
    summary: QdpxSummary


def _q(tag: str) -> str:
    return _NS + tag


def _xsd_time(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _clean_xml(text: str) -> str:
    return _XML_BAD.sub("", text)


def _sub(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    return etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})


def _export_codes(cb_all: Codebook, active: set[str], used: set[str]) -> Codebook:
    parents = {c.cid: c.parent for c in cb_all.codes}
    keep = set(active) | (used & set(parents))
    frontier = list(keep)
    while frontier:
        parent = parents.get(frontier.pop())
        if parent is not None and parent not in keep and parent in parents:
            keep.add(parent)
            frontier.append(parent)
    return Codebook(
        name=cb_all.name,
        codes=[c for c in cb_all.codes if c.cid in keep],
        description=cb_all.description,
        version=cb_all.version,
    )


def build_qdpx(store: Store) -> tuple[bytes, dict[str, str], QdpxSummary]:
    """``project.qde`` bytes, source texts by file name, and a summary, for ``store``."""
    b = _build(store)
    return b.qde, b.sources, b.summary


def _build(store: Store) -> _Built:
    from qualkit import __version__
    from qualkit.codebook import build_codes_element

    project = store.project()
    settings = store.settings()
    cb_all = store.codebook(include_inactive=True)
    active = {c.cid for c in store.codebook().codes}
    transcripts = store.transcripts(with_text=True)
    participants = store.participants()
    codings = store.codings()
    memos = store.memos()

    used_codes = {c.code for c in codings}
    cb = _export_codes(cb_all, active, used_codes)
    user_names = sorted(
        {u.name for u in store.users()} | {c.coder for c in codings} | {m.author for m in memos}
    )
    user_guid = {name: qdpx_guid("user", name) for name in user_names}

    root = etree.Element(_q("Project"), nsmap={None: PROJECT_NAMESPACE})
    root.set("name", project.name or "qualkit project")
    root.set("origin", f"qualkit {__version__}")
    if project.created is not None:
        root.set("creationDateTime", project.created.isoformat())

    if user_names:
        users_el = _sub(root, "Users")
        for name in user_names:
            _sub(users_el, "User", guid=user_guid[name], name=name, id=name)

    if cb.codes:
        book = _sub(root, "CodeBook")
        book.append(build_codes_element(cb, PROJECT_NAMESPACE))

    # Sources, selections and codings first: notes need their GUIDs.
    source_guid = {t.tid: qdpx_guid("source", t.tid, t.text_hash) for t in transcripts}
    coding_guid: dict[int, str] = {}
    provenance: dict[str, str] = {}
    sources_el = etree.Element(_q("Sources"))
    texts: dict[str, str] = {}
    by_tid: dict[str, list[Coding]] = defaultdict(list)
    for c in codings:
        by_tid[c.transcript].append(c)
    coding_elements: dict[int, etree._Element] = {}
    notes: list[_Note] = []
    note_refs: dict[str, list[str]] = defaultdict(list)  # transcript id → note guids
    project_note_refs: list[str] = []
    memo_count = 0
    pi_sources: dict[str, Any] = {}

    for t in transcripts:
        sg = source_guid[t.tid]
        texts[f"{sg}.txt"] = t.text
        src = _sub(
            sources_el,
            "TextSource",
            guid=sg,
            name=t.tid,
            plainTextPath=f"internal://{sg}.txt",
        )
        _sub(src, "Description").text = _clean_xml(t.title)
        seen: Counter[tuple[str, str, int, int]] = Counter()
        for c in sorted(by_tid.get(t.tid, []), key=lambda c: (c.start, c.end, c.coder, c.code)):
            key = (c.coder, c.code, c.start, c.end)
            seen[key] += 1
            sel_guid = qdpx_guid(
                "selection", sg, c.coder, c.code, str(c.start), str(c.end), str(seen[key])
            )
            sel = _sub(
                src,
                "PlainTextSelection",
                guid=sel_guid,
                name=_clean_xml(t.text[c.start : c.end]),
                startPosition=str(c.start),
                endPosition=str(c.end),
                creatingUser=user_guid[c.coder],
                creationDateTime=_xsd_time(c.created),
            )
            cg = qdpx_guid("coding", sel_guid)
            coding_el = _sub(
                sel,
                "Coding",
                guid=cg,
                creatingUser=user_guid[c.coder],
                creationDateTime=_xsd_time(c.created),
            )
            _sub(coding_el, "CodeRef", targetGUID=_code_guid(c.code))
            if c.id is not None:
                coding_guid[c.id] = cg
                coding_elements[c.id] = coding_el
            if c.provenance is not Provenance.MANUAL:
                provenance[cg] = Provenance(c.provenance).value
            if c.memo.strip():
                ng = qdpx_guid("coding-memo", cg)
                notes.append(_Note(ng, c.coder, c.memo, c.changed or c.created, True))
                _sub(coding_el, "NoteRef", targetGUID=ng)
        pi_sources[sg] = {
            "id": t.tid,
            "title": t.title,
            "source_name": t.source_name,
            "metadata": t.metadata,
            "content_notes": t.content_notes,
            "text_hash": t.text_hash,
            "turns": [
                [u.index, u.speaker, u.kind.value, u.start, u.end, u.label_start, u.timestamp]
                for u in t.turns
            ],
        }

    memo_seen: Counter[tuple[str, str, str]] = Counter()
    source_el_by_tid = {el.get("name"): el for el in sources_el}
    for m in memos:
        if m.coding_id is not None and m.coding_id in coding_guid:
            target = coding_guid[m.coding_id]
        elif m.transcript is not None and m.transcript in source_guid:
            target = source_guid[m.transcript]
        else:
            target = "project"
        digest = hashlib.sha256(m.text.encode("utf-8")).hexdigest()
        memo_seen[(m.author, target, digest)] += 1
        ng = qdpx_guid("memo", m.author, target, digest, str(memo_seen[(m.author, target, digest)]))
        notes.append(_Note(ng, m.author, m.text, m.created, False))
        memo_count += 1
        if m.coding_id is not None and m.coding_id in coding_elements:
            _sub(coding_elements[m.coding_id], "NoteRef", targetGUID=ng)
        elif target != "project":
            note_refs[str(m.transcript)].append(ng)
        else:
            project_note_refs.append(ng)
    for tid, refs in note_refs.items():
        src = source_el_by_tid[tid]
        for ng in refs:
            _sub(src, "NoteRef", targetGUID=ng)

    # Variables and cases.
    case_count = 0
    if participants:
        keys: list[str] = sorted({k for p in participants for k in p.attributes})
        var_names = ["role", *[k for k in keys if k.casefold() != "role"]]
        var_guid = {v: qdpx_guid("variable", v) for v in var_names}
        variables_el = _sub(root, "Variables")
        for v in var_names:
            _sub(variables_el, "Variable", guid=var_guid[v], name=v, typeOfVariable="Text")
        cases_el = _sub(root, "Cases")
        sources_of: dict[str, list[str]] = defaultdict(list)
        for t in transcripts:
            if t.participant:
                sources_of[t.participant].append(source_guid[t.tid])
        for p in participants:
            case = _sub(cases_el, "Case", guid=qdpx_guid("case", p.pid), name=p.pid)
            values = {"role": p.role, **{k: v for k, v in p.attributes.items() if k in var_guid}}
            for v in var_names:
                if v in values:
                    vv = _sub(case, "VariableValue")
                    _sub(vv, "VariableRef", targetGUID=var_guid[v])
                    _sub(vv, "TextValue").text = _clean_xml(values[v])
            for sg in sources_of.get(p.pid, []):
                _sub(case, "SourceRef", targetGUID=sg)
            case_count += 1

    if len(sources_el):
        root.append(sources_el)

    if notes:
        notes_el = _sub(root, "Notes")
        for n in notes:
            note = _sub(
                notes_el,
                "Note",
                guid=n.guid,
                name="Coding memo" if n.coding_memo else "Memo",
                creatingUser=user_guid.get(n.author),
                creationDateTime=_xsd_time(n.created),
            )
            if n.coding_memo:
                _sub(note, "Description").text = CODING_MEMO_MARK
            _sub(note, "PlainTextContent").text = _clean_xml(n.text)

    if project.description:
        _sub(root, "Description").text = _clean_xml(project.description)
    for ng in project_note_refs:
        _sub(root, "NoteRef", targetGUID=ng)

    meta: dict[str, Any] = {"format": 1, "sources": pi_sources}
    if provenance:
        meta["provenance"] = provenance
    labels = settings.get("attribution_labels")
    if isinstance(labels, dict) and labels:
        meta["attribution_labels"] = labels
    cb_meta = {"name": cb.name, "description": cb.description, "version": cb.version}
    root.addprevious(etree.ProcessingInstruction(CODEBOOK_PI, _pi_json(cb_meta)))
    root.addprevious(etree.ProcessingInstruction(PROJECT_PI, _pi_json(meta)))
    etree.cleanup_namespaces(root)
    body = etree.tostring(etree.ElementTree(root), encoding="UTF-8", pretty_print=True)
    qde = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    summary = QdpxSummary(
        transcripts=len(transcripts),
        codings=len(codings),
        memos=memo_count,
        users=len(user_names),
        codes=len(cb.codes),
        cases=case_count,
    )
    return _Built(qde, texts, summary)


def _code_guid(cid: str) -> str:
    from qualkit.codebook import code_guid

    return code_guid(cid)


def _pi_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace(">", "\\u003e")


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def export_qdpx(store: Store, fileobj: IO[bytes]) -> QdpxSummary:
    """Write the project in ``store`` as a ``.qdpx`` ZIP to the binary file object ``fileobj``.

    ``project.qde`` is validated against the bundled schema before anything is written.
    """
    b = _build(store)
    validate_qde(b.qde)
    with zipfile.ZipFile(fileobj, "w") as z:
        _write_member(z, "project.qde", b.qde)
        for name in sorted(b.sources):
            _write_member(z, f"sources/{name}", b.sources[name].encode("utf-8"))
    return b.summary


def _write_member(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


@lru_cache(maxsize=2)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def validate_qde(data: bytes, *, label: str = "project.qde") -> None:
    """Raise :class:`InputError` unless ``data`` is valid against the REFI-QDA project schema."""
    root = _parse_xml(data, label)
    schema = _schema(str(PROJECT_XSD))
    if not schema.validate(etree.ElementTree(root)):
        error = schema.error_log.last_error
        raise InputError(label, f"not a valid REFI-QDA project: {error.message}", error.line)


# ======================================================================= import


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


@dataclass
class QdpxImportResult:
    transcripts: list[str]
    codings: int
    memos: int
    users_added: list[str]
    codes_added: int
    position_modes: dict[str, str]
    notes: list[str]

    def summary(self) -> str:
        return (
            f"Imported {len(self.transcripts)} transcript(s), {self.codings} coding(s), "
            f"{self.memos} memo(s), {self.codes_added} new code(s)"
            + (f", {len(self.users_added)} new user(s)" if self.users_added else "")
            + "."
        )


def _local(el: Any) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name]


def _child(el: etree._Element, name: str) -> etree._Element | None:
    for c in el:
        if _local(c) == name:
            return c
    return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _parse_xml(data: bytes, label: str) -> etree._Element:
    if not data.strip():
        raise InputError(label, "project.qde is empty")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise InputError(label, f"project.qde is not well-formed XML: {e.msg}", e.lineno) from None


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
        with self.z.open(info) as f:
            data = f.read(MAX_MEMBER_BYTES + 1)
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

    ``existing_transcripts`` are ids already in the target project (a clash is a
    :class:`ConflictError`); ``known_code_ids`` help recognise codes by GUID.
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
            return _read_project(
                data, members, label, set(existing_transcripts), list(known_code_ids)
            )
        except (zipfile.BadZipFile, EOFError, RuntimeError, ValueError) as e:
            if isinstance(e, QualkitError):
                raise
            raise InputError(label, f"damaged archive ({type(e).__name__})") from None


@dataclass
class _RawSelection:
    guid: str
    start: int
    end: int
    name: str | None
    creator: str | None
    element: etree._Element


def _read_project(
    data: bytes, members: _Zip, label: str, existing: set[str], known_ids: list[str]
) -> QdpxContent:
    root = _parse_xml(data, label)
    if _local(root) != "Project":
        raise InputError(label, f"project.qde has root <{_local(root)}>, expected <Project>")
    origin = root.get("origin") or ""
    meta = _read_pi(root, PROJECT_PI)
    pi_sources: dict[str, Any] = meta["sources"] if isinstance(meta.get("sources"), dict) else {}
    pi_provenance: dict[str, Any] = (
        meta["provenance"] if isinstance(meta.get("provenance"), dict) else {}
    )
    from_qualkit = isinstance(meta.get("format"), int)
    notes: list[str] = []

    # Users.
    users: dict[str, str] = {}
    users_el = _child(root, "Users")
    for u in _children(users_el, "User") if users_el is not None else []:
        g = plain_guid(u.get("guid"))
        if g is None:
            continue
        name = " ".join((u.get("name") or u.get("id") or "").split()) or f"user-{g[:8]}"
        if problem := limits.too_long(name, limits.USER_NAME, "a user name"):
            raise InputError(label, problem, u.sourceline)
        users[g] = name

    def user_name(guid: str | None) -> str | None:
        g = plain_guid(guid)
        if g is None:
            return None
        if g not in users:
            users[g] = f"user-{g[:8]}"
        return users[g]

    # Codebook.
    codebook: Codebook | None = None
    code_of: dict[str, str] = {}
    book = _child(root, "CodeBook")
    if book is not None and _child(book, "Codes") is not None:
        from qualkit.codebook import import_qdc
        from qualkit.errors import CodebookError

        try:
            codebook = import_qdc(data, known_ids=known_ids, notes=notes)
        except CodebookError as e:
            raise InputError(label, f"codebook: {e.problem}", e.line) from None
        guids = [plain_guid(el.get("guid")) for el in _code_elements(_child(book, "Codes"))]
        if len(guids) != len(codebook.codes):
            raise InputError(label, "could not match the codebook's codes to their GUIDs")
        for g, code in zip(guids, codebook.codes, strict=True):
            if g is not None:
                code_of.setdefault(g, code.cid)

    # Notes.
    note_text: dict[str, tuple[str, str | None, bool]] = {}
    notes_el = _child(root, "Notes")
    for n in _children(notes_el, "Note") if notes_el is not None else []:
        g = plain_guid(n.get("guid"))
        if g is None:
            continue
        text = _note_text(n, members, label)
        if problem := limits.too_long(text, limits.MEMO, "a note"):
            raise InputError(label, problem, n.sourceline)
        desc = _child(n, "Description")
        marked = desc is not None and (desc.text or "").strip() == CODING_MEMO_MARK
        note_text[g] = (text, user_name(n.get("creatingUser")), marked)
    used_notes: set[str] = set()

    # Cases → participants by source GUID.
    variables: dict[str, str] = {}
    vars_el = _child(root, "Variables")
    for v in _children(vars_el, "Variable") if vars_el is not None else []:
        g = plain_guid(v.get("guid"))
        if g is not None and (v.get("name") or "").strip():
            variables[g] = (v.get("name") or "").strip()
    participant_of: dict[str, Participant] = {}
    cases_el = _child(root, "Cases")
    for case in _children(cases_el, "Case") if cases_el is not None else []:
        pid = " ".join((case.get("name") or "").split())
        if not pid:
            continue
        role: str | None = None
        attrs: dict[str, str] = {}
        for vv in _children(case, "VariableValue"):
            ref = _child(vv, "VariableRef")
            vname = (
                variables.get(plain_guid(ref.get("targetGUID")) or "") if ref is not None else None
            )
            value_el = next((c for c in vv if _local(c) != "VariableRef"), None)
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
            raise InputError(label, f"case: {problem}", case.sourceline)
        for sref in _children(case, "SourceRef"):
            g = plain_guid(sref.get("targetGUID"))
            if g is not None:
                if g in participant_of and participant_of[g].pid != pid:
                    notes.append(f"source {g} belongs to more than one case; kept the first")
                    continue
                participant_of[g] = p

    # Sources.
    transcripts: list[tuple[Transcript, Participant | None]] = []
    codings: list[Coding] = []
    memos: list[PendingMemo] = []
    modes: dict[str, str] = {}
    tids: set[str] = set()
    sources_el = _child(root, "Sources")
    skipped_kinds: Counter[str] = Counter()
    uncoded = 0
    for src in list(sources_el) if sources_el is not None else []:
        kind = _local(src)
        if kind != "TextSource":
            if kind:
                skipped_kinds[kind] += 1
            continue
        sg = plain_guid(src.get("guid"))
        if sg is None:
            raise InputError(label, "a text source has no valid GUID", src.sourceline)
        raw, from_content = _source_text(src, members, label, sg)
        selections = _selections(src, sg, label)
        mode = _detect_mode(raw, selections, origin, from_content)
        to_raw = _PositionMap(raw, mode)
        text = normalise(raw)
        norm = _NormMap(raw, text)
        info = pi_sources.get(sg) if isinstance(pi_sources.get(sg), dict) else None
        transcript = _transcript(src, sg, text, info, tids)
        if problem := limits.transcript_problem(transcript):
            raise InputError(label, f"text source {sg}: {problem}", src.sourceline)
        if transcript.tid in existing:
            raise ConflictError(
                f"{path_name(label)}: a transcript with id {transcript.tid!r} is already in "
                "the project"
            )
        tids.add(transcript.tid)
        modes[transcript.tid] = mode
        participant = participant_of.get(sg)
        if participant is not None:
            transcript.participant = participant.pid
        transcripts.append((transcript, participant))

        def add_coding(
            coding_el: etree._Element,
            tid: str,
            ttext: str,
            start: int,
            end: int,
            creator: str | None,
            where: str,
        ) -> None:
            ref = _child(coding_el, "CodeRef")
            cg = plain_guid(ref.get("targetGUID")) if ref is not None else None
            if cg is None or cg not in code_of:
                raise InputError(
                    label,
                    f"a coding in {where} refers to a code that is not in the codebook",
                    coding_el.sourceline,
                )
            coder = user_name(coding_el.get("creatingUser")) or creator or DEFAULT_CODER
            coding_g = plain_guid(coding_el.get("guid")) or ""
            prov_value = pi_provenance.get(coding_g)
            try:
                provenance = Provenance(prov_value) if prov_value else None
            except ValueError:
                provenance = None
            if provenance is None and from_qualkit:
                provenance = Provenance.MANUAL
            if provenance is None:
                provenance = Provenance.CONSENSUS if coder == CONSENSUS else Provenance.IMPORTED
            coding = Coding(
                coder=coder,
                transcript=tid,
                start=start,
                end=end,
                code=code_of[cg],
                quote=ttext[start:end],
                provenance=provenance,
                created=_parse_time(coding_el.get("creationDateTime")),
            )
            index = len(codings)
            codings.append(coding)
            for nref in _children(coding_el, "NoteRef"):
                ng = plain_guid(nref.get("targetGUID"))
                if ng in note_text:
                    used_notes.add(ng)
                    ntext, author, marked = note_text[ng]
                    if marked:
                        coding.memo = f"{coding.memo}\n{ntext}" if coding.memo else ntext
                    else:
                        memos.append(PendingMemo(author or coder, ntext, tid, index))

        for sel in selections:
            start, end = norm.start(to_raw.raw(sel.start)), norm.end(to_raw.raw(sel.end))
            if sel.start == sel.end or (start is not None and start == end):
                # Zero length as written, or holding only characters normalisation drops.
                raise InputError(label, f"selection {sel.guid} is empty", sel.element.sourceline)
            if start is None or end is None or not (0 <= start < end <= len(text)):
                raise InputError(
                    label,
                    f"selection {sel.guid} lies outside its source text",
                    sel.element.sourceline,
                )
            coding_els = _children(sel.element, "Coding")
            if not coding_els:
                uncoded += 1
            first = len(codings)
            for cel in coding_els:
                add_coding(
                    cel,
                    transcript.tid,
                    text,
                    start,
                    end,
                    user_name(sel.creator),
                    f"selection {sel.guid}",
                )
            for nref in _children(sel.element, "NoteRef"):
                ng = plain_guid(nref.get("targetGUID"))
                if ng in note_text:
                    used_notes.add(ng)
                    ntext, author, _ = note_text[ng]
                    target = first if len(codings) > first else None
                    memos.append(
                        PendingMemo(
                            author or user_name(sel.creator) or DEFAULT_CODER,
                            ntext,
                            transcript.tid,
                            target,
                        )
                    )
        for cel in _children(src, "Coding"):
            if text:
                add_coding(
                    cel,
                    transcript.tid,
                    text,
                    0,
                    len(text),
                    user_name(src.get("creatingUser")),
                    "a source",
                )
        for nref in _children(src, "NoteRef"):
            ng = plain_guid(nref.get("targetGUID"))
            if ng in note_text:
                used_notes.add(ng)
                ntext, author, _ = note_text[ng]
                memos.append(PendingMemo(author or DEFAULT_CODER, ntext, transcript.tid))

    for nref in _children(root, "NoteRef"):
        ng = plain_guid(nref.get("targetGUID"))
        if ng in note_text and ng not in used_notes:
            used_notes.add(ng)
            ntext, author, _ = note_text[ng]
            memos.append(PendingMemo(author or DEFAULT_CODER, ntext))
    unreferenced = [g for g in note_text if g not in used_notes]
    for g in unreferenced:
        ntext, author, _ = note_text[g]
        memos.append(PendingMemo(author or DEFAULT_CODER, ntext))
    if unreferenced:
        notes.append(f"{len(unreferenced)} note(s) on codes or other items became project memos")
    memos = [m for m in memos if m.text.strip()]
    for coding in codings:
        if problem := limits.too_long(coding.memo, limits.MEMO, "the notes on a coding"):
            raise InputError(label, problem)
    for kind, n in sorted(skipped_kinds.items()):
        notes.append(f"skipped {n} {kind} source(s): only text sources are imported")
    if uncoded:
        notes.append(f"skipped {uncoded} selection(s) with no code")

    labels = meta.get("attribution_labels")
    user_list = sorted(set(users.values()) | {c.coder for c in codings} | {m.author for m in memos})
    return QdpxContent(
        name=root.get("name") or path_name(label),
        origin=origin,
        users=user_list,
        codebook=codebook,
        transcripts=transcripts,
        codings=codings,
        memos=memos,
        position_modes=modes,
        attribution_labels=(
            {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
        ),
        notes=notes,
    )


def path_name(label: str) -> str:
    return Path(label).name


def _code_elements(codes: etree._Element | None) -> list[etree._Element]:
    """``<Code>`` elements in document order (the order :func:`import_qdc` reads them)."""
    out: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if _local(child) == "Code":
                out.append(child)
                walk(child)

    if codes is not None:
        walk(codes)
    return out


def _read_pi(root: etree._Element, target: str) -> dict[str, Any]:
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == target:
            try:
                value = json.loads(node.text or "")
            except (json.JSONDecodeError, RecursionError):  # deep nesting: unreadable too
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _decode(data: bytes, label: str, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(label, f"{what} is not UTF-8 text") from None


def _note_text(note: etree._Element, members: _Zip, label: str) -> str:
    content = _child(note, "PlainTextContent")
    if content is not None:
        return normalise("".join(content.itertext()))
    target = note.get("plainTextPath")
    if target:
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
    content = _child(src, "PlainTextContent")
    if content is not None:
        text = "".join(content.itertext())
        return (text[1:] if text.startswith("\ufeff") else text), True
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


def _selections(src: etree._Element, sg: str, label: str) -> list[_RawSelection]:
    out = []
    for sel in _children(src, "PlainTextSelection"):
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
        out.append(_RawSelection(g, start, end, sel.get("name"), sel.get("creatingUser"), sel))
    return out


def _transcript(
    src: etree._Element, sg: str, text: str, info: dict[str, Any] | None, taken: set[str]
) -> Transcript:
    h = text_hash(text)
    name = " ".join((src.get("name") or "").split())
    if info is not None and isinstance(info.get("id"), str) and info["id"]:
        tid = info["id"]
        if tid in taken:
            tid = _unique(tid, taken)
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
    stem = _DOC_SUFFIX.sub("", name).strip()
    if _PLAIN_ID.match(stem):
        tid = stem
    else:
        from qualkit.codebook.qdc import slugify

        tid = slugify(stem)[:64] if stem else f"source-{sg[:8]}"
    tid = _unique(tid, taken)
    turns, meta = _parse(text)
    return Transcript(
        tid=tid,
        title=name or tid,
        text=text,
        source_name=name or f"{sg}.txt",
        text_hash=h,
        turns=turns,
        metadata=meta,
    )


def _unique(tid: str, taken: set[str]) -> str:
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


# -- positions ----------------------------------------------------------------------------

MODES = ("codepoints", "crlf-as-one", "newline-as-two", "utf16")
"""How a tool counted positions (see the module docstring)."""


def _weights(raw: str, mode: str) -> list[int] | None:
    """Per-character width under ``mode``, or ``None`` when every width is 1."""
    if mode == "codepoints":
        return None
    w = [1] * len(raw)
    changed = False
    for i, ch in enumerate(raw):
        if mode == "crlf-as-one" and ch == "\r" and raw[i + 1 : i + 2] == "\n":
            w[i] = 0
            changed = True
        elif (mode == "newline-as-two" and ch == "\n" and (i == 0 or raw[i - 1] != "\r")) or (
            mode == "utf16" and ord(ch) > 0xFFFF
        ):
            w[i] = 2
            changed = True
    return w if changed else None


class _PositionMap:
    """Tool positions → indexes into the raw source text."""

    def __init__(self, raw: str, mode: str) -> None:
        self.n = len(raw)
        w = _weights(raw, mode)
        self.cum: list[int] | None = None
        if w is not None:
            cum = [0] * (len(w) + 1)
            total = 0
            for i, x in enumerate(w):
                total += x
                cum[i + 1] = total
            self.cum = cum

    def raw(self, position: int) -> int | None:
        if position < 0:
            return None
        if self.cum is None:
            return position if position <= self.n else None
        if position > self.cum[-1]:
            return None
        return bisect.bisect_left(self.cum, position)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _candidate_modes(raw: str, from_content: bool) -> list[str]:
    modes = ["codepoints"]
    if "\r\n" in raw:
        modes.append("crlf-as-one")
    if from_content and "\n" in raw:
        modes.append("newline-as-two")
    if any(ord(ch) > 0xFFFF for ch in raw):
        modes.append("utf16")
    return modes


def _origin_mode(origin: str, raw: str, from_content: bool) -> str:
    o = origin.casefold()
    if "atlas" in o:
        return "crlf-as-one"
    if "nvivo" in o and from_content and "\r" not in raw:
        return "newline-as-two"
    return "codepoints"


def _detect_mode(
    raw: str, selections: Sequence[_RawSelection], origin: str, from_content: bool
) -> str:
    """Which way of counting positions fits this source best."""
    candidates = _candidate_modes(raw, from_content)
    preferred = _origin_mode(origin, raw, from_content)
    if len(candidates) == 1:
        return candidates[0]
    named = [s for s in selections if s.name and len(_squash(s.name)) >= 3]
    if named:
        scores = {}
        for mode in candidates:
            pm = _PositionMap(raw, mode)
            score = 0
            for s in named:
                a, b = pm.raw(s.start), pm.raw(s.end)
                if a is None or b is None:
                    continue
                got, want = _squash(raw[a:b]), _squash(s.name or "").rstrip(".…").strip()
                if want and (got == want or got.startswith(want)):
                    score += 1
            scores[mode] = score
        best = max(scores.values())
        if best > 0:
            winners = [m for m in candidates if scores[m] == best]
            return preferred if preferred in winners else winners[0]
    return preferred if preferred in candidates else "codepoints"


class _NormMap:
    """Raw-text indexes → offsets in ``normalise(raw)``.

    Characters dropped by normalisation (a BOM, the ``\\r`` of ``\\r\\n``) map to the
    next kept character. An offset inside a sequence that NFC composes maps to the start
    of the composed text (for a start) or its end (for an end).
    """

    def __init__(self, raw: str, text: str) -> None:
        self.identity = raw == text
        if self.identity:
            self.n = len(raw)
            return
        # Step 1: byte-order mark and line ends.
        kept: list[str] = []
        m1 = [0] * (len(raw) + 1)
        i = 1 if raw.startswith("\ufeff") else 0
        while i < len(raw):
            m1[i] = len(kept)
            ch = raw[i]
            if ch == "\r":
                if raw[i + 1 : i + 2] != "\n":
                    kept.append("\n")
            else:
                kept.append(ch)
            i += 1
        m1[len(raw)] = len(kept)
        s1 = "".join(kept)
        # Step 2: NFC, one whitespace-delimited unit at a time (NFC never joins across
        # whitespace, so the units' NFC forms concatenate to the whole text's).
        lo = list(range(len(s1) + 1))
        hi = list(range(len(s1) + 1))
        if not unicodedata.is_normalized("NFC", s1):
            out_pos = 0
            pieces: list[str] = []
            for m in re.finditer(r"\s|\S+", s1):
                a, b = m.span()
                unit = m.group()
                done = unicodedata.normalize("NFC", unit)
                if done == unit:
                    for k in range(a, b + 1):
                        lo[k] = hi[k] = out_pos + (k - a)
                else:
                    self._map_unit(unit, a, out_pos, done, lo, hi)
                pieces.append(done)
                out_pos += len(done)
            lo[len(s1)] = hi[len(s1)] = out_pos
            if "".join(pieces) != text:
                raise QualkitError("could not map positions onto the normalised text")
        elif s1 != text:
            raise QualkitError("could not map positions onto the normalised text")
        self.lo = [lo[m1[k]] for k in range(len(raw) + 1)]
        self.hi = [hi[m1[k]] for k in range(len(raw) + 1)]
        self.n = len(raw)

    @staticmethod
    def _map_unit(unit: str, a: int, out_pos: int, done: str, lo: list[int], hi: list[int]) -> None:
        # Split before each character with combining class 0; keep the split only if
        # the pieces' NFC forms still add up to the unit's.
        cuts = [k for k, ch in enumerate(unit) if k == 0 or unicodedata.combining(ch) == 0]
        segs = [unit[x:y] for x, y in zip(cuts, [*cuts[1:], len(unit)], strict=True)]
        normed = [unicodedata.normalize("NFC", s) for s in segs]
        if "".join(normed) != done:
            cuts, normed = [0], [done]
        pos = out_pos
        bounds = [*cuts, len(unit)]
        for idx, seg_norm in enumerate(normed):
            x, y = bounds[idx], bounds[idx + 1]
            lo[a + x] = hi[a + x] = pos
            for k in range(x + 1, y):
                lo[a + k] = pos
                hi[a + k] = pos + len(seg_norm)
            pos += len(seg_norm)
        lo[a + len(unit)] = hi[a + len(unit)] = pos

    def start(self, i: int | None) -> int | None:
        if i is None or not 0 <= i <= self.n:
            return None
        return i if self.identity else self.lo[i]

    def end(self, i: int | None) -> int | None:
        if i is None or not 0 <= i <= self.n:
            return None
        return i if self.identity else self.hi[i]


# -- storing ------------------------------------------------------------------------------


def import_qdpx_into(
    store: Store, path: str | Path, actor: str, gate: ImportGate
) -> QdpxImportResult:
    """Import a ``.qdpx`` file into the project in ``store`` (see the module docstring).

    ``gate`` is a :class:`qualkit.project.ImportGate` (``ManifestGate`` or
    ``NotIdentifiableGate``); it is checked before the file is read and recorded in the
    event log. Codes already in the project keep their definitions; new ones are added.
    """
    path = Path(path)
    gate.check(path)
    store.project()
    current = store.codebook(include_inactive=True)
    content = read_qdpx(
        path,
        existing_transcripts={t.tid for t in store.transcripts()},
        known_code_ids=[c.cid for c in current.codes],
    )
    active = store.codebook()
    active_ids = {c.cid for c in active.codes}
    imported_ids = {c.cid for c in content.codebook.codes} if content.codebook else set()
    missing = {c.code for c in content.codings} - active_ids - imported_ids
    if missing:
        raise InputError(path, f"codings refer to {len(missing)} code(s) the file does not define")

    existing_users = {u.name for u in store.users()}
    added_users = [u for u in content.users if u not in existing_users]
    for name in added_users:
        store.add_user(name, Role.CODER, actor)

    codes_added = 0
    if content.codebook is not None and content.codebook.codes:
        new_codes: list[Code] = [c for c in content.codebook.codes if c.cid not in active_ids]
        codes_added = len(new_codes)
        if new_codes:
            fresh = not active.codes
            merged = Codebook(
                name=content.codebook.name if fresh else active.name,
                codes=[*active.codes, *new_codes],
                description=content.codebook.description if fresh else active.description,
                version=active.version,
            )
            store.set_codebook(merged, actor)

    if content.attribution_labels and not store.settings().get("attribution_labels"):
        store.update_settings(actor, attribution_labels=content.attribution_labels)

    tids: list[str] = []
    if content.transcripts:
        tids = store.add_transcripts(
            content.transcripts,
            actor,
            event_payload={**gate.describe(), "source": path.name, "format": "qdpx"},
        )
    ids = store.add_codings(content.codings, actor) if content.codings else []
    n_memos = 0
    for m in content.memos:
        coding_id = ids[m.coding] if m.coding is not None else None
        store.add_memo(Memo(m.author, m.text, transcript=m.transcript, coding_id=coding_id))
        n_memos += 1
    store.log(
        actor,
        "qdpx.import",
        file=path.name,
        origin=content.origin,
        transcripts=tids,
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
    )


__all__ = [
    "MODES",
    "PROJECT_NAMESPACE",
    "PROJECT_XSD",
    "QUALKIT_QDPX_NAMESPACE",
    "PendingMemo",
    "QdpxContent",
    "QdpxImportResult",
    "QdpxSummary",
    "build_qdpx",
    "export_qdpx",
    "import_qdpx_into",
    "plain_guid",
    "qdpx_guid",
    "read_qdpx",
    "validate_qde",
]
