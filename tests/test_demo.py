"""The demo pipeline end to end: de-identify, release, gated import, codings.

These tests read every artefact the shared side of a demo run holds (the project database,
released files and manifest, event log) and look for the raw identifiers listed in the
sample corpus's gold files.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qualkit.importers import load_transcript
from qualkit.storage import Store
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def gold_identifiers(
    kinds: tuple[str, ...] = ("direct",), types: tuple[str, ...] | None = None
) -> set[str]:
    out = set()
    for g in sorted((SAMPLE / "gold").glob("*.json")):
        for span in json.loads(g.read_text(encoding="utf-8"))["spans"]:
            if span["identifier"] in kinds and (types is None or span["type"] in types):
                out.add(span["text"])
    return out


def leaked(haystack: str, needles: set[str]) -> set[str]:
    found = set()
    for n in needles:
        if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", haystack):
            found.add(n)
    return found


def shared_side_text(demo: Any) -> str:
    """Everything a coder or report writer could ever see from this demo run."""
    parts: list[str] = []
    con = sqlite3.connect(demo.project)
    for (table,) in con.execute("select name from sqlite_master where type='table'"):
        for row in con.execute(f'select * from "{table}"'):
            parts.extend(str(v) for v in row)
    con.close()
    for f in sorted(demo.release_dir.iterdir()):
        parts.append(f.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_demo_builds_every_sample_transcript_with_its_turns(demo: Any) -> None:
    raw = {p.stem: p for p in (SAMPLE / "transcripts").iterdir()}
    with Store.open(demo.project) as store:
        stored = {t.tid: t for t in store.transcripts(with_text=True)}
        assert set(stored) == set(raw)
        for tid, path in raw.items():
            original, _ = load_transcript(path)
            t = stored[tid]
            assert len(t.turns) == len(original.turns), tid
            assert {u.kind for u in t.turns} == {u.kind for u in original.turns}, tid
            assert len({u.speaker for u in t.turns}) == len({u.speaker for u in original.turns})
            assert t.participant is not None
        assert len(store.users()) == len(demo.users)
        assert len(store.codings()) == demo.codings > 0
        [event] = store.events(action="transcripts.import")
        assert event.payload["gate"] == "manifest"


def test_no_direct_identifier_reaches_the_shared_side(demo: Any) -> None:
    assert leaked(shared_side_text(demo), gold_identifiers()) == set()


def test_raw_text_stays_on_the_researcher_side(demo: Any) -> None:
    """The review files hold raw text (they are the researcher's); the key is encrypted."""
    key = (demo.researcher_dir / "reidentification.key").read_bytes()
    some = sorted(gold_identifiers())[:50]
    assert not any(n.encode("utf-8") in key for n in some)
    manifest = json.loads((demo.release_dir / "manifest.json").read_text(encoding="utf-8"))
    names_and_places = gold_identifiers(("quasi",), ("LOCATION", "ORGANIZATION"))
    assert leaked(json.dumps(manifest), gold_identifiers() | names_and_places) == set()


def test_import_refuses_a_released_file_changed_after_release(demo: Any, tmp_path: Path) -> None:
    from qualkit.errors import InputError
    from qualkit.project import ManifestGate, import_transcripts, init_project

    f = sorted(demo.release_dir.glob("*.txt"))[0]
    changed = tmp_path / f.name
    changed.write_text(f.read_text(encoding="utf-8") + "\nextra", encoding="utf-8")
    store = init_project(tmp_path / "p.db", "p", "t")
    try:
        gate = ManifestGate(demo.release_dir / "manifest.json")
        with pytest.raises(InputError, match="not released"):
            import_transcripts(store, [changed], "t", gate)
        assert store.transcripts() == []
    finally:
        store.close()


def test_demo_command_builds_and_serves_the_app(tmp_path: Path) -> None:
    """`qualkit demo` (what `make demo` runs) builds the project and the app answers."""
    import subprocess
    import sys
    import time
    import urllib.request

    from qualkit.ui.server import free_port

    port = free_port()
    log = (tmp_path / "demo.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qualkit",
            "demo",
            "--dir",
            str(tmp_path / "demo"),
            "--port",
            str(port),
            "--no-themes",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "demo.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo app did not answer in time"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    output = (tmp_path / "demo.log").read_text()
    assert "coder_a" in output and "coder-a-demo-pass" in output
    with Store.open(tmp_path / "demo" / "project.db") as store:
        assert len(store.transcripts()) == len(list((SAMPLE / "transcripts").iterdir()))
