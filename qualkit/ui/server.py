"""Starting the Streamlit app as a process: shared by ``qualkit app``, tests and benchmarks.

:func:`streamlit_command` is the one command line that serves the app; :func:`run_app` runs
it in the foreground for ``qualkit app`` (the project checked first, signals passed on),
:func:`serving` in the background for tests and benchmarks.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from qualkit.errors import NotAProject, NotFoundError, QualkitError

APP_SCRIPT = Path(__file__).resolve().parents[2] / "app_streamlit.py"
#: What ``streamlit run`` is given: an ``st.App`` that serves APP_SCRIPT plus qualkit's own
#: HTTP route (the server-set, HttpOnly sign-in cookie: :mod:`qualkit.ui.http`).
SERVER_SCRIPT = APP_SCRIPT.with_name("app_server.py")
#: Debian's Chromium (``QUALKIT_CHROMIUM`` names another binary) and the flags the browser
#: tests and benchmarks launch it with.
CHROMIUM = os.environ.get("QUALKIT_CHROMIUM", "").strip() or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here (one line saying how to fix it), or None."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Chromium not found at {CHROMIUM}: browser tests skipped; install it with "
        "`apt-get install chromium` (`make test` does this when run as root) or set "
        "QUALKIT_CHROMIUM to a Chromium binary"
    )


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app on ``address:port``, headless."""
    return [
        sys.executable,
        "-m",
        "qualkit.ui.server",  # `streamlit run`, stopping quietly on a signal (below)
        "run",
        str(SERVER_SCRIPT),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


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
    check_project(project)
    for folder in review_dirs:
        if not Path(folder).expanduser().is_dir():
            raise NotFoundError(f"{folder}: --review-dir is not a folder on this computer")
    if echo is not None:
        echo(f"Starting the app on http://127.0.0.1:{port} (Ctrl+C to stop)")
    return wait_forwarding_signals(
        lambda: subprocess.Popen(
            streamlit_command(port),
            env=app_env(project, review_dirs=review_dirs),
            process_group=0,
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
) -> Iterator[str]:
    """Run the app for ``project`` on a free localhost port; yields its URL.

    The app's output goes to ``log_path``. Raises :class:`AppDidNotStart` (with the end of
    the log) if it does not answer its health check within ``timeout`` seconds.
    """
    port = free_port()
    env = app_env(project, **(extra_env or {}))
    for name in drop_env:
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            streamlit_command(port),
            cwd=APP_SCRIPT.parent,
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
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
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
