"""Hosting: the app ships inside the package, and ``qualkit serve`` runs it for a team.

Fast tests check the command line, the address rule, the health route and the cookie
behind a proxy; slow ones build a wheel, install it into a fresh environment outside the
checkout and sign in with Chromium, and stop a real ``qualkit serve`` with signals.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.testclient import TestClient

from qualkit import __version__
from qualkit.cli import cli
from qualkit.ui import remember
from qualkit.ui.http import HEALTH_ROUTE, routes
from qualkit.ui.server import (
    APP_SCRIPT,
    SERVER_SCRIPT,
    STREAMLIT_CONFIG,
    ServeOptions,
    check_address,
    free_port,
    serving,
    streamlit_command,
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def error_line(result: Any) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1, result.output
    return str(lines[0])


# -- the app inside the package ---------------------------------------------------------


def test_the_app_scripts_live_in_the_package() -> None:
    import qualkit

    package = Path(qualkit.__file__).parent
    for script in (APP_SCRIPT, SERVER_SCRIPT, STREAMLIT_CONFIG):
        assert script.is_file() and package in script.parents
    command = streamlit_command(8501)
    assert str(SERVER_SCRIPT) in command
    assert not any("app_streamlit" in part for part in command)
    # The look and the no-traceback rule travel on the command line, from any folder.
    assert command[command.index("--client.showErrorDetails") + 1] == "none"
    assert command[command.index("--theme.baseFontSize") + 1] == "18"


def test_the_checkout_config_is_the_packaged_one() -> None:
    """``streamlit run app_streamlit.py`` in a checkout reads .streamlit/config.toml; it
    must say what the package's copy says."""
    checkout = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert checkout == tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))


def test_the_top_level_scripts_are_shims() -> None:
    shim = (ROOT / "app_streamlit.py").read_text(encoding="utf-8")
    code = [line for line in shim.splitlines() if line and not line.startswith('"""')]
    assert code == ["from qualkit.ui.entry import run", "run()"]
    server = (ROOT / "app_server.py").read_text(encoding="utf-8")
    assert "st.App(APP_SCRIPT, routes=routes())" in server


def test_without_a_project_the_page_says_how_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("QUALKIT_PROJECT", raising=False)
    at = AppTest.from_file(str(APP_SCRIPT)).run()
    text = " ".join(m.value for m in at.markdown)
    assert "qualkit app PROJECT" in text and "qualkit serve --project PROJECT" in text
    assert not at.exception
    assert [t.value for t in at.title] == ["qualkit: no project given"]


# -- qualkit serve: address, options -------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_an_open_address_without_a_proxy(
    host: str, project_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_streamlit(*_a: object, **_k: object) -> None:
        raise AssertionError("streamlit was started")

    monkeypatch.setattr(subprocess, "Popen", no_streamlit)
    result = CliRunner().invoke(cli, ["serve", "--project", project_path, "--host", host])
    line = error_line(result)
    assert line.startswith(f"Error: --host {host} would serve plain HTTP beyond this machine")
    assert "--behind-proxy" in line


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_need_no_proxy(host: str) -> None:
    check_address(host, behind_proxy=False)


def test_serve_takes_the_project_from_the_environment_and_checks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_streamlit(*_a: object, **_k: object) -> None:
        raise AssertionError("streamlit was started")

    monkeypatch.setattr(subprocess, "Popen", no_streamlit)
    missing = tmp_path / "nope.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["serve"], env={"QUALKIT_PROJECT": str(missing)})
    assert error_line(result) == f"Error: {missing}: no such project database"
    result = runner.invoke(cli, ["serve"], env={"QUALKIT_PROJECT": ""})
    assert "Missing option '--project'" in result.output and result.exit_code == 2
    unreachable = "postgresql://qualkit@127.0.0.1:1/qualkit"
    result = runner.invoke(cli, ["serve", "--project", unreachable])
    assert error_line(result) == (
        "Error: postgresql+psycopg://qualkit@127.0.0.1:1/qualkit: cannot connect to the database"
    )
    result = runner.invoke(cli, ["serve", "--project", str(missing), "--port", "70000"])
    assert error_line(result) == "Error: --port 70000 is not a TCP port (1 to 65535)"


def test_serve_sets_the_options_for_a_reverse_proxy() -> None:
    options = ServeOptions("10.0.0.5", 9000, behind_proxy=True, max_upload_mb=20)
    command = streamlit_command(1, options=options)

    def value(flag: str) -> str:
        return command[command.index(flag) + 1]

    assert value("--server.address") == "10.0.0.5" and value("--server.port") == "9000"
    assert value("--server.baseUrlPath") == ""
    assert value("--server.enableXsrfProtection") == "true"
    assert value("--server.enableCORS") == "true"
    assert value("--server.maxUploadSize") == "20"
    assert value("--browser.gatherUsageStats") == "false"
    check_address("10.0.0.5", behind_proxy=True)


# -- the app's own routes: health, and the cookie behind a proxy ---------------------------


def _client() -> TestClient:
    return TestClient(Starlette(routes=routes()))


