"""Starting the Streamlit app as a process: shared by ``qualkit app``, ``qualkit serve``,
tests and benchmarks.

:func:`streamlit_command` is the one command line that serves the app; :func:`run_app` runs
it in the foreground for ``qualkit app`` (the project checked first, signals passed on),
:func:`serve` for ``qualkit serve`` on a team server (an address checked first, options for
a reverse proxy), :func:`serving` in the background for tests and benchmarks. Everything the
command needs ships inside the package, so an installed qualkit serves the app from any
folder.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from qualkit.errors import NotAProject, NotFoundError, QualkitError

ENTRY_DIR = Path(__file__).resolve().parent / "entry"
#: The app's Streamlit script, inside the package (:mod:`qualkit.ui.entry`).
APP_SCRIPT = ENTRY_DIR / "app.py"
#: What ``streamlit run`` is given: an ``st.App`` that serves APP_SCRIPT plus qualkit's own
#: HTTP route (the server-set, HttpOnly sign-in cookie: :mod:`qualkit.ui.http`).
SERVER_SCRIPT = ENTRY_DIR / "app_server.py"
#: The app's Streamlit settings (look, no tracebacks, no usage statistics), passed on the
#: command line so that they apply whatever folder the app is started from.
STREAMLIT_CONFIG = ENTRY_DIR / "streamlit_config.toml"
#: Health URL of a running app (Streamlit's own; 200 and ``ok`` once it serves pages).
#: ``/_qualkit/health`` (:mod:`qualkit.ui.http`) also checks that the project database answers.
HEALTH_PATH = "/_stcore/health"
#: Largest file a page may upload (MB), unless ``qualkit serve --max-upload-mb`` says.
MAX_UPLOAD_MB = 50


@dataclass(frozen=True)
class ServeOptions:
    """Where and how the app listens.

    ``behind_proxy`` is the statement that a reverse proxy (ending HTTPS) is the only way in;
    without it the app binds to loopback addresses only (:func:`check_address`).
    """

    host: str = "127.0.0.1"
    port: int = 8501
    behind_proxy: bool = False
    max_upload_mb: int = MAX_UPLOAD_MB


def config_flags(path: Path = STREAMLIT_CONFIG) -> list[str]:
    """Streamlit command-line flags for every setting in ``path`` (a config.toml)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flags: list[str] = []
    for section, values in data.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return flags


