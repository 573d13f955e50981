"""REFI-QDA .qdpx export and import: schema validity, stable GUIDs, lossless round trip,
and files written by other tools."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from qualkit.errors import ConflictError, InputError
from qualkit.files import write_atomically
from qualkit.model import Code, Codebook
from qualkit.project import NotIdentifiableGate
from qualkit.refiqda import PROJECT_XSD, export_qdpx, import_qdpx_into, plain_guid, read_qdpx
from qualkit.refiqda.qdc import code_guid, export_qdc
from qualkit.storage import Store
from tests.test_export_quotes import CODERS, make_project

NS = "{urn:QDA-XML:project:1.0}"


def export_to(store: Store, path: Path) -> Path:
    write_atomically(path, lambda f: export_qdpx(store, f))
    return path


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


def coding_rows(store: Store) -> list[tuple[str, str, int, int, str, str]]:
    return sorted((c.coder, c.transcript, c.start, c.end, c.code, c.quote) for c in store.codings())


def memo_rows(store: Store) -> list[tuple[str, str, str | None, object]]:
    by_id = {c.id: (c.coder, c.transcript, c.start, c.end, c.code) for c in store.codings()}
    return sorted(
        (m.author, m.text, m.transcript, by_id.get(m.coding_id) if m.coding_id else None)
        for m in store.memos()
    )


# -- export -------------------------------------------------------------------------------


def test_export_is_a_zip_with_a_valid_project_and_sources(store: Store, tmp_path: Path) -> None:
    make_project(store)
    path = export_to(store, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        qde = z.read("project.qde")
        root = etree.fromstring(qde)
        schema().assertValid(etree.ElementTree(root))
        sources = root.findall(f"{NS}Sources/{NS}TextSource")
        assert len(sources) == len(store.transcripts())
        for src in sources:
            guid = src.get("guid")
            assert src.get("plainTextPath") == f"internal://{guid}.txt"
            assert f"sources/{guid}.txt" in names
            text = z.read(f"sources/{guid}.txt").decode("utf-8")
            assert text == store.transcript(src.get("name")).text
            for sel in src.findall(f"{NS}PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert sel.get("name") == text[start:end]
    users = {u.get("name") for u in root.iter(f"{NS}User")}
    assert set(CODERS) | {"consensus"} <= users
    assert len(root.findall(f"{NS}Sources//{NS}Coding")) == len(store.codings())
    cases = root.findall(f"{NS}Cases/{NS}Case")
    assert sorted(c.get("name") for c in cases) == [p.pid for p in store.participants()]
    variables = {v.get("name") for v in root.iter(f"{NS}Variable")}
    assert variables == {"role", "borough", "gender"}
    notes = root.findall(f"{NS}Notes/{NS}Note")
    # One note per memo, its text a file in sources/ (QualCoder reads notes that way),
    # except a memo on a coding: an annotation holding its text and the coded selection.
    assert len(notes) == len(store.memos())
    on_codings = sum(m.coding_id is not None for m in store.memos())
    annotations = [n for n in notes if n.find(f"{NS}PlainTextSelection") is not None]
    assert len(annotations) == on_codings
    for note in notes:
        if note in annotations:
            assert note.get("plainTextPath") is None
            assert note.find(f"{NS}PlainTextContent") is not None
            continue
        assert note.find(f"{NS}PlainTextContent") is None
        assert note.get("plainTextPath") == f"internal://{note.get('guid')}.txt"
        assert f"sources/{note.get('guid')}.txt" in names
    assert len(root.findall(f"{NS}NoteRef")) == 1  # the project-level memo
    # Distinct names: QualCoder makes each note a journal and stops at a repeated name.
    assert len({n.get("name") for n in notes}) == len(notes)
    # A transcript's memo is also its source's description (QualCoder's document memo).
    described = {
        src.get("name"): d.text
        for src in sources
        if (d := src.find(f"{NS}Description")) is not None
    }
    assert described == {"t02": "Check the turn boundaries in t02."}
    # A coding's own memo field is its selection's description (a coding comment).
    [memo] = [c.memo for c in store.codings() if c.memo]
    comments = [
        d.text for d in root.iter(f"{NS}Description") if d.getparent().tag.endswith("Selection")
    ]
    assert comments == [memo]


def test_guids_are_stable_and_codes_match_the_qdc_export(store: Store, tmp_path: Path) -> None:
    make_project(store)
    first = export_to(store, tmp_path / "a.qdpx").read_bytes()
    second = export_to(store, tmp_path / "b.qdpx").read_bytes()
    assert first == second
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(first)).read("project.qde"))
    code_guids = {c.get("guid") for c in root.iter(f"{NS}Code")}
    assert code_guids == {code_guid(c.cid) for c in store.codebook().codes}
    qdc = io.BytesIO()
    export_qdc(store.codebook(), qdc)
    qdc_root = etree.fromstring(qdc.getvalue())
    assert {c.get("guid") for c in qdc_root.iter("{urn:QDA-XML:codebook:1.0}Code")} == code_guids
    refs = {r.get("targetGUID") for r in root.iter(f"{NS}CodeRef")}
    assert refs <= code_guids


# -- round trip ---------------------------------------------------------------------------


def test_round_trip_keeps_every_coding_and_memo(store: Store, fresh: Store, tmp_path: Path) -> None:
    make_project(store)
    path = export_to(store, tmp_path / "p.qdpx")
    result = import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())

    assert result.codings == len(store.codings())
    assert coding_rows(fresh) == coding_rows(store)
    assert memo_rows(fresh) == memo_rows(store)
    assert {c.memo for c in fresh.codings() if c.memo} == {
        c.memo for c in store.codings() if c.memo
    }
    assert {c.coder for c in fresh.codings()} == set(CODERS) | {"consensus"}
    assert {(c.coder, c.provenance) for c in fresh.codings()} == {
        (c.coder, c.provenance) for c in store.codings()
    }
    assert fresh.codebook().codes == store.codebook().codes
    assert fresh.codebook().name == store.codebook().name
    assert fresh.participants() != [] and [
        (p.pid, p.role, p.attributes) for p in fresh.participants()
    ] == [(p.pid, p.role, p.attributes) for p in store.participants()]
    for t in store.transcripts(with_text=True):
        u = fresh.transcript(t.tid)
        assert (u.text, u.title, u.participant, u.turns, u.metadata) == (
            t.text,
            t.title,
            t.participant,
            t.turns,
            t.metadata,
        )
    [event] = fresh.events(action="transcripts.import")
    assert event.payload["gate"] == "not-identifiable"
    assert fresh.events(action="qdpx.import")


def test_round_trip_export_is_identical_apart_from_project_details(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    make_project(store)
    a = export_to(store, tmp_path / "a.qdpx")
    import_qdpx_into(fresh, a, "importer", NotIdentifiableGate())
    b = export_to(fresh, tmp_path / "b.qdpx")
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    assert za.namelist() == zb.namelist()
    ra, rb = etree.fromstring(za.read("project.qde")), etree.fromstring(zb.read("project.qde"))
    sel = f"{NS}Sources/{NS}TextSource/{NS}PlainTextSelection"
    assert [s.get("guid") for s in ra.findall(sel)] == [s.get("guid") for s in rb.findall(sel)]


def test_import_refused_by_the_gate_writes_nothing(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    @dataclass
    class RefuseAll:
        def check(self, path: Path) -> None:
            raise InputError(path, "not released by de-identification")

        def describe(self) -> dict[str, object]:
            return {"gate": "refuse"}

    make_project(store)
    path = export_to(store, tmp_path / "p.qdpx")
    with pytest.raises(InputError, match=r"p\.qdpx"):
        import_qdpx_into(fresh, path, "importer", RefuseAll())
    assert fresh.transcripts() == [] and fresh.codings() == []


def test_importing_twice_is_a_conflict_and_adds_nothing(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    make_project(store)
    path = export_to(store, tmp_path / "p.qdpx")
    import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    n = len(fresh.codings())
    with pytest.raises(ConflictError, match="already in the project"):
        import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert len(fresh.codings()) == n


# -- files from other tools ---------------------------------------------------------------

FOREIGN_TEXT = (
    "Interviewer: How was the move?\r\n"
    "Participant: The room was damp. We waited six weeks for a worker.\r\n"
    "Interviewer: And then?\r\n"
    "Participant: Café staff let me charge my phone. That helped.\r\n"
)
CODE_GUID = "{A1B2C3D4-0000-4000-8000-00000000000A}"
USER_GUID = "{B1B2C3D4-0000-4000-8000-00000000000B}"
SOURCE_GUID = "C1B2C3D4-0000-4000-8000-00000000000C"
PHRASES = ["We waited six weeks for a worker.", "Café staff let me charge my phone."]


def _positions(text: str, phrase: str, *, crlf_as: int) -> tuple[int, int]:
    """Where a tool counting ``\\r\\n`` as ``crlf_as`` characters puts ``phrase``."""
    i = text.index(phrase)
    before = text[:i].count("\r\n")
    inside = phrase.count("\r\n")
    shift = 2 - crlf_as
    return i - before * shift, i + len(phrase) - (before + inside) * shift


def foreign_qdpx(
    path: Path,
    *,
    origin: str,
    crlf_as: int,
    names: bool,
    folder: str = "Sources",
    text: str = FOREIGN_TEXT,
    inline: bool = False,
    escape_cr: bool = True,
    bom: bool = True,
    phrases: list[str] = PHRASES,
) -> Path:
    selections = []
    for k, phrase in enumerate(phrases):
        start, end = _positions(text, phrase, crlf_as=crlf_as)
        name = f' name="{phrase}"' if names else f' name="Quotation {k + 1}"'
        selections.append(
            f'<PlainTextSelection guid="{{D0000000-0000-4000-8000-00000000000{k}}}"{name} '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{USER_GUID}">'
            f'<Coding guid="E0000000-0000-4000-8000-00000000000{k}" creatingUser="{USER_GUID}">'
            f'<CodeRef targetGUID="{CODE_GUID.lower()}"/>'
            f'<NoteRef targetGUID="F0000000-0000-4000-8000-00000000000{k}"/>'
            "</Coding></PlainTextSelection>"
        )
    body = "".join(selections)
    if inline:
        content = text.replace("\r", "&#13;") if escape_cr else text
        source = (
            f'<TextSource guid="{SOURCE_GUID}" name="Interview 7.docx">'
            f"<PlainTextContent>{content}</PlainTextContent>{body}</TextSource>"
        )
    else:
        source = (
            f'<TextSource guid="{{{SOURCE_GUID}}}" name="Interview 7.docx" '
            f'plainTextPath="internal://{SOURCE_GUID}.txt">{body}</TextSource>'
        )
    notes = "".join(
        f'<Note guid="F0000000-0000-4000-8000-00000000000{k}" name="memo" '
        f'creatingUser="{USER_GUID}"><PlainTextContent>Note {k}</PlainTextContent></Note>'
        for k in range(len(PHRASES))
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Foreign" origin="{origin}">'
        f'<Users><User guid="{USER_GUID}" name="Ann Analyst"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE_GUID}" name="Waiting" isCodable="true">'
        "<Description>Waiting for help.</Description></Code></Codes></CodeBook>"
        '<Variables><Variable guid="{99999999-0000-4000-8000-000000000001}" name="Role" '
        'typeOfVariable="Text"/><Variable guid="99999999-0000-4000-8000-000000000002" '
        'name="Borough" typeOfVariable="Text"/></Variables>'
        '<Cases><Case guid="99999999-0000-4000-8000-000000000003" name="P07">'
        '<VariableValue><VariableRef targetGUID="99999999-0000-4000-8000-000000000001"/>'
        "<TextValue>Person accessing support</TextValue></VariableValue>"
        '<VariableValue><VariableRef targetGUID="99999999-0000-4000-8000-000000000002"/>'
        "<TextValue>Lewisham</TextValue></VariableValue>"
        f'<SourceRef targetGUID="{{{SOURCE_GUID.lower()}}}"/></Case></Cases>'
        f"<Sources>{source}</Sources><Notes>{notes}</Notes></Project>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        if not inline:
            data = text.encode("utf-8")
            z.writestr(f"{folder}/{SOURCE_GUID}.txt", (b"\xef\xbb\xbf" if bom else b"") + data)
    schema().assertValid(etree.ElementTree(etree.fromstring(qde.encode("utf-8"))))
    return path


def _imported_quotes(store: Store) -> list[str]:
    return [c.quote for c in sorted(store.codings(), key=lambda c: c.start)]


@pytest.mark.parametrize(
    ("origin", "crlf_as", "names", "mode"),
    [
        ("NVivo 14", 2, True, "codepoints"),  # NVivo: \r\n counts 2
        ("NVivo 14", 2, False, "codepoints"),
        ("ATLAS.ti 23", 1, True, "crlf-as-one"),  # ATLAS.ti: \r\n counts 1
        ("ATLAS.ti 23", 1, False, "crlf-as-one"),  # told by origin alone
        ("SomeTool 1.0", 1, True, "crlf-as-one"),  # told by the selection texts alone
    ],
)
def test_foreign_line_end_counting_is_detected(
    fresh: Store, tmp_path: Path, origin: str, crlf_as: int, names: bool, mode: str
) -> None:
    path = foreign_qdpx(tmp_path / "f.qdpx", origin=origin, crlf_as=crlf_as, names=names)
    result = import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    [tid] = result.transcripts
    assert result.position_modes[tid] == mode
    t = fresh.transcript(tid)
    assert "\r" not in t.text and not t.text.startswith("\ufeff")
    assert _imported_quotes(fresh) == PHRASES
    assert {c.coder for c in fresh.codings()} == {"Ann Analyst"}
    [p] = fresh.participants()
    assert (p.pid, p.role, p.attributes) == (
        "P07",
        "Person accessing support",
        {"Borough": "Lewisham"},
    )
    assert t.participant == "P07"
    assert sorted(m.text for m in fresh.memos()) == ["Note 0", "Note 1"]
    assert all(m.coding_id is not None for m in fresh.memos())
    assert [(u.speaker, u.kind.value) for u in t.turns][:2] == [
        ("Interviewer", "interviewer"),
        ("Participant", "participant"),
    ]


def test_lower_case_folder_no_bom_and_inline_content(fresh: Store, tmp_path: Path) -> None:
    path = foreign_qdpx(
        tmp_path / "g.qdpx", origin="QualCoder", crlf_as=1, names=True, folder="sources", bom=False
    )
    import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert _imported_quotes(fresh) == PHRASES


@pytest.mark.parametrize(
    ("crlf_as", "origin", "escape_cr"),
    [(2, "NVivo 14", True), (2, "NVivo 14", False), (1, "ATLAS.ti 9", False)],
)
def test_plain_text_content_inside_the_xml(
    fresh: Store, tmp_path: Path, crlf_as: int, origin: str, escape_cr: bool
) -> None:
    # A literal \r\n inside XML reaches the parser as \n, so NVivo's counts (2 per line
    # end) must then be mapped onto one character per line end; written as &#13; the \r
    # survives and the counts are plain code points.
    path = foreign_qdpx(
        tmp_path / "h.qdpx",
        origin=origin,
        crlf_as=crlf_as,
        names=False,
        inline=True,
        escape_cr=escape_cr,
    )
    import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert _imported_quotes(fresh) == PHRASES


def test_unnormalised_text_is_normalised_and_offsets_remapped(fresh: Store, tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", FOREIGN_TEXT)
    assert decomposed != FOREIGN_TEXT
    path = foreign_qdpx(
        tmp_path / "n.qdpx",
        origin="NVivo 14",
        crlf_as=2,
        names=True,
        text=decomposed,
        phrases=[unicodedata.normalize("NFD", p) for p in PHRASES],
    )
    [tid] = import_qdpx_into(fresh, path, "importer", NotIdentifiableGate()).transcripts
    text = fresh.transcript(tid).text
    assert unicodedata.is_normalized("NFC", text) and "Café" in text
    assert _imported_quotes(fresh) == PHRASES


def test_codes_from_another_tool_get_ids_and_merge_into_the_codebook(
    fresh: Store, tmp_path: Path
) -> None:
    fresh.set_codebook(Codebook("Ours", [Code("ours", "Our code", "Mine.")]), "tester")
    path = foreign_qdpx(tmp_path / "f.qdpx", origin="NVivo 14", crlf_as=2, names=True)
    result = import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert result.codes_added == 1
    cb = fresh.codebook()
    assert cb.name == "Ours" and [c.cid for c in cb.codes] == ["ours", "waiting"]
    assert {c.code for c in fresh.codings()} == {"waiting"}


def test_guid_forms_are_read_alike() -> None:
    g = "a1b2c3d4-0000-4000-8000-00000000000a"
    assert plain_guid("{A1B2C3D4-0000-4000-8000-00000000000A}") == g
    assert plain_guid(" a1b2c3d4-0000-4000-8000-00000000000A ") == g
    assert plain_guid("not-a-guid") is None


# -- bad files ----------------------------------------------------------------------------


def test_not_a_zip_is_a_one_line_error_naming_the_file(fresh: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"Participant: my name is not a zip")
    with pytest.raises(InputError, match=r"bad\.qdpx.*not a ZIP") as e:
        import_qdpx_into(fresh, bad, "importer", NotIdentifiableGate())
    assert "Participant" not in str(e.value)


def test_missing_source_file_and_unknown_code_are_errors(fresh: Store, tmp_path: Path) -> None:
    good = foreign_qdpx(tmp_path / "f.qdpx", origin="NVivo", crlf_as=2, names=True)
    with zipfile.ZipFile(good) as z:
        qde = z.read("project.qde")
    no_text = tmp_path / "no_text.qdpx"
    with zipfile.ZipFile(no_text, "w") as z:
        z.writestr("project.qde", qde)
    with pytest.raises(InputError, match="not in the archive"):
        read_qdpx(no_text)
    wrong_code = tmp_path / "wrong_code.qdpx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(wrong_code, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "project.qde":
                data = data.replace(
                    b'<CodeRef targetGUID="{a1b2c3d4', b'<CodeRef targetGUID="{a1b2c3d5'
                )
            z.writestr(info, data)
    with pytest.raises(InputError, match="not in the codebook") as e:
        import_qdpx_into(fresh, wrong_code, "importer", NotIdentifiableGate())
    assert "waited" not in str(e.value)
    assert fresh.transcripts() == []


def test_selection_outside_the_text_is_an_error(fresh: Store, tmp_path: Path) -> None:
    good = foreign_qdpx(tmp_path / "f.qdpx", origin="NVivo", crlf_as=2, names=False)
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "project.qde":
                data = data.replace(b'endPosition="', b'endPosition="9999', 1)
            z.writestr(info, data)
    with pytest.raises(InputError, match="outside its source text"):
        import_qdpx_into(fresh, broken, "importer", NotIdentifiableGate())
    assert fresh.transcripts() == []


def test_empty_project_exports_a_valid_file_that_imports_to_nothing(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    path = export_to(store, tmp_path / "empty.qdpx")
    with zipfile.ZipFile(path) as z:
        assert z.namelist() == ["project.qde"]
        schema().assertValid(etree.ElementTree(etree.fromstring(z.read("project.qde"))))
    result = import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert (result.transcripts, result.codings, result.memos) == ([], 0, 0)


def test_a_removed_code_that_still_has_codings_is_exported(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    make_project(store, memos=False)
    cb = store.codebook()
    cb.codes = [c for c in cb.codes if c.cid != "funding.shortterm"]
    store.set_codebook(cb, "tester")
    assert "funding.shortterm" not in store.codebook().by_id()
    path = export_to(store, tmp_path / "p.qdpx")
    root = etree.fromstring(zipfile.ZipFile(path).read("project.qde"))
    assert code_guid("funding.shortterm") in {c.get("guid") for c in root.iter(f"{NS}Code")}
    import_qdpx_into(fresh, path, "importer", NotIdentifiableGate())
    assert coding_rows(fresh) == coding_rows(store)
