"""`make test` on a machine without Chromium: the browser tests are skipped with a reason that
says how to get them, never errors (issue 13 item 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: A browser test outside the test_browser_* modules, which skip themselves: only the
#: shared fixtures stand between it and a launch of a missing Chromium.
PROBE = """
def test_uses_the_page_fixture(page):
    raise AssertionError("ran without Chromium")


import pytest


@pytest.mark.browser
def test_marked_browser():
    raise AssertionError("ran without Chromium")
"""


def run_pytest(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QUALKIT_CHROMIUM": str(tmp_path / "no-chromium-here"),
        "QUALKIT_TEST_DB": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def summary_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("Chromium not found at")]


@pytest.mark.slow
def test_without_chromium_browser_tests_are_skipped_not_errors(tmp_path: Path) -> None:
    modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_browser_*.py"))
    result = run_pytest(modules, tmp_path)
    out = result.stdout + result.stderr
    # 5: no test ran, because every module skipped itself (in a whole run the others pass).
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, out[-3000:]
    assert "error" not in out.lower() and "failed" not in out.lower(), out[-3000:]
    assert "passed" not in out and f"{len(modules)} skipped" in out, out[-3000:]
    # One line says what was skipped and how to get it.
    [line] = summary_lines(out)
    assert "no-chromium-here" in line and "apt-get install chromium" in line, line
    assert "QUALKIT_CHROMIUM" in line and line.endswith(f"({len(modules)} skipped)"), line


@pytest.mark.slow
def test_the_shared_browser_fixtures_skip_without_chromium(tmp_path: Path) -> None:
    """A browser test in a module that does not skip itself is skipped by the fixtures."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    result = run_pytest(["--rootdir", str(tmp_path), str(tmp_path)], tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "2 skipped" in out and "error" not in out.lower(), out[-3000:]
    [line] = summary_lines(out)
    assert line.endswith("(2 skipped)"), line
