"""Codebooks: YAML format, validation errors, REFI-QDA .qdc exchange and version diffs."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualkit.refiqda as refiqda_package
from qualkit.codebook import (
    ChangeKind,
    diff_codebooks,
    dump_codebook,
    load_codebook,
    loads_codebook,
    save_codebook,
    tree_order,
    validate_codebook,
)
from qualkit.errors import CodebookError
from qualkit.model import Code, Codebook, Provenance
from qualkit.refiqda.common import QUALKIT_CODE_NAMESPACE
from qualkit.refiqda.qdc import (
    DEFAULT_XSD,
    QDC_NAMESPACE,
    code_guid,
    export_qdc,
    format_description,
    import_qdc,
    parse_description,
    qdc_bytes,
    save_qdc,
    validate_qdc,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "codebooks" / "multiple-disadvantage.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codebook"

EXPECTED_IDS = {
    "access": [
        "access.referrals",
        "access.waiting",
        "access.transitions",
        "access.eligibility",
        "access.paperwork",
    ],
    "needs": ["needs.trauma", "needs.gender", "needs.culture", "needs.dual", "needs.housing"],
    "personled": [
        "personled.relapse",
        "personled.choice",
        "personled.peer",
        "personled.stigma",
        "personled.outcomes",
    ],
    "practitioners": [
        "practitioners.caseloads",
        "practitioners.training",
        "practitioners.burnout",
        "practitioners.lived",
        "practitioners.relationship",
    ],
    "funding": [
        "funding.shortterm",
        "funding.silos",
        "funding.competition",
        "funding.targets",
    ],
}


@pytest.fixture(scope="module")
def shipped() -> Codebook:
    return load_codebook(SHIPPED)


def qdc_of(cb: Codebook) -> bytes:
    buffer = io.BytesIO()
    export_qdc(cb, buffer)
    return buffer.getvalue()


# --- The shipped codebook ----------------------------------------------------------------


def test_shipped_codebook_has_the_agreed_themes_and_codes(shipped: Codebook) -> None:
    themes = shipped.children(None)
    assert [t.cid for t in themes] == list(EXPECTED_IDS)
    for theme in themes:
        assert [c.cid for c in shipped.children(theme.cid)] == EXPECTED_IDS[theme.cid]
        assert shipped.descendants(theme.cid) == shipped.children(theme.cid)
    assert len(shipped.codes) == 5 + sum(len(v) for v in EXPECTED_IDS.values())


def test_shipped_codes_are_fully_described(shipped: Codebook) -> None:
    ids = set(shipped.by_id())
    examples_seen: set[str] = set()
    for code in shipped.codes:
        assert code.name.strip() and code.definition.strip(), code.cid
        sentences = re.findall(r"[.!?](?:\s|$)", code.definition)
        assert 1 <= len(sentences) <= 3, code.cid
        if code.parent is None:
            continue
        assert code.codable
        assert code.include.strip() and code.exclude.strip(), code.cid
        assert 2 <= len(code.examples) <= 3, code.cid
        for example in code.examples:
            assert example not in examples_seen, example
            examples_seen.add(example)
        referenced = set(re.findall(r"\(([a-z]+\.[a-z]+)\)", code.exclude))
        assert referenced, f"{code.cid} exclude names no neighbouring code"
        assert referenced <= ids - {code.cid}, code.cid


def test_shipped_colours_are_per_theme_and_distinct(shipped: Codebook) -> None:
    themes = shipped.children(None)
    colours = [t.colour for t in themes]
    assert all(c is not None and re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(colours)) == len(themes)
    for theme in themes:
        assert not theme.codable
        assert {c.colour for c in shipped.children(theme.cid)} == {theme.colour}


def test_shipped_codebook_passes_validation(shipped: Codebook) -> None:
    validate_codebook(shipped)


# --- YAML round trip ---------------------------------------------------------------------


def test_yaml_round_trip_of_shipped_codebook(shipped: Codebook) -> None:
    text = dump_codebook(shipped)
    again = loads_codebook(text)
    assert again == shipped
    assert dump_codebook(again) == text


def test_flat_and_nested_forms_load_to_the_same_codebook() -> None:
    nested = """
