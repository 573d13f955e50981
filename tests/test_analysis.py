"""Analysis views: counts checked against a small project worked out by hand.

The fixture project (built with the Store API):

==========  ===========  ===========  ==========================================
transcript  participant  role         codings (turn 1 and turn 3 are answers)
==========  ===========  ===========  ==========================================
t1          P1           Supported    a: wait [0,20) and refer [10,40) of turn 1;
            (Lambeth)                 b: wait turn 1; consensus: wait turn 1
t2          P2           Supported    a: wait turn 3; b: housing turn 3
            (Southwark)
t3          P3           Worker       a: refer turn 1; a: housing turn 3
            (Lambeth)
t4          P4           Worker       a: wait turn 1; b: wait turn 1
            (Lambeth)
==========  ===========  ===========  ==========================================

Offsets in brackets are relative to the start of the turn; every answer is 40 characters.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualkit.analysis import Filters, Study
from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Participant,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.storage import Store
from qualkit.text import text_hash

ANSWER = 40
QUESTIONS = ("What happened first?", "And after that?")
ROLES = {"P1": "Supported", "P2": "Supported", "P3": "Worker", "P4": "Worker"}
BOROUGHS = {"P1": "Lambeth", "P2": "Southwark", "P3": "Lambeth", "P4": "Lambeth"}


def make_transcript(tid: str, pid: str) -> Transcript:
    """Four turns: question, answer, question, answer (answers of exactly 40 characters)."""
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    answers = (f"{tid} first answer, said in full words.", f"{tid} second answer, also in words.")
    for i, (q, a) in enumerate(zip(QUESTIONS, answers, strict=True)):
        a = a.ljust(ANSWER, ".")
        for k, (speaker, kind, words) in enumerate(
            (
                ("Interviewer", SpeakerKind.INTERVIEWER, q),
                ("Participant", SpeakerKind.PARTICIPANT, a),
            )
        ):
            line = f"{speaker}: {words}\n"
            start = pos + len(speaker) + 2
            turns.append(Turn(2 * i + k, speaker, kind, start, start + len(words), pos))
            parts.append(line)
            pos += len(line)
    text = "".join(parts)
    return Transcript(
        tid, f"Interview {tid}", text, f"{tid}.txt", text_hash(text), turns, participant=pid
    )


def answer(t: Transcript, n: int) -> tuple[int, int]:
    turn = t.turns[2 * n + 1]
    return turn.start, turn.end


@pytest.fixture
def fixture_store(store: Store) -> Iterator[Store]:
    store.set_codebook(
        Codebook(
            "Test",
            [
                Code("access", "Access", "Getting help.", codable=False),
                Code("access.wait", "Waiting", "Waiting lists.", parent="access"),
                Code("access.refer", "Referrals", "Referral routes.", parent="access"),
                Code("needs", "Needs", "Needs.", codable=False),
                Code("needs.housing", "Housing", "Housing first.", parent="needs"),
            ],
        ),
        "tester",
    )
    for name in ("coder_a", "coder_b"):
        store.add_user(name, Role.CODER, "tester")
    ts = {}
    items = []
    for i, pid in enumerate(("P1", "P2", "P3", "P4"), start=1):
        t = make_transcript(f"t{i}", pid)
        ts[t.tid] = t
        items.append((t, Participant(pid, ROLES[pid], {"borough": BOROUGHS[pid]})))
    store.add_transcripts(items, "tester")
    s1, e1 = answer(ts["t1"], 0)
    a3 = answer(ts["t2"], 1)
    codings = [
        Coding("coder_a", "t1", s1, s1 + 20, "access.wait"),
        Coding("coder_a", "t1", s1 + 10, e1, "access.refer"),
        Coding("coder_b", "t1", s1, e1, "access.wait"),
        Coding("consensus", "t1", s1, e1, "access.wait", provenance=Provenance.CONSENSUS),
        Coding("coder_a", "t2", *a3, "access.wait"),
        Coding("coder_b", "t2", *a3, "needs.housing"),
        Coding("coder_a", "t3", *answer(ts["t3"], 0), "access.refer"),
        Coding("coder_a", "t3", *answer(ts["t3"], 1), "needs.housing"),
        Coding("coder_a", "t4", *answer(ts["t4"], 0), "access.wait"),
        Coding("coder_b", "t4", *answer(ts["t4"], 0), "access.wait"),
    ]
    store.add_codings(codings, "tester")
    yield store


@pytest.fixture
def study(fixture_store: Store) -> Study:
    return Study(fixture_store)


def grid(m: object) -> dict[tuple[str, str], int | None]:
    counts = m.counts  # type: ignore[attr-defined]
    return {
        (str(r), str(c)): (None if counts.at[r, c] is pd.NA else int(counts.at[r, c]))
        for r in counts.index
        for c in counts.columns
    }


# -- frames -----------------------------------------------------------------------------


def test_frames_have_documented_typed_columns(study: Study) -> None:
    c = study.codings
    assert len(c) == 10
    for col in ("transcript", "case", "participant", "role", "coder", "code", "theme"):
        assert isinstance(c[col].dtype, pd.CategoricalDtype), col
    for col in ("start", "end", "length", "turn", "coding"):
        assert str(c[col].dtype) == "Int64", col
    assert list(c["code"].cat.categories[:3]) == ["access", "access.wait", "access.refer"]
    assert int(c["consensus"].sum()) == 1
    first = c.iloc[0]
    assert first["turn"] == 1 and first["speaker_kind"] == "participant"
    assert first["text"] == "t1 first answer, sai"
    t = study.transcripts
    assert list(t["borough"]) == ["Lambeth", "Southwark", "Lambeth", "Lambeth"]
    assert list(t["codings"]) == [4, 2, 2, 2]
    codes = study.codes.set_index("code")
    assert codes.at["needs.housing", "path"] == "Needs › Housing"
    assert codes.at["access", "depth"] == 0
    assert len(study.turns) == 16 and study.turns["text"].iloc[0] == QUESTIONS[0]


def test_quotes_frame_is_the_quote_bank_with_role_attribution(study: Study) -> None:
    q = study.quotes(codes=("access.wait",))
    # t1's three overlapping codings merge into one quote; t2 and t4 one each.
    assert len(q) == 3
    assert set(q["citation"]) == {"Supported, P1", "Supported, P2", "Worker, P4"}
    assert str(q["turn"].dtype) == "Int64"


# -- matrices ---------------------------------------------------------------------------


def test_code_by_role_counts_codings_transcripts_and_participants(study: Study) -> None:
    m = study.matrix("code", "role")
    assert grid(m) == {
        ("access.wait", "Supported"): 4,
        ("access.wait", "Worker"): 2,
        ("access.refer", "Supported"): 1,
        ("access.refer", "Worker"): 1,
        ("needs.housing", "Supported"): 1,
        ("needs.housing", "Worker"): 1,
    }
    assert m.total == 10
    assert int(m.row_totals["access.wait"]) == 6
    p = study.matrix("code", "role", count="participants")
    assert grid(p)[("access.wait", "Supported")] == 2
    assert grid(p)[("access.wait", "Worker")] == 1
    assert int(p.row_totals["access.wait"]) == 3  # distinct, not the sum
    assert int(p.col_totals["Supported"]) == 2 and p.total == 4
    tr = study.matrix("code", "role", count="transcripts")
    assert grid(tr)[("access.wait", "Supported")] == 2
    assert "<table" in tr._repr_html_() and "Waiting" in tr._repr_html_()


def test_percentages_divide_by_the_row_or_column_total(study: Study) -> None:
    row = study.matrix("code", "role", percent="row")
    assert row.percents is not None
    assert row.percents.at["access.wait", "Supported"] == pytest.approx(400 / 6)
    col = study.matrix("code", "role", count="participants", percent="col")
    assert col.percents is not None
    assert col.percents.at["access.wait", "Supported"] == pytest.approx(100.0)
    assert col.percents.at["access.refer", "Worker"] == pytest.approx(50.0)
    assert "4 (66.7%)" in col.table().to_string() or "66.7%" in row.table().to_string()


def test_filters_consensus_coder_theme_and_attribute(study: Study) -> None:
    cons = study.matrix("code", "role", consensus=True)
    assert grid(cons)[("access.wait", "Supported")] == 1
    assert sum(v or 0 for v in grid(cons).values()) == 1
    a = study.matrix("code", "role", coders=("coder_a",))
    assert grid(a)[("access.wait", "Supported")] == 2
    assert grid(a)[("needs.housing", "Supported")] == 0
    themes = study.matrix("theme", "role")
    assert grid(themes) == {
        ("access", "Supported"): 5,
        ("access", "Worker"): 3,
        ("needs", "Supported"): 1,
        ("needs", "Worker"): 1,
    }
    lambeth = study.matrix("code", "role", where={"Borough": "lambeth"})
    assert grid(lambeth)[("access.wait", "Supported")] == 3  # t1 only
    only_needs = study.matrix("code", "borough", codes=("needs",))
    assert list(only_needs.counts.index) == ["needs.housing"]
    assert list(only_needs.counts.columns) == ["Lambeth", "Southwark"]
    by_coder = study.matrix("code", "coder")
    assert grid(by_coder)[("access.wait", "consensus")] == 1
    assert grid(by_coder)[("access.wait", "coder_b")] == 2


def test_small_cells_and_the_totals_that_reveal_them_are_hidden(study: Study) -> None:
    m = study.matrix("code", "role", suppress_below=2)
    g = grid(m)
    assert g[("access.wait", "Supported")] == 4  # two participants: shown
    assert g[("access.wait", "Worker")] is None  # one participant: hidden
    assert g[("needs.housing", "Supported")] is None
    assert m.suppressed == 5
    assert m.row_totals.isna().all() and m.col_totals.isna().all() and m.total is pd.NA
    table = m.table().to_string()
    assert "<2" in table
    assert m.notes and "hidden" in m.notes[0]
    co = study.cooccurrence("turn", suppress_below=2)
    assert co.counts.at["access.wait", "access.refer"] is pd.NA
    assert co.counts.at["access.wait", "access.wait"] == 3  # P1, P2 and P4


def test_unknown_names_are_one_line_errors_listing_the_valid_ones(study: Study) -> None:
    with pytest.raises(NotFoundError, match=r"attributes: role, borough, participant"):
        study.matrix("code", "ward")
    with pytest.raises(NotFoundError, match=r"coders: coder_a, coder_b, consensus"):
        study.matrix("code", "role", coders=("zed",))
    with pytest.raises(NotFoundError, match=r"codes: access, access.wait"):
        study.matrix("code", "role", codes=("nope",))
    with pytest.raises(QualkitError, match="count must be"):
        study.matrix("code", "role", count="words")


def test_an_empty_selection_gives_an_empty_matrix_with_a_note(study: Study) -> None:
    m = study.matrix("code", "role", where={"borough": "Hackney"})
    assert m.counts.shape[1] == 0 and m.empty
    assert m.notes and m.notes[0].startswith("No codings match")
    co = study.cooccurrence("overlap", transcripts=("t3",), coders=("coder_b",))
    assert co.counts.shape == (0, 0) and co.notes


def test_cooccurrence_by_turn_counts_turns_and_jaccard(study: Study) -> None:
    co = study.cooccurrence("turn")
    c = co.counts
    assert c.at["access.wait", "access.refer"] == 1
    assert c.at["access.wait", "needs.housing"] == 1  # t2 turn 3, different coders
    assert c.at["access.refer", "needs.housing"] == 0
    assert c.at["access.wait", "access.wait"] == 3
    assert co.jaccard.at["access.wait", "access.refer"] == pytest.approx(1 / (3 + 2 - 1))


def test_cooccurrence_by_passage_joins_short_turns(study: Study) -> None:
    # Each fixture transcript is under 40 words, so it is one passage: codes in different
    # turns of one transcript (t3) are together by passage, not by turn.
    co = study.cooccurrence("passage")
    c = co.counts
    assert c.at["access.refer", "needs.housing"] == 1
    assert c.at["access.wait", "access.refer"] == 1
    assert c.at["access.wait", "needs.housing"] == 1
    assert c.at["access.wait", "access.wait"] == 3
    assert c.at["needs.housing", "needs.housing"] == 2
    assert co.jaccard.at["access.refer", "needs.housing"] == pytest.approx(1 / (2 + 2 - 1))
    assert study.cooccurrence("turn").counts.at["access.refer", "needs.housing"] == 0


def test_cooccurrence_by_overlap_needs_the_same_coder(study: Study) -> None:
    co = study.cooccurrence("overlap")
    c = co.counts
    assert c.at["access.wait", "access.refer"] == 1
    assert c.at["access.refer", "access.wait"] == 1
    assert c.at["access.wait", "needs.housing"] == 0
    assert c.at["access.wait", "access.wait"] == 6
    # Characters: wait 20 + 5 x 40, refer 30 + 40, both 10.
    assert co.jaccard.at["access.wait", "access.refer"] == pytest.approx(10 / (220 + 70 - 10))
    assert co.jaccard.at["access.wait", "access.wait"] == pytest.approx(1.0)


def test_a_cell_opens_its_quotes(study: Study) -> None:
    m = study.matrix("code", "borough")
    bank = study.quote_bank(m.cell_filters("access.wait", "Lambeth"))
    assert {q.transcript for q in bank.quotes} == {"t1", "t4"}
    by_coder = study.matrix("code", "coder")
    bank = study.quote_bank(by_coder.cell_filters("needs.housing", "coder_b"))
    assert [q.transcript for q in bank.quotes] == ["t2"]


# -- framework --------------------------------------------------------------------------


def test_framework_cells_hold_passages_and_versioned_summaries(study: Study) -> None:
    from qualkit.analysis.framework import save_summary

    fw = study.framework("code")
    assert [c.case for c in fw.cases] == ["P1", "P2", "P3", "P4"]
    assert [c.code for c in fw.columns] == ["access.wait", "access.refer", "needs.housing"]
    assert len(fw.cell("P1", "access.wait").passages) == 1
    assert fw.cell("P3", "access.wait").passages == []
    save_summary(study, "P1", "access.wait", "Waited months.", "rita", expected_version=0)
    save_summary(study, "P1", "access.wait", "Waited months; gave up.", "rita", expected_version=1)
    with pytest.raises(ConflictError):
        save_summary(study, "P1", "access.wait", "Stale.", "sam", expected_version=1)
    with pytest.raises(NotFoundError):
        save_summary(study, "P1", "nope", "x", "rita")
    fw = study.framework("code")
    assert fw.cell("P1", "access.wait").summary_text == "Waited months; gave up."
    history = study.store.framework_summary_history("P1", "access.wait")
    assert [h.version for h in history] == [1, 2]
    events = study.store.events("framework.summary")
    assert [e.payload["version"] for e in events] == [1, 2]
    assert all("Waited" not in str(e.payload) for e in events)
    themes = study.framework("theme")
    assert len(themes.cell("P1", "access").passages) == 2  # wait and refer
    wide = fw.frame("count")
    assert wide.at["P2", "Housing"] == 1


def test_framework_xlsx_has_a_sheet_per_theme_and_docx_headings(study: Study) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from qualkit.analysis.export import write_framework

    fw = study.framework("code")
    buf = io.BytesIO()
    write_framework(fw, "xlsx", buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == ["About", "Access", "Needs"]
    ws = wb["Access"]
    assert [c.value for c in ws[1]] == ["Participant", "Role", "Waiting", "Referrals"]
    assert ws["A2"].value == "P1" and "t1 first answer" in ws["C2"].value
    buf = io.BytesIO()
    write_framework(fw, "docx", buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings == ["Access", "Waiting", "Referrals", "Needs", "Housing"]


# -- charts -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["codes", "cooccurrence", "agreement", "progress"])
def test_charts_render_offline_with_titles_and_text_alternatives(
    study: Study, kind: str, tmp_path: Path
) -> None:
    from qualkit.analysis.charts import OKABE_ITO

    options = {"bootstrap": 50} if kind == "agreement" else {}
    ch = study.chart(kind, **options)
    assert ch.title and len(ch.alt_text) > 40
    spec = ch.to_dict()
    assert spec["description"] == ch.alt_text
    svg = ch.to_svg()
    assert ch.title.replace("'", "&#39;") in svg or ch.title in svg
    assert "<svg" in svg
    png = ch.to_png(scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    if kind in {"codes", "progress"}:
        assert OKABE_ITO[0] in str(spec)


def test_code_chart_keeps_themes_in_codebook_order(study: Study) -> None:
    ch = study.chart("codes")
    # One panel per theme, concatenated in codebook order, each with a column per role.
    panels = ch.to_dict()["vconcat"]
    assert [p["title"]["text"] for p in panels] == ["Access", "Needs"]
    assert panels[0]["facet"]["column"]["sort"] == ["Supported", "Worker"]


def test_chart_spec_is_kept_between_drawings_but_follows_a_new_chart(study: Study) -> None:
    ch = study.chart("progress")
    first = ch.to_svg()
    spec = ch.to_dict()
    spec["description"] = "changed by the caller"
    spec["title"] = {"text": "A title the caller wrote"}
    assert ch.to_svg() == first  # the caller's copy does not reach the drawing
    ch.chart = ch.chart.properties(title="Another title")
    assert "Another title" in ch.to_svg()
    assert "Another title" in str(ch.to_dict()["title"])


def test_chart_of_hidden_cells_says_so(study: Study) -> None:
    ch = study.chart("codes", count="participants", suppress_below=2)
    assert "<2" in set(ch.data["label"])
    assert "hidden" in ch.alt_text


# -- command line -------------------------------------------------------------------------


def test_cli_matrix_cooccurrence_framework_and_chart(fixture_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from qualkit.cli import cli

    project = (
        fixture_store.url.removeprefix("sqlite:///")
        if fixture_store.dialect == "sqlite"
        else fixture_store.url
    )
    runner = CliRunner()
    out = tmp_path / "m.csv"
    r = runner.invoke(
        cli,
        [
            "analyse",
            "matrix",
            project,
            "--cols",
            "role",
            "--count",
            "participants",
            "--suppress-below",
            "0",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Theme,Code,Supported,Worker,Total"
    assert lines[1] == "Access,Waiting,2,1,3"
    r = runner.invoke(cli, ["analyse", "matrix", project, "--out", str(out)])
    assert r.exit_code == 0 and "<3" in out.read_text(encoding="utf-8-sig")
    r = runner.invoke(cli, ["analyse", "matrix", project, "--cols", "ward", "--out", str(out)])
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and "attributes: role, borough" in r.output
    r = runner.invoke(
        cli, ["analyse", "matrix", project, "--where", "borough=Hackney", "--out", str(out)]
    )
    assert r.exit_code == 0 and "No codings match" in r.output
    xlsx = tmp_path / "co.xlsx"
    r = runner.invoke(
        cli, ["analyse", "cooccurrence", project, "--by", "overlap", "--out", str(xlsx)]
    )
    assert r.exit_code == 0, r.output
    assert load_workbook(xlsx).sheetnames == ["Matrix", "Jaccard", "About"]
    fw = tmp_path / "fw.xlsx"
    r = runner.invoke(cli, ["analyse", "framework", project, "--out", str(fw)])
    assert r.exit_code == 0, r.output
    assert load_workbook(fw).sheetnames == ["About", "Access", "Needs"]
    svg = tmp_path / "codes.svg"
    r = runner.invoke(cli, ["analyse", "chart", project, "codes", "--out", str(svg)])
    assert r.exit_code == 0, r.output
    assert "Participants with each code" in svg.read_text(encoding="utf-8")
    r = runner.invoke(cli, ["analyse", "chart", project, "codes", "--out", str(tmp_path / "c.gif")])
    assert r.exit_code == 1 and ".png or .svg" in r.output
    assert not (tmp_path / "c.gif").exists()


def test_open_is_exported_from_the_package(project_path: str) -> None:
    import qualkit

    with qualkit.open(project_path) as study:
        assert study.codings.empty and list(study.codings.columns)[:3] == [
            "coding",
            "transcript",
            "case",
        ]
        assert study.matrix("code", "role").empty
    with pytest.raises(QualkitError):
        qualkit.open(str(Path(project_path).parent / "missing.db"))


def test_filters_describe_themselves() -> None:
    f = Filters(consensus=True, where=(("borough", "Lambeth"), ("borough", "Lewisham")))
    assert f.describe() == ["Coders: the consensus layer", "borough: Lambeth or Lewisham"]