def streamlit_command(
    port: int, address: str = "127.0.0.1", *, options: ServeOptions | None = None
) -> list[str]:
    """The command line that serves the app on ``address:port``, headless.

    With ``options`` (``qualkit serve``), its host and port win, and the settings for a
    reverse proxy are added: the app at the root of its host name (no base URL path),
    Streamlit's CORS and XSRF protection kept on (the proxy serves one origin), and the
    upload limit.
    """
    if options is not None:
        port, address = options.port, options.host
    command = [
        sys.executable,
        "-m",
        "qualkit.ui.server",  # `streamlit run`, stopping quietly on a signal (below)
        "run",
        str(SERVER_SCRIPT),
        *config_flags(),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    if options is not None:
        command += [
            "--server.baseUrlPath",
            "",
            "--server.enableCORS",
            "true",
            "--server.enableXsrfProtection",
            "true",
            "--server.maxUploadSize",
            str(options.max_upload_mb),
        ]
    return command


class UnsafeAddress(QualkitError):
    """``qualkit serve`` was asked to listen beyond this machine without a proxy in front."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_address(host: str, behind_proxy: bool) -> None:
    """Refuse a non-loopback ``host`` unless a reverse proxy with HTTPS is in front."""
    if not host.strip():
        raise UnsafeAddress("--host is empty: give an address such as 127.0.0.1")
    if not behind_proxy and not is_loopback(host):
        raise UnsafeAddress(
            f"--host {host} would serve plain HTTP beyond this machine: put a reverse proxy "
            "with HTTPS in front (see deploy/README.md) and add --behind-proxy"
        )


def app_env(
    project: str | Path, *, review_dirs: Sequence[str | Path] = (), **extra: str
) -> dict[str, str]:
    """The environment for an app process serving ``project``.

    ``review_dirs`` are the only folders the "Review de-identification" page may open; an
    allowance in this process's own environment is not passed on.
    """
    from qualkit.ui.deid_review import REVIEW_DIRS_ENV, review_dirs_env

    env = {**os.environ, "QUALKIT_PROJECT": str(project), **extra}
    env.pop(REVIEW_DIRS_ENV, None)
    return {**env, **review_dirs_env(review_dirs)}


def check_project(project: str | Path) -> None:
    """Raise a one-line :class:`QualkitError` unless ``project`` opens as a qualkit project.

    Run before the app starts, so that a wrong PROJECT fails on the command line rather
    than in the browser.
    """
    from qualkit.storage import Store

    with Store.open(project, create=False) as store:
        try:
            store.project()
        except NotFoundError:
            raise NotAProject(str(project), "holds no project: run `qualkit init` first") from None


#: Signals that ``qualkit app`` passes on to the app process instead of dying of them.
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def run_app(
    project: str | Path,
    port: int,
    echo: Callable[[str], None] | None = None,
    *,
    review_dirs: Sequence[str | Path] = (),
) -> int:
    """Check ``project``, then serve the app on ``127.0.0.1:port`` until it stops.

    ``review_dirs`` are the folders the "Review de-identification" page may open (none by
    default); each must be an existing folder.

    SIGTERM, SIGINT and SIGHUP are passed on to the Streamlit process (which runs in its own
    process group, so a Ctrl+C reaches it once, through here); returns its exit status, 128
    plus the signal number when a signal ended it, as a shell reports it. ``echo`` is told
    where the app is once the project has been checked.
    """
    _check_start(project, review_dirs)
    if echo is not None:
        echo(f"Starting the app on http://127.0.0.1:{port} (Ctrl+C to stop)")
    return _run(streamlit_command(port), project, review_dirs)


def serve(
    project: str | Path,
    options: ServeOptions,
    echo: Callable[[str], None] | None = None,
    *,
    review_dirs: Sequence[str | Path] = (),
) -> int:
    """``qualkit serve``: check the address and ``project``, then serve the app for a team.

    A non-loopback ``options.host`` is refused unless ``options.behind_proxy`` (plain HTTP
    must not reach the internet). Signals are passed on as in :func:`run_app`; returns the
    app's exit status. ``echo`` is told the address and the health URL.
    """
    check_address(options.host, options.behind_proxy)
    if not 0 < options.port < 65536:
        raise QualkitError(f"--port {options.port} is not a TCP port (1 to 65535)")
    if options.max_upload_mb < 1:
        raise QualkitError("--max-upload-mb must be at least 1")
    _check_start(project, review_dirs)
    if echo is not None:
        where = f"http://{options.host}:{options.port}"
        echo(f"Serving the app on {where} (health: {where}{HEALTH_PATH}; Ctrl+C to stop)")
    return _run(streamlit_command(options.port, options=options), project, review_dirs)


def _check_start(project: str | Path, review_dirs: Sequence[str | Path]) -> None:
    check_project(project)
    for folder in review_dirs:
        if not Path(folder).expanduser().is_dir():
            raise NotFoundError(f"{folder}: --review-dir is not a folder on this computer")


def _run(command: list[str], project: str | Path, review_dirs: Sequence[str | Path]) -> int:
    return wait_forwarding_signals(
        lambda: subprocess.Popen(
            command, env=app_env(project, review_dirs=review_dirs), process_group=0
        )
    )


def wait_forwarding_signals(start: Callable[[], subprocess.Popen[bytes]]) -> int:
    """Start a child with ``start()``, pass on :data:`FORWARDED_SIGNALS` until it exits, and
    return its exit status (128 + N when signal N ended it)."""
    children: list[subprocess.Popen[bytes]] = []
    pending: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        if children:
            children[0].send_signal(signum)
        else:
            pending.append(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        children.append(start())
        for signum in pending:
            children[0].send_signal(signum)
        status = children[0].wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 - status if status < 0 else status


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class AppDidNotStart(QualkitError):
    """The app process exited or did not answer in time."""


@contextmanager
def serving(
    project: str | Path,
    log_path: Path,
    *,
    extra_env: dict[str, str] | None = None,
    drop_env: tuple[str, ...] = (),
    timeout: float = 60.0,
    command: Sequence[str] | None = None,
    options: ServeOptions | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run the app for ``project`` on a free localhost port; yields its URL.

    ``options`` serve it as ``qualkit serve`` does (its host and port are used);
    ``command`` runs another command line that serves it there (such as an installed
    ``qualkit app``), ``cwd`` is the folder it starts in. The app's output goes to
    ``log_path``. Raises :class:`AppDidNotStart` (with the end of the log) if it does not
    answer its health check within ``timeout`` seconds.
    """
    port = options.port if options is not None else free_port()
    env = app_env(project, **(extra_env or {}))
    for name in drop_env:
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            list(command) if command is not None else streamlit_command(port, options=options),
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AppDidNotStart("the app did not start: " + log_path.read_text()[-2000:])
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _stopped(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _serve() -> None:
    """``streamlit run ...`` (the arguments of this process), ending with status 0 when
    SIGTERM or SIGINT stopped it.

    The st.App server (uvicorn) shuts down gracefully on those signals and then raises the
    signal again with the handler that was in place before it started; this one turns that
    into a clean exit instead of death by SIGTERM or a KeyboardInterrupt ("Aborted!").
    """
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stopped)
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    main()


if __name__ == "__main__":
    _serve()