name: Demo
codes:
  - id: t
    name: Theme
    codable: false
    codes:
      - id: t.a
        name: A
        definition: first
      - id: t.b
        name: B
        definition: second
        codes:
          - id: t.b.x
            name: X
            definition: third
"""
    flat = """
name: Demo
codes:
  - id: t.b.x
    parent: t.b
    name: X
    definition: third
  - id: t
    name: Theme
    codable: false
  - id: t.a
    parent: t
    name: A
    definition: first
  - id: t.b
    parent: t
    name: B
    definition: second
"""
    a = loads_codebook(nested)
    b = loads_codebook(flat)
    assert a == b
    assert [c.cid for c in b.codes] == ["t", "t.a", "t.b", "t.b.x"]
    assert b.by_id()["t.b.x"].parent == "t.b"


def test_dump_writes_tree_order_and_omits_defaults() -> None:
    cb = Codebook(
        name="Order",
        codes=[
            Code("b.child", "Child", "c", parent="b"),
            Code("a", "A", "a"),
            Code("b", "B", "b"),
        ],
    )
    text = dump_codebook(cb)
    assert "codable" not in text and "provenance" not in text and "version" not in text
    again = loads_codebook(text)
    assert [c.cid for c in again.codes] == ["a", "b", "b.child"]
    assert again.codes == tree_order(cb)


def test_yaml_reads_plain_words_as_text_and_keeps_line_breaks() -> None:
    cb = loads_codebook(
        """
name: 2024
codes:
  - id: 10
    name: yes
    definition: |
      Two
      lines
    include: null-ish
    examples: [1.5, "quoted: text"]
"""
    )
    code = cb.codes[0]
    assert cb.name == "2024"
    assert (code.cid, code.name) == ("10", "yes")
    assert code.definition == "Two\nlines\n"
    assert code.examples == ["1.5", "quoted: text"]
    assert loads_codebook(dump_codebook(cb)) == cb


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: B\ncodes:\n  - id: a\n    name: A\n    definition: d\n")
    assert load_codebook(path).codes[0].cid == "a"


def test_windows_line_endings_load_the_same(tmp_path: Path, shipped: Codebook) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(SHIPPED.read_bytes().replace(b"\n", b"\r\n"))
    assert load_codebook(path) == shipped


def test_save_codebook_is_atomic_and_round_trips(tmp_path: Path, shipped: Codebook) -> None:
    target = tmp_path / "out.yaml"
    save_codebook(shipped, target)
    assert load_codebook(target) == shipped
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


# --- YAML errors name the file and the line ----------------------------------------------

BASE = """name: Errors
codes:
  - id: a
    name: A
    definition: something
