"""REFI-QDA files written the way NVivo (Windows, Mac), QualCoder, ATLAS.ti and MAXQDA write
them; exports other tools read; one file per coder; imports all or nothing.

Every fixture asserts the exact coded text and coder of every selection.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from qualkit.cli import cli
from qualkit.errors import ConflictError, QualkitError
from qualkit.model import Code, Codebook, Coding, Memo, Role
from qualkit.project import NotIdentifiableGate
from qualkit.refiqda import (
    PROJECT_XSD,
    export_qdpx,
    import_qdpx_files,
    import_qdpx_into,
    read_qdpx,
)
from qualkit.refiqda.positions import CODEPOINTS, UTF16, Reading, WrittenSelection, choose_reading
from qualkit.storage import Store

NS = "{urn:QDA-XML:project:1.0}"
GATE = NotIdentifiableGate()

ANN = "A0000000-0000-4000-8000-0000000000A1"
BEN = "A0000000-0000-4000-8000-0000000000B2"
LEAD = "A0000000-0000-4000-8000-0000000000C3"  # who created the codes (NVivo's <Coding>)
WAIT = "C0000000-0000-4000-8000-000000000001"
HELP = "C0000000-0000-4000-8000-000000000002"
SOURCE = "5E000000-0000-4000-8000-000000000001"

# Emoji before every coding: read as code points, NVivo's UTF-16 positions drift.
EMOJI_TEXT = (
    "Interviewer: How was the move? 🙂🙂\n"
    "Participant: Unfortunately everything was damp 😞 and cold. Waiting lists everywhere, "
    "waiting months for a worker.\n"
    "Interviewer: And then? 👍\n"
    "Participant: Café staff let me charge my phone 📱. Honestly that helped 💪 enormously.\n"
)


@dataclass
class Sel:
    phrase: str
    coder: str
    code: str
    comment: str = ""
    occurrence: int = 0


SELS = [
    Sel("Unfortunately everything was damp", ANN, WAIT),
    Sel("Waiting lists everywhere", ANN, WAIT, "Ann's comment"),
    Sel("waiting months for a worker", BEN, WAIT),
    Sel("Café staff let me charge my phone", BEN, HELP, "Ben's comment"),
    Sel("Honestly that helped", ANN, HELP),
]
CODER_NAMES = {ANN: "Ann Analyst", BEN: "Ben Coder", LEAD: "Lead Researcher"}


def _index(raw: str, s: Sel) -> int:
    i = -1
    for _ in range(s.occurrence + 1):
        i = raw.index(s.phrase, i + 1)
    return i


def _pos(raw: str, i: int, counting: str) -> int:
    if counting == "utf16":
        return len(raw[:i].encode("utf-16-le")) // 2
    if counting == "crlf-as-one":
        return i - raw[:i].count("\r\n")
    return i


def tool_qdpx(
    path: Path,
    *,
    origin: str,
    raw: str,
    counting: str,
    names: bool,
    bom: bool = False,
    coding_user: str | None = None,
    sels: Sequence[Sel] = SELS,
    extra_notes: str = "",
    project_refs: str = "",
    sets: str = "",
    source_guid: str = SOURCE,
    users: Sequence[str] = (ANN, BEN, LEAD),
) -> Path:
    """A .qdpx as ``origin`` writes one. ``counting``: codepoints, utf16 or crlf-as-one.

    ``coding_user``: who ``<Coding creatingUser>`` names (NVivo: the code's creator);
    ``None`` means the selection's creator.
    """
    body = []
    for k, s in enumerate(sels):
        i = _index(raw, s)
        start, end = _pos(raw, i, counting), _pos(raw, i + len(s.phrase), counting)
        name = s.phrase if names else ""
        desc = f"<Description>{s.comment}</Description>" if s.comment else ""
        body.append(
            f'<PlainTextSelection guid="{{D0000000-0000-4000-8000-{k:012d}}}" name="{name}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{{{s.coder}}}" '
            f'creationDateTime="2024-03-01T10:00:00Z">{desc}'
            f'<Coding guid="E0000000-0000-4000-8000-{k:012d}" '
            f'creatingUser="{coding_user or s.coder}" creationDateTime="2023-01-01T09:00:00Z">'
            f'<CodeRef targetGUID="{s.code}"/></Coding></PlainTextSelection>'
        )
    users_xml = "".join(f'<User guid="{u}" name="{CODER_NAMES[u]}"/>' for u in users)
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Study" origin="{origin}">'
        f"<Users>{users_xml}</Users>"
        "<CodeBook><Codes>"
        f'<Code guid="{WAIT}" name="Waiting" isCodable="true"/>'
        f'<Code guid="{HELP}" name="Help" isCodable="true"/>'
        "</Codes></CodeBook>"
        f'<Sources><TextSource guid="{source_guid}" name="Interview 3" '
        f'plainTextPath="internal://{source_guid}.txt">{"".join(body)}</TextSource></Sources>'
        f"{extra_notes}{sets}{project_refs}</Project>"
    )
    root = etree.fromstring(qde.encode("utf-8"))
    etree.XMLSchema(etree.parse(str(PROJECT_XSD))).assertValid(etree.ElementTree(root))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr(
            f"Sources/{source_guid}.txt", (b"\xef\xbb\xbf" if bom else b"") + raw.encode("utf-8")
        )
    return path


def expected(sels: Sequence[Sel] = SELS) -> list[tuple[str, str, str]]:
    return sorted(
        (s.phrase, CODER_NAMES[s.coder], "waiting" if s.code == WAIT else "help") for s in sels
    )


def got(codings: Sequence[Coding]) -> list[tuple[str, str, str]]:
    return sorted((c.quote, c.coder, c.code) for c in codings)


def nvivo_windows_qdpx(
    path: Path, *, sels: Sequence[Sel] = SELS, source_guid: str = SOURCE
) -> Path:
    """A .qdpx as NVivo 12 for Windows writes one: CRLF line ends, a byte-order mark,
    UTF-16 positions, empty selection names and the code's creator on ``<Coding>``."""
    return tool_qdpx(
        path,
        origin="NVivo 12 for Windows",
        raw=EMOJI_TEXT.replace("\n", "\r\n"),
        counting="utf16",
        names=False,
        bom=True,
        coding_user=LEAD,
        sels=sels,
        source_guid=source_guid,
    )


def snapshot(store: Store) -> tuple[object, ...]:
    return (
        store.project().name,
        store.project().description,
        [(u.name, u.role) for u in store.users()],
        store.codebook(include_inactive=True).codes,
        [(t.tid, t.text) for t in store.transcripts(with_text=True)],
        [(c.coder, c.transcript, c.start, c.end, c.code, c.memo) for c in store.codings()],
        [(m.author, m.text, m.transcript, m.coding_id) for m in store.memos()],
        len(store.events()),
    )


# -- NVivo ------------------------------------------------------------------------------


def test_nvivo_windows_utf16_crlf_bom_empty_names_and_code_creator_on_coding(
    fresh: Store, tmp_path: Path
) -> None:
    path = nvivo_windows_qdpx(tmp_path / "nvivo-win.qdpx")
    result = import_qdpx_into(fresh, path, "importer", GATE)
    [tid] = result.transcripts
    assert result.position_modes[tid] == "utf16"
    assert got(fresh.codings()) == expected()
    assert "Lead Researcher" not in {c.coder for c in fresh.codings()}
    assert any(
        f"transcript {tid}: positions read as utf16" in n and "NVivo" in n for n in result.notes
    )
    text = fresh.transcript(tid).text
    assert "\r" not in text and not text.startswith("\ufeff")


def test_nvivo_mac_utf16_lf_no_bom(fresh: Store, tmp_path: Path) -> None:
    path = tool_qdpx(
        tmp_path / "nvivo-mac.qdpx",
        origin="NVivo 12 for Mac",
        raw=EMOJI_TEXT,
        counting="utf16",
        names=False,
    )
    result = import_qdpx_into(fresh, path, "importer", GATE)
    assert list(result.position_modes.values()) == ["utf16"]
    assert got(fresh.codings()) == expected()


def test_unknown_origin_and_empty_names_choose_by_word_boundaries(
    fresh: Store, tmp_path: Path
) -> None:
    path = tool_qdpx(
        tmp_path / "anon.qdpx", origin="", raw=EMOJI_TEXT, counting="utf16", names=False
    )
    result = import_qdpx_into(fresh, path, "importer", GATE)
    assert list(result.position_modes.values()) == ["utf16"]
    assert got(fresh.codings()) == expected()
    [note] = [n for n in result.notes if "positions read as" in n]
    assert "word boundaries" in note and "under codepoints" in note
    assert "Unfortunately" not in note  # never quotes the text


def test_unknown_origin_code_points_stay_code_points(fresh: Store, tmp_path: Path) -> None:
    path = tool_qdpx(
        tmp_path / "anon.qdpx", origin="", raw=EMOJI_TEXT, counting="codepoints", names=False
    )
    result = import_qdpx_into(fresh, path, "importer", GATE)
    assert list(result.position_modes.values()) == ["codepoints"]
    assert got(fresh.codings()) == expected()


def test_choose_reading_reasons() -> None:
    raw = "ab 🙂 cd ef"
    spans = [WrittenSelection(6, 8, "")]  # "cd" in UTF-16 units
    assert choose_reading(raw, spans, "NVivo 14", False)[0] == UTF16
    assert choose_reading(raw, spans, "", False, CODEPOINTS) == (
        CODEPOINTS,
        "the file says how it counts",
    )
    assert choose_reading("plain", [], "", False)[0] == CODEPOINTS
    assert Reading.parse("utf16+crlf-as-one+bom") == Reading("utf16", "crlf-as-one", True)
    assert Reading("utf16", "crlf-as-one", True).name == "utf16+crlf-as-one+bom"


# -- QualCoder, ATLAS.ti, MAXQDA: comments and memos ------------------------------------

NOTES = (
    "<Notes>"
    '<Note guid="F0000000-0000-4000-8000-000000000001" name="Journal" '
    f'creatingUser="{ANN}" plainTextPath="internal://F0000000-0000-4000-8000-000000000001.txt"/>'
    '<Note guid="F0000000-0000-4000-8000-000000000002" name="Annotation" '
    f'creatingUser="{BEN}"><PlainTextContent>An annotation</PlainTextContent>'
    '<PlainTextSelection guid="F0000000-0000-4000-8000-000000000003" startPosition="0" '
    'endPosition="2"/></Note>'
    "</Notes>"
)
PROJECT_REFS = '<NoteRef targetGUID="F0000000-0000-4000-8000-000000000001"/>'


def notes_qdpx(path: Path, *, origin: str, raw: str, counting: str, names: bool) -> Path:
    """A .qdpx with comments, a journal (with its own text file) and annotations."""
    path = tool_qdpx(
        path,
        origin=origin,
        raw=raw,
        counting=counting,
        names=names,
        extra_notes=NOTES,
        project_refs=PROJECT_REFS,
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("Sources/F0000000-0000-4000-8000-000000000001.txt", "Journal entry")
    return path


@pytest.mark.parametrize(
    ("origin", "counting", "line_end", "names"),
    [
        ("QualCoder 3.5", "codepoints", "\n", True),
        ("ATLAS.ti 23", "crlf-as-one", "\r\n", False),
        ("MAXQDA 2022", "codepoints", "\r\n", True),
    ],
)
def test_comments_journals_and_annotations_become_memos(
    fresh: Store, tmp_path: Path, origin: str, counting: str, line_end: str, names: bool
) -> None:
    raw = EMOJI_TEXT.replace("\n", line_end)
    path = notes_qdpx(
        tmp_path / "tool.qdpx", origin=origin, raw=raw, counting=counting, names=names
    )
    import_qdpx_into(fresh, path, "importer", GATE)
    assert got(fresh.codings()) == expected()
    memos = {(c.quote, c.memo) for c in fresh.codings() if c.memo}
    assert memos == {
        ("Waiting lists everywhere", "Ann's comment"),
        ("Café staff let me charge my phone", "Ben's comment"),
    }
    assert sorted((m.author, m.text, m.transcript) for m in fresh.memos()) == [
        ("Ann Analyst", "Journal entry", None),
        ("Ben Coder", "An annotation", None),
    ]


def test_a_source_description_is_a_memo_on_the_transcript(fresh: Store, tmp_path: Path) -> None:
    """QualCoder writes a document's memo as its ``<TextSource>``'s ``<Description>``."""
    path = tool_qdpx(tmp_path / "qc.qdpx", origin="QualCoder 3.6", raw=EMOJI_TEXT,
                     counting="codepoints", names=True)  # fmt: skip
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    qde = members["project.qde"].decode("utf-8")
    opening = f'plainTextPath="internal://{SOURCE}.txt">'
    assert opening in qde
    members["project.qde"] = qde.replace(
        opening,
        f'plainTextPath="internal://{SOURCE}.txt" creatingUser="{BEN}">'
        "<Description>Recorded in a noisy café.</Description>",
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    import_qdpx_into(fresh, path, "importer", GATE)
    [t] = fresh.transcripts()
    assert [(m.author, m.text, m.transcript) for m in fresh.memos()] == [
        ("Ben Coder", "Recorded in a noisy café.", t.tid)
    ]
    assert got(fresh.codings()) == expected()


# -- writing for other tools ------------------------------------------------------------


def coded_project(store: Store) -> None:
    from qualkit.importers import parse_turns
    from qualkit.model import Transcript
    from qualkit.text import text_hash

    store.set_codebook(
        Codebook("Book", [Code("waiting", "Waiting", "W."), Code("help", "Help", "H.")]), "t"
    )
    for name, role in [
        ("admin", Role.ADMIN),
        ("ann", Role.CODER),
        ("ben", Role.RESEARCHER),
        ("reader", Role.READER),
    ]:
        store.add_user(name, role, "t")
    text = EMOJI_TEXT
    t = Transcript(
        tid="t1",
        title="Interview",
        text=text,
        source_name="t1.txt",
        text_hash=text_hash(text),
        turns=parse_turns(text).turns,
    )
    store.add_transcripts([(t, None)], "t")
    for s in SELS:
        i = _index(text, s)
        coder = "ann" if s.coder == ANN else "ben"
        code = "waiting" if s.code == WAIT else "help"
        store.add_coding(Coding(coder, "t1", i, i + len(s.phrase), code, memo=s.comment))
    store.add_memo(Memo("admin", "A project memo"))


def test_utf16_export_for_nvivo_and_an_independent_reader(store: Store, tmp_path: Path) -> None:
    pyqdpx = pytest.importorskip("pyqdpx")
    coded_project(store)
    out = tmp_path / "nvivo.qdpx"
    runner = CliRunner()
    r = runner.invoke(cli, ["export", "qdpx", store.url, "--out", str(out), "--positions", "utf16"])
    assert r.exit_code == 0, r.output
    project = pyqdpx.QDPX(str(out)).get_project()
    seen = []
    for source in project.sources.values():
        for sel in source.coded_selections.values():
            # pyqdpx counts as NVivo does (UTF-16 units, padding astral characters).
            seen.append((sel.text.replace("\u200b", ""), sel.user.name, sel.code.name))
    want = sorted(
        (s.phrase, "ann" if s.coder == ANN else "ben", "Waiting" if s.code == WAIT else "Help")
        for s in SELS
    )
    assert sorted(seen) == want


def test_round_trip_keeps_project_roles_and_writes_what_tools_expect(
    store: Store, fresh: Store, tmp_path: Path
) -> None:
    coded_project(store)
    from qualkit.storage import Store as _Store

    assert isinstance(store, _Store)
    store.update_project("t", name="Peer study", description="Housing and support")
    out = tmp_path / "p.qdpx"
    with out.open("wb") as f:
        export_qdpx(store, f)
    root = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
    # Coders first; accounts that neither coded nor wrote a memo are left out.
    assert [u.get("name") for u in root.iter(f"{NS}User")] == ["ann", "ben", "admin"]
    times = [e.get("creationDateTime") for e in root.iter() if e.get("creationDateTime")]
    assert times and all(len(t) == 20 and t.endswith("Z") for t in times)
    assert not any("Code id" in (d.text or "") for d in root.iter(f"{NS}Description"))
    import_qdpx_into(fresh, out, "importer", GATE)
    assert (fresh.project().name, fresh.project().description) == (
        "Peer study",
        "Housing and support",
    )
    roles = {u.name: u.role for u in fresh.users()}
    assert (roles["ann"], roles["ben"], roles["admin"]) == (Role.CODER, Role.RESEARCHER, Role.ADMIN)
    assert "reader" not in roles
    assert got(fresh.codings()) == got(store.codings())
    assert {(c.quote, c.memo) for c in fresh.codings()} == {
        (c.quote, c.memo) for c in store.codings()
    }
    assert [(m.author, m.text) for m in fresh.memos()] == [("admin", "A project memo")]


def test_utf16_export_reads_back_losslessly(store: Store, fresh: Store, tmp_path: Path) -> None:
    coded_project(store)
    out = tmp_path / "p.qdpx"
    with out.open("wb") as f:
        export_qdpx(store, f, positions="utf16")
    import_qdpx_into(fresh, out, "importer", GATE)
    assert got(fresh.codings()) == got(store.codings())


def test_sets_are_reported_by_name(fresh: Store, tmp_path: Path) -> None:
    sets = (
        '<Sets><Set guid="5E700000-0000-4000-8000-000000000001" name="Wave 1">'
        f'<MemberSource targetGUID="{SOURCE}"/></Set></Sets>'
    )
    path = tool_qdpx(
        tmp_path / "s.qdpx",
        origin="MAXQDA 2022",
        raw=EMOJI_TEXT,
        counting="codepoints",
        names=True,
        sets=sets,
    )
    result = import_qdpx_into(fresh, path, "importer", GATE)
    assert any("set 'Wave 1'" in n and "not imported" in n for n in result.notes)


# -- one file per coder -----------------------------------------------------------------


def per_coder_files(tmp_path: Path) -> list[Path]:
    out = []
    for who, guid in (("ann", ANN), ("ben", BEN)):
        out.append(
            nvivo_windows_qdpx(
                tmp_path / f"{who}.qdpx",
                sels=[s for s in SELS if s.coder == guid],
                # Each copy of the project gives the source its own GUID.
                source_guid=SOURCE if who == "ann" else "5E000000-0000-4000-8000-0000000000BB",
            )
        )
    return out


def test_one_file_per_coder_merges_into_one_transcript(fresh: Store, tmp_path: Path) -> None:
    files = per_coder_files(tmp_path)
    result = import_qdpx_files(fresh, files, "importer", GATE)
    assert len(result.transcripts) == 1 and len(fresh.transcripts()) == 1
    assert got(fresh.codings()) == expected()
    assert {c.transcript for c in fresh.codings()} == set(result.transcripts)
    # The same files again: each coder's layer is already there.
    before = snapshot(fresh)
    with pytest.raises(ConflictError, match="already in the project"):
        import_qdpx_files(fresh, files, "importer", GATE)
    assert snapshot(fresh) == before


def test_cli_import_and_agreement_take_one_file_per_coder(
    project_path: str, tmp_path: Path
) -> None:
    files = [str(f) for f in per_coder_files(tmp_path)]
    runner = CliRunner()
    r = runner.invoke(cli, ["agreement", *files, "--bootstrap", "0"])
    assert r.exit_code == 0, r.output
    assert "Ann Analyst" in r.output and "Ben Coder" in r.output
    r = runner.invoke(cli, ["import", project_path, *files, "--not-identifiable"])
    assert r.exit_code == 0, r.output
    assert "Imported 1 transcript(s), 5 coding(s)" in r.output
    with Store.open(project_path) as s:
        assert got(s.codings()) == expected()


# -- all or nothing ---------------------------------------------------------------------


def test_an_error_part_way_leaves_the_project_as_before(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set_codebook(Codebook("Ours", [Code("ours", "Ours", "Mine.")]), "tester")
    path = notes_qdpx(
        tmp_path / "q.qdpx", origin="QualCoder", raw=EMOJI_TEXT, counting="codepoints", names=True
    )
    before = snapshot(store)

    def fail(memo: Memo) -> int:
        raise QualkitError("disk full")

    # Users, codes, transcripts and codings are written before the memos.
    monkeypatch.setattr(store, "add_memo", fail)
    with pytest.raises(QualkitError, match="disk full"):
        import_qdpx_into(store, path, "importer", GATE)
    monkeypatch.undo()
    assert snapshot(store) == before
    import_qdpx_into(store, path, "importer", GATE)
    assert got(store.codings()) == expected()


def test_read_only_file_reader_needs_no_database(tmp_path: Path) -> None:
    path = tool_qdpx(
        tmp_path / "r.qdpx",
        origin="NVivo 14",
        raw=EMOJI_TEXT,
        counting="utf16",
        names=False,
        coding_user=LEAD,
    )
    content = read_qdpx(path)
    assert got(content.codings) == expected()
