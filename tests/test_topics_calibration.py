"""Calibrated suggestion scores, model choice and bad input to `qualkit suggest codes`."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qualkit.cli.suggest import group
from qualkit.codebook import save_codebook
from qualkit.errors import QualkitError
from qualkit.model import Code, Codebook
from qualkit.topics import embed
from qualkit.topics.evaluate import expected_calibration_error
from qualkit.topics.suggest import (
    LIKELY,
    MAX_CONFIDENCE,
    POSSIBLE,
    calibrate,
    confidence_label,
    confidence_words,
)

CODEBOOK = Codebook(
    "Test",
    [
        Code("waiting", "Waiting", "Waiting lists and delays before help."),
        Code("repairs", "Repairs", "Damp, mould and broken boilers at home."),
    ],
)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_confidence_words_and_labels() -> None:
    assert confidence_words(LIKELY) == "likely"
    assert confidence_words(LIKELY - 0.01) == "possible"
    assert confidence_words(POSSIBLE) == "possible"
    assert confidence_words(POSSIBLE - 0.01) == "unlikely"
    assert confidence_label(0.781) == "likely (0.78)"


def test_calibration_is_monotonic_and_never_certain() -> None:
    scaled = np.array([[40.0, 0.0, -5.0], [1.0, 0.9, 0.8], [0.0, 0.0, 0.0]])
    p = calibrate(scaled)
    assert p.max() <= MAX_CONFIDENCE < 0.995  # never printed as 1.00
    assert p[0, 0] > p[0, 1] > p[0, 2]
    assert p[1, 0] < p[0, 0]  # a narrow lead is less sure than a wide one
    assert p[2, 0] == p[2, 1] == p[2, 2]  # a tie favours no code


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([0.9] * 10, [1] * 9 + [0]) == pytest.approx(0.0)
    assert expected_calibration_error([0.9] * 10, [0] * 10) == pytest.approx(0.9)
    assert expected_calibration_error([0.2, 0.8], [0, 1]) == pytest.approx(0.2)


def test_unknown_model_is_one_line_error_and_nothing_written(tmp_path: Path) -> None:
    cb = tmp_path / "codebook.yaml"
    save_codebook(CODEBOOK, cb)
    passages = write_csv(tmp_path / "p.csv", ["id", "text"], [["a", "private words"]])
    out = tmp_path / "out.csv"
    args = ["codes", "--codebook", str(cb), "--passages", str(passages), "--out", str(out)]
    result = CliRunner().invoke(group, [*args, "--model", "no-such-model"])
    assert result.exit_code != 0
    msg = result.output.strip()
    assert len(msg.splitlines()) == 1 and "no-such-model" in msg and "all-MiniLM-L6-v2" in msg
    assert "private words" not in msg
    assert not out.exists()
    with pytest.raises(QualkitError):
        embed.Embedder(model="no-such-model")


def test_missing_model_package_is_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(tmp_path / "cache"))
    spec = embed.ModelSpec(
        "test-absent-model", ("qualkit-test-absent-part-001",), 768, "none", "pip install x"
    )
    monkeypatch.setitem(embed.MODELS, spec.name, spec)
    cb = tmp_path / "codebook.yaml"
    save_codebook(CODEBOOK, cb)
    passages = write_csv(tmp_path / "p.csv", ["id", "text"], [["a", "some words here"]])
    out = tmp_path / "out.csv"
    args = ["codes", "--codebook", str(cb), "--passages", str(passages), "--out", str(out)]
    result = CliRunner().invoke(group, [*args, "--model", spec.name])
    assert result.exit_code != 0
    msg = result.output.strip()
    assert len(msg.splitlines()) == 1 and "qualkit-test-absent-part-001" in msg
    assert not out.exists()


@pytest.mark.parametrize(
    ("codebook_yaml", "header", "rows", "expect"),
    [
        # A codebook with no codable codes.
        (
            "name: Empty\ncodes:\n  - id: a\n    name: A\n    codable: false\n",
            ["id", "text"],
            [["a", "words"]],
            "no codable codes",
        ),
        # Duplicate ids.
        (None, ["id", "text"], [["a", "one text"], ["a", "private two"]], "duplicate id"),
        # No text column.
        (None, ["id", "body"], [["a", "private words"]], "missing column 'text'"),
        # A header and no rows.
        (None, ["id", "text"], [], "no passages"),
    ],
)
def test_bad_input_is_one_line_error_and_nothing_written(
    tmp_path: Path, codebook_yaml: str | None, header: list[str], rows: list[list[str]], expect: str
) -> None:
    cb = tmp_path / "codebook.yaml"
    if codebook_yaml is None:
        save_codebook(CODEBOOK, cb)
    else:
        cb.write_text(codebook_yaml, encoding="utf-8")
    passages = write_csv(tmp_path / "p.csv", header, rows)
    out = tmp_path / "out.csv"
    args = ["codes", "--codebook", str(cb), "--passages", str(passages), "--out", str(out)]
    result = CliRunner().invoke(group, args)
    assert result.exit_code != 0
    msg = result.output.strip()
    assert len(msg.splitlines()) == 1 and expect in msg, msg
    assert "private" not in msg
    assert not out.exists()


def test_project_model_setting(project_path: str) -> None:
    from qualkit.storage import Store

    runner = CliRunner()
    shown = runner.invoke(group, ["model", project_path])
    assert shown.exit_code == 0 and "all-MiniLM-L6-v2" in shown.output
    bad = runner.invoke(group, ["model", project_path, "no-such-model"])
    assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1
    with Store.open(project_path) as store:
        assert embed.project_model(store) is None  # unchanged by the bad name
    ok = runner.invoke(group, ["model", project_path, "ALL-MINILM-L6-V2"])
    assert ok.exit_code == 0, ok.output
    with Store.open(project_path) as store:
        assert embed.project_model(store) == "all-MiniLM-L6-v2"