"""

ERROR_CASES = [
    (
        "duplicate id",
        BASE + "  - id: a\n    name: B\n    definition: d\n",
        6,
        "duplicate code id 'a'",
    ),
    (
        "duplicate sibling name",
        BASE + "  - id: b\n    name: a\n    definition: d\n",
        7,
        "duplicate name 'a'",
    ),
    (
        "unknown parent",
        BASE + "  - id: b\n    name: B\n    parent: nowhere\n    definition: d\n",
        8,
        "unknown parent 'nowhere'",
    ),
    (
        "cycle",
        "name: C\ncodes:\n  - id: a\n    name: A\n    parent: b\n    definition: d\n"
        "  - id: b\n    name: B\n    parent: a\n    definition: d\n",
        5,
        "cycle",
    ),
    ("self parent", BASE + "    parent: a\n", 6, "cycle"),
    ("empty definition", BASE + "  - id: b\n    name: B\n", 6, "empty definition"),
    (
        "blank definition",
        BASE + "  - id: b\n    name: B\n    definition: '   '\n",
        8,
        "empty definition",
    ),
    ("bad colour", BASE + '    colour: "#12345"\n', 6, "bad colour"),
    ("colour name", BASE + "    colour: red\n", 6, "bad colour"),
    ("unquoted colour", BASE + "    colour: #FF0000\n", 6, "must be quoted"),
    ("unknown key", BASE + '    color: "#FF0000"\n', 6, "unknown key 'color'"),
    ("unknown top key", "title: x\n" + BASE, 1, "unknown key 'title'"),
    # Words pasted where a key goes are not repeated in the message.
    ("text as a key", "Kim told me about the van: x\n" + BASE, 1, "unknown key in the codebook"),
    ("yaml syntax", BASE + "  - id: b\n    name: [B\n", 7, "YAML syntax error"),
    ("tab indent", BASE + "\t- id: b\n", 6, "YAML syntax error"),
    ("bad indentation", BASE + "   include: x\n", 6, "check the indentation"),
    ("NUL character", BASE + "    include: a\x00b\n", 6, "U+0000"),
    ("duplicate key", BASE + "    name: again\n", 6, "duplicate key 'name'"),
    ("not a mapping", "- a\n- b\n", 1, "mapping"),
    ("no codes key", "name: x\n", 1, "no 'codes'"),
    ("no codes", "name: x\ncodes: []\n", 2, "no codes"),
    ("no name key", "codes:\n  - id: a\n    name: A\n    definition: d\n", 1, "no 'name'"),
    ("code without id", BASE + "  - name: B\n    definition: d\n", 6, "no 'id'"),
    ("bad id", BASE + "  - id: a b\n    name: B\n    definition: d\n", 6, "not valid"),
    (
        "nested parent mismatch",
        "name: N\ncodes:\n  - id: a\n    name: A\n    codable: false\n    codes:\n"
        "      - id: b\n        name: B\n        parent: c\n        definition: d\n",
        9,
        "nested under 'a'",
    ),
    ("examples not a list", BASE + "    examples: one\n", 6, "must be a list"),
    ("empty example", BASE + "    examples: ['ok', '']\n", 6, "example 2"),
    ("codable not boolean", BASE + "    codable: maybe\n", 6, "true or false"),
    ("unknown provenance", BASE + "    provenance: robot\n", 6, "provenance"),
    ("control character", BASE + '    include: "a\\x07b"\n', 6, "U+0007"),
    ("two-line name", BASE + '  - id: b\n    name: "B\\nC"\n    definition: d\n', 7, "single line"),
    ("version zero", "version: 0\n" + BASE, 1, "version"),
    ("two documents", BASE + "---\nname: other\n", 6, "single document"),
    ("definition is a list", BASE + "    include: [a, b]\n", 6, "must be text"),
]


@pytest.mark.parametrize(
    ("text", "line", "phrase"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_yaml_errors_name_file_line_and_problem(
    tmp_path: Path, text: str, line: int, phrase: str
) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")
    assert phrase in error.problem
    assert "\n" not in str(error)


def test_non_utf8_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.encode() + "    include: café\n".encode("latin-1"))
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert caught.value.line == 6
    assert str(caught.value).startswith(f"{path}:6: ")
    assert "UTF-8" in caught.value.problem


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n", b"\xef\xbb\xbf"])
def test_empty_file_is_an_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    with pytest.raises(CodebookError, match="empty") as caught:
        load_codebook(path)
    assert caught.value.path == str(path)


def test_missing_file_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="cannot read"):
        load_codebook(tmp_path / "absent.yaml")


def test_loads_names_the_given_source() -> None:
    with pytest.raises(CodebookError) as caught:
        loads_codebook(BASE + "    colour: red\n", source="upload.yaml")
    assert str(caught.value).startswith("upload.yaml:6: ")


def test_relaxed_loading_allows_missing_definitions() -> None:
    text = BASE + "  - id: b\n    name: B\n"
    with pytest.raises(CodebookError):
        loads_codebook(text)
    assert loads_codebook(text, require_definitions=False).by_id()["b"].definition == ""


def test_validate_codebook_on_a_model() -> None:
    good = Codebook("M", [Code("a", "A", "d"), Code("a.b", "B", "d", parent="a")])
    validate_codebook(good)
    cases = [
        (Codebook("M", [Code("a", "A", "d"), Code("a", "B", "d")]), "duplicate code id"),
        (Codebook("M", [Code("a", "A", "d", parent="zz")]), "unknown parent"),
        (Codebook("M", [Code("a", "A", "d", colour="#GGGGGG")]), "bad colour"),
        (Codebook("M", [Code("a", "A", "")]), "empty definition"),
        (Codebook("M", [Code("a", "A", "d"), Code("b", " a ", "d")]), "duplicate name"),
        (Codebook("", [Code("a", "A", "d")]), "name is empty"),
        (Codebook("M", []), "no codes"),
    ]
    for cb, phrase in cases:
        with pytest.raises(CodebookError, match=phrase) as caught:
            validate_codebook(cb, source="memory")
        assert caught.value.path == "memory"
    validate_codebook(Codebook("M", [Code("a", "A", "")]), require_definitions=False)


# --- REFI-QDA export ---------------------------------------------------------------------


def test_qdc_export_validates_against_the_schema(shipped: Codebook) -> None:
    data = qdc_of(shipped)
    validate_qdc(data)
    validate_qdc(io.BytesIO(data), xsd=DEFAULT_XSD)
    schema = etree.XMLSchema(etree.parse(str(DEFAULT_XSD)))
    schema.assertValid(etree.fromstring(data))
    root = etree.fromstring(data)
    assert root.tag == f"{{{QDC_NAMESPACE}}}CodeBook"
    assert DEFAULT_XSD.is_file()
    assert DEFAULT_XSD.parent.parent == Path(refiqda_package.__file__).parent


def test_qdc_structure_mirrors_the_codebook(shipped: Codebook) -> None:
    root = etree.fromstring(qdc_of(shipped))
    ns = {"q": QDC_NAMESPACE}
    top = root.findall("q:Codes/q:Code", ns)
    assert [e.get("name") for e in top] == [c.name for c in shipped.children(None)]
    for element, theme in zip(top, shipped.children(None), strict=True):
        assert element.get("isCodable") == "false"
        assert element.get("color") == theme.colour
        kids = element.findall("q:Code", ns)
        assert [k.get("guid") for k in kids] == [
            code_guid(c.cid) for c in shipped.children(theme.cid)
        ]
        assert all(k.get("isCodable") == "true" for k in kids)
    waiting = root.find(f".//q:Code[@guid='{code_guid('access.waiting')}']/q:Description", ns)
    assert waiting is not None and waiting.text is not None
    lines = waiting.text.split("\n")
    code = shipped.by_id()["access.waiting"]
    assert lines[0] == code.definition
    assert f"Include: {code.include}" in lines
    assert f"Exclude: {code.exclude}" in lines
    assert [f"Example: {e}" for e in code.examples] == [
        x for x in lines if x.startswith("Example: ")
    ]
    # No id in the text other tools display: the GUID identifies the code, and the
    # instruction maps it back to the id.
    assert not any(x.startswith("Code id") for x in lines)
    pi = json.loads(root.getprevious().text)
    assert pi["codes"][code_guid("access.waiting")]["id"] == "access.waiting"


def test_guids_are_stable_uuid5_across_exports(shipped: Codebook) -> None:
    assert uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualkit:code") == QUALKIT_CODE_NAMESPACE
    first = etree.fromstring(qdc_of(shipped))
    second = etree.fromstring(qdc_of(copy.deepcopy(shipped)))
    guids_1 = [e.get("guid") for e in first.iter(f"{{{QDC_NAMESPACE}}}Code")]
    guids_2 = [e.get("guid") for e in second.iter(f"{{{QDC_NAMESPACE}}}Code")]
    assert guids_1 == guids_2
    assert len(set(guids_1)) == len(shipped.codes)
    assert guids_1 == [str(uuid.uuid5(QUALKIT_CODE_NAMESPACE, c.cid)) for c in shipped.codes]
    renamed = copy.deepcopy(shipped)
    renamed.by_id()["access.waiting"].name = "Waiting"
    renamed.by_id()["access.waiting"].parent = "needs"
    renamed.codes = tree_order(renamed)
    moved = etree.fromstring(qdc_of(renamed))
    assert {e.get("guid") for e in moved.iter(f"{{{QDC_NAMESPACE}}}Code")} == set(guids_1)


def test_qdc_round_trip_is_lossless(shipped: Codebook) -> None:
    assert import_qdc(qdc_of(shipped)) == shipped


def test_qdc_round_trip_of_awkward_values() -> None:
    cb = Codebook(
        name='Awkward <?qualkit?> & "names"',
        description="Line one\n\nInclude: not a field\n?>",
        version=7,
        codes=[
            Code(
                "x",
                "  padded\tname ",
                "Definition\n\nInclude: this is part of the definition\nCode id: fake",
                include="  leading spaces\nsecond line\n\nafter a blank\n",
                exclude="\n",
                examples=["Example: nested", "two\nlines"],
                colour="#abcDEF",
                codable=True,
                provenance=Provenance.SUGGESTED,
            ),
            Code("x.y", "Child", "", parent="x", codable=False, provenance=Provenance.IMPORTED),
            Code("z", "Z", "\n  starts with a line break", provenance=Provenance.CONSENSUS),
        ],
    )
    data = qdc_of(cb)
    validate_qdc(data)
    assert import_qdc(data) == cb


def test_save_qdc_and_import_from_path_and_file_object(tmp_path: Path, shipped: Codebook) -> None:
    path = tmp_path / "codebook.qdc"
    save_qdc(shipped, path)
    assert import_qdc(path) == shipped
    with path.open("rb") as fh:
        assert import_qdc(fh) == shipped
    assert import_qdc(path, name="Renamed").name == "Renamed"
    with (tmp_path / "via-fileobj.qdc").open("wb") as out:
        export_qdc(shipped, out)
    assert (tmp_path / "via-fileobj.qdc").read_bytes() == path.read_bytes()


def test_description_format_is_inverse_of_parse() -> None:
    code = Code(
        "a",
        "A",
        "Def\n\nExclude: still definition",
        include="x\n  indented",
        examples=["e1", "e2\n"],
    )
    text = format_description(code)
    assert "Code id" not in text
    assert "\n\n" not in text.rpartition("\n\n")[2]
    # Files from older versions carry a ``Code id:`` line, which makes the parse exact.
    legacy = parse_description(f"{text}\nCode id: a")
    assert (legacy.definition, legacy.include, legacy.exclude) == (
        code.definition,
        code.include,
        "",
    )
    assert legacy.examples == code.examples and legacy.cid == "a"
    # Without it, the closing paragraph is still read into the fields (trimmed).
    parts = parse_description(text)
    assert (parts.definition, parts.include, parts.examples) == (
        code.definition,
        code.include,
        ["e1", "e2"],
    )


def test_export_refuses_a_broken_tree() -> None:
    cb = Codebook("Broken", [Code("a", "A", "d", parent="b"), Code("b", "B", "d", parent="a")])
    with pytest.raises(CodebookError, match="cycle"):
        qdc_bytes(cb)


# --- REFI-QDA import from other tools ----------------------------------------------------


def test_import_nvivo_style_codebook() -> None:
    notes: list[str] = []
    cb = import_qdc(FIXTURES / "nvivo.qdc", notes=notes)
    by_id = cb.by_id()
    assert cb.name == "nvivo"
    assert [c.cid for c in cb.children(None)] == [
        "barriers-to-support",
        "relationships-with-workers",
        "unnamed-code",
    ]
    barriers = by_id["barriers-to-support"]
    assert not barriers.codable and barriers.colour == "#3366cc"
    assert barriers.definition.startswith("Everything that gets in the way")
    assert [c.name for c in cb.children("barriers-to-support")] == [
        "Waiting lists",
        "Eligibility",
        "Waiting lists (2)",
    ]
    waiting = by_id["barriers-to-support.waiting-lists"]
    assert waiting.definition == "Participant describes waiting for a service to start."
    assert waiting.include == "waiting for counselling, detox or housing"
    assert waiting.exclude == "being turned away (use Eligibility)"
    assert waiting.examples == ["I waited months and nobody rang"]
    assert by_id["barriers-to-support.eligibility"].definition == (
        "Being refused because of criteria."
    )
    local = by_id["barriers-to-support.eligibility.local-connection"]
    assert local.parent == "barriers-to-support.eligibility" and local.colour == "#3366CC"
    assert by_id["barriers-to-support.waiting-lists-2"].name == "Waiting lists (2)"
    assert by_id["relationships-with-workers.unnamed-code"].name == "Unnamed code"
    assert by_id["unnamed-code"].definition == "A node whose name was lost."
    assert all(c.provenance is Provenance.IMPORTED for c in cb.codes)
    assert len(cb.codes) == 9
    assert any("no name" in n for n in notes)
    assert any("Waiting lists (2)" in n for n in notes)
    assert any("sets" in n for n in notes)
    validate_codebook(cb, require_definitions=False)
    assert loads_codebook(dump_codebook(cb), require_definitions=False) == cb


def test_import_atlasti_style_codebook() -> None:
    raw = (FIXTURES / "atlasti.qdc").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    notes: list[str] = []
    cb = import_qdc(io.BytesIO(raw), notes=notes)
    assert cb.name == "Imported codebook"
    assert [(c.cid, c.parent) for c in cb.codes] == [
        ("housing", None),
        ("housing.housing-hostels", "housing"),
        ("housing.housing-own-tenancy", "housing"),
        ("stigma", None),
        ("stigma-2", None),
        ("peer-support-groups-mentors", None),
    ]
    by_id = cb.by_id()
    assert not by_id["housing"].codable and by_id["housing"].colour == "#F00082"
    assert by_id["housing.housing-hostels"].name == "Housing::hostels"
    assert by_id["housing.housing-hostels"].definition == (
        "Experiences of hostels.\nDrugs on the landing, rules, curfews."
    )
    assert by_id["stigma-2"].name == "stigma (2)"
    assert by_id["peer-support-groups-mentors"].name == "Peer support – groups & mentors"
    assert by_id["peer-support-groups-mentors"].colour is None
    assert len(notes) == 1
    validate_qdc(io.BytesIO(raw))


def test_import_recovers_ids_by_guid_and_resolves_copies(shipped: Codebook) -> None:
    root = etree.fromstring(qdc_of(shipped))
    ns = {"q": QDC_NAMESPACE}
    waiting = root.find(f".//q:Code[@guid='{code_guid('access.waiting')}']", ns)
    assert waiting is not None
    description = waiting.find("q:Description", ns)
    assert description is not None
    description.text = "Edited in another tool; the id line is gone."
    parent = waiting.getparent()
    assert parent is not None
    copied = copy.deepcopy(shipped.by_id()["access.referrals"])
    twin = etree.SubElement(
        parent,
        f"{{{QDC_NAMESPACE}}}Code",
        guid="{" + str(uuid.uuid4()).upper() + "}",
        name="Referral routes (copy)",
        isCodable="true",
    )
    etree.SubElement(twin, f"{{{QDC_NAMESPACE}}}Description").text = format_description(copied)
    etree.SubElement(
        waiting,
        f"{{{QDC_NAMESPACE}}}Code",
        guid=str(uuid.uuid4()),
        name="Detox beds",
        isCodable="1",
    )
    # The instruction keeps ids by GUID, so a description edited elsewhere keeps its id.
    with_pi = etree.tostring(root.getroottree())
    assert b"<?qualkit-codebook" in with_pi
    validate_qdc(with_pi)
    kept = import_qdc(with_pi).by_id()
    assert kept["access.waiting"].definition == "Edited in another tool; the id line is gone."
    assert kept["access.waiting.detox-beds"].parent == "access.waiting"
    assert kept["access.referrals"] == shipped.by_id()["access.referrals"]

    # Without the instruction (a tool that drops it), ids come from known GUIDs or names.
    data = etree.tostring(root)
    assert b"<?qualkit-codebook" not in data
    validate_qdc(data)
    without = import_qdc(data).by_id()
    assert "access.waiting" not in without
    [slugged] = [c for c in without.values() if c.name == shipped.by_id()["access.waiting"].name]
    assert slugged.cid.endswith(".waiting-times-and-waiting-lists")
    assert without[f"{slugged.cid}.detox-beds"].codable

    with_known = import_qdc(data, known_ids=shipped.by_id()).by_id()
    assert with_known["access.waiting"].definition == "Edited in another tool; the id line is gone."
    assert with_known["access.waiting.detox-beds"].parent == "access.waiting"
    assert with_known["access.referrals"].name == shipped.by_id()["access.referrals"].name
    assert with_known["access.referral-routes-copy"].definition == copied.definition


def test_import_reads_a_codebook_inside_a_project_file() -> None:
    project_ns = "urn:QDA-XML:project:1.0"
    data = (
        f'<Project xmlns="{project_ns}" name="p"><CodeBook><Codes>'
        '<Code guid="85D17F60-7BB0-481E-B742-B4861DD669DF" name="happiness" isCodable="true"/>'
        "</Codes></CodeBook></Project>"
    ).encode()
    cb = import_qdc(data)
    assert [(c.cid, c.name) for c in cb.codes] == [("happiness", "happiness")]


@pytest.mark.parametrize(
    ("content", "line", "phrase"),
    [
        (b'<?xml version="1.0"?>\n<CodeBook>\n  <Codes>\n  </CodeBok>\n', 4, "not well-formed"),
        (b'<?xml version="1.0"?>\n<Codes/>\n', 2, "root element is <Codes>"),
        (b"\n\n<CodeBook>\n<Codes/>\n</CodeBook>\n", 4, "no codes"),
        (b'<?xml version="1.0"?>\n<CodeBook>\n<Sets/>\n</CodeBook>\n', 2, "no <Codes>"),
        (b"", None, "empty"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>', 2, "<x>"),
    ],
)
def test_bad_qdc_names_file_and_line(
    tmp_path: Path, content: bytes, line: int | None, phrase: str
) -> None:
    path = tmp_path / "bad.qdc"
    path.write_bytes(content)
    with pytest.raises(CodebookError) as caught:
        import_qdc(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert phrase in caught.value.problem
    assert "root:" not in str(caught.value)


def test_validate_qdc_reports_schema_errors_with_line(tmp_path: Path) -> None:
    path = tmp_path / "invalid.qdc"
    path.write_text(
        f'<CodeBook xmlns="{QDC_NAMESPACE}">\n<Codes>\n'
        '<Code guid="not-a-guid" name="A" isCodable="true"/>\n</Codes>\n</CodeBook>\n',
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as caught:
        validate_qdc(path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}:3: not a valid REFI-QDA codebook")
    assert import_qdc(path).codes[0].cid == "a"


# --- Diffs -------------------------------------------------------------------------------


def test_diff_reports_each_kind_of_change(shipped: Codebook) -> None:
    assert diff_codebooks(shipped, copy.deepcopy(shipped)) == []
    new = copy.deepcopy(shipped)
    new.description = "Second draft"
    by_id = new.by_id()
    by_id["access.waiting"].name = "Waiting lists"
    by_id["needs.housing"].parent = "access"
    by_id["personled.stigma"].definition = "Being judged."
    by_id["personled.stigma"].examples = ["They looked at me like dirt."]
    by_id["funding.targets"].colour = "#000000"
    by_id["funding.targets"].codable = False
    new.codes.remove(by_id["funding.silos"])
    new.codes.append(Code("funding.pots", "Funding pots", "Money in separate pots.", "funding"))
    new.codes = tree_order(new)

    changes = diff_codebooks(shipped, new)
    summary = {(c.kind, c.cid, c.field): (c.before, c.after) for c in changes}
    assert summary[(ChangeKind.CHANGED, None, "description")][1] == "Second draft"
    removed = summary[(ChangeKind.REMOVED, "funding.silos", None)]
    assert removed[0]["name"] == "Siloed commissioning" and removed[1] is None
    added = summary[(ChangeKind.ADDED, "funding.pots", None)]
    assert added[0] is None and added[1]["parent"] == "funding"
    assert summary[(ChangeKind.RENAMED, "access.waiting", "name")] == (
        "Waiting times and waiting lists",
        "Waiting lists",
    )
    assert summary[(ChangeKind.MOVED, "needs.housing", "parent")] == ("needs", "access")
    assert summary[(ChangeKind.CHANGED, "personled.stigma", "definition")][1] == "Being judged."
    assert summary[(ChangeKind.CHANGED, "personled.stigma", "examples")][1] == [
        "They looked at me like dirt."
    ]
    assert summary[(ChangeKind.CHANGED, "funding.targets", "colour")] == ("#E69F00", "#000000")
    assert summary[(ChangeKind.CHANGED, "funding.targets", "codable")] == (True, False)
    assert len(changes) == 9
    assert {c.kind for c in changes} == set(ChangeKind)
    json.dumps([c.as_dict() for c in changes])
    assert changes[1].summary() == "funding.silos: removed"
    assert any(c.summary() == "needs.housing: moved from needs to access" for c in changes)


def test_diff_reports_provenance_as_text() -> None:
    old = Codebook("P", [Code("a", "A", "d", provenance=Provenance.SUGGESTED)])
    new = Codebook("P", [Code("a", "A", "d", provenance=Provenance.MANUAL)])
    (change,) = diff_codebooks(old, new)
    assert (change.field, change.before, change.after) == ("provenance", "suggested", "manual")


# --- Properties: random valid codebooks round-trip ---------------------------------------

_TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
)
_TRICKY = st.sampled_from(
    [
        "\n",
        "\n\n",
        "\t",
        "  ",
        "yes",
        "null",
        "~",
        "#",
        ": ",
        "- ",
        "'",
        '"',
        "Include: ",
        "Example: x",
        "Code id: fake",
        "?>",
        "<&>",
        "\ufeff",
        "1.0",
        "|",
        "---",
    ]
)
_TEXT = st.lists(st.one_of(st.text(_TEXT_CHARS, max_size=12), _TRICKY), max_size=6).map("".join)
_LINE = _TEXT.map(lambda s: s.replace("\n", " "))
_NAME = _LINE.filter(lambda s: s.strip() != "")
_ID = st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9_-]{0,6}(\.[A-Za-z0-9][A-Za-z0-9_-]{0,6}){0,2}", fullmatch=True
)
_COLOUR = st.one_of(st.none(), st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True))


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    ids = draw(st.lists(_ID, min_size=1, max_size=8, unique=True))
    codes: list[Code] = []
    names: dict[str | None, set[str]] = {}
    for index, cid in enumerate(ids):
        parent = draw(st.one_of(st.none(), st.sampled_from(ids[:index]))) if index else None
        name = draw(_NAME)
        taken = names.setdefault(parent, set())
        if name.strip().casefold() in taken:
            name = f"{name} {index}"
        taken.add(name.strip().casefold())
        definition = draw(_TEXT)
        codable = draw(st.booleans()) and definition.strip() != ""
        codes.append(
            Code(
                cid=cid,
                name=name,
                definition=definition,
                parent=parent,
                include=draw(_TEXT),
                exclude=draw(_TEXT),
                examples=draw(st.lists(_TEXT.filter(lambda s: s.strip() != ""), max_size=3)),
                colour=draw(_COLOUR),
                codable=codable,
                provenance=draw(st.sampled_from(list(Provenance))),
            )
        )
    cb = Codebook(
        name=draw(_NAME),
        codes=codes,
        description=draw(_TEXT),
        version=draw(st.integers(min_value=1, max_value=10**6)),
    )
    cb.codes = tree_order(cb)
    return cb


_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(codebooks())
def test_property_random_codebooks_round_trip_through_yaml(cb: Codebook) -> None:
    validate_codebook(cb)
    text = dump_codebook(cb)
    assert loads_codebook(text) == cb
    assert dump_codebook(loads_codebook(text)) == text


@_PROPERTY
@given(codebooks())
def test_property_random_codebooks_round_trip_through_qdc(cb: Codebook) -> None:
    data = qdc_of(cb)
    validate_qdc(data)
    assert import_qdc(data) == cb
