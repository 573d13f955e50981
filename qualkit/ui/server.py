"""Starting the Streamlit app as a process: shared by ``qualkit app``, tests and benchmarks."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).resolve().parents[2] / "app_streamlit.py"


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app on ``address:port``, headless."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def app_env(project: str | Path, **extra: str) -> dict[str, str]:
    """The environment for an app process serving ``project``."""
    return {**os.environ, "QUALKIT_PROJECT": str(project), **extra}


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
