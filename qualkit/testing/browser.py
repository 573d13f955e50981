"""The Chromium that browser tests and benchmarks launch, and its flags."""

from __future__ import annotations

import os
from pathlib import Path

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