def test_health_says_whether_the_project_answers(
    project_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALKIT_PROJECT", project_path)
    answer = _client().get(HEALTH_ROUTE)
    assert (answer.status_code, answer.text) == (200, "ok")
    assert answer.headers["cache-control"] == "no-store"
    monkeypatch.setenv("QUALKIT_PROJECT", str(tmp_path / "gone.db"))
    answer = _client().get(HEALTH_ROUTE)
    assert (answer.status_code, answer.text) == (503, "unavailable")


@pytest.mark.parametrize(
    ("headers", "secure"),
    [
        ({}, False),
        ({"x-forwarded-proto": "https"}, True),
        ({"x-forwarded-proto": "http"}, False),
        ({"origin": "https://qualkit.example.org"}, True),
    ],
)
def test_the_cookie_is_secure_when_a_proxy_says_https(
    headers: dict[str, str], secure: bool
) -> None:
    ticket = remember.TICKETS.issue("A" * 43)
    answer = _client().post(remember.COOKIE_ROUTE, content=ticket, headers=headers)
    assert answer.status_code == 204
    assert ("; Secure" in answer.headers["set-cookie"]) is secure


# -- slow: a real `qualkit serve`, and an installed wheel ----------------------------------


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}{HEALTH_ROUTE}", timeout=2) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the app did not answer: " + log.read_text()
        time.sleep(0.3)


@pytest.mark.slow
def test_serve_answers_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    from qualkit.testing.sample_project import build_sample_project

    project = tmp_path / "study.db"
    build_sample_project(project, tmp_path / "src", password=PASSWORD)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qualkit", "serve", "--port", str(port)],
            cwd=tmp_path,
            env={**os.environ, "QUALKIT_PROJECT": str(project)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", proc, log)
            # A database that stops answering: one line in the log, without the query.
            with sqlite3.connect(project) as db:
                db.execute("ALTER TABLE project RENAME TO project_away")
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_ROUTE}?invite=TOKEN42")
            assert answer.value.code == 503
            with sqlite3.connect(project) as db:
                db.execute("ALTER TABLE project_away RENAME TO project")
            _wait_healthy(f"http://127.0.0.1:{port}", proc, log)
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert status == 0, log.read_text()
    text = log.read_text()
    assert f"Serving the app on http://127.0.0.1:{port}" in text
    errors = [line for line in text.splitlines() if "request error" in line]
    assert len(errors) == 1 and errors[0].endswith(f"GET {HEALTH_ROUTE} answered 503"), text
    assert "TOKEN42" not in text and "Traceback" not in text


def build_wheel(out: Path) -> Path:
    """The project's wheel, built offline from a copy of its sources (the PEP 517 hook that
    ``python -m build`` calls), so the checkout is not written to."""
    src = out / "src"
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "qualkit", src / "qualkit", ignore=shutil.ignore_patterns("__pycache__"))
    dist = out / "dist"
    code = f"from setuptools import build_meta; print(build_meta.build_wheel({str(dist)!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=src, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dist / done.stdout.strip().splitlines()[-1]


def fresh_environment(where: Path, wheel: Path) -> Path:
    """A new virtual environment with ``wheel`` installed by deploy/install.sh (the script
    the README and the Dockerfile use) and no checkout on its path; its dependencies come
    from this environment's site-packages, so nothing is downloaded."""
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "QUALKIT_VENV_ARGS": "--without-pip",
        "QUALKIT_PIP_ARGS": "--no-deps --no-index",
        # A plain path line: the checkout's editable-install hook in there is not run.
        "QUALKIT_EXTRA_SITE": sysconfig.get_paths()["purelib"],
    }
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "install.sh"), str(where), str(wheel)],
        cwd=where.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith(__version__), done.stdout  # `qualkit --version`
    return where


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(work)
    yield fresh_environment(work / "venv", wheel)


@pytest.mark.slow
def test_the_wheel_holds_everything_the_app_needs(installed: Path) -> None:
    [wheel] = (installed.parent / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "qualkit/ui/entry/app.py",
        "qualkit/ui/entry/app_server.py",
        "qualkit/ui/entry/streamlit_config.toml",
        "qualkit/ui/static/transcript.js",
        "qualkit/storage/migrations/script.py.mako",
    ):
        assert needed in names
    assert not any(
        n.startswith(("app_streamlit", "app_server", "tests/", "qualkit/testing/")) for n in names
    )


@pytest.mark.slow
@pytest.mark.browser
def test_installed_qualkit_app_serves_and_signs_in(
    installed: Path, tmp_path: Path, page: Any
) -> None:
    from qualkit.testing.sample_project import build_sample_project
    from tests.test_browser_app import App, has_session_cookie, sign_in

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import qualkit.ui.server as s; print(s.__file__)",
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed) and not Path(where).is_relative_to(ROOT)

    project = tmp_path / "study.db"
    build_sample_project(project, tmp_path / "src", password=PASSWORD)
    port = free_port()
    command = [str(installed / "bin" / "qualkit"), "app", str(project), "--port", str(port)]
    with serving(
        project,
        tmp_path / "app.log",
        command=command,
        options=ServeOptions(port=port),
        cwd=outside,
        timeout=90,
    ) as url:
        sign_in(page, App(url, str(project)), "casey", "my-transcripts")
        page.get_by_role("heading", name="My transcripts").wait_for()
        assert has_session_cookie(page, wait_for=True)
        cookie = next(c for c in page.context.cookies() if c["name"] == "qualkit_session")
        assert cookie["httpOnly"]  # the packaged st.App serves the cookie route
    log = (tmp_path / "app.log").read_text()
    assert str(ROOT) not in log
