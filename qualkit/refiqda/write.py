"""Write a project as a ``.qdpx`` file (REFI-QDA 1.5), read only from the project database.

A ``.qdpx`` is a ZIP holding ``project.qde`` (valid against ``schemas/Project.xsd``) and a
``sources/`` folder of UTF-8 text files named by GUID. :func:`build_qdpx` writes one
section at a time:

- ``<Users>``: the coders first (so a tool that opens on the first user opens on a
  coder), then memo authors who coded nothing; accounts that did neither are left out.
  ``name`` and ``id`` are the qualkit user name; roles travel in the instruction.
- ``<CodeBook>``: the active codes plus any inactive code that still has codings (and its
  parents), built by :func:`qualkit.refiqda.qdc.build_codes_element`, so a code has the
  same GUID as in a ``.qdc`` export.
- ``<Variables>`` and ``<Cases>``: a Text variable ``role`` plus one per participant
  attribute; one case per participant with a ``<SourceRef>`` to each of its transcripts.
- ``<Sources>``: one ``<TextSource>`` per transcript (``name`` = transcript id,
  ``plainTextPath="internal://<guid>.txt"``; ``<Description>`` = the memos on the
  transcript, which QualCoder shows as the document's memo). Each coding is
  a ``<PlainTextSelection>`` (``name`` = the selected text; ``creatingUser`` = the coder;
  ``<Description>`` = the coding's memo, which QualCoder, ATLAS.ti and MAXQDA show as the
  coding comment) holding one ``<Coding>``. Positions are code points over the stored
  text (the standard), or UTF-16 code units with ``positions="utf16"`` (what NVivo
  counts).
- ``<Notes>``: each memo as a ``<Note>`` whose text is a file in ``sources/``
  (``plainTextPath``), named ``Memo <n> by <author>`` (QualCoder turns notes into
  journals and fails on two with the same name). A memo on a transcript is referenced
  from its ``<TextSource>``; a memo on a coding is an annotation: its note holds the text
  (``<PlainTextContent>``) and the coded selection, and is referenced from the coding's
  ``<PlainTextSelection>`` and from its ``<TextSource>`` (where QualCoder looks); any
  other memo from the project.
- ``name``, ``<Description>`` and ``creationDateTime`` of the project; times are
  ``YYYY-MM-DDTHH:MM:SSZ``.
- Two processing instructions before the root carry what the schema has no place for:
  ``qualkit-codebook`` (codebook name, description, version; code ids and fields by GUID)
  and ``qualkit-project`` (per source: transcript id, title, metadata, content notes,
  turns and text hash; non-manual coding provenance; account roles; how positions were
  counted; the setting ``attribution_labels``). Other tools ignore them.

GUIDs are ``uuid5`` of stable ids, so exporting an unchanged project twice gives the same
bytes. Only the project database is read, so only de-identified text leaves it.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from qualkit.errors import InputError, QualkitError
from qualkit.model import Codebook, Coding, Memo, Provenance, Transcript
from qualkit.storage import Store

from .common import (
    CODEBOOK_PI,
    PROJECT_NAMESPACE,
    PROJECT_PI,
    PROJECT_XSD,
    clean_xml,
    code_guid,
    parse_xml,
    pi_json,
    qdpx_guid,
    schema,
    xsd_time,
)
from .positions import utf16_offsets

POSITIONS = ("codepoints", "utf16")
"""How :func:`export_qdpx` can count positions."""
CONSENSUS = "consensus"

_NS = f"{{{PROJECT_NAMESPACE}}}"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class QdpxSummary:
    """What an export wrote."""

    transcripts: int
    codings: int
    memos: int
    users: int
    codes: int
    cases: int


def _q(tag: str) -> str:
    return _NS + tag


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


@dataclass
class _Builder:
    """One export: what was read from the store, and the GUIDs handed out so far."""

    store: Store
    positions: str = "codepoints"
    root: etree._Element = field(init=False)
    sources: dict[str, str] = field(default_factory=dict)
    user_guid: dict[str, str] = field(default_factory=dict)
    source_guid: dict[str, str] = field(default_factory=dict)
    selection_el: dict[int, etree._Element] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    pi_sources: dict[str, Any] = field(default_factory=dict)
    memo_count: int = 0
    case_count: int = 0
    transcript_memos: dict[str, list[str]] = field(default_factory=dict)

    def build(self) -> tuple[bytes, QdpxSummary]:
        from qualkit import __version__

        if self.positions not in POSITIONS:
            raise QualkitError(f"positions must be one of {', '.join(POSITIONS)}")
        project = self.store.project()
        transcripts = self.store.transcripts(with_text=True)
        codings = self.store.codings()
        memos = self.store.memos()
        self.root = etree.Element(_q("Project"), nsmap={None: PROJECT_NAMESPACE})
        self.root.set("name", project.name or "qualkit project")
        self.root.set("origin", f"qualkit {__version__}")
        if project.created is not None:
            self.root.set("creationDateTime", str(xsd_time(project.created)))
        listed = self.add_users(codings, memos)
        cb = self.add_codebook(codings)
        self.add_cases(transcripts)
        for m in memos:
            if m.transcript is not None and m.coding_id is None and m.text.strip():
                self.transcript_memos.setdefault(m.transcript, []).append(m.text.strip())
        sources_el = self.add_sources(transcripts, codings)
        project_refs = self.add_notes(memos, sources_el)
        if project.description:
            _sub(self.root, "Description").text = clean_xml(project.description)
        for ng in project_refs:
            _sub(self.root, "NoteRef", targetGUID=ng)
        self.add_instructions(cb, listed)
        etree.cleanup_namespaces(self.root)
        body = etree.tostring(etree.ElementTree(self.root), encoding="UTF-8", pretty_print=True)
        summary = QdpxSummary(
            transcripts=len(transcripts),
            codings=len(codings),
            memos=self.memo_count,
            users=len(listed),
            codes=len(cb.codes),
            cases=self.case_count,
        )
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body, summary

    # -- sections ------------------------------------------------------------------

    def add_users(self, codings: list[Coding], memos: list[Memo]) -> list[str]:
        coders = sorted({c.coder for c in codings} - {CONSENSUS})
        if any(c.coder == CONSENSUS for c in codings):
            coders.append(CONSENSUS)
        authors = sorted({m.author for m in memos} - set(coders))
        listed = [*coders, *authors]
        if listed:
            users_el = _sub(self.root, "Users")
            for name in listed:
                self.user_guid[name] = qdpx_guid("user", name)
                _sub(users_el, "User", guid=self.user_guid[name], name=name, id=name)
        return listed

    def add_codebook(self, codings: list[Coding]) -> Codebook:
        from .qdc import build_codes_element

        active = {c.cid for c in self.store.codebook().codes}
        cb_all = self.store.codebook(include_inactive=True)
        cb = _export_codes(cb_all, active, {c.code for c in codings})
        if cb.codes:
            book = _sub(self.root, "CodeBook")
            book.append(build_codes_element(cb, PROJECT_NAMESPACE))
        return cb

    def add_cases(self, transcripts: list[Transcript]) -> None:
        participants = self.store.participants()
        if not participants:
            return
        keys: list[str] = sorted({k for p in participants for k in p.attributes})
        var_names = ["role", *[k for k in keys if k.casefold() != "role"]]
        var_guid = {v: qdpx_guid("variable", v) for v in var_names}
        variables_el = _sub(self.root, "Variables")
        for v in var_names:
            _sub(variables_el, "Variable", guid=var_guid[v], name=v, typeOfVariable="Text")
        cases_el = _sub(self.root, "Cases")
        sources_of: dict[str, list[str]] = defaultdict(list)
        for t in transcripts:
            if t.participant:
                sources_of[t.participant].append(self._source_guid(t))
        for p in participants:
            case = _sub(cases_el, "Case", guid=qdpx_guid("case", p.pid), name=p.pid)
            values = {"role": p.role, **{k: v for k, v in p.attributes.items() if k in var_guid}}
            for v in var_names:
                if v in values:
                    vv = _sub(case, "VariableValue")
                    _sub(vv, "VariableRef", targetGUID=var_guid[v])
                    _sub(vv, "TextValue").text = clean_xml(values[v])
            for sg in sources_of.get(p.pid, []):
                _sub(case, "SourceRef", targetGUID=sg)
            self.case_count += 1

    def _source_guid(self, t: Transcript) -> str:
        if t.tid not in self.source_guid:
            self.source_guid[t.tid] = qdpx_guid("source", t.tid, t.text_hash)
        return self.source_guid[t.tid]

    def add_sources(self, transcripts: list[Transcript], codings: list[Coding]) -> etree._Element:
        sources_el = _sub(self.root, "Sources")
        by_tid: dict[str, list[Coding]] = defaultdict(list)
        for c in codings:
            by_tid[c.transcript].append(c)
        for t in transcripts:
            self.add_source(sources_el, t, by_tid.get(t.tid, []))
        if not len(sources_el):
            self.root.remove(sources_el)
        return sources_el

    def add_source(self, sources_el: etree._Element, t: Transcript, codings: list[Coding]) -> None:
        sg = self._source_guid(t)
        self.sources[f"{sg}.txt"] = t.text
        src = _sub(
            sources_el, "TextSource", guid=sg, name=t.tid, plainTextPath=f"internal://{sg}.txt"
        )
        if t.tid in self.transcript_memos:
            _sub(src, "Description").text = clean_xml("\n\n".join(self.transcript_memos[t.tid]))
        units = utf16_offsets(t.text) if self.positions == "utf16" else None
        seen: Counter[tuple[str, str, int, int]] = Counter()
        for c in sorted(codings, key=lambda c: (c.start, c.end, c.coder, c.code)):
            key = (c.coder, c.code, c.start, c.end)
            seen[key] += 1
            sel_guid = qdpx_guid(
                "selection", sg, c.coder, c.code, str(c.start), str(c.end), str(seen[key])
            )
            start, end = (units[c.start], units[c.end]) if units else (c.start, c.end)
            sel = _sub(
                src,
                "PlainTextSelection",
                guid=sel_guid,
                name=clean_xml(t.text[c.start : c.end]),
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=self.user_guid[c.coder],
                creationDateTime=xsd_time(c.created),
            )
            if c.memo.strip():
                _sub(sel, "Description").text = clean_xml(c.memo)
            cg = qdpx_guid("coding", sel_guid)
            coding_el = _sub(
                sel,
                "Coding",
                guid=cg,
                creatingUser=self.user_guid[c.coder],
                creationDateTime=xsd_time(c.created),
            )
            _sub(coding_el, "CodeRef", targetGUID=code_guid(c.code))
            if c.id is not None:
                self.selection_el[c.id] = sel
            if c.provenance is not Provenance.MANUAL:
                self.provenance[cg] = Provenance(c.provenance).value
        self.pi_sources[sg] = {
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

    def add_annotation(
        self, note: etree._Element, ng: str, memo: Memo, selection: etree._Element
    ) -> None:
        """A memo on a coding as an annotation: the note holds the memo's text and the
        coded selection, and both the selection and its source refer to it (QualCoder
        reads annotations from the source's references)."""
        _sub(note, "PlainTextContent").text = clean_xml(memo.text)
        _sub(
            note,
            "PlainTextSelection",
            guid=qdpx_guid("annotation", ng),
            startPosition=selection.get("startPosition"),
            endPosition=selection.get("endPosition"),
            creatingUser=self.user_guid.get(memo.author),
            creationDateTime=xsd_time(memo.created),
        )
        _sub(selection, "NoteRef", targetGUID=ng)
        source = selection.getparent()
        if source is not None:
            _sub(source, "NoteRef", targetGUID=ng)

    def add_notes(self, memos: list[Memo], sources_el: etree._Element) -> list[str]:
        """Memos as notes (with text files; a memo on a coding as an annotation); returns
        the GUIDs the project refers to."""
        source_el = {el.get("name"): el for el in sources_el}
        seen: Counter[tuple[str, str, str]] = Counter()
        project_refs: list[str] = []
        notes_el = etree.Element(_q("Notes"))
        for m in memos:
            if m.coding_id is not None and m.coding_id in self.selection_el:
                target = str(self.selection_el[m.coding_id].get("guid"))
            elif m.transcript is not None and m.transcript in self.source_guid:
                target = self.source_guid[m.transcript]
            else:
                target = "project"
            digest = hashlib.sha256(m.text.encode("utf-8")).hexdigest()
            seen[(m.author, target, digest)] += 1
            ng = qdpx_guid("memo", m.author, target, digest, str(seen[(m.author, target, digest)]))
            on_coding = m.coding_id is not None and m.coding_id in self.selection_el
            note = _sub(
                notes_el,
                "Note",
                guid=ng,
                name=f"Memo {self.memo_count + 1} by {m.author}",
                plainTextPath=None if on_coding else f"internal://{ng}.txt",
                creatingUser=self.user_guid.get(m.author),
                creationDateTime=xsd_time(m.created),
            )
            self.memo_count += 1
            if on_coding and m.coding_id is not None:
                self.add_annotation(note, ng, m, self.selection_el[m.coding_id])
                continue
            self.sources[f"{ng}.txt"] = m.text
            if target != "project":
                _sub(source_el[m.transcript], "NoteRef", targetGUID=ng)
            else:
                project_refs.append(ng)
        if len(notes_el):
            sources = self.root.find(_q("Sources"))
            if sources is not None:
                sources.addnext(notes_el)
            else:
                self.root.append(notes_el)
        return project_refs

    def add_instructions(self, cb: Codebook, listed: list[str]) -> None:
        from .qdc import codebook_meta

        roles = {u.name: u.role.value for u in self.store.users() if u.name in set(listed)}
        meta: dict[str, Any] = {"format": 1, "sources": self.pi_sources, "roles": roles}
        if self.positions != "codepoints":
            meta["positions"] = self.positions
        if self.provenance:
            meta["provenance"] = self.provenance
        labels = self.store.settings().get("attribution_labels")
        if isinstance(labels, dict) and labels:
            meta["attribution_labels"] = labels
        self.root.addprevious(etree.ProcessingInstruction(CODEBOOK_PI, pi_json(codebook_meta(cb))))
        self.root.addprevious(etree.ProcessingInstruction(PROJECT_PI, pi_json(meta)))


def build_qdpx(
    store: Store, *, positions: str = "codepoints"
) -> tuple[bytes, dict[str, str], QdpxSummary]:
    """``project.qde`` bytes, text files by name (sources and notes), and a summary."""
    builder = _Builder(store, positions)
    qde, summary = builder.build()
    return qde, builder.sources, summary


def export_qdpx(store: Store, fileobj: IO[bytes], *, positions: str = "codepoints") -> QdpxSummary:
    """Write the project in ``store`` as a ``.qdpx`` ZIP to the binary file object ``fileobj``.

    ``positions`` is ``codepoints`` (the standard) or ``utf16`` (NVivo). ``project.qde``
    is validated against the bundled schema before anything is written.
    """
    qde, sources, summary = build_qdpx(store, positions=positions)
    validate_qde(qde)
    with zipfile.ZipFile(fileobj, "w") as z:
        _write_member(z, "project.qde", qde)
        for name in sorted(sources):
            _write_member(z, f"sources/{name}", sources[name].encode("utf-8"))
    return summary


def _write_member(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def validate_qde(data: bytes, *, label: str = "project.qde") -> None:
    """Raise :class:`InputError` unless ``data`` is valid against the REFI-QDA project schema."""
    root = parse_xml(data, label)
    checker = schema(str(PROJECT_XSD))
    if not checker.validate(etree.ElementTree(root)):
        error = checker.error_log.last_error
        raise InputError(label, f"not a valid REFI-QDA project: {error.message}", error.line)
