"""The logic behind the "Review de-identification" page (qualkit.ui.deid_review), on
hand-made review files in the format ``qualkit deid run`` writes. The transcript is
synthetic."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qualkit.deid.review import REVIEW_FORMAT, REVIEW_VERSION, review_name, reviewed_detections
from qualkit.errors import InputError
from qualkit.text import text_hash
from qualkit.ui import deid_review as R

TEXT = (
    "Interviewer: How did you get there?\n"
    "Participant: My worker Daria Pemberton <took> me & my nan Doreen to the Brenchley estate.\n"
    "Participant: Doreen said I live in hope.\n"
)


def _det(text: str, needle: str, etype: str, n: int = 1) -> dict[str, Any]:
    start = -1
    for _ in range(n):
        start = text.index(needle, start + 1)
    return {
        "id": 0,
        "start": start,
        "end": start + len(needle),
        "text": needle,
        "type": etype,
        "identifier": "direct",
        "score": 0.85,
        "recognizer": "SpacyRecognizer",
        "context": "…",
        "replacement": "Alex",
        "decision": "accept",
    }


def make_doc(text: str = TEXT) -> dict[str, Any]:
    return {
        "format": REVIEW_FORMAT,
        "version": REVIEW_VERSION,
        "instructions": "keep me",
        "source": "t01.txt",
        "source_sha256": text_hash(text),
        "text": text,
        "detections": [
            _det(text, "Daria Pemberton", "PERSON"),
            _det(text, "Doreen", "PERSON"),
            _det(text, "hope", "PERSON"),
        ],
        "add": [],
    }


def write(folder: Path, name: str, doc: dict[str, Any]) -> Path:
    path = folder / f"{name}.review.json"
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_review_files_lists_only_review_files_sorted(tmp_path: Path) -> None:
    write(tmp_path, "t02", make_doc())
    write(tmp_path, "t01", make_doc())
    (tmp_path / "t01.proposed.txt").write_text("x")
    allowed = [tmp_path, tmp_path / "missing"]
    assert [review_name(p) for p in R.review_files(tmp_path, allowed)] == ["t01", "t02"]
    with pytest.raises(InputError, match="is not a folder"):
        R.review_files(tmp_path / "missing", allowed)
    with pytest.raises(InputError, match="no review folder"):
        R.review_files("  ", allowed)


def test_only_folders_named_at_start_are_opened(tmp_path: Path) -> None:
    """Issue 13 item 10: a path typed into the page used to be opened, whatever it was."""
    mine, other = tmp_path / "mine", tmp_path / "other"
    for folder in (mine, other):
        folder.mkdir()
        write(folder, "t01", make_doc())
    env = R.review_dirs_env([mine])
    assert R.allowed_folders(env) == [mine.resolve()]
    assert R.allowed_folders({}) == []  # none by default
    with pytest.raises(InputError, match="not a review folder this app was started with"):
        R.review_files(other, R.allowed_folders(env))
    with pytest.raises(InputError, match="not a review folder this app was started with"):
        R.review_files(mine / ".." / "other", R.allowed_folders(env))
    # A link inside an allowed folder does not lead out of it.
    (mine / "t02.review.json").symlink_to(other / "t01.review.json")
    assert [p.name for p in R.review_files(mine, R.allowed_folders(env))] == ["t01.review.json"]
    # Anything but a JSON list of absolute paths allows nothing.
    for raw in ("/tmp", "[1, 2]", '{"a": "/tmp"}', '["relative/dir"]', "[", ""):
        assert R.allowed_folders({R.REVIEW_DIRS_ENV: raw}) == []


def test_the_page_has_no_folder_box_and_says_how_to_allow_one() -> None:
    import inspect

    from qualkit.ui.pages import deid_review as page

    # The page's only text box is for a missed identifier; the folder is never typed.
    boxes = re.findall(r'st\.text_input\(\s*"([^"]+)"', inspect.getsource(page))
    assert boxes == ["Missed text, exactly as it appears"]
    assert "qualkit app PROJECT --review-dir DIR" in R.HOW_TO_ALLOW


def test_app_passes_only_the_named_review_folders_to_streamlit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from click.testing import CliRunner

    from qualkit.cli import cli
    from qualkit.project import init_project

    project = tmp_path / "study.db"
    init_project(project, "Study", "setup").close()
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    started: list[dict[str, str]] = []

    class Done:
        def __init__(self, *_a: object, env: dict[str, str], **_k: object) -> None:
            started.append(env)

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", Done)
    monkeypatch.setenv(R.REVIEW_DIRS_ENV, json.dumps(["/"]))  # not passed on
    runner = CliRunner()
    result = runner.invoke(cli, ["app", str(project)])
    assert result.exit_code == 0, result.output
    assert R.REVIEW_DIRS_ENV not in started[-1]
    result = runner.invoke(
        cli, ["app", str(project), "--review-dir", str(one), "--review-dir", str(two)]
    )
    assert result.exit_code == 0, result.output
    assert R.allowed_folders(started[-1]) == [one.resolve(), two.resolve()]
    n = len(started)
    result = runner.invoke(cli, ["app", str(project), "--review-dir", str(tmp_path / "nope")])
    assert result.exit_code != 0 and len(started) == n
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {tmp_path / 'nope'}: --review-dir is not a folder on this computer"
    )


def test_load_review_checks_like_apply(tmp_path: Path) -> None:
    path = write(tmp_path, "t01", make_doc())
    loaded = R.load_review(path)
    assert loaded.doc["text"] == TEXT
    assert R.check(path, loaded.doc) == R.Counts(3, 0, 0)
    changed = make_doc()
    changed["text"] = TEXT.replace("Doreen", "Dorothy")
    bad = write(tmp_path, "t02", changed)
    with pytest.raises(InputError, match="text in the review file was changed") as e:
        R.load_review(bad)
    assert "Dorothy" not in str(e.value) and "Doreen" not in str(e.value)
    broken = tmp_path / "t03.review.json"
    broken.write_text('{"format": \n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        R.load_review(broken)


def test_highlight_escapes_and_labels_every_detection() -> None:
    doc = R.with_decisions(make_doc(), {2: "reject"})
    out = R.highlight_html(doc)
    assert "<took>" not in out and "&lt;took&gt;" in out and "&amp;" in out
    assert '<mark class="qk-deid-acc">Daria Pemberton</mark>' in out
    assert '<sup class="qk-deid-num">1</sup><mark class="qk-deid-acc">Daria' in out
    assert '<span class="qk-deid-label">[PERSON]</span>' in out
    assert (
        '<mark class="qk-deid-rej">hope</mark><span class="qk-deid-label">[PERSON, rejected]' in out
    )
    # With the markup removed, the text reads exactly as the transcript plus labels.
    plain = re.sub(r"<sup[^>]*>\d+</sup>|<[^>]+>", "", out)
    plain = re.sub(r"\[PERSON(, rejected)?\]", "", plain)
    assert html.unescape(plain) == TEXT


def test_highlight_shows_additions_and_skips_overlaps(tmp_path: Path) -> None:
    doc = make_doc()
    doc["detections"].append(_det(TEXT, "Pemberton", "PERSON"))  # inside detection 1
    doc = R.with_decisions(doc, {}, [("brenchley  estate", "location")])
    path = write(tmp_path, "t01", doc)
    added = R.added_spans(path, doc)
    start = TEXT.index("Brenchley estate")
    assert added == [(start, start + len("Brenchley estate"), "LOCATION")]
    out = R.highlight_html(doc, added)
    assert '<mark class="qk-deid-add">Brenchley estate</mark>' in out
    assert "[LOCATION, added]" in out
    assert out.count("<mark") == 4  # the overlapping fourth detection is not drawn twice


def test_with_decisions_keeps_everything_else_and_does_not_mutate() -> None:
    doc = make_doc()
    new = R.with_decisions(doc, {0: "reject", 1: "accept"}, [("Doreen", "person")])
    assert doc["detections"][0]["decision"] == "accept" and doc["add"] == []
    assert new["detections"][0]["decision"] == "reject"
    assert new["add"] == [{"text": "Doreen", "type": "PERSON"}]
    for key in ("format", "version", "instructions", "source", "source_sha256", "text"):
        assert new[key] == doc[key]
    assert [{k: v for k, v in d.items() if k != "decision"} for d in new["detections"]] == [
        {k: v for k, v in d.items() if k != "decision"} for d in doc["detections"]
    ]
    with pytest.raises(ValueError):
        R.with_decisions(doc, {0: "maybe"})
    with pytest.raises(IndexError):
        R.with_decisions(doc, {7: "reject"})
    with pytest.raises(ValueError):
        R.with_decisions(doc, {}, [("   ", "PERSON")])


def test_save_review_writes_atomically_and_apply_accepts_it(tmp_path: Path) -> None:
    path = write(tmp_path, "t01", make_doc())
    loaded = R.load_review(path)
    new = R.with_decisions(loaded.doc, {2: "reject"}, [("Brenchley estate", "LOCATION")])
    counts = R.save_review(loaded, new)
    assert counts == R.Counts(accepted=2, rejected=1, added=1)
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk == new
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["t01.review.json"]  # no temp files left
    _, dets, acc, rej, add = reviewed_detections(path, on_disk)
    assert (acc, rej, add) == (2, 1, 1)
    assert any(TEXT[d.start : d.end] == "Brenchley estate" for d in dets)


def test_save_review_refuses_invalid_or_stale_files(tmp_path: Path) -> None:
    path = write(tmp_path, "t01", make_doc())
    before = path.read_bytes()
    loaded = R.load_review(path)
    missing = R.with_decisions(loaded.doc, {}, [("Zebedee", "PERSON")])
    with pytest.raises(InputError, match="does not occur") as e:
        R.save_review(loaded, missing)
    assert "Zebedee" not in str(e.value)
    assert path.read_bytes() == before
    # Someone else saved in between: refuse rather than overwrite their decisions.
    other = R.with_decisions(loaded.doc, {0: "reject"})
    R.save_review(loaded, other)
    with pytest.raises(InputError, match="changed on disk"):
        R.save_review(loaded, R.with_decisions(loaded.doc, {1: "reject"}))
    assert json.loads(path.read_text(encoding="utf-8"))["detections"][1]["decision"] == "accept"


def test_add_types_cover_the_identifier_types() -> None:
    assert R.ADD_TYPES[0] == "PERSON"
    assert {"LOCATION", "ORGANIZATION", "UK_POSTCODE", "PHONE_NUMBER"} <= set(R.ADD_TYPES)
    assert len(set(R.ADD_TYPES)) == len(R.ADD_TYPES)


def test_reading_review_files_loads_neither_presidio_nor_spacy() -> None:
    # The app reads and writes review files without paying for de-identification's models.
    code = (
        "import sys, qualkit.deid.review, qualkit.ui.deid_review; "
        "loaded = sorted(m for m in ('presidio_analyzer', 'presidio_anonymizer', 'spacy') "
        "if m in sys.modules); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
