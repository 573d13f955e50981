"""Theme discovery on the de-identified demo project: reproducibility, decisions kept
across re-runs, the CLI, and the evaluation targets on the sample corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualkit.cli.suggest import group
from qualkit.model import Provenance
from qualkit.storage import Store
from qualkit.topics import themes as th
from qualkit.topics.evaluate import evaluate

pytestmark = pytest.mark.slow


def copy_project(demo: Any, tmp_path: Path, name: str = "project.db") -> Path:
    target = tmp_path / name
    shutil.copy2(demo.project, target)
    return target


def signature(themes: list[Any]) -> list[tuple[str, tuple[str, ...], tuple[str, ...], int]]:
    return [(t.label, tuple(t.keywords), tuple(t.passages), t.size) for t in themes]


@pytest.fixture(scope="module")
def themed(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """The demo project after one run of theme discovery, and that run's signature (shared:
    tests that change it work on a copy)."""
    project = copy_project(demo, tmp_path_factory.mktemp("themed"))
    with Store.open(project) as store:
        return project, signature(th.run_themes(store, "tester"))


def copy_themed(themed: tuple[Path, list[Any]], tmp_path: Path) -> Path:
    target = tmp_path / "themed.db"
    shutil.copy2(themed[0], target)
    return target


def test_themes_have_keywords_quotes_and_sizes(
    themed: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    assert len(themed[1]) >= 4
    # Every theme has keywords (no filler), quotes and a size.
    with Store.open(copy_themed(themed, tmp_path)) as store:
        themes = store.themes()
    for t in themes:
        assert t.keywords and not {"yeah", "like", "know", "just"} & set(t.keywords)
        assert 3 <= len(t.quotes) <= 5 and t.size == len(t.passages)
        assert sum(t.transcripts.values()) == t.size and sum(t.roles.values()) == t.size
        assert not any("[PERSON" in k.upper() for k in t.keywords)


def test_decisions_survive_a_rerun(themed: tuple[Path, list[Any]], tmp_path: Path) -> None:
    with Store.open(copy_themed(themed, tmp_path)) as store:
        first = store.themes()
        a, b, c, d = first[0], first[1], first[2], first[3]
        th.reject_theme(store, a.id or 0, "ann", "too broad")
        th.merge_theme_into_code(store, b.id or 0, "access.paperwork", "ann")
        th.rename_theme(store, c.id or 0, "Renamed by the team", "ann")
        code = th.accept_theme(store, d.id or 0, "ann", name="Team's new code")
        saved = store.codebook().by_id()[code.cid]
        assert saved.provenance == Provenance.SUGGESTED
        assert saved.examples == th.theme_examples(d) and len(saved.examples) == 3
        assert not any("[" in e for e in saved.examples)
        own = th.accept_theme(store, first[4].id or 0, "ann", examples=["  One  line. ", " "])
        assert store.codebook().by_id()[own.cid].examples == ["One line."]
        second = th.run_themes(store, "tester")
        by_origin = {t.inherited_from: t for t in second if t.inherited_from}
        assert by_origin[a.id or 0].status == "rejected"
        merged = by_origin[b.id or 0]
        assert merged.status == "merged" and merged.code == "access.paperwork"
        assert by_origin[c.id or 0].label == "Renamed by the team"
        assert by_origin[d.id or 0].status == "accepted" and by_origin[d.id or 0].code == code.cid
        actions = [e.action for e in store.events()]
        for action in ("theme.reject", "theme.merge_code", "theme.rename", "theme.accept"):
            assert action in actions
        assert actions.count("themes.run") == 2


def test_cli_themes_review_decide_evaluate(
    demo: Any, themed: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    project = str(copy_project(demo, tmp_path))
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(group, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    out = ok("themes", project, "--as", "tester")
    assert "candidate theme(s)" in out
    with Store.open(project) as store:
        # A second run on the same input, from the command line, gives the same themes.
        assert signature(store.themes()) == themed[1]
        first, second = store.themes()[:2]
    review = ok("review", project)
    assert first.label in review and "keywords:" in review
    ok("decide", project, str(first.id), "reject", "--reason", "noise", "--as", "ann")
    ok("decide", project, str(second.id), "merge", "--into-code", "needs.trauma", "--as", "ann")
    bad = runner.invoke(group, ["decide", project, str(second.id), "merge"])
    assert bad.exit_code != 0
    with Store.open(project) as store:
        third, fourth = store.themes()[2:4]
    ok(
        "decide",
        project,
        str(third.id),
        "accept",
        "--name",
        "Own words",
        "--as",
        "ann",
        "--example",
        "First example.",
        "--example",
        "Second example.",
    )
    ok("decide", project, str(fourth.id), "accept", "--name", "No quotes", "--no-examples")
    with Store.open(project) as store:
        by_name = {c.name: c for c in store.codebook().codes}
        assert by_name["Own words"].examples == ["First example.", "Second example."]
        assert by_name["No quotes"].examples == []
    with Store.open(project) as store:
        assert store.theme(first.id or 0).status == "rejected"
        assert store.theme(second.id or 0).code == "needs.trauma"
    report = tmp_path / "eval.json"
    out = ok("evaluate", project, "--json", str(report))
    assert "top-1 accuracy" in out and "NMI" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert 0 <= data["suggestions"]["top1"] <= data["suggestions"]["top3"] <= 1


def test_evaluation_meets_targets_on_the_sample_corpus(
    themed: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    with Store.open(copy_themed(themed, tmp_path)) as store:
        result = evaluate(store)
    s, t = result.suggestions, result.themes
    assert s is not None and t is not None, result.notes
    # Per coded passage (the 40–120-word windows suggestions work on) ...
    assert s.passages >= 120
    assert s.top1 >= 0.70, result.report()
    assert s.top3 >= 0.90, result.report()
    # ... and per coded span, the exact stretches coders selected.
    assert s.spans >= 400
    assert s.span_top1 >= 0.70, result.report()
    assert s.span_top3 >= 0.88, result.report()
    assert t.nmi >= 0.40, result.report()
    assert t.unassigned <= 0.10, result.report()
