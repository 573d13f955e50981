"""QualCoder's own REFI-QDA importer reads qualkit's ``.qdpx`` export: codings and memos arrive.

QualCoder's importer (``qualcoder/refi.py``) is vendored unchanged under
``tests/fixtures/refiqda/qualcoder/`` with its licence (LGPL-3.0), the two modules it imports
(``color_selector`` and its dialog) and QualCoder's database schema; see the README there
for the source and commit. It runs headless on real PyQt6 (``QT_QPA_PLATFORM=offscreen``).
What the harness provides in place of QualCoder's application: the project database
(QualCoder's schema in SQLite), the settings the importer reads, a log that collects what it
would show, the file chooser answering with the exported file, and ``helpers.Message`` (the
closing message box) as a no-op.

The demo project gets a coding memo, a transcript memo, a project memo and a project
description, is exported with ``qualkit export qdpx`` and imported by QualCoder; the test
then reads QualCoder's database.
"""

from __future__ import annotations

import builtins
import importlib
import os
import shutil
import sqlite3
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from qualkit.cli import cli
from qualkit.model import Memo
from qualkit.storage import Store

pytestmark = pytest.mark.slow  # the demo project is built once per session

QUALCODER = Path(__file__).parent / "fixtures" / "refiqda" / "qualcoder"
CODING_MEMO = "Said twice, in different words: check the second interview."
ANNOTATION_MEMO = "Read this turn beside the one before: she is answering that."
TRANSCRIPT_MEMO = "Recorded in a noisy café; some words guessed."
PROJECT_MEMO = "Team decision: code waiting times separately from waiting lists."
SECOND_PROJECT_MEMO = "Agreement meeting on Thursday."


class _Message:
    """Stands in for ``qualcoder.helpers.Message`` (a message box the user closes)."""

    shown: ClassVar[list[str]] = []

    def __init__(self, app: Any, title: str, text: str = "", icon: str = "") -> None:
        _Message.shown.append(f"{title}: {text}")

    def exec(self) -> int:
        return 0


class _Log:
    """Stands in for the text pane the importer writes its progress to."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, text: str) -> None:
        self.lines.append(text)


class _App:
    """What QualCoder's importer reads from its application object."""

    def __init__(self, folder: Path) -> None:
        self.project_path = str(folder / "project.qda")
        for sub in ("documents", "images", "audio", "video"):
            (folder / "project.qda" / sub).mkdir(parents=True)
        self.conn = sqlite3.connect(folder / "project.qda" / "data.qda")
        self.conn.executescript((QUALCODER / "schema.sql").read_text(encoding="utf-8"))
        self.conn.execute(
            "INSERT INTO project VALUES(?,?,?,?,?,?,?,?,null,null,null)",
            ("v17", "2026-01-01 00:00:00", "", "QualCoder", 0, 0, "default", ""),
        )
        self.conn.commit()
        self.settings = {"directory": str(folder), "codername": "default", "ai_enable": "False"}
        self.ai_models: list[Any] = []

    def write_config_ini(self, settings: dict[str, str], ai_models: list[Any]) -> None:
        """QualCoder saves its settings here; nothing to save in a test."""


@pytest.fixture(scope="module")
def qualcoder_refi() -> Iterator[types.ModuleType]:
    """QualCoder's ``refi`` module, imported from the vendored copy, with a QApplication."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    saved = {k: v for k, v in sys.modules.items() if k == "qualcoder" or k.startswith("qualcoder.")}
    had_underscore = hasattr(builtins, "_")
    package = types.ModuleType("qualcoder")
    package.__path__ = [str(QUALCODER / "qualcoder")]
    helpers = types.ModuleType("qualcoder.helpers")
    helpers.Message = _Message  # type: ignore[attr-defined]
    sys.modules["qualcoder"] = package
    sys.modules["qualcoder.helpers"] = helpers
    if not had_underscore:
        builtins._ = lambda text: text  # type: ignore[attr-defined]  # QualCoder's gettext
    try:
        yield importlib.import_module("qualcoder.refi")
    finally:
        for k in [k for k in sys.modules if k == "qualcoder" or k.startswith("qualcoder.")]:
            del sys.modules[k]
        sys.modules.update(saved)
        if not had_underscore:
            builtins.__dict__.pop("_", None)
        del app


def qualcoder_import(
    refi: types.ModuleType, qdpx: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[sqlite3.Connection, list[str]]:
    """Run QualCoder's project import of ``qdpx``; returns its database and its log."""
    monkeypatch.setattr(
        refi.QtWidgets.QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: (str(qdpx), "(*.qdpx *.QDPX)")),
    )
    # QualCoder's gettext function, set again here: the interactive display hook (a
    # doctest run earlier in the session) may have left ``_`` as the last value shown.
    monkeypatch.setattr(builtins, "_", lambda text: text, raising=False)
    app, log = _App(folder), _Log()
    refi.RefiImport(app, log, "qdpx")
    return app.conn, log.lines


@pytest.fixture
def demo_with_memos(demo: Any, tmp_path: Path) -> Iterator[tuple[Store, int]]:
    """A copy of the demo project with memos of every kind; yields it and the memo's coding."""
    path = tmp_path / "demo.db"
    shutil.copy(demo.project, path)
    store = Store.open(path)
    try:
        codings = store.codings()
        target = codings[len(codings) // 2]
        assert target.id is not None
        store.update_coding(target.id, "tester", memo=CODING_MEMO)
        store.add_memo(Memo(target.coder, TRANSCRIPT_MEMO, transcript=target.transcript))
        store.add_memo(
            Memo(target.coder, ANNOTATION_MEMO, transcript=target.transcript, coding_id=target.id)
        )
        store.add_memo(Memo(target.coder, PROJECT_MEMO))
        store.add_memo(Memo(target.coder, SECOND_PROJECT_MEMO))
        store.update_project(
            "tester",
            name=store.project().name,
            description="Peer research on access to housing support.",
        )
        yield store, target.id
    finally:
        store.close()


def test_qualcoder_imports_codings_and_memos_from_a_qualkit_export(
    qualcoder_refi: types.ModuleType,
    demo_with_memos: tuple[Store, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, coding_id = demo_with_memos
    out = tmp_path / "demo.qdpx"
    r = CliRunner().invoke(cli, ["export", "qdpx", store.url, "--out", str(out)])
    assert r.exit_code == 0, r.output
    conn, log = qualcoder_import(qualcoder_refi, out, tmp_path / "qc", monkeypatch)

    # Every coding on the same text, code and coder.
    names = {c.cid: c.name for c in store.codebook(include_inactive=True).codes}
    want = sorted((c.quote, names[c.code], c.coder) for c in store.codings())
    got = sorted(
        conn.execute(
            "SELECT ct.seltext, cn.name, ct.owner FROM code_text ct "
            "JOIN code_name cn ON cn.cid = ct.cid"
        ).fetchall()
    )
    assert len(got) == len(want) > 100
    assert got == want

    # The coding memo is on that coding.
    target = next(c for c in store.codings() if c.id == coding_id)
    rows = conn.execute(
        "SELECT ct.seltext, ct.owner, s.name FROM code_text ct JOIN source s ON s.id = ct.fid "
        "WHERE ct.memo = ?",
        (CODING_MEMO,),
    ).fetchall()
    assert rows == [(target.quote, target.coder, target.transcript)]

    # A memo on a coding is an annotation on that coding's text.
    notes = conn.execute(
        "SELECT a.pos0, a.pos1, a.memo, a.owner, s.name FROM annotation a "
        "JOIN source s ON s.id = a.fid"
    ).fetchall()
    assert notes == [(target.start, target.end, ANNOTATION_MEMO, target.coder, target.transcript)]

    # The transcript memo is the document's memo.
    memo = conn.execute("SELECT memo FROM source WHERE name = ?", (target.transcript,)).fetchone()
    assert memo == (TRANSCRIPT_MEMO,)
    others = conn.execute("SELECT memo FROM source WHERE name != ?", (target.transcript,))
    assert all(not m for (m,) in others)

    # Project memos are journals, each under its own name; the description is the project memo.
    journals = sorted(conn.execute("SELECT jentry, owner FROM journal").fetchall())
    assert journals == sorted([(PROJECT_MEMO, target.coder), (SECOND_PROJECT_MEMO, target.coder)])
    assert conn.execute("SELECT memo FROM project").fetchone() == (
        "Peer research on access to housing support.",
    )
    assert not any("Duplicated" in line or "Cannot" in line for line in log)
